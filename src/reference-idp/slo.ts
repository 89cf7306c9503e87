/**
 * Single Logout at /t/{tenant}/slo over HTTP-Redirect only (saml2int SDP-IDP21–31; [CORE] §3.7; [PROF] §4.4):
 * a LogoutRequest from a session participant is authenticated (Redirect signature by a registered key),
 * the session it names is ended, the other participants are sent signed LogoutRequests through the user
 * agent, and the originator gets a signed LogoutResponse whose status says whether the session ended.
 *
 * Long file: one protocol flow (request, propagation, participant answers, response) and the named faults
 * that each break one sentence of it; splitting it would split the flow's state across files.
 */
import * as crypto from 'node:crypto';
import type * as http from 'node:http';
import * as zlib from 'node:zlib';
import type { Param } from './codec';
import { boundedInflate, parseUrlEncoded, singleParam, strictBase64, strictUtf8 } from './codec';
import { ALG, DEFLATE_ENCODING, LIMITS, NS, STATUS } from './constants';
import type { SecondStatus, TopStatus } from './constants';
import { Reject } from './errors';
import { encryptedData } from './encryption';
import { autoPostPage } from './html';
import { readCookie, redirect, sendHtml } from './http-util';
import { loadSigningKey, type SigningKey } from './keys';
import type { RedirectSignatureParams } from './request-signature';
import { verifyRedirectSignature } from './request-signature';
import type { SubjectInfo } from './response';
import { newId } from './response';
import type { IdpContext, LogoutState, Participant, Session, Tenant } from './store';
import { formatInstant } from './time';
import type { Element } from './xml';
import {
  attr,
  childrenNamed,
  descendantsNamed,
  escapeXml,
  isNamed,
  isNcName,
  parseStrictXml,
  simpleText,
  XmlRejected,
} from './xml';

const SESSION_COOKIE = 'rid_session';
/** [CORE] §3.7.3.2: a LogoutRequest the IdP sends expires (NotOnOrAfter) after this long. */
const LOGOUT_REQUEST_LIFETIME_MS = 5 * 60 * 1000;

/** Remembers that `spEntityId` got an assertion in `session` (the participants a logout propagates to). */
export function addParticipant(session: Session, spEntityId: string, subject: SubjectInfo): void {
  const list = (session.participants ??= []);
  list.push({ spEntityId, nameId: { ...subject.nameId }, sessionIndex: subject.sessionIndex });
  if (list.length > 64) list.shift();
}

interface Status {
  top: 'Success' | TopStatus;
  second?: SecondStatus;
  message?: string;
}

interface Decoded {
  root: Element;
  sig: RedirectSignatureParams;
  relayState?: string;
  embeddedSignature: boolean;
}

/** GET /t/{tenant}/slo: a LogoutRequest from an SP, or a participant's LogoutResponse to a propagation. */
export async function singleLogout(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  tenant: Tenant,
  query: string,
  ctx: IdpContext,
): Promise<void> {
  // saml2int SDP-IDP25/29: the HTTP-Redirect binding is the one this endpoint supports.
  if (req.method !== 'GET') throw new Reject(400, 'Single Logout is served over HTTP-Redirect only');
  const params = parseUrlEncoded(query);
  if (singleParam(params, 'SAMLResponse')) {
    if (ctx.faults.has('slo-rejects-redirect-response'))
      throw new Reject(400, 'LogoutResponses over HTTP-Redirect are not supported');
    return participantResponse(res, tenant, params, ctx);
  }
  if (ctx.faults.has('slo-rejects-redirect'))
    throw new Reject(400, 'LogoutRequests over HTTP-Redirect are not supported');
  return logoutRequest(req, res, tenant, params, ctx);
}

function decode(params: Param[], name: 'SAMLRequest' | 'SAMLResponse'): Decoded {
  const p = singleParam(params, name);
  if (!p || p.value === '') throw new Reject(400, `no ${name}`);
  const encoding = singleParam(params, 'SAMLEncoding');
  if (encoding && encoding.value !== DEFLATE_ENCODING) throw new Reject(400, 'unsupported SAMLEncoding');
  const relay = singleParam(params, 'RelayState');
  if (relay && Buffer.byteLength(relay.value, 'utf8') > LIMITS.relayStateBytes)
    throw new Reject(400, 'RelayState is longer than 80 bytes');
  const xml = strictUtf8(boundedInflate(strictBase64(p.value, name)), name);
  let doc;
  try {
    doc = parseStrictXml(xml);
  } catch (e) {
    throw new Reject(400, e instanceof XmlRejected ? e.message : `unparseable ${name}`);
  }
  return {
    root: doc.documentElement as Element,
    relayState: relay?.value,
    embeddedSignature: descendantsNamed(doc, NS.ds, 'Signature').length > 0,
    sig: {
      samlRequest: p,
      relayState: relay,
      sigAlg: singleParam(params, 'SigAlg'),
      signature: singleParam(params, 'Signature'),
      order: params.map((x) => x.name),
      messageName: name,
    },
  };
}

function issuerOf(root: Element): string {
  const issuers = childrenNamed(root, NS.saml, 'Issuer');
  const value = issuers.length === 1 ? simpleText(issuers[0] as Element) : undefined;
  if (!value) throw new Reject(400, 'the message must have exactly one non-empty saml:Issuer');
  return value;
}

async function logoutRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  tenant: Tenant,
  params: Param[],
  ctx: IdpContext,
): Promise<void> {
  const { faults } = ctx;
  const now = ctx.now();
  const m = decode(params, 'SAMLRequest');
  if (!isNamed(m.root, NS.samlp, 'LogoutRequest'))
    throw new Reject(400, 'the message is not a samlp:LogoutRequest');
  const issuer = issuerOf(m.root);
  const sp = tenant.sps.get(issuer);
  if (!sp) throw new Reject(400, 'unknown Issuer');
  if (!sp.slo) throw new Reject(400, 'this SP lists no HTTP-Redirect SingleLogoutService in its metadata');
  const id = attr(m.root, 'ID');
  if (!id || id.length > 256 || !isNcName(id))
    throw new Reject(400, 'the LogoutRequest ID is missing or not an xs:ID');
  // [BIND] §3.4.4.1: a Redirect message carries no embedded signature.
  if (m.embeddedSignature) throw new Reject(400, 'HTTP-Redirect messages must not embed ds:Signature');
  // saml2int SDP-IDP26, [CORE] §3.7.3.2: the sender is authenticated by its Redirect signature.
  const signed = !!(m.sig.sigAlg || m.sig.signature);
  try {
    if (!signed) {
      if (!faults.has('slo-accepts-unsigned-request'))
        throw new Reject(403, 'the LogoutRequest must be signed');
    } else if (!faults.has('slo-skips-signature-check')) {
      verifyRedirectSignature(m.sig, sp.certs, faults);
    }
  } catch (e) {
    if (!(e instanceof Reject) || !faults.mode('slo-refuse-with-error-response')) throw e;
    // Mode: the refusal as an error LogoutResponse to the registered SingleLogoutService.
    const registered = {
      spEntityId: issuer,
      sloUrl: sp.slo.responseUrl,
      requestId: id,
      relayState: m.relayState,
    };
    const denied: Status = { top: 'Requester', second: 'RequestDenied', message: e.message };
    return answer(res, tenant, registered, denied, ctx.now(), ctx);
  }
  // [CORE] §3.2.1, [BIND] §3.4.5.2: Destination is this endpoint, and present on a signed message.
  const destination = attr(m.root, 'Destination');
  if (destination === undefined ? signed : destination !== tenant.urls.sloUrl)
    throw new Reject(400, 'the Destination is missing or is not this SingleLogoutService');

  const origin = { spEntityId: issuer, sloUrl: sp.slo.responseUrl, requestId: id, relayState: m.relayState };
  if (attr(m.root, 'Version') !== '2.0')
    return answer(res, tenant, origin, { top: 'VersionMismatch', message: 'only SAML 2.0' }, now, ctx);

  const cookieSession = tenant.liveSession(readCookie(req, SESSION_COOKIE), now);
  let session: Session | undefined;
  let failure: Status | undefined;
  if (childrenNamed(m.root, NS.saml, 'EncryptedID').length > 0) {
    // saml2int SDP-IDP27 binds the sender; this IdP does not decrypt an EncryptedID and answers an error.
    failure = { top: 'Requester', second: 'RequestUnsupported', message: 'the NameID must not be encrypted' };
  } else {
    session = findSession(tenant, cookieSession, issuer, m.root, now);
  }
  if (!session && !failure)
    failure = { top: 'Requester', second: 'UnknownPrincipal', message: 'no such session' };
  if (failure) {
    // [CORE] §3.7.3.2: an error LogoutResponse, never an error page (fault: a 400 page).
    if (faults.has('slo-unknown-principal-error-page'))
      throw new Reject(400, failure.message ?? 'no such session');
    // SDP-IDP31: the status says the session was not ended (fault: says Success anyway).
    const status = faults.has('slo-success-on-failure') ? { top: 'Success' as const } : failure;
    return answer(res, tenant, origin, status, now, ctx);
  }
  const ended = session as Session;
  if (!faults.has('slo-keeps-session')) tenant.sessions.delete(ended.id);

  // [CORE] §3.7.3.2: every other participant of the session is sent a LogoutRequest (saml2int SDP-IDP23/24).
  const others = faults.has('slo-no-propagation') ? [] : otherParticipants(tenant, ended, issuer);
  const state: LogoutState = {
    origin,
    remaining: others,
    partial: false,
    expires: now + LIMITS.pendingLoginMs,
  };
  return next(res, tenant, state, now, ctx);
}

/** The live session with a participant `issuer` given this NameID (and one of the SessionIndexes, if any). */
function findSession(
  tenant: Tenant,
  preferred: Session | undefined,
  issuer: string,
  root: Element,
  now: number,
): Session | undefined {
  const nameIdEl = childrenNamed(root, NS.saml, 'NameID')[0];
  if (!nameIdEl) return undefined;
  const value = simpleText(nameIdEl) ?? '';
  const format = attr(nameIdEl, 'Format');
  const indexes = childrenNamed(root, NS.samlp, 'SessionIndex').map((e) => simpleText(e) ?? '');
  const matches = (s: Session) =>
    s.expires > now &&
    (s.participants ?? []).some(
      (p) =>
        p.spEntityId === issuer &&
        p.nameId.value === value &&
        (format === undefined || format === p.nameId.format) &&
        (indexes.length === 0 || indexes.includes(p.sessionIndex)),
    );
  if (preferred && matches(preferred)) return preferred;
  for (const s of tenant.sessions.values()) if (matches(s)) return s;
  return undefined;
}

/** The latest participation of every other SP that lists a SingleLogoutService. */
function otherParticipants(tenant: Tenant, session: Session, issuer: string): Participant[] {
  const latest = new Map<string, Participant>();
  for (const p of session.participants ?? []) if (p.spEntityId !== issuer) latest.set(p.spEntityId, p);
  return [...latest.values()].filter((p) => tenant.sps.get(p.spEntityId)?.slo);
}

/** Sends the LogoutRequest to the next participant, or the final LogoutResponse to the originator. */
function next(
  res: http.ServerResponse,
  tenant: Tenant,
  state: LogoutState,
  now: number,
  ctx: IdpContext,
): void {
  const participant = state.remaining.shift();
  if (!participant) {
    const status: Status = state.partial ? { top: 'Success', second: 'PartialLogout' } : { top: 'Success' };
    return answer(res, tenant, state.origin, status, now, ctx);
  }
  const slo = tenant.sps.get(participant.spEntityId)?.slo;
  if (!slo) {
    state.partial = true;
    return next(res, tenant, state, now, ctx);
  }
  const requestId = newId();
  state.awaiting = { participant, requestId };
  const key = crypto.randomBytes(24).toString('base64url');
  if (tenant.logouts.size > 1000)
    for (const [k, v] of tenant.logouts) if (v.expires <= now) tenant.logouts.delete(k);
  tenant.logouts.set(key, state);
  const { faults } = ctx;
  const sp = tenant.sps.get(participant.spEntityId);
  const n = participant.nameId;
  // Faults that each break one sentence of [PROF] §4.4.4.1, [BIND] §3.4.5.2, [CORE] §3.7.3.2, SDP-IDP27.
  const value = faults.has('slo-propagation-wrong-nameid') ? `${n.value}.other` : n.value;
  // Fault: an SPNameQualifier the SP was never given (another SP's entityID).
  const spNameQualifier = faults.has('slo-propagation-wrong-spnamequalifier')
    ? `${n.spNameQualifier ?? participant.spEntityId}/other`
    : n.spNameQualifier;
  const nameIdXml =
    `<saml:NameID xmlns:saml="${NS.saml}" Format="${escapeXml(n.format)}"` +
    (n.nameQualifier ? ` NameQualifier="${escapeXml(n.nameQualifier)}"` : '') +
    (spNameQualifier ? ` SPNameQualifier="${escapeXml(spNameQualifier)}"` : '') +
    `>${escapeXml(value)}</saml:NameID>`;
  let subject = nameIdXml.replace(` xmlns:saml="${NS.saml}"`, '');
  if (faults.has('slo-propagation-encrypted-nameid')) {
    const encryptFor =
      sp?.encryption ?? (sp?.certs[0]?.type === 'rsa' ? { key: sp.certs[0].key, methods: [] } : undefined);
    // Never a silent no-op: without a key to encrypt for, the fault would leave the NameID in the clear.
    if (!encryptFor)
      faultCannotApply('slo-propagation-encrypted-nameid', `${participant.spEntityId} has no RSA key`);
    subject = `<saml:EncryptedID>${encryptedData(nameIdXml, encryptFor, faults)}</saml:EncryptedID>`;
  }
  const destination = faults.has('slo-propagation-wrong-destination') ? tenant.urls.sloUrl : slo.url;
  const issuer = faults.has('slo-propagation-wrong-issuer') ? tenant.urls.sloUrl : tenant.urls.entityId;
  const notOnOrAfter = faults.has('slo-propagation-no-notonorafter')
    ? ''
    : ` NotOnOrAfter="${formatInstant(now + LOGOUT_REQUEST_LIFETIME_MS)}"`;
  const xml =
    `<samlp:LogoutRequest xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${requestId}" Version="2.0" ` +
    `IssueInstant="${formatInstant(now)}" Destination="${escapeXml(destination)}"${notOnOrAfter}>` +
    `<saml:Issuer>${escapeXml(issuer)}</saml:Issuer>${subject}` +
    `<samlp:SessionIndex>${escapeXml(participant.sessionIndex)}</samlp:SessionIndex></samlp:LogoutRequest>`;
  // Faults: unsigned; signed with a key the IdP does not publish; signed with RSA-SHA1 (SDP-ALG01).
  const sign = faults.has('slo-propagation-unsigned')
    ? undefined
    : faults.has('slo-propagation-wrong-key')
      ? loadSigningKey('idp-rogue')
      : tenant.signingKey;
  const sigAlg = faults.has('slo-propagation-sha1') ? 'rsaSha1' : 'rsaSha256';
  if (faults.has('slo-propagation-post')) {
    const fields = [
      { name: 'SAMLRequest', value: Buffer.from(xml, 'utf8').toString('base64') },
      { name: 'RelayState', value: key },
    ];
    return sendHtml(res, 200, autoPostPage(slo.url, fields));
  }
  redirect(res, redirectUrl(slo.url, 'SAMLRequest', xml, key, sign, sigAlg));
}

/** A participant's LogoutResponse ([CORE] §3.7.3.2): an unconfirmed logout makes the outcome partial. */
function participantResponse(
  res: http.ServerResponse,
  tenant: Tenant,
  params: Param[],
  ctx: IdpContext,
): void {
  const now = ctx.now();
  const m = decode(params, 'SAMLResponse');
  const state = m.relayState === undefined ? undefined : tenant.logouts.get(m.relayState);
  if (!state || !state.awaiting || state.expires <= now)
    throw new Reject(400, 'no logout in progress for this response');
  tenant.logouts.delete(m.relayState as string);
  const { participant, requestId } = state.awaiting;
  state.awaiting = undefined;
  const sp = tenant.sps.get(participant.spEntityId);
  let confirmed =
    !!sp &&
    isNamed(m.root, NS.samlp, 'LogoutResponse') &&
    attr(m.root, 'InResponseTo') === requestId &&
    childrenNamed(m.root, NS.saml, 'Issuer')
      .map((e) => simpleText(e))
      .join() === participant.spEntityId;
  if (confirmed) {
    try {
      verifyRedirectSignature(m.sig, sp?.certs ?? [], ctx.faults);
    } catch (e) {
      if (!(e instanceof Reject)) throw e;
      confirmed = false;
    }
  }
  const code = childrenNamed(m.root, NS.samlp, 'Status')
    .flatMap((s) => childrenNamed(s, NS.samlp, 'StatusCode'))
    .map((c) => attr(c, 'Value'))[0];
  if ((!confirmed || code !== STATUS.Success) && !ctx.faults.has('slo-no-partial-logout'))
    state.partial = true;
  next(res, tenant, state, now, ctx);
}

/** The LogoutResponse to the originator, signed over HTTP-Redirect (saml2int SDP-IDP28/30/31). */
function answer(
  res: http.ServerResponse,
  tenant: Tenant,
  origin: LogoutState['origin'],
  status: Status,
  now: number,
  ctx: IdpContext,
): void {
  const { faults } = ctx;
  const inResponseTo = faults.has('slo-response-wrong-inresponseto') ? newId() : origin.requestId;
  // Fault: the answer goes to another registered SP's SingleLogoutService (Destination to match).
  let sloUrl = origin.sloUrl;
  if (faults.has('slo-response-to-other-sp')) {
    const other = [...tenant.sps.values()].find((x) => x.entityId !== origin.spEntityId && x.slo)?.slo;
    // Never a silent no-op: with no other SP, the fault would answer the originator as a conformant IdP.
    if (!other)
      faultCannotApply('slo-response-to-other-sp', 'no other registered SP lists a SingleLogoutService');
    sloUrl = other.responseUrl;
  }
  const second = status.second ? `<samlp:StatusCode Value="${STATUS[status.second]}"/>` : '';
  const message = status.message
    ? `<samlp:StatusMessage>${escapeXml(status.message)}</samlp:StatusMessage>`
    : '';
  const xml =
    `<samlp:LogoutResponse xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${newId()}" Version="2.0" ` +
    `IssueInstant="${formatInstant(now)}" Destination="${escapeXml(sloUrl)}" InResponseTo="${inResponseTo}">` +
    `<saml:Issuer>${escapeXml(tenant.urls.entityId)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${STATUS[status.top]}">${second}</samlp:StatusCode>${message}</samlp:Status>` +
    `</samlp:LogoutResponse>`;
  if (faults.has('slo-response-via-post')) {
    const fields = [{ name: 'SAMLResponse', value: Buffer.from(xml, 'utf8').toString('base64') }];
    if (origin.relayState !== undefined) fields.push({ name: 'RelayState', value: origin.relayState });
    return sendHtml(res, 200, autoPostPage(sloUrl, fields));
  }
  const key = faults.has('slo-unsigned-response') ? undefined : tenant.signingKey;
  redirect(res, redirectUrl(sloUrl, 'SAMLResponse', xml, origin.relayState, key));
}

/**
 * A fault whose precondition is missing in this deployment: an error (a 500 page naming the fault), never
 * a silent no-op that lets the IdP behave conformantly under a fault's name (a vacuous kill).
 */
function faultCannotApply(fault: string, why: string): never {
  throw new Reject(500, `fault ${fault} cannot apply: ${why}`);
}

/** [BIND] §3.4.4: DEFLATE, base64, URL-encode; signed over `name=…&RelayState=…&SigAlg=…` (RSA-SHA256). */
function redirectUrl(
  url: string,
  name: 'SAMLRequest' | 'SAMLResponse',
  xml: string,
  relayState: string | undefined,
  key: SigningKey | undefined,
  sigAlg: 'rsaSha256' | 'rsaSha1' = 'rsaSha256',
): string {
  const enc = encodeURIComponent;
  const parts = [`${name}=${enc(zlib.deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'))}`];
  if (relayState !== undefined) parts.push(`RelayState=${enc(relayState)}`);
  if (key) {
    parts.push(`SigAlg=${enc(ALG[sigAlg])}`);
    const sig = crypto
      .sign(sigAlg === 'rsaSha1' ? 'sha1' : 'sha256', Buffer.from(parts.join('&'), 'utf8'), key.privateKey)
      .toString('base64');
    parts.push(`Signature=${enc(sig)}`);
  }
  return `${url}${url.includes('?') ? '&' : '?'}${parts.join('&')}`;
}
