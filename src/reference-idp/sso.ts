/** The SSO endpoint (both bindings) and the login form: the profile's processing order, end to end. */
import * as crypto from 'node:crypto';
import * as zlib from 'node:zlib';
import type * as http from 'node:http';
import type { Attributed, ErrorSpec, InboundRequest } from './authn-request';
import { attribute, checkProtocol, decodePost, decodeRedirect } from './authn-request';
import { parseUrlEncoded, singleParam, strictUtf8 } from './codec';
import { LIMITS } from './constants';
import { isDeviceTokenRequest, processDeviceTokenRequest, readAuthorization } from './device-token';
import { Reject, SignatureReject } from './errors';
import { autoPostPage, errorPage, loginPage } from './html';
import type { AutoPostField } from './html';
import { clientAddress, readBody, readCookie, redirect, sendHtml } from './http-util';
import type { ResponseTarget, SubjectInfo } from './response';
import { newId, ResponseBuilder } from './response';
import type { IdpContext, Session, Tenant } from './store';
import { parseUtcInstant } from './time';
import { addParticipant } from './slo';
import { fetchReferences, hasLiveToken, queryParamsOfPost } from './fault-behaviours';
import { browserDecision, checkPassword, identifierRefusal, webSubject } from './web-sso';

export const SESSION_COOKIE = 'rid_session';

export class SsoHandler {
  constructor(private readonly idp: IdpContext) {}

  /** GET (HTTP-Redirect) or POST (HTTP-POST) /t/{tenant}/sso. */
  async sso(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    tenant: Tenant,
    query: string,
  ): Promise<void> {
    const { faults, throttle } = this.idp;
    const ip = throttleKey(req, tenant, faults);
    // Step 1: a throttled client gets 429 before anything else (DT-TOK-11).
    const wait = faults.has('no-throttling') ? 0 : throttle.lockedFor(ip, this.idp.now());
    if (
      wait > 0 &&
      !(
        faults.has('throttle-valid-token-bypasses') && hasLiveToken(readAuthorization(req.rawHeaders), tenant)
      )
    ) {
      throw new Reject(429, 'too many failed token presentations', {
        'Retry-After': String(Math.ceil(wait / 1000)),
      });
    }
    const inbound = await this.decode(req, query);
    if (faults.has('fetch-external-references')) await fetchReferences(inbound.xml);
    const now = this.idp.now();

    // Step 3: signature, Issuer, ACS (reject), then step 4: the protocol checks (refused).
    let a: Attributed;
    let refused: ErrorSpec | undefined;
    let target: ResponseTarget;
    try {
      a = attribute(tenant, inbound, faults);
      target = {
        spEntityId: a.sp.entityId,
        acs: a.acs,
        requestId: a.info.id,
        relayState: inbound.relayState,
        requestIssueInstant: parseUtcInstant(a.info.issueInstant ?? '') ?? now,
        ...(a.sp.encryption ? { encryptFor: a.sp.encryption } : {}),
      };
      refused = checkProtocol(tenant, a, now, faults);
    } catch (e) {
      if (!(e instanceof Reject) || tenant.deviceToken) throw e;
      // Conformant modes (browser requests only): an error Response to the registered ACS for a bad
      // signature, or the login form first and the refusal after it.
      if (
        e instanceof SignatureReject &&
        (faults.mode('refuse-with-error-response') || faults.has('signature-refusal-wrong-inresponseto'))
      ) {
        const registered: ResponseTarget = {
          spEntityId: e.spEntityId,
          acs: e.defaultAcs,
          requestId: faults.has('signature-refusal-wrong-inresponseto') ? newId() : (e.requestId ?? ''),
          relayState: inbound.relayState,
          requestIssueInstant: now,
        };
        const denied: ErrorSpec = { top: 'Requester', second: 'RequestDenied', message: e.message };
        return this.answerError(res, tenant, registered, denied, now);
      }
      if (faults.mode('login-then-refuse')) return this.showLoginThenRefuse(res, tenant, e, now);
      throw e;
    }
    if (refused && faults.mode('login-then-refuse') && !tenant.deviceToken) {
      const state = crypto.randomBytes(24).toString('base64url');
      sweep(tenant.pending, now);
      tenant.pending.set(state, { target, expires: now + LIMITS.pendingLoginMs, errorAfterLogin: refused });
      sendHtml(res, 200, loginPage({ action: tenant.urls.loginUrl, state, tenant: tenant.name }));
      return;
    }
    if (refused) return this.answerError(res, tenant, target, refused, now);
    if (a.unregistered && faults.has('unknown-issuer-error-response')) {
      const denied: ErrorSpec = { top: 'Requester', second: 'RequestDenied', message: 'unknown Issuer' };
      return this.answerError(res, tenant, target, denied, now);
    }

    if (isDeviceTokenRequest(a.info.root, req.rawHeaders)) {
      const d = await processDeviceTokenRequest({
        tenant,
        allTenants: Object.values(this.idp.tenants),
        throttle,
        faults,
        a,
        rawHeaders: req.rawHeaders,
        headers: req.headers,
        // Only faults read the parameters (token-from-query, device-attrs-from-headers).
        params:
          faults.has('token-from-query') || faults.has('device-attrs-from-headers')
            ? [...inbound.params, ...(req.method === 'POST' ? queryParamsOfPost(query) : [])]
            : [],
        ip,
        now,
      });
      switch (d.kind) {
        case 'error':
          return this.answerError(res, tenant, target, d.error, now);
        case 'success':
          return this.answerSuccess(res, tenant, target, d.subject, now);
        // Stryker disable next-line ConditionalExpression: the device-token decision is login-form only under the interactive-device-login fault (the kill matrix covers it).
        case 'login-form':
          return this.showLogin(res, tenant, target, a, now);
        // Stryker disable next-line ConditionalExpression: server-error only under the *-crashes faults (the kill matrix covers them).
        case 'server-error':
          sendHtml(res, 500, errorPage(500, 'internal error'));
          return;
        // Stryker disable next-line ConditionalExpression: browser only under the missing-device-context-tolerated fault (the kill matrix covers it).
        case 'browser':
          break;
      }
    }
    return this.browser(req, res, tenant, a, target, now);
  }

  /** GET|POST /t/{tenant}/login: the form of a pending browser login. */
  async login(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    tenant: Tenant,
    query: string,
  ): Promise<void> {
    const now = this.idp.now();
    const params =
      req.method === 'POST'
        ? parseUrlEncoded(strictUtf8(await readBody(req, LIMITS.bodyBytes), 'the form'))
        : parseUrlEncoded(query);
    // Stryker disable next-line StringLiteral: any fallback names no pending login, which is refused alike.
    const state = singleParam(params, 'state')?.value ?? '';
    const pending = tenant.pending.get(state);
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: how long a login form stays valid is the IdP's own (no requirement governs the lifetime of its pending-login state).
    const expired = pending !== undefined && pending.expires <= now;
    if (!pending || expired) {
      tenant.pending.delete(state);
      throw new Reject(400, 'unknown or expired login; start again from the service provider');
    }
    const username = singleParam(params, 'username')?.value;
    const password = singleParam(params, 'password')?.value;
    if (req.method !== 'POST' || username === undefined || password === undefined) {
      sendHtml(res, 200, loginPage({ action: tenant.urls.loginUrl, state, tenant: tenant.name }));
      return;
    }
    const user = checkPassword(tenant, username, password, this.idp.faults);
    if (!user) {
      // [PROF] §4.1.4.1: a failed login is never answered with a Response; the user may retry.
      sendHtml(
        res,
        200,
        loginPage({
          action: tenant.urls.loginUrl,
          state,
          tenant: tenant.name,
          username,
          error: 'Wrong username or password.',
        }),
      );
      return;
    }
    tenant.pending.delete(state);
    // Mode login-then-refuse: the refusal comes after the login.
    if (pending.refuse) throw new Reject(pending.refuse.status, pending.refuse.message);
    const { target } = pending;
    if (pending.errorAfterLogin) return this.answerError(res, tenant, target, pending.errorAfterLogin, now);
    if (
      !this.idp.faults.has('accept-replayed-request') &&
      tenant.isReplay(target.spEntityId, target.requestId, now)
    ) {
      throw new Reject(400, 'this request ID was already answered');
    }
    const old = readCookie(req, SESSION_COOKIE);
    if (old) tenant.sessions.delete(old);
    const session: Session = {
      id: crypto.randomBytes(32).toString('base64url'),
      // Stryker disable next-line MethodExpression: the directory (store.ts) folds case itself, so the session's key finds the same record upper- or lower-cased.
      userKey: user.userId.toLowerCase(),
      authnInstant: now,
      sessionIndex: newId(),
      expires: now + LIMITS.sessionMs,
    };
    sweep(tenant.sessions, now);
    tenant.sessions.set(session.id, session);
    const cookie = `${SESSION_COOKIE}=${session.id}; Path=/t/${tenant.name}; HttpOnly; SameSite=Lax`;
    const unmet = identifierRefusal(tenant, target.spEntityId, this.idp.faults);
    if (unmet?.page) throw new Reject(403, unmet.message);
    if (unmet) return this.answerError(res, tenant, target, unmet, now);
    const subject = webSubject(tenant, session, target.spEntityId, pending.nameIdFormat, this.idp.faults);
    if (!subject) throw new Reject(400, 'the user no longer exists');
    addParticipant(session, target.spEntityId, subject);
    this.answerSuccess(res, tenant, target, subject, now, { 'Set-Cookie': cookie });
  }

  private async decode(req: http.IncomingMessage, query: string): Promise<InboundRequest> {
    const { faults } = this.idp;
    if (req.method === 'GET') {
      if (faults.has('reject-redirect-binding'))
        throw new Reject(400, 'the HTTP-Redirect binding is not supported');
      return this.fetchingIfFaulty(() => decodeRedirect(query, faults), query, true);
    }
    const body = await readBody(req, LIMITS.bodyBytes);
    if (faults.has('reject-post-binding')) throw new Reject(400, 'the HTTP-POST binding is not supported');
    const type = (req.headers['content-type'] ?? 'application/x-www-form-urlencoded').split(';')[0]?.trim();
    // Stryker disable next-line BlockStatement,ConditionalExpression: [SAMLBind] §3.5.4 binds the sender to form encoding; how an IdP answers a POST of another Content-Type no requirement governs.
    if (type?.toLowerCase() !== 'application/x-www-form-urlencoded') {
      throw new Reject(400, 'the HTTP-POST binding needs an application/x-www-form-urlencoded body');
    }
    const text = strictUtf8(body, 'the form body');
    return this.fetchingIfFaulty(() => decodePost(text, faults), text, false);
  }

  /** Fault fetch-external-references: a request the parser rejects (a DOCTYPE) has its references fetched first. */
  private async fetchingIfFaulty(
    decode: () => InboundRequest,
    form: string,
    deflated: boolean,
  ): Promise<InboundRequest> {
    try {
      return decode();
    } catch (e) {
      if (this.idp.faults.has('fetch-external-references')) {
        try {
          const value = singleParam(parseUrlEncoded(form), 'SAMLRequest')?.value ?? '';
          const bytes = Buffer.from(value, 'base64');
          await fetchReferences((deflated ? zlib.inflateRawSync(bytes) : bytes).toString('utf8'));
        } catch {
          // nothing to fetch from an undecodable request
        }
      }
      throw e;
    }
  }

  private browser(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    tenant: Tenant,
    a: Attributed,
    target: ResponseTarget,
    now: number,
  ): void {
    const d = browserDecision(tenant, a, readCookie(req, SESSION_COOKIE), now, this.idp.faults);
    if (d.kind === 'error') return this.answerError(res, tenant, target, d.error, now);
    if (d.kind === 'login-form') return this.showLogin(res, tenant, target, a, now);
    const unmet = identifierRefusal(tenant, target.spEntityId, this.idp.faults);
    if (unmet?.page) throw new Reject(403, unmet.message);
    if (unmet) return this.answerError(res, tenant, target, unmet, now);
    const subject = webSubject(tenant, d.session, target.spEntityId, a.info.nameIdFormat, this.idp.faults);
    if (!subject) return this.showLogin(res, tenant, target, a, now);
    addParticipant(d.session, target.spEntityId, subject);
    this.answerSuccess(res, tenant, target, subject, now);
  }

  private showLogin(
    res: http.ServerResponse,
    tenant: Tenant,
    target: ResponseTarget,
    a: Attributed,
    now: number,
  ): void {
    const state = crypto.randomBytes(24).toString('base64url');
    sweep(tenant.pending, now);
    tenant.pending.set(state, {
      target,
      nameIdFormat: a.info.nameIdFormat,
      expires: now + LIMITS.pendingLoginMs,
    });
    sendHtml(res, 200, loginPage({ action: tenant.urls.loginUrl, state, tenant: tenant.name }));
  }

  /** Mode login-then-refuse: a login form whose successful login ends in the refusal `e`. */
  private showLoginThenRefuse(res: http.ServerResponse, tenant: Tenant, e: Reject, now: number): void {
    const state = crypto.randomBytes(24).toString('base64url');
    sweep(tenant.pending, now);
    const none: ResponseTarget = { spEntityId: '', acs: '', requestId: '', requestIssueInstant: now };
    tenant.pending.set(state, {
      target: none,
      expires: now + LIMITS.pendingLoginMs,
      refuse: { status: e.status, message: e.message },
    });
    sendHtml(res, 200, loginPage({ action: tenant.urls.loginUrl, state, tenant: tenant.name }));
  }

  private answerSuccess(
    res: http.ServerResponse,
    tenant: Tenant,
    target: ResponseTarget,
    subject: SubjectInfo,
    now: number,
    headers: Record<string, string> = {},
  ): void {
    const xml = new ResponseBuilder(tenant, this.idp.faults, now).success(target, subject);
    tenant.rememberAnswered(target.spEntityId, target.requestId, target.requestIssueInstant, now);
    this.deliver(res, target, xml, headers);
  }

  private answerError(
    res: http.ServerResponse,
    tenant: Tenant,
    target: ResponseTarget,
    e: ErrorSpec,
    now: number,
  ): void {
    const xml = new ResponseBuilder(tenant, this.idp.faults, now).error(target, e.top, e.second, e.message);
    if (!this.idp.faults.has('replay-cache-success-only'))
      tenant.rememberAnswered(target.spEntityId, target.requestId, target.requestIssueInstant, now);
    const dropped = this.idp.faults.has('relaystate-dropped-on-error');
    this.deliver(res, dropped ? { ...target, relayState: undefined } : target, xml, {});
  }

  /** [PROF] §4.1.2 / [BIND] §3.5.4: the Response goes by HTTP-POST, RelayState returned exactly. */
  private deliver(
    res: http.ServerResponse,
    target: ResponseTarget,
    xml: string,
    headers: Record<string, string>,
  ): void {
    const { faults } = this.idp;
    const samlResponse = Buffer.from(xml, 'utf8').toString('base64');
    const relayState = faults.has('drop-relaystate') ? undefined : target.relayState;
    if (faults.has('response-via-redirect')) {
      const q = new URLSearchParams({ SAMLResponse: samlResponse });
      if (relayState !== undefined) q.set('RelayState', relayState);
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      redirect(res, `${target.acs}${target.acs.includes('?') ? '&' : '?'}${q.toString()}`);
      return;
    }
    const fields: AutoPostField[] = [{ name: 'SAMLResponse', value: samlResponse }];
    if (relayState !== undefined) {
      fields.push({ name: 'RelayState', value: relayState, raw: faults.has('relaystate-unescaped') });
    }
    sendHtml(res, 200, autoPostPage(target.acs, fields), headers);
  }
}

/**
 * The throttled client: the TCP peer (profile "Throttling"). Faults throttle-forwarded-for (the first
 * X-Forwarded-For address) and throttle-per-tenant (the count kept per tenant) change the key.
 */
function throttleKey(req: http.IncomingMessage, tenant: Tenant, faults: IdpContext['faults']): string {
  let ip = clientAddress(req);
  const xff = req.headers['x-forwarded-for'];
  if (faults.has('throttle-forwarded-for') && typeof xff === 'string' && xff.trim() !== '') {
    ip = (xff.split(',')[0] as string).trim();
  }
  return faults.has('throttle-per-tenant') ? `${tenant.name}|${ip}` : ip;
}

function sweep(m: Map<string, { expires: number }>, now: number): void {
  if (m.size < 1000) return;
  for (const [k, v] of m) if (v.expires <= now) m.delete(k);
}
