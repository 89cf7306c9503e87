import { HarnessError } from '../types';
import type { FindingCode } from '../findings';
import type { Verdict } from './verdict';
import { blockIfUntrusted } from './preconditions';
import { verify, type Condition } from './conditions';
import {
  ERROR_IN_RESPONSE_TO,
  ERROR_NO_ASSERTION,
  sentRequestId,
  FOR_REQUESTED,
  STATUS_ERROR,
  STATUS_SUCCESS,
  statusName,
  type Answering,
  type Received,
  type Succeeded,
} from './conditions-response';
import type { FlowResult, Requested } from '../roles/client/browser-flow';
import type { VerifyResult } from '../roles/gateway/verifier';
import type { AssertionInfo, ResponseInfo } from '../roles/gateway/verifier';
import { WHERE } from '../roles/gateway/verifier-types';
import { isNoAnswer } from '../roles/client/http';

/** What any login flow (browser or device agent) gives the checks. */
export type Answer = FlowResult & { verify?: VerifyResult; request: { id: string }; requested?: Requested };

export { statusName };

/** What the IdP did with a request, in one word, for "expected …, got …". */
export function describe(r: Answer): string {
  if (r.failure) return `no answer (${r.failure.message})`;
  if (r.foreignNavigation) return `navigation to ${r.foreignNavigation}`;
  if (r.delivery) {
    const where = r.postedToGateway ? 'the ACS' : r.delivery.action;
    const st = r.verify?.response;
    const status = st
      ? `${statusName(st.statusCode) ?? 'a Response without StatusCode'}${st.statusSubCode ? `/${statusName(st.statusSubCode)}` : ''}`
      : 'a Response';
    return `${status} delivered to ${where}${r.delivery.via === 'redirect-query' ? ' by redirect' : ''}`;
  }
  if (r.stepLimit) return `no end within the client's step limit (last HTTP ${r.lastStatus ?? '?'})`;
  if (r.loginFormShown && (endsAtLogin(r) || !r.loggedIn)) return `a login form (HTTP ${r.lastStatus})`;
  if (r.loggedIn) return `HTTP ${r.lastStatus ?? '?'} after the login, with no SAMLResponse`;
  return `HTTP ${r.lastStatus ?? '?'} with no SAMLResponse`;
}

/** The Response the gateway received and parsed, or FAIL saying what happened instead. */
export function receivedResponse(v: Verdict, r: Answer): ResponseInfo {
  if (r.failure?.message.startsWith('gateway:')) {
    // The client could not post to the harness's own ACS: our problem, not the IdP's.
    throw new HarnessError(
      'ERR_INTERNAL',
      `posting to the gateway ACS failed (${r.failure.message})`,
      'check gateway.acsUrl and the machine',
    );
  }
  if (!r.delivery) v.fail('the IdP answer', 'a SAMLResponse delivered to the ACS', describe(r));
  if (r.delivery.via !== 'post-form')
    v.fail('Response binding', 'HTTP-POST form', 'HTTP-Redirect (query string)');
  if (!r.postedToGateway) v.fail('Response delivered to', 'the registered ACS', r.delivery.action);
  const resp = r.verify?.response;
  if (!resp) {
    const why = r.verify?.findings.map((f) => `${f.code} ${f.message}`).join('; ') ?? 'nothing received';
    v.fail('the Response', 'a parseable samlp:Response', why);
  }
  return resp;
}

/**
 * A Success Response reached the ACS; returns the Assertion read from its verified signed bytes. `owned`:
 * rules of FOR_REQUESTED the calling check judges itself (verifySuccess), so none is judged twice.
 */
export function expectSuccess(v: Verdict, r: Answer, owned: readonly Condition<never>[] = []): AssertionInfo {
  const resp = receivedResponse(v, r);
  verify(v, { response: resp }, [STATUS_SUCCESS]);
  if (!r.verify!.assertion) {
    const rejects = r.verify!.findings.filter((f) => f.severity === 'reject');
    const failure = v.failure(
      'a verified Assertion',
      'an Assertion whose signature (or the Response signature) verifies with the metadata key',
      rejects.length ? rejects.map((f) => `${f.code} ${f.message}`).join('; ') : 'none',
    );
    // One root cause, one FAIL: untrusted for the reason the preflight control found → BLOCKED by its root.
    blockIfUntrusted(v, r.verify, failure);
    throw failure;
  }
  v.asserted++;
  const a = r.verify!.assertion;
  // Every Success, in both profiles, is for the principal, SP (Audience) and ACS (Recipient) the
  // request named, so no later check passes on an assertion issued for someone or somewhere else.
  if (r.requested) {
    const guard = FOR_REQUESTED.filter((c) => !owned.includes(c));
    verify(v, { assertion: a, requested: r.requested }, guard);
  }
  return a;
}

/** The Response the gateway received, with the request it answers: the input of the envelope conditions. */
export function received(v: Verdict, r: Answer & { requested: Requested }): Received {
  return { response: receivedResponse(v, r), requestId: r.request.id, requested: r.requested };
}

/** A Success (expectSuccess) as the input of the envelope and assertion conditions. */
export function succeeded(
  v: Verdict,
  r: Answer & { requested: Requested },
  owned: readonly Condition<never>[] = [],
): Succeeded {
  const assertion = expectSuccess(v, r, owned);
  return { ...received(v, r), assertion };
}

/**
 * A Success judged by `conditions`, each once: a check that owns a rule every Success is held to
 * (FOR_REQUESTED: Audience, Recipient, principal) judges it here instead of expectSuccess's guard.
 */
export function verifySuccess(
  v: Verdict,
  r: Answer & { requested: Requested },
  conditions: readonly Condition<Succeeded>[],
): Succeeded {
  const s = succeeded(v, r, conditions);
  verify(v, s, conditions);
  return s;
}

/** Verifier findings tied to SHOULD requirements (S-32 duplicate Attribute names: SDP-IDP19). */
const SHOULD_JUDGED = new Set(['S-32']);

/** The strict gateway accepts the whole Response: no finding that makes it reject. */
export function expectAccepted(v: Verdict, r: Answer): void {
  receivedResponse(v, r);
  // Findings whose requirement is a SHOULD are judged (as WARN) by their own checks, not here.
  const rejects = r.verify!.findings.filter((f) => f.severity === 'reject' && !SHOULD_JUDGED.has(f.code));
  const f = rejects[0];
  if (f) {
    const failure = v.failure(
      `gateway verification ${f.code}: ${f.message}`,
      f.expected ?? 'a Response the strict gateway accepts',
      f.actual ?? `${rejects.length} violation(s): ${rejects.map((x) => x.code).join(', ')}`,
      f.where,
    );
    blockIfUntrusted(v, r.verify, failure);
    throw failure;
  }
  v.asserted++;
}

/**
 * Rejected: no SAMLResponse anywhere, nothing posted to any ACS. The device-token profile also fixes
 * the HTTP status (4xx); SAML itself does not, so saml-web-sso accepts any error page.
 */
export function expectRejected(v: Verdict, r: Answer, status: '4xx' | 'error-page' = '4xx'): void {
  v.ok(!r.delivery, 'the IdP answer', 'an error page without SAMLResponse', describe(r));
  v.ok(!r.failure, 'the IdP answer', 'an error page', describe(r));
  const st = r.lastStatus ?? 0;
  // Only the device-token profile speaks of the status (4xx); SAML itself fixes none for error pages.
  if (status === '4xx') v.ok(st >= 400 && st < 500, 'HTTP status', '4xx', String(st));
  else v.ok(st > 0, 'the IdP answer', 'an error page', String(st));
}

/** Refused: rejected, or an error Response to the registered ACS — never Success, never an Assertion. */
export function expectRefused(
  v: Verdict,
  r: Answer,
  status: '4xx' | 'error-page' = '4xx',
): ResponseInfo | undefined {
  if (r.failure) v.fail('the IdP answer', 'a refusal (an error page or an error Response)', describe(r));
  if (!r.delivery) {
    stoppedMidFlow(r);
    v.ok(!r.loginFormShown, 'the IdP answer', 'a refusal (an error page or an error Response)', describe(r));
    expectRejected(v, r, status);
    return undefined;
  }
  return expectErrorResponse(v, r);
}

/**
 * How a request the IdP must not serve may be refused:
 * - 'error-response-or-page': an error Response without Assertion to the registered ACS, or an error
 *   page with nothing delivered (SAMLBind §3.4.6/§3.5.6: a responder that refuses SHOULD return a
 *   Response with RequestDenied; a request that cannot be trusted may also end at the IdP).
 * - 'discarded': the request MUST be discarded (SAMLCore §3.2.1, a wrong Destination): nothing
 *   delivered, not even an error Response.
 */
export type RefusalKind = 'error-response-or-page' | 'discarded';

/**
 * A negative check judged against its control: the same flow without the mutation, in the same run,
 * must yield a trusted assertion (so that "refused" means something), and the mutated flow none. A login
 * form first and the refusal after the login is a refusal; a flow that ends at a login form is not. No
 * HTTP status is judged here (SAML speaks of none for error pages; SAMLBind §3.4.6 even forbids using
 * them for SAML failures).
 */
export function expectRefusalAgainst(
  v: Verdict,
  control: Answer,
  r: Answer,
  how: RefusalKind = 'error-response-or-page',
): void {
  controlAnswered(control);
  stoppedMidFlow(control, 'whether the control was served');
  if (!control.verify?.assertion || !control.verify.accepted) {
    const want = 'a Success with a trusted assertion (otherwise a refusal proves nothing)';
    const failure = v.failure('control: the same flow without the mutation', want, describe(control));
    // A control untrusted for the cause the preflight found is BLOCKED by that cause's root check.
    blockIfUntrusted(v, control.verify, failure);
    throw failure;
  }
  v.asserted++;
  expectRefusal(v, r, how);
}

/** The mutated flow of a negative check yields no assertion: an error page, or (if allowed) an error Response. */
export function expectRefusal(v: Verdict, r: Answer, how: RefusalKind = 'error-response-or-page'): void {
  const want =
    how === 'discarded'
      ? 'the request discarded: an error page, nothing delivered'
      : 'a refusal: an error page, or an error Response without Assertion to the registered ACS';
  if (r.failure) v.fail('the IdP answer', want, describe(r));
  if (r.foreignNavigation) v.fail('the IdP answer', want, describe(r));
  if (r.verify?.assertion) v.fail('the IdP answer', want, describe(r));
  if (!r.delivery) {
    stoppedMidFlow(r);
    v.ok(!endsAtLogin(r), 'the IdP answer', want, describe(r));
    v.ok(r.lastStatus !== undefined, 'the IdP answer', want, describe(r));
    return;
  }
  if (how === 'discarded') v.fail('the IdP answer', want, describe(r));
  expectErrorResponse(v, r);
}

/**
 * The control of a check whose precondition is that the IdP verifies an SP's signatures: a request signed
 * by a key the SP's metadata does not list must be refused. Served anyway (a Success status or an
 * assertion) is the precondition failed: BLOCKED by `root`, the check that judges that finding, with the
 * FAIL this check would give (restored if `root` does not fail). No answer (timeout, refused, reset) is
 * ERROR, never BLOCKED nor FAIL: nothing about the IdP can be judged. An answer that is no refusal and no
 * service either (a flow that ends at a login form, a navigation the client did not follow, an oversize
 * page, an invalid URL) did not establish what the check needs: BLOCKED by `root` too, without a FAIL to
 * restore (the same request to the root's entity meets the same rule). Only what remains, an error answer
 * the IdP got wrong (to another ACS, by redirect, unparseable), is judged as a refusal (expectRefusal).
 */
export function expectControlRefused(v: Verdict, control: Answer, root: string): void {
  controlAnswered(control);
  const resp = control.verify?.response;
  const served =
    !!control.verify?.assertion ||
    statusName(resp?.statusCode) === 'Success' ||
    (resp !== undefined && resp.assertionCount + resp.encryptedAssertionCount > 0);
  if (served)
    v.blocked(
      root,
      'the control, signed by a key the SP metadata does not list, was served',
      v.failure('the control (a key the SP metadata does not list)', 'a refusal', describe(control)),
    );
  if (inconclusive(control))
    v.blocked(
      root,
      `the control, signed by a key the SP metadata does not list, ended neither refused nor served (${describe(control)}): it does not show that the key is checked`,
    );
  expectRefusal(v, control);
}

/**
 * A control that got no answer (timeout, refused, reset) says nothing about the IdP: ERROR (liveness), never
 * a FAIL of the check nor a BLOCKED. One that ended where the client cannot tell refused from served (the
 * step limit) is ERROR too when a negative is judged against it (expectRefusalAgainst).
 */
function controlAnswered(control: Answer): void {
  const f = control.failure;
  if (f && isNoAnswer(f.reason))
    throw new HarnessError(
      f.reason === 'timeout' ? 'ERR_TIMEOUT' : 'ERR_TARGET_UNREACHABLE',
      `the control got no answer (${f.message}): nothing can be judged`,
      'check that the IdP is running and reachable, or raise timeouts.exchangeMs',
    );
}

/**
 * A flow the client stopped with a step still to follow (its step limit, or an intermediate page past the
 * hidden-form cap) ended nowhere: no delivery there is the absence of evidence, not a refusal. ERROR.
 */
function stoppedMidFlow(r: Answer, what = 'whether the IdP refused'): void {
  if (r.stepLimit)
    throw new HarnessError(
      'ERR_UNJUDGEABLE',
      `${what} cannot be told: the flow stopped at the client's step limit with a step still to follow (last HTTP ${r.lastStatus ?? '?'})`,
      'see the evidence: a redirect or intermediate-form loop at the IdP; a refusal is an error page or an error Response',
    );
}

/** No refusal and no Response: an oversize page or invalid URL, a navigation not followed, a login form, the step limit. */
function inconclusive(r: Answer): boolean {
  if (r.failure || r.foreignNavigation || r.stepLimit) return true;
  if (r.delivery) return false;
  return endsAtLogin(r);
}

/** The flow's last page has a password form: it ended at a login. */
function endsAtLogin(r: Answer): boolean {
  return !!r.pages[r.pages.length - 1]?.page.forms.some((f) => f.hasPassword);
}

/** A check's control, run as its first variant: `run` makes the flow without the mutation. */
export interface ControlVariant {
  /** The variant's name (reported, and the kill matrix's key). */
  name: string;
  /** What the control is, for the BLOCKED reason ("a valid 127-character UserId"). */
  what: string;
  run: () => Promise<Answer>;
}

/**
 * Negative variants judged against a control run first in the same check, under the same settings: the
 * control is a variant of its own that must get a trusted Success (expectSuccess); when it did not, a
 * refusal of the negatives would prove nothing ("this setup refuses every login"), so each is BLOCKED by
 * this check, whose FAIL is the control's. Whether the control held is read from its recorded outcome;
 * `judge` gets the control's answer (to judge a refusal against it).
 */
export async function variantsAgainstControl<T>(
  v: Verdict,
  control: ControlVariant,
  negatives: readonly (readonly [string, T])[],
  judge: (c: T, name: string, control: Answer) => Promise<void>,
): Promise<void> {
  let answer: Answer | undefined;
  const cases: (readonly [string, { negative: T } | undefined])[] = [
    [control.name, undefined],
    ...negatives.map(([name, c]) => [name, { negative: c }] as const),
  ];
  await v.variants(cases, async (c, name) => {
    if (!c) {
      answer = await control.run();
      expectSuccess(v, answer);
      return;
    }
    const held = v.variantOutcomes.find((o) => o.name === control.name)?.outcome === 'PASS';
    if (!held) {
      v.blocked(
        v.def.id,
        `its control, ${control.what}, got no Success (${answer ? describe(answer) : 'not run'}): a refusal would prove nothing`,
      );
    }
    await judge(c.negative, name, answer!); // held: the control ran and its answer is set
  });
}

/**
 * Whether the IdP answered with an error Response at the ACS (a StatusCode present and not Success). For a
 * step that needs such an answer as its precondition (a replay of an ID first answered with an error):
 * without one the step has nothing to judge, and the check judging the error itself says why.
 */
export function answeredWithError(r: Answer): boolean {
  const code = statusName(r.verify?.response?.statusCode);
  return r.delivery !== undefined && code !== undefined && code !== 'Success';
}

/** An error Response to the ACS with the given second-level code (and top-level, where fixed). */
export function expectErrorStatus(
  v: Verdict,
  r: Answer,
  second: string | undefined,
  tops: readonly string[] = ['Requester', 'Responder'],
): ResponseInfo {
  const resp = receivedResponse(v, r);
  const answering: Answering = { response: resp, requestId: sentRequestId(r.request) };
  verify(v, answering, [STATUS_ERROR]);
  v.oneOf('top-level StatusCode', statusName(resp.statusCode), tops, WHERE.response.statusCode);
  if (second) {
    v.equal('second-level StatusCode', statusName(resp.statusSubCode), second, WHERE.response.statusSubCode);
  }
  verify(v, answering, [ERROR_NO_ASSERTION, ERROR_IN_RESPONSE_TO]);
  return resp;
}

/** The gateway's finding with that code, if any (e.g. 'S-04'). */
export function finding(r: Answer, code: FindingCode) {
  return r.verify?.findings.find((f) => f.code === code);
}

/** FAIL with the verifier's finding when present. */
export function expectNoFinding(v: Verdict, r: Answer, code: FindingCode, what: string): void {
  const f = finding(r, code);
  if (f)
    v.fail(`${what} (${f.code}: ${f.message})`, f.expected ?? 'conformant', f.actual ?? 'violation', f.where);
  v.asserted++;
}

/** An error Response reached the ACS: a non-Success status and no Assertion, plain or encrypted. */
function expectErrorResponse(v: Verdict, r: Answer): ResponseInfo {
  const resp = receivedResponse(v, r);
  // Every refusal by error Response, in both profiles, answers the request that was sent (SAMLCore §3.2.2).
  const answering: Answering = { response: resp, requestId: sentRequestId(r.request) };
  verify(v, answering, [STATUS_ERROR, ERROR_NO_ASSERTION, ERROR_IN_RESPONSE_TO]);
  return resp;
}
