/**
 * Single Logout as the harness's SP side does it (saml2int SDP-IDP21–31, [CORE] §3.7, [PROF] §4.4): after
 * a login, the gateway entity that logged in sends a signed LogoutRequest over HTTP-Redirect to the IdP's
 * SingleLogoutService; the browser follows the IdP through any propagation to the gateway's other
 * entities (each answers its LogoutRequest with a signed LogoutResponse over HTTP-Redirect) until the
 * IdP hands the browser its LogoutResponse, wherever it addressed it (the specs compare that URL with
 * the sending entity's SingleLogoutService). Nothing here judges: the specs do.
 */
import type { RunContext } from '../run-context';
import { NotApplicable } from '../checks/verdict';
import { currentEvidence, record } from '../evidence/context';
import { redirectParams, redirectUrl, type SigningKey } from '../messages/bindings';
import { logoutRequestXml, logoutResponseXml, type LogoutNameId } from '../messages/logout';
import type { EvidenceItem } from '../types';
import { runBrowserFlow, type FlowResult } from './client/browser-flow';
import type { UserAgent } from './client/user-agent';
import { sloName } from './gateway/gateway';
import { readPostMessage, readRedirectMessage, type LogoutMessage } from './gateway/logout-message';
import type { AssertionInfo } from './gateway/verifier';
import { webLogin, type WebLogin } from './web-login';
import { requireAlone } from './admin';

export type { LogoutMessage };

/** The IdP's HTTP-Redirect SingleLogoutService, or NOT_APPLICABLE with the reason. */
export function idpSlo(ctx: RunContext): { url: string; responseUrl: string } {
  const slo = ctx.idp.sloRedirect;
  if (!slo) {
    throw new NotApplicable(
      'the IdP metadata lists no HTTP-Redirect SingleLogoutService: nothing to send a LogoutRequest to ' +
        '(SDP-IDP33-metadata-slo judges the metadata)',
    );
  }
  return slo;
}

/** The gateway's SingleLogoutService URL of the entity that sent `login`. */
export function gatewaySloUrl(ctx: RunContext, login: WebLogin): string {
  return ctx.gateway.sloUrlFor(login.request.issuer);
}

export interface WebLogoutOptions {
  /** The login whose session is ended (its browser and entity). */
  login: WebLogin;
  /** Its verified assertion: the NameID and SessionIndex the LogoutRequest names. */
  assertion: AssertionInfo;
  /** Sign the Redirect message (default true: SDP-IDP26). */
  sign?: boolean;
  signKey?: SigningKey;
  /** Another principal than the assertion's (the SDP-IDP31 negative). */
  nameId?: LogoutNameId;
  /** Status the gateway's other entities answer a propagated LogoutRequest with (default Success). */
  participantStatus?: string;
}

export interface WebLogout {
  request: { id: string; xml: string; issuer: string; destination: string; signed: boolean };
  /** The LogoutResponse the IdP handed the browser (either binding), wherever it was addressed. */
  response?: LogoutMessage;
  /** Where the IdP delivered it (URL without query): judged against gatewaySloUrl(login). */
  responseUrl?: string;
  /** LogoutRequests the IdP sent to the gateway's other entities (propagation), with the entity's SLO URL. */
  propagated: { url: string; message: LogoutMessage }[];
  /** The last IdP page when no LogoutResponse came (an error page, ...). */
  lastPage?: { url: string; status: number; body: string };
  /** No judgeable answer: `reason` says whether the IdP did not answer (timeout, refused, …) or sent junk. */
  failure?: { reason: string; message: string; url: string };
  foreignNavigation?: string;
  /** The browser follower stopped at its step limit with a step still to follow (a redirect loop, …). */
  stepLimit?: boolean;
  /** The IdP showed a login form instead of answering the logout. */
  loginFormShown?: boolean;
  ua: UserAgent;
}

function saml(
  ev: EvidenceItem[] | undefined,
  label: string,
  messageType: string,
  binding: string,
  xml?: string,
): void {
  if (xml)
    record({ kind: 'saml', label, at: new Date().toISOString(), saml: { messageType, binding, xml } }, ev);
}

/** SP-initiated Single Logout of `o.login`'s session, driven to its LogoutResponse (or the IdP's last page). */
export async function webLogout(s: RunContext, o: WebLogoutOptions): Promise<WebLogout> {
  // The gateway has one SingleLogoutService handler, set for this flow, and the IdP session ends.
  requireAlone("the gateway's SingleLogoutService handler (one logout flow at a time)");
  const slo = idpSlo(s);
  const { gateway, gatewayKey } = s;
  const certs = s.idp.signingCerts;
  const ua = o.login.ua;
  const issuer = o.login.request.issuer;
  const nameId = o.nameId ?? o.assertion.nameId;
  if (!nameId) throw new Error('webLogout: the assertion has no NameID to log out');
  const { id, xml } = logoutRequestXml({
    issuer,
    destination: slo.url,
    nameId,
    sessionIndex: o.assertion.authnStatements[0]?.sessionIndex,
    now: s.now(),
  });
  const sign = o.sign ?? true;
  const ev = currentEvidence();
  saml(ev, 'LogoutRequest (redirect)', 'LogoutRequest', 'HTTP-Redirect', xml);
  const out: WebLogout = {
    request: { id, xml, issuer, destination: slo.url, signed: sign },
    propagated: [],
    ua,
  };
  const entities = [
    s.config.gateway.entityId,
    s.config.gateway.signedEntityId,
    s.config.gateway.encryption?.entityId,
  ];
  const gatewayOrigin = new URL(gateway.acsUrl).origin;
  // A propagated LogoutRequest at one of the gateway's other entities: answered (signed, HTTP-Redirect).
  gateway.sloHandler = (name, rawQuery, form) => {
    const url = `${gatewayOrigin}/slo/${name}`;
    if (!(form ? 'SAMLRequest' in form : new URLSearchParams(rawQuery).has('SAMLRequest')))
      return { status: 400, body: 'no LogoutRequest' };
    const m = form
      ? readPostMessage(form, 'SAMLRequest', certs)
      : readRedirectMessage(rawQuery, 'SAMLRequest', certs);
    out.propagated.push({ url, message: m });
    const binding = form ? 'HTTP-POST' : 'HTTP-Redirect';
    saml(ev, `LogoutRequest propagated to the gateway (${binding})`, 'LogoutRequest', binding, m.xml);
    const entity = entities.find((e) => e && sloName(e) === name) ?? s.config.gateway.entityId;
    const response = logoutResponseXml({
      issuer: entity,
      destination: slo.responseUrl,
      inResponseTo: m.id ?? '',
      now: s.now(),
      status: o.participantStatus,
    });
    saml(ev, `LogoutResponse from ${entity} (propagation)`, 'LogoutResponse', 'HTTP-Redirect', response);
    const p = redirectParams(response, { relayState: m.relayState, sign: gatewayKey, param: 'SAMLResponse' });
    return { status: 302, location: redirectUrl(slo.responseUrl, p) };
  };

  const p = redirectParams(xml, { sign: sign ? (o.signKey ?? gatewayKey) : undefined });
  const idpOrigins = new Set([new URL(slo.url).origin, new URL(slo.responseUrl).origin]);
  let flow: FlowResult;
  try {
    // The client's browser follower: the IdP's redirects and forms, through the gateway's other entities
    // (their LogoutResponses passed back to the IdP), until a SAMLResponse is handed to some URL.
    flow = await runBrowserFlow(
      () => ua.send('GET', redirectUrl(slo.url, p), { label: 'HTTP-Redirect LogoutRequest' }),
      {
        ua,
        idpOrigins: new Set([...idpOrigins, gatewayOrigin]),
        acsUrls: new Set(),
        passOnSamlResponseTo: idpOrigins,
        maxSteps: 16,
      },
    );
  } finally {
    gateway.sloHandler = undefined;
  }
  if (flow.failure) out.failure = { ...flow.failure };
  out.foreignNavigation = flow.foreignNavigation;
  if (flow.stepLimit) out.stepLimit = true;
  out.loginFormShown = flow.loginFormShown;
  const last = flow.pages.at(-1);
  if (last) out.lastPage = { url: last.url, status: last.status, body: last.body };
  const d = flow.delivery;
  if (d) {
    // Where the IdP sent its LogoutResponse, as it sent it (the raw Location query keeps the signed octets).
    const u = new URL(d.action);
    out.responseUrl = `${u.origin}${u.pathname}`;
    if (d.via === 'redirect-query') {
      const location = flow.hops.at(-1)?.headers.location ?? d.action;
      const q = location.indexOf('?');
      out.response = readRedirectMessage(q < 0 ? '' : location.slice(q + 1), 'SAMLResponse', certs);
    } else {
      out.response = readPostMessage(d.fields, 'SAMLResponse', certs);
    }
    const binding = d.via === 'redirect-query' ? 'HTTP-Redirect' : 'HTTP-POST';
    saml(ev, `LogoutResponse delivered to ${out.responseUrl}`, 'LogoutResponse', binding, out.response.xml);
  }
  return out;
}

/** An IsPassive login in the same browser: Success means the IdP session is still alive. */
export function passiveLogin(ctx: RunContext, login: WebLogin): Promise<WebLogin> {
  return webLogin(ctx, {
    ua: login.ua,
    entity: login.request.issuer === ctx.config.gateway.signedEntityId ? 'signed' : 'default',
    request: (b) => b.withIsPassive(),
    credentials: null,
  });
}
