/**
 * AuthnRequest intake, in the profile's processing order: decode (step 2), attribute to a registered SP
 * with its signature and ACS (step 3), then the protocol checks that give a "refused" outcome (step 4).
 */
import type { Param } from './codec';
import { boundedInflate, parseUrlEncoded, singleParam, strictBase64, strictUtf8 } from './codec';
import type { SecondStatus, TopStatus } from './constants';
import { BINDING, DEFLATE_ENCODING, LIMITS, NAMEID, NS } from './constants';
import { Reject, SignatureReject } from './errors';
import type { Faults } from './faults';
import { destinationMatches, looseAcsMatch } from './url-compare';
import type { RedirectSignatureParams } from './request-signature';
import { verifyPostSignature, verifyRedirectSignature } from './request-signature';
import type { SpRecord } from './sp-metadata';
import { parseXsBoolean } from './sp-metadata';
import type { Tenant } from './store';
import { parseUtcInstant } from './time';
import type { Document, Element } from './xml';
import {
  attr,
  childrenNamed,
  descendantsNamed,
  isNamed,
  isNcName,
  parseStrictXml,
  simpleText,
  XmlRejected,
} from './xml';

export interface InboundRequest {
  binding: 'redirect' | 'post';
  params: Param[];
  xml: string;
  doc: Document;
  relayState?: string;
  redirect?: RedirectSignatureParams;
}

/** Longest base64 text that can decode to at most LIMITS.requestBytes (plus room for line breaks). */
const MAX_ENCODED = Math.ceil(LIMITS.requestBytes / 3) * 4 + 16384;

export function decodeRedirect(query: string, faults: Faults): InboundRequest {
  const params = parseUrlEncoded(query);
  const encoding = singleParam(params, 'SAMLEncoding');
  if (encoding && faults.has('samlencoding-param-rejected'))
    throw new Reject(400, 'SAMLEncoding is not supported');
  if (encoding && encoding.value !== DEFLATE_ENCODING && !faults.has('samlencoding-ignored'))
    throw new Reject(400, 'unsupported SAMLEncoding');
  const samlRequest = requireParam(params);
  const redirect: RedirectSignatureParams = {
    samlRequest,
    relayState: singleParam(params, 'RelayState'),
    sigAlg: singleParam(params, 'SigAlg'),
    signature: singleParam(params, 'Signature'),
    order: params.map((x) => x.name),
  };
  const bytes = boundedInflate(strictBase64(samlRequest.value, 'SAMLRequest'));
  return { binding: 'redirect', params, redirect, relayState: relayStateOf(params), ...parse(bytes, faults) };
}

export function decodePost(body: string, faults: Faults): InboundRequest {
  const params = parseUrlEncoded(body);
  const samlRequest = requireParam(params);
  const bytes = strictBase64(samlRequest.value, 'SAMLRequest');
  return { binding: 'post', params, relayState: relayStateOf(params), ...parse(bytes, faults) };
}

function requireParam(params: Param[]): Param {
  const p = singleParam(params, 'SAMLRequest');
  if (!p || p.value === '') throw new Reject(400, 'no SAMLRequest');
  if (p.value.length > MAX_ENCODED) throw new Reject(413, 'SAMLRequest is larger than 256 KiB');
  return p;
}

function relayStateOf(params: Param[]): string | undefined {
  const p = singleParam(params, 'RelayState');
  // [BIND] §3.4.3: RelayState MUST NOT exceed 80 bytes; the profile lets the IdP reject a longer one.
  if (p && Buffer.byteLength(p.value, 'utf8') > LIMITS.relayStateBytes) {
    throw new Reject(400, 'RelayState is longer than 80 bytes');
  }
  return p?.value;
}

function parse(bytes: Buffer, faults: Faults): { xml: string; doc: Document } {
  if (bytes.length > LIMITS.requestBytes)
    throw new Reject(413, 'the decoded SAMLRequest is larger than 256 KiB');
  const xml = strictUtf8(bytes, 'SAMLRequest');
  try {
    return {
      xml,
      doc: parseStrictXml(xml, {
        allowDoctype: faults.has('accept-doctype'),
        allowInnerPi: faults.has('pi-truncates-value'),
      }),
    };
  } catch (e) {
    throw new Reject(400, e instanceof XmlRejected ? e.message : 'unparseable SAMLRequest');
  }
}

// ---------------------------------------------------------------- fields

export interface RequestedAuthnContext {
  comparison?: string;
  classRefs: string[];
  declRefs: number;
}

export interface AuthnRequestInfo {
  /** The element the IdP acts on: the signed data when the request was signed. */
  root: Element;
  id: string;
  issuer: string;
  version?: string;
  issueInstant?: string;
  destination?: string;
  acsUrl?: string;
  acsIndex?: string;
  protocolBinding?: string;
  isPassive?: string;
  forceAuthn?: string;
  nameIdFormat?: string;
  allowCreate?: string;
  requestedAuthnContext?: RequestedAuthnContext;
  /** A schema problem found while reading (answered as an error, top-level Requester). */
  malformed?: string;
}

/** [PROF] §4.1.4.1: exactly one Issuer, Format omitted or entity. */
export function readIssuer(root: Element): string {
  const issuers = childrenNamed(root, NS.saml, 'Issuer');
  if (issuers.length !== 1) throw new Reject(400, 'the AuthnRequest must have exactly one saml:Issuer');
  const el = issuers[0] as Element;
  const format = attr(el, 'Format');
  if (format !== undefined && format !== NAMEID.entity)
    throw new Reject(400, 'the Issuer Format must be entity');
  const value = simpleText(el);
  if (!value) throw new Reject(400, 'the Issuer is empty');
  return value;
}

export function readAuthnRequest(root: Element): AuthnRequestInfo {
  // Stryker disable next-line ConditionalExpression: attribute() has already refused a received root that is not a samlp:AuthnRequest, and the signed root it reads here is that root (the request signature rule requires the Reference to the root's own ID).
  if (!isNamed(root, NS.samlp, 'AuthnRequest'))
    throw new Reject(400, 'the message is not a samlp:AuthnRequest');
  const id = attr(root, 'ID');
  // [CORE] §1.3.4: ID is an xs:ID; without a usable one there is nothing to answer InResponseTo.
  if (!id || id.length > 256 || !isNcName(id))
    throw new Reject(400, 'the AuthnRequest ID is missing or not an xs:ID');
  const info: AuthnRequestInfo = {
    root,
    id,
    issuer: readIssuer(root),
    version: attr(root, 'Version'),
    issueInstant: attr(root, 'IssueInstant'),
    destination: attr(root, 'Destination'),
    acsUrl: attr(root, 'AssertionConsumerServiceURL'),
    acsIndex: attr(root, 'AssertionConsumerServiceIndex'),
    protocolBinding: attr(root, 'ProtocolBinding'),
    isPassive: attr(root, 'IsPassive'),
    forceAuthn: attr(root, 'ForceAuthn'),
  };
  const policies = childrenNamed(root, NS.samlp, 'NameIDPolicy');
  if (policies.length > 1) info.malformed = 'more than one NameIDPolicy';
  if (policies[0]) {
    info.nameIdFormat = attr(policies[0], 'Format');
    info.allowCreate = attr(policies[0], 'AllowCreate');
  }
  const racs = childrenNamed(root, NS.samlp, 'RequestedAuthnContext');
  if (racs.length > 1) info.malformed = 'more than one RequestedAuthnContext';
  if (racs[0]) {
    const classRefs = childrenNamed(racs[0], NS.saml, 'AuthnContextClassRef').map((e) => simpleText(e) ?? '');
    const declRefs = childrenNamed(racs[0], NS.saml, 'AuthnContextDeclRef').length;
    info.requestedAuthnContext = { comparison: attr(racs[0], 'Comparison'), classRefs, declRefs };
  }
  return info;
}

// ---------------------------------------------------------------- attribution (step 3)

export interface Attributed {
  sp: SpRecord;
  acs: string;
  info: AuthnRequestInfo;
  /** The root element as received (only the truncating faults read from it). */
  receivedRoot: Element;
  signed: boolean;
  /** Faults accept-unknown-issuer / unknown-issuer-error-response only: the Issuer is not registered. */
  unregistered?: boolean;
}

export function attribute(tenant: Tenant, req: InboundRequest, faults: Faults): Attributed {
  const receivedRoot = req.doc.documentElement as Element;
  if (!isNamed(receivedRoot, NS.samlp, 'AuthnRequest')) {
    throw new Reject(400, 'the message is not a samlp:AuthnRequest');
  }
  const issuer = readIssuer(receivedRoot);
  let sp = tenant.sps.get(issuer);
  const registered = !!sp;
  if (!sp) {
    // Faults accept-unknown-issuer / unknown-issuer-error-response: a stand-in SP answered at the request's ACS.
    const served = faults.has('accept-unknown-issuer') || faults.has('unknown-issuer-error-response');
    const requestAcs = served ? attr(receivedRoot, 'AssertionConsumerServiceURL') : undefined;
    if (served && requestAcs) {
      sp = {
        entityId: issuer,
        // The stand-in SP has the request's ACS as its only registered one (resolveAcs then returns it).
        acs: [{ url: requestAcs, isDefault: true }],
        defaultAcs: requestAcs,
        certs: [],
        authnRequestsSigned: false,
        wantAssertionsSigned: false,
      };
    } else throw new Reject(400, 'unknown Issuer');
  }

  const embedded = descendantsNamed(req.doc, NS.ds, 'Signature').length > 0;
  // [BIND] §3.4.4.1: an embedded signature must have been removed from a Redirect message.
  if (req.binding === 'redirect' && embedded)
    throw new SignatureReject(
      'HTTP-Redirect requests must not embed ds:Signature',
      sp.entityId,
      sp.defaultAcs,
      attr(receivedRoot, 'ID'),
    );
  const carriesSignature =
    req.binding === 'redirect' ? !!(req.redirect?.sigAlg || req.redirect?.signature) : embedded;
  if (carriesSignature && faults.has('reject-signed-requests'))
    throw new Reject(400, 'signed requests are not supported');

  let signedRoot = receivedRoot;
  const mustSign =
    (sp.authnRequestsSigned || !!tenant.deviceToken) &&
    !(req.binding === 'redirect' && faults.has('redirect-unsigned-accepted'));
  const known = sp;
  const signatureReject = (message: string) =>
    // Stryker disable next-line StringLiteral: the refused request's ID is answered only under mode refuse-with-error-response (mutation analysis runs no modes); under it the shared InResponseTo rule FAILs this mutant (SDP-IDP05-post-tampered).
    new SignatureReject(message, known.entityId, known.defaultAcs, attr(receivedRoot, 'ID'));
  if (faults.has('skip-request-signature-check') || !registered) {
    // nothing verified (faults only)
  } else if (carriesSignature) {
    try {
      if (req.binding === 'post') signedRoot = verifyPostSignature(req.doc, req.xml, sp.certs, faults);
      else verifyRedirectSignature(req.redirect as RedirectSignatureParams, sp.certs, faults);
    } catch (e) {
      if (e instanceof Reject) throw signatureReject(e.message);
      throw e;
    }
  } else if (mustSign) {
    // [META] §2.4.3/§2.4.4 and DT-SIG-01: unsigned requests are rejected when signing is required.
    throw signatureReject('the AuthnRequest must be signed');
  }

  const info = readAuthnRequest(signedRoot);
  // Stryker disable next-line ConditionalExpression: the signed root is the received root (the request signature rule requires the Reference to the root's own ID), so its Issuer is the one already read.
  if (info.issuer !== issuer) throw new Reject(400, 'the signed Issuer differs from the received one');
  return {
    sp,
    acs: resolveAcs(sp, info, faults),
    info,
    receivedRoot,
    signed: carriesSignature,
    ...(registered ? {} : { unregistered: true }),
  };
}

/** [CORE] §3.4.1 / DT-RSP-08: only a registered ACS, compared by exact string equality; none → the default. */
function resolveAcs(sp: SpRecord, info: AuthnRequestInfo, faults: Faults): string {
  if (info.acsUrl !== undefined && info.acsIndex !== undefined) {
    throw new Reject(
      400,
      'AssertionConsumerServiceURL and AssertionConsumerServiceIndex are mutually exclusive',
    );
  }
  if (info.acsUrl !== undefined) {
    const registered = faults.has('acs-url-first-registered-only') ? sp.acs.slice(0, 1) : sp.acs;
    if (registered.some((a) => a.url === info.acsUrl)) return info.acsUrl;
    if (faults.has('acs-prefix-match') && sp.acs.some((a) => (info.acsUrl as string).startsWith(a.url)))
      return info.acsUrl;
    // Stryker disable next-line all: looseAcsMatch (url-compare.ts) is true only under an acs-* fault, so without faults this line never returns (the kill matrix covers those faults).
    if (sp.acs.some((a) => looseAcsMatch(info.acsUrl as string, a.url, faults))) return info.acsUrl;
    if (faults.has('trust-request-acs')) return info.acsUrl;
    throw new Reject(400, 'the AssertionConsumerServiceURL is not registered for this SP');
  }
  if (info.acsIndex !== undefined) {
    if (faults.has('acs-index-ignored')) return sp.defaultAcs;
    const hit = /^\d{1,5}$/.test(info.acsIndex)
      ? (sp.acs.find((a) => a.index === Number(info.acsIndex)) ??
        (faults.has('acs-index-position-fallback') ? sp.acs[Number(info.acsIndex)] : undefined))
      : undefined;
    if (!hit) throw new Reject(400, 'unknown AssertionConsumerServiceIndex');
    return hit.url;
  }
  if (faults.has('no-default-acs')) throw new Reject(400, 'no AssertionConsumerServiceURL in the request');
  return sp.defaultAcs;
}

// ---------------------------------------------------------------- protocol checks (step 4)

export interface ErrorSpec {
  top: TopStatus;
  second?: SecondStatus;
  message: string;
}

/** Returns the error Response to send, or undefined; throws Reject for a bad Destination or a replay. */
export function checkProtocol(
  tenant: Tenant,
  a: Attributed,
  now: number,
  faults: Faults,
): ErrorSpec | undefined {
  const { info } = a;
  const versionOk = faults.has('version-major-only')
    ? /^2\.\d+$/.test(info.version ?? '')
    : faults.has('version-minor-only')
      ? /^\d+\.0$/.test(info.version ?? '')
      : info.version === '2.0';
  if (!faults.has('ignore-version') && !versionOk) {
    // [CORE] §3.2.2.2: VersionMismatch with RequestVersionTooHigh/TooLow.
    const major = /^(\d+)\.(\d+)$/.exec(info.version ?? '');
    const high = !!major && (Number(major[1]) > 2 || (Number(major[1]) === 2 && Number(major[2]) > 0));
    return {
      top: 'VersionMismatch',
      second: high ? 'RequestVersionTooHigh' : 'RequestVersionTooLow',
      message: 'only SAML 2.0 is supported',
    };
  }
  if (!faults.has('ignore-destination')) {
    // [CORE] §3.2.1, [BIND] §3.4.5.2/§3.5.5.2: Destination must be this endpoint, and present when signed.
    const wrongDestination = !destinationMatches(info.destination ?? '', tenant.urls.ssoUrl, faults);
    const missingOk = faults.has('destination-missing-accepted') || !a.signed;
    if (faults.has('destination-required-unsigned') && info.destination === undefined)
      throw new Reject(400, 'the Destination is missing');
    if (info.destination === undefined ? !missingOk : wrongDestination) {
      if (faults.has('destination-mismatch-answered'))
        return { top: 'Requester', second: 'RequestDenied', message: 'the Destination is not this endpoint' };
      throw new Reject(400, 'the Destination is missing or is not this SSO endpoint');
    }
  }
  if (!faults.has('accept-stale-request')) {
    const t = parseUtcInstant(info.issueInstant ?? '');
    if (t === undefined) return { top: 'Requester', message: 'IssueInstant is not a UTC xs:dateTime' };
    // Profile "Times": older than 10 minutes or more than 3 minutes in the future is refused.
    const future = faults.has('future-window-ten-minutes') ? LIMITS.requestMaxAgeMs : LIMITS.skewMs;
    const past = faults.has('stale-window-fifteen-minutes') ? 15 * 60_000 : LIMITS.requestMaxAgeMs;
    if (t < now - past || t > now + future) {
      return {
        top: 'Requester',
        second: 'RequestDenied',
        message: 'IssueInstant is outside the accepted window',
      };
    }
  }
  if (
    info.protocolBinding !== undefined &&
    info.protocolBinding !== BINDING.post &&
    !faults.has('ignore-protocol-binding')
  ) {
    // [PROF] §4.1.2: the Response is only delivered over HTTP-POST.
    return {
      top: 'Requester',
      second: 'UnsupportedBinding',
      message: 'only HTTP-POST responses are supported',
    };
  }
  for (const [name, value, unchecked] of [
    ['IsPassive', info.isPassive, faults.has('ispassive-not-validated')],
    ['ForceAuthn', info.forceAuthn, faults.has('forceauthn-not-validated')],
    ['AllowCreate', info.allowCreate, faults.has('allowcreate-not-validated')],
  ] as const) {
    if (!unchecked && value !== undefined && parseXsBoolean(value) === undefined) {
      return { top: 'Requester', message: `${name} is not an xs:boolean` };
    }
  }
  if (info.malformed !== undefined) return { top: 'Requester', message: info.malformed };
  if (!faults.has('accept-replayed-request') && tenant.isReplay(a.sp.entityId, info.id, now)) {
    throw new Reject(400, 'this request ID was already answered');
  }
  return undefined;
}

export function flag(value: string | undefined): boolean {
  return parseXsBoolean(value) === true;
}
