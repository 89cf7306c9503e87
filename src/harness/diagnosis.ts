/**
 * Why a control login failed, in one line a person can act on: the likely cause, what the IdP said
 * (quoted), and the fix. Pure functions of what the login flow saw (preflight.ts runs the flow).
 */
import type { ProfileId } from './types';
import type { FlowResult } from './roles/client/browser-flow';
import type { VerifyResult } from './roles/gateway/verifier';
import { visibleText } from './roles/client/html';
import { statusName } from './checks/outcomes';
import { POLICY } from './checks/policy';

export interface ControlContext {
  profile: ProfileId;
  /**
   * Everything the control depends on was made by the harness through the IdP's own admin API (the
   * device token created, the gateway registered): then an error Response is the IdP refusing what it
   * just issued — its own failure for the checks to judge, not a setup mistake (the control passes).
   */
  harnessMadeSetup?: boolean;
  /** The gateway entity the request came from, and the ACS it asked for. */
  spEntityId: string;
  acsUrl: string;
  /** The form-login user (saml-web-sso), if the config has one. */
  username?: string;
  /** This machine's clock when the flow started. */
  now: Date;
}

export type ControlAnswer = FlowResult & { verify?: VerifyResult };

/** What the control login says: ok, or the diagnosis. `clockOffsetMs`: the IdP's clock minus ours, if seen. */
export interface ControlVerdict {
  ok: boolean;
  diagnosis?: string;
  /** A passed control that the console should mention. */
  note?: string;
  clockOffsetMs?: number;
}

const SECOND = 1000;

function duration(ms: number): string {
  const s = Math.round(Math.abs(ms) / SECOND);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

/** The IdP's clock minus ours, from its Response IssueInstant, else from the HTTP Date of its answers. */
export function clockOffset(r: ControlAnswer, now: Date): number | undefined {
  const issued = Date.parse(r.verify?.response?.issueInstant ?? '');
  if (Number.isFinite(issued)) return issued - now.getTime();
  for (const h of [...r.hops].reverse()) {
    const d = Date.parse(h.headers.date ?? '');
    // Date has a one-second resolution and the exchange takes time: only minutes count.
    if (Number.isFinite(d)) return d - now.getTime();
  }
  return undefined;
}

function skewSentence(offsetMs: number | undefined): string {
  if (offsetMs === undefined || Math.abs(offsetMs) <= POLICY.skewMs) return '';
  return ` Clock skew: the IdP's clock is about ${duration(offsetMs)} ${offsetMs > 0 ? 'ahead of' : 'behind'} this machine's, which alone can make it refuse requests — sync both clocks (NTP).`;
}

/** The status of a Response, as `Top/Second`, with its StatusMessage quoted. */
function statusText(r: ControlAnswer): string {
  const resp = r.verify?.response;
  const top = statusName(resp?.statusCode) ?? '(no StatusCode)';
  const second = resp?.statusSubCode ? `/${statusName(resp.statusSubCode)}` : '';
  const msg = resp?.statusMessage ? `, StatusMessage "${resp.statusMessage.slice(0, 200)}"` : '';
  return `${top}${second}${msg}`;
}

function causeOfStatus(r: ControlAnswer, c: ControlContext): string {
  const second = statusName(r.verify?.response?.statusSubCode);
  const dt = c.profile === 'device-token';
  switch (second) {
    case 'AuthnFailed':
      return dt
        ? 'likely cause: the device token is not valid for this tenant — check deviceToken.tokens.valid or the admin API (tokenAdmin)'
        : 'likely cause: the login failed — check login.form';
    case 'NoPassive':
      return dt
        ? 'likely cause: the IdP does not authenticate the device token silently — check the token and deviceToken.presentation'
        : 'likely cause: the IdP would not log in without interaction';
    case 'RequestDenied':
      return `likely cause: the IdP refuses this SP or this user — check that ${c.spEntityId} is registered and that the user may use it`;
    case 'UnknownPrincipal':
      return dt
        ? 'likely cause: the user or tenant is unknown to the IdP — check deviceToken.tenant'
        : 'likely cause: the user is unknown to the IdP — check login.form.username';
    case 'RequestUnsupported':
    case 'InvalidNameIDPolicy':
    case 'NoAuthnContext':
      return "likely cause: the IdP does not support the gateway's request as registered — check the SP registration (NameID format, signing) against idp-conformance sp-metadata";
    default:
      return `likely cause: the IdP's own reason above — see its logs; check that ${c.spEntityId} is registered with ACS ${c.acsUrl}`;
  }
}

/** Time findings that show the IdP's whole clock is off (not one bad timestamp): its window excludes now. */
function windowRefused(r: ControlAnswer): boolean {
  return (r.verify?.findings ?? []).some(
    (f) =>
      f.severity === 'reject' &&
      ((f.code === 'S-25' && /NotBefore is in the future|expired/.test(f.message)) ||
        (f.code === 'S-28' && /in the future/.test(f.message))),
  );
}

/**
 * Judges one control login: a Response with status Success reached the browser for the ACS. What the
 * Response holds (signatures, conditions, attributes) is left to the checks, except a clock so far off
 * that the IdP's validity window excludes now (then every time-bound check would fail for a setup reason).
 */
export function judgeControl(r: ControlAnswer, c: ControlContext): ControlVerdict {
  const offset = clockOffset(r, c.now);
  const skew = skewSentence(offset);
  const lastPage = r.pages[r.pages.length - 1];
  const said = lastPage ? visibleText(lastPage.body) : '';
  const quoted = said ? ` "${said}"` : '';
  const fail = (diagnosis: string): ControlVerdict => ({ ok: false, diagnosis, clockOffsetMs: offset });

  if (r.failure?.message.startsWith('gateway:')) {
    return fail(
      `the harness's own ACS did not take the Response the IdP sent (${r.failure.message}) — the IdP did its part; check gateway.acsUrl and the load of this machine`,
    );
  }
  if (r.failure) {
    return fail(
      `no answer from the IdP during the control login (${r.failure.message}) — check that the IdP is running and reachable at ${r.failure.url || 'its SSO URL'}`,
    );
  }
  if (r.foreignNavigation) {
    return fail(
      `the IdP sent the browser to ${r.foreignNavigation}, neither the IdP nor the ACS (an external login, MFA or a portal the login driver cannot follow) — use a test user with a plain password login at the IdP`,
    );
  }
  if (r.delivery) {
    const action = r.delivery.action.split('?')[0];
    if (action !== c.acsUrl) {
      return fail(
        `the IdP sent the Response to ${action}, not to gateway.acsUrl ${c.acsUrl}: the SP ${c.spEntityId} is registered at the IdP with another ACS URL — register the gateway again (idp-conformance sp-metadata) or set gateway.acsUrl to the registered ACS`,
      );
    }
    const resp = r.verify?.response;
    // A Response the gateway could not read (a DOCTYPE, bad XML) was still sent: the checks judge it.
    if (resp?.statusCode !== undefined && statusName(resp.statusCode) !== 'Success') {
      if (c.harnessMadeSetup)
        return {
          ok: true,
          clockOffsetMs: offset,
          note: `the IdP refused the control login with ${statusText(r)}, although the harness created the token and registered the gateway through its admin API: not a setup mistake — the checks judge it`,
        };
      return fail(
        `the IdP answered the control login${r.loggedIn ? ' (after the form login)' : ''} with an error Response: ${statusText(r)} — ${causeOfStatus(r, c)}.${skew}`,
      );
    }
    if (skew && windowRefused(r)) {
      return fail(
        `clock skew: the IdP's clock is about ${duration(offset!)} ${offset! > 0 ? 'ahead of' : 'behind'} this machine's (Response IssueInstant ${resp?.issueInstant}, here ${c.now.toISOString()}): the validity window of its assertion excludes now, so every time-bound check would fail — sync both clocks (NTP)`,
      );
    }
    return { ok: true, clockOffsetMs: offset };
  }
  if (r.loginFormShown && r.loggedIn) {
    return fail(
      `wrong credentials: after login.form (username ${JSON.stringify(c.username ?? '?')}) was submitted, the IdP showed the login form again${quoted} — check login.form.username and login.form.password (and the environment variables they expand)`,
    );
  }
  if (r.loginFormShown) {
    return fail(
      'the IdP shows a login form and the target config has no login.form — add login.form with a test user',
    );
  }
  const status = r.lastStatus !== undefined ? `HTTP ${r.lastStatus}` : 'a page';
  if (c.profile === 'device-token') {
    return fail(
      `the device-token SSO answered the control login with ${status} and no SAMLResponse${quoted} — likely cause: the gateway ${c.spEntityId} is not registered at the device-token tenant (register it with idp-conformance sp-metadata --profile device-token, or declare spAdmin) or the token is refused.${skew}`,
    );
  }
  return fail(
    `the IdP answered the control ${r.loggedIn ? 'login' : 'AuthnRequest'} with ${status}${r.loggedIn ? ' after the form login' : ''} and no SAMLResponse${quoted} — likely cause: the SP ${c.spEntityId} or its ACS ${c.acsUrl} is not registered at the IdP (register the output of idp-conformance sp-metadata, or declare spAdmin).${skew}`,
  );
}
