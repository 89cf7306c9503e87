/**
 * Single Logout as the harness's SP side does it (saml2int SDP-IDP21–31, [CORE] §3.7, [PROF] §4.4): after
 * a login, the gateway entity that logged in sends a signed LogoutRequest over HTTP-Redirect to the IdP's
 * SingleLogoutService; the browser follows the IdP through any propagation to the gateway's other
 * entities (each answers its LogoutRequest with a signed LogoutResponse over HTTP-Redirect) until the
 * LogoutResponse reaches the gateway's SingleLogoutService. Nothing here judges: the specs do.
 */
import { session } from '../session';
import { NotApplicable } from '../checks/verdict';
import { currentEvidence, record } from '../evidence/context';
import { redirectParams, redirectUrl, type SigningKey } from '../messages/bindings';
import { logoutRequestXml, logoutResponseXml, type LogoutNameId } from '../messages/logout';
import { ALG, encodeRedirectBinding, signRedirectQuery } from '../xml';
import type { EvidenceItem } from '../types';
import type { HttpResponse } from './client/http';
import { ExchangeFailed } from './client/http';
import { parseHtml } from './client/html';
import type { UserAgent } from './client/user-agent';
import { sloName } from './gateway/gateway';
import { readPostMessage, readRedirectMessage, type LogoutMessage } from './gateway/logout-message';
import type { AssertionInfo } from './gateway/verifier';
import { webLogin, type WebLogin } from './web-login';

export type { LogoutMessage };

/** The IdP's HTTP-Redirect SingleLogoutService, or NOT_APPLICABLE with the reason. */
export function idpSlo(): { url: string; responseUrl: string } {
  const slo = session().idp.sloRedirect;
  if (!slo) {
    throw new NotApplicable(
      'the IdP metadata lists no HTTP-Redirect SingleLogoutService: nothing to send a LogoutRequest to ' +
        '(SDP-IDP33-metadata-slo judges the metadata)',
    );
  }
  return slo;
}

/** The gateway's SingleLogoutService URL of the entity that sent `login`. */
export function gatewaySloUrl(login: WebLogin): string {
  return session().gateway.sloUrlFor(login.request.issuer);
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
  /** The LogoutResponse that reached the gateway's SingleLogoutService (either binding). */
  response?: LogoutMessage;
  /** Where it was delivered: the gateway's SLO URL it was sent to. */
  responseUrl?: string;
  /** LogoutRequests the IdP sent to the gateway's other entities (propagation), with the entity's SLO URL. */
  propagated: { url: string; message: LogoutMessage }[];
  /** The last IdP page when no LogoutResponse came (an error page, ...). */
  lastPage?: { url: string; status: number; body: string };
  failure?: { message: string; url: string };
  foreignNavigation?: string;
  ua: UserAgent;
}

/** A Redirect message (SAMLResponse here) signed over its octets, as [BIND] §3.4.4.1 orders them. */
function redirectMessage(url: string, xml: string, relayState: string | undefined, key: SigningKey): string {
  const parts = [`SAMLResponse=${encodeURIComponent(encodeRedirectBinding(xml))}`];
  if (relayState !== undefined) parts.push(`RelayState=${encodeURIComponent(relayState)}`);
  parts.push(`SigAlg=${encodeURIComponent(ALG.rsaSha256)}`);
  const sig = signRedirectQuery(parts.join('&'), key.keyPem, 'rsa-sha256');
  return `${url}${url.includes('?') ? '&' : '?'}${parts.join('&')}&Signature=${encodeURIComponent(sig)}`;
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
export async function webLogout(o: WebLogoutOptions): Promise<WebLogout> {
  const s = session();
  const slo = idpSlo();
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
  const answerPropagated = (url: string, m: LogoutMessage): string => {
    const name = new URL(url).pathname.slice('/slo/'.length);
    const entity = entities.find((e) => e && sloName(e) === name) ?? s.config.gateway.entityId;
    const response = logoutResponseXml({
      issuer: entity,
      destination: slo.responseUrl,
      inResponseTo: m.id ?? '',
      now: s.now(),
      status: o.participantStatus,
    });
    saml(ev, `LogoutResponse from ${entity} (propagation)`, 'LogoutResponse', 'HTTP-Redirect', response);
    return redirectMessage(slo.responseUrl, response, m.relayState, gatewayKey);
  };
  gateway.sloHandler = (name, rawQuery) => {
    const url = `${gatewayOrigin}/slo/${name}`;
    const q = new URLSearchParams(rawQuery);
    if (q.has('SAMLResponse')) {
      out.response = readRedirectMessage(rawQuery, 'SAMLResponse', certs);
      out.responseUrl = url;
      saml(
        ev,
        'LogoutResponse received at the gateway SLO',
        'LogoutResponse',
        'HTTP-Redirect',
        out.response.xml,
      );
      return { status: 200, body: 'logged out' };
    }
    if (q.has('SAMLRequest')) {
      const m = readRedirectMessage(rawQuery, 'SAMLRequest', certs);
      out.propagated.push({ url, message: m });
      saml(ev, 'LogoutRequest propagated to the gateway', 'LogoutRequest', 'HTTP-Redirect', m.xml);
      return { status: 302, location: answerPropagated(url, m) };
    }
    return { status: 400, body: 'no SAML message' };
  };

  const p = redirectParams(xml, { sign: sign ? (o.signKey ?? gatewayKey) : undefined });
  const idpOrigins = new Set([new URL(slo.url).origin, new URL(slo.responseUrl).origin]);
  try {
    let res: HttpResponse = await ua.send('GET', redirectUrl(slo.url, p), {
      label: 'HTTP-Redirect LogoutRequest',
    });
    for (let step = 0; step < 16 && !out.response; step++) {
      const location = res.status >= 300 && res.status < 400 ? res.headers.location : undefined;
      if (location) {
        const next = new URL(location, res.url);
        const toGateway = next.origin === gatewayOrigin;
        if (!toGateway && !idpOrigins.has(next.origin)) {
          out.foreignNavigation = next.toString();
          break;
        }
        res = await ua.send('GET', next.toString(), {
          direction: toGateway ? 'client->gateway' : 'client->idp',
          label: toGateway ? 'to the gateway SingleLogoutService' : 'redirect',
        });
        continue;
      }
      out.lastPage = { url: res.url, status: res.status, body: res.body };
      // A form carrying a SAML message: the HTTP-POST binding (judged by SDP-IDP24/28), read but not posted.
      const form = parseHtml(res.body).forms.find((f) =>
        f.inputs.some((i) => i.name === 'SAMLResponse' || i.name === 'SAMLRequest'),
      );
      if (!form) break;
      const action = new URL(form.action ?? res.url, res.url).toString();
      if (new URL(action).origin !== gatewayOrigin) {
        out.foreignNavigation = action;
        break;
      }
      const fields = Object.fromEntries(form.inputs.map((i) => [i.name, i.value]));
      if ('SAMLResponse' in fields) {
        out.response = readPostMessage(fields, 'SAMLResponse', certs);
        out.responseUrl = action;
        saml(ev, 'LogoutResponse (HTTP-POST form)', 'LogoutResponse', 'HTTP-POST', out.response.xml);
        break;
      }
      const m = readPostMessage(fields, 'SAMLRequest', certs);
      out.propagated.push({ url: action, message: m });
      saml(ev, 'LogoutRequest propagated by HTTP-POST', 'LogoutRequest', 'HTTP-POST', m.xml);
      res = await ua.send('GET', answerPropagated(action, m), { label: 'LogoutResponse of the participant' });
    }
  } catch (e) {
    if (!(e instanceof ExchangeFailed)) throw e;
    out.failure = { message: e.message, url: e.url ?? '' };
  } finally {
    gateway.sloHandler = undefined;
  }
  return out;
}

/** An IsPassive login in the same browser: Success means the IdP session is still alive. */
export function passiveLogin(login: WebLogin): Promise<WebLogin> {
  return webLogin({
    ua: login.ua,
    entity: login.request.issuer === session().config.gateway.signedEntityId ? 'signed' : 'default',
    request: (b) => b.withIsPassive(),
    credentials: null,
  });
}
