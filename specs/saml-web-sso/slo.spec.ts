/**
 * The slo family: Single Logout as saml2int SDP-IDP21–31 and SAML Core §3.7.3.2 state it.
 *
 * Long file: twenty checks, one sentence each, that share one control flow (login, IsPassive probe, signed
 * logout, probe) and one two-SP propagation flow; splitting the file would split the controls their
 * negatives are judged by.
 */
import {
  scenario,
  isNoAnswer,
  POLICY,
  webLogin,
  newBrowser,
  expectSuccess,
  statusName,
  describeAnswer,
  NotApplicable,
  webLogout,
  passiveLogin,
  idpSlo,
  gatewaySloUrl,
  type Verdict,
  type WebLogin,
  type WebLogout,
  type WebLogoutOptions,
  fixtureKey,
  type LogoutMessage,
  type AssertionInfo,
  newId,
  WHERE,
  HarnessError,
  type RunContext,
} from '../../src/harness';

const RESPONDER = 'urn:oasis:names:tc:SAML:2.0:status:Responder';

/** Is the IdP session of this browser alive? An IsPassive login answers: an assertion, or NoPassive. */
function alive(r: WebLogin, when: string): boolean {
  if (r.verify?.assertion && r.verify.accepted) return true;
  const status = statusName(r.verify?.response?.statusCode);
  if ((status && status !== 'Success') || r.loginFormShown) return false;
  // No answer, or one that says neither: the session cannot be judged (ERROR, never a verdict).
  throw new HarnessError(
    'ERR_UNJUDGEABLE',
    `the IsPassive probe ${when} gave no judgeable answer: ${describeAnswer(r)}`,
    'see the evidence: an IsPassive login answers with an assertion or a NoPassive error Response',
  );
}

function describeLogout(out: WebLogout): string {
  if (out.response) return `a LogoutResponse ${statusName(out.response.status?.top) ?? '(no status)'}`;
  if (out.failure) return `${out.failure.reason}: ${out.failure.message}`;
  if (out.loginFormShown) return `a login form at ${out.lastPage?.url ?? '?'}`;
  if (out.foreignNavigation) return `navigation to ${out.foreignNavigation}`;
  if (out.stepLimit) return `no end within the client's step limit (last at ${out.lastPage?.url ?? '?'})`;
  if (out.lastPage) return `an HTTP ${out.lastPage.status} page at ${out.lastPage.url}`;
  return 'nothing';
}

const CONTROL_ROOT = 'SDP-IDP25-logout-request-redirect';

/** The IdP did not answer at all (timeout, refused, reset): the liveness rule makes that an ERROR, never a verdict. */
function noAnswer(out: WebLogout): void {
  if (out.failure && isNoAnswer(out.failure.reason))
    throw new HarnessError(
      out.failure.reason === 'timeout' ? 'ERR_TIMEOUT' : 'ERR_TARGET_UNREACHABLE',
      `the IdP did not answer the logout (${out.failure.message}): nothing can be judged`,
      'check that the IdP is running and reachable, or raise timeouts.exchangeMs',
    );
}

/**
 * Why the client cannot tell how a logout ended, or undefined when it ended at a LogoutResponse or at a
 * page the IdP served (an error page). The house style's "a page the client could not follow" is ERROR,
 * never a refusal: an answer too large or with an invalid URL (the reasons the web login's browser flow
 * gives, outcomes.ts), a navigation the client did not follow, the step limit, a login form (the logout
 * client has no credentials to go on with), a page that is not the IdP's, or nothing at all.
 */
function unjudgeable(ctx: RunContext, out: WebLogout): string | undefined {
  if (out.response) return undefined;
  if (out.failure) return `${out.failure.reason}: ${out.failure.message}`;
  if (out.foreignNavigation) return `a navigation the client does not follow, to ${out.foreignNavigation}`;
  if (out.stepLimit) return describeLogout(out);
  if (out.loginFormShown) return describeLogout(out);
  if (!out.lastPage) return 'nothing';
  const idp = idpSlo(ctx);
  const origin = new URL(out.lastPage.url).origin;
  if (origin !== new URL(idp.url).origin && origin !== new URL(idp.responseUrl).origin)
    return `a page at ${out.lastPage.url}, not the IdP's`;
  return undefined;
}

/** ERR_UNJUDGEABLE (ERROR) when the logout ended where the client cannot tell `what` (unjudgeable). */
function judgeable(ctx: RunContext, out: WebLogout, what: string): void {
  const why = unjudgeable(ctx, out);
  if (why)
    throw new HarnessError(
      'ERR_UNJUDGEABLE',
      `${what} cannot be told: the logout ended at ${why}`,
      'see the evidence; a logout ends with a LogoutResponse, or an error page the IdP serves',
    );
}

/**
 * The LogoutResponse the IdP handed back ([CORE] §3.7.3.2: the session authority MUST respond with one,
 * Success or an error status). No answer at all is an ERROR; any other answer (an error page, a login
 * form, a navigation elsewhere, junk) is a FAIL. `root`: the check that judges this flow's missing
 * LogoutResponse, when it is not this one (BLOCKED by it).
 */
function logoutResponse(v: Verdict, out: WebLogout, root?: string): LogoutMessage {
  noAnswer(out);
  if (!out.response) {
    const f = v.failure('answer to the LogoutRequest', 'a LogoutResponse', describeLogout(out));
    if (root) v.blocked(root, `no LogoutResponse: ${describeLogout(out)}`, f);
    throw f;
  }
  const m = out.response;
  if (m.parseError) v.fail('LogoutResponse', 'a well-formed samlp:LogoutResponse', m.parseError);
  v.equal('message', m.root, 'LogoutResponse', '/*');
  return m;
}

interface LoggedIn {
  login: WebLogin;
  assertion?: AssertionInfo;
}

/** The control flow: a login, IsPassive before, the valid logout, IsPassive after (absent if the login failed). */
interface ControlFlow extends LoggedIn {
  before?: WebLogin;
  logout?: WebLogout;
  after?: WebLogin;
}

async function loginFor(
  ctx: RunContext,
  entity: 'default' | 'signed',
  ua = newBrowser(ctx),
): Promise<LoggedIn> {
  const login = await webLogin(ctx, { ua, entity });
  return { login, assertion: login.verify?.accepted ? login.verify.assertion : undefined };
}

function loggedIn(v: Verdict, l: LoggedIn): AssertionInfo {
  return expectSuccess(v, l.login);
}

/**
 * Single Logout (saml2int SDP-IDP21–31, SAML Core §3.7.3.2). The control: a login, an IsPassive login
 * that proves the session is observable, the signed HTTP-Redirect LogoutRequest, and an IsPassive login
 * after it. Every negative is judged against that control in the same run: refused means no Success
 * LogoutResponse and the session still alive.
 */
describe('saml-web-sso · Single Logout', function () {
  // The gateway has one SingleLogoutService handler (roles/slo.ts sets it per logout flow): under --jobs
  // the logout checks run one at a time, alone.
  const h = scenario(this, {
    profile: 'saml-web-sso',
    family: 'slo',
    exclusive: "the gateway's SingleLogoutService handler (one logout flow at a time)",
  });

  const control = h.shared('slo-control', async (ctx): Promise<ControlFlow> => {
    idpSlo(ctx);
    const l = await loginFor(ctx, 'default');
    if (!l.assertion) return l;
    const before = await passiveLogin(ctx, l.login);
    const logout = await webLogout(ctx, { login: l.login, assertion: l.assertion });
    const after = await passiveLogin(ctx, l.login);
    return { ...l, before, logout, after };
  });

  /** Two gateway entities logged in through one browser; the default one logs out. */
  const twoSps =
    (participantStatus?: string) =>
    async (ctx: RunContext): Promise<{ first: LoggedIn; other: LoggedIn; logout?: WebLogout }> => {
      idpSlo(ctx);
      if (!ctx.config.gateway.signedEntityId)
        throw new NotApplicable('the target config has no second gateway entity (gateway.signedEntityId)');
      const first = await loginFor(ctx, 'default');
      const other = await loginFor(ctx, 'signed', first.login.ua);
      if (!first.assertion || !other.assertion) return { first, other };
      const logout = await webLogout(ctx, {
        login: first.login,
        assertion: first.assertion,
        participantStatus,
      });
      return { first, other, logout };
    };
  const propagation = h.shared('slo-two-sps', twoSps());
  const partial = h.shared('slo-two-sps-partial', twoSps(RESPONDER));

  /** The control, judged: Success, and the session observably alive before and ended after. */
  async function calibrated(v: Verdict) {
    const c = await control();
    loggedIn(v, c);
    if (!c.before || !alive(c.before, 'before the logout'))
      throw new NotApplicable(
        'an IsPassive request from a live session gets no assertion here, so whether a session ended cannot be observed',
      );
    return c as Required<ControlFlow>;
  }

  async function refusedAgainstControl(v: Verdict, ctx: RunContext, mutated: Partial<WebLogoutOptions>) {
    const c = await calibrated(v);
    const success = statusName(c.logout.response?.status?.top) === 'Success';
    const ended = success && !alive(c.after, 'after the control logout');
    if (!ended) {
      const f = v.failure(
        'control: the signed LogoutRequest',
        'Success and the session ended (otherwise a refusal proves nothing)',
        success ? 'Success, and the session still alive' : describeLogout(c.logout),
      );
      v.blocked(
        success ? 'SDP-IDP31-session-ended' : CONTROL_ROOT,
        `the control logout failed: ${f.message}`,
        f,
      );
    }
    v.asserted++;
    const l = await loginFor(ctx, 'default');
    const assertion = loggedIn(v, l);
    const out = await webLogout(ctx, { login: l.login, assertion, ...mutated });
    noAnswer(out);
    const after = await passiveLogin(ctx, l.login);
    const want = 'a refusal: an error page or an error LogoutResponse';
    // Served, whatever else the answer looks like: a Success LogoutResponse, or the session ended.
    v.ok(
      statusName(out.response?.status?.top) !== 'Success',
      'answer to the LogoutRequest',
      want,
      describeLogout(out),
    );
    v.ok(
      alive(after, 'after the refused logout'),
      'the IdP session',
      'still alive (an IsPassive login gets an assertion)',
      'ended',
    );
    // A refusal is an error LogoutResponse (a StatusCode present and not Success) or an IdP error page.
    if (out.response) {
      const m = out.response;
      v.ok(
        !m.parseError && m.root === 'LogoutResponse' && statusName(m.status?.top) !== undefined,
        'answer to the LogoutRequest',
        'an error LogoutResponse (a top-level StatusCode other than Success)',
        m.parseError ?? (m.root === 'LogoutResponse' ? 'a LogoutResponse without StatusCode' : `a ${m.root}`),
        WHERE.logoutResponse.statusCode,
      );
      return;
    }
    judgeable(ctx, out, 'whether the IdP refused the LogoutRequest');
    v.asserted++;
  }

  /** SDP-IDP33: an IdP's metadata MUST contain at least one <md:SingleLogoutService> endpoint element. */
  h.check(
    {
      id: 'SDP-IDP33-metadata-slo',
      level: 'MUST',
      requirements: ['SDP-IDP33'],
      title: 'the IdP metadata lists a SingleLogoutService',
    },
    async (v, ctx) => {
      v.ok(
        ctx.idp.sloBindings.length > 0,
        WHERE.metadata.singleLogoutService,
        'at least one',
        'none',
        WHERE.metadata.singleLogoutServices,
      );
    },
  );

  /** SDP-IDP25: IdPs MUST support the HTTP-Redirect binding for the receipt of LogoutRequests (published in metadata). */
  h.check(
    {
      id: 'SDP-IDP25-metadata-slo-redirect',
      level: 'MUST',
      requirements: ['SDP-IDP25'],
      title: 'the IdP metadata lists a SingleLogoutService with the HTTP-Redirect binding',
    },
    async (v, ctx) => {
      if (ctx.idp.sloBindings.length === 0) {
        const f = v.failure(
          WHERE.metadata.singleLogoutService,
          'one with the HTTP-Redirect binding',
          'none at all',
        );
        v.blocked('SDP-IDP33-metadata-slo', 'the metadata lists no SingleLogoutService', f);
      }
      v.ok(
        !!ctx.idp.sloRedirect,
        'SingleLogoutService Binding',
        'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
        ctx.idp.sloBindings.join(', '),
        WHERE.metadata.singleLogoutServiceBinding,
      );
    },
  );

  h.check(
    {
      id: 'SDP-IDP25-logout-request-redirect',
      level: 'MUST',
      requirements: ['SDP-IDP25', 'SDP-IDP21', 'SAMLCore-3.7.3.2-logout-response'],
      title: 'a signed LogoutRequest over HTTP-Redirect after a login gets a LogoutResponse with Success',
    },
    async (v) => {
      const c = await control();
      loggedIn(v, c);
      const m = logoutResponse(v, c.logout!);
      v.equal('top-level StatusCode', statusName(m.status?.top), 'Success', WHERE.logoutResponse.statusCode);
    },
  );

  h.check(
    {
      id: 'SDP-IDP28-logout-response-redirect',
      level: 'MUST',
      requirements: ['SDP-IDP28'],
      title: 'the LogoutResponse is sent with the HTTP-Redirect binding',
    },
    async (v) => {
      const c = await control();
      loggedIn(v, c);
      v.equal('LogoutResponse binding', logoutResponse(v, c.logout!, CONTROL_ROOT).binding, 'redirect');
    },
  );

  h.check(
    {
      id: 'SDP-IDP30-logout-response-signed',
      level: 'MUST',
      requirements: ['SDP-IDP30', 'SAMLBind-3.4.4.1', 'SDP-ALG01'],
      title: 'the LogoutResponse is signed with an IdP metadata key and an allowed algorithm',
    },
    async (v) => {
      const c = await control();
      loggedIn(v, c);
      const m = logoutResponse(v, c.logout!, CONTROL_ROOT);
      const sig = m.signature;
      v.ok(
        sig.kind !== 'none',
        'LogoutResponse signature',
        m.binding === 'redirect' ? 'SigAlg and Signature query parameters' : 'a ds:Signature',
        'none',
      );
      v.ok(
        sig.verifies,
        'LogoutResponse signature',
        'verifies with an IdP metadata signing key',
        sig.error ?? 'does not verify',
      );
      v.oneOf('SigAlg', sig.sigAlg, POLICY.signatureAlgorithms);
    },
  );

  /** [CORE] §3.7.3.2: it MUST respond to the original requester; [BIND] §3.4.5.2, [CORE] §3.2.2: Destination. */
  h.check(
    {
      id: 'SAMLCore-3.7.3.2-logout-response-fields',
      level: 'MUST',
      requirements: ['SAMLCore-3.7.3.2-logout-response', 'SAMLBind-3.4.5.2', 'SAMLCore-3.2.2'],
      title:
        "the LogoutResponse answers the original requester: delivered to that SP's SingleLogoutService, InResponseTo, Issuer, Destination, Version",
    },
    async (v, ctx) => {
      const c = await control();
      loggedIn(v, c);
      const out = c.logout!;
      const m = logoutResponse(v, out, CONTROL_ROOT);
      // The SingleLogoutService of the entity that sent the LogoutRequest, not any other gateway entity's.
      const requester = gatewaySloUrl(ctx, c.login);
      v.equal('LogoutResponse delivered to', out.responseUrl, requester);
      v.equal('InResponseTo', m.inResponseTo, out.request.id, WHERE.logoutResponse.inResponseTo);
      v.equal('Issuer', m.issuer, ctx.idp.entityId, WHERE.logoutResponse.issuer);
      v.equal('Version', m.version, '2.0', WHERE.logoutResponse.version);
      // [BIND] §3.4.5.2: Destination MUST be present on a signed message; [CORE] §3.2.2: it names where it was sent.
      if (m.destination !== undefined || m.signature.kind !== 'none')
        v.equal('Destination', m.destination, requester, WHERE.logoutResponse.destination);
    },
  );

  h.check(
    {
      id: 'SDP-IDP31-session-ended',
      level: 'MUST',
      requirements: ['SDP-IDP31', 'SDP-IDP21'],
      title: 'after a Success LogoutResponse the session is over: an IsPassive request gets NoPassive',
    },
    async (v) => {
      const c = await calibrated(v);
      const m = logoutResponse(v, c.logout, CONTROL_ROOT);
      const success = statusName(m.status?.top) === 'Success';
      const ended = !alive(c.after, 'after the logout');
      v.ok(
        success === ended,
        'StatusCode against the session',
        success ? 'Success, and the session ended' : 'an error status, and the session kept',
        `${statusName(m.status?.top)}, and the session ${ended ? 'ended' : 'still alive'}`,
      );
    },
  );

  /**
   * SDP-IDP31: the StatusCode MUST reflect whether the session was terminated; [CORE] §3.7.3.2: if it
   * cannot terminate it, the IdP MUST respond with a LogoutResponse whose top-level status is an error.
   */
  h.check(
    {
      id: 'SDP-IDP31-unknown-principal-status',
      level: 'MUST',
      requirements: ['SDP-IDP31', 'SAMLCore-3.7.3.2-error-status'],
      title:
        'a LogoutRequest naming a principal of no session gets a LogoutResponse, not Success while the session lives on',
    },
    async (v, ctx) => {
      const c = await calibrated(v);
      // The control: the valid LogoutRequest got a LogoutResponse (SDP-IDP25-logout-request-redirect judges it).
      logoutResponse(v, c.logout, CONTROL_ROOT);
      const l = await loginFor(ctx, 'default');
      const assertion = loggedIn(v, l);
      const nameId = { ...assertion.nameId!, value: `nobody-${newId().slice(1, 17)}@unknown.example` };
      const out = await webLogout(ctx, { login: l.login, assertion, nameId });
      // No answer: ERROR; an error page, a login form or anything but a LogoutResponse: FAIL.
      const m = logoutResponse(v, out);
      const success = statusName(m.status?.top) === 'Success';
      const ended = !alive(await passiveLogin(ctx, l.login), 'after the logout');
      v.ok(
        success === ended,
        'StatusCode against the session',
        success ? 'Success only if the session ended' : 'an error status, and the session kept',
        `${statusName(m.status?.top)}, and the session ${ended ? 'ended' : 'still alive'}`,
      );
    },
  );

  h.check(
    {
      id: 'SDP-IDP26-unsigned-logout-request-refused',
      level: 'MUST',
      requirements: ['SDP-IDP26', 'SAMLCore-3.7.3.2-authenticate'],
      title: 'an unsigned LogoutRequest is refused: no Success, the session lives on',
    },
    async (v, ctx) => refusedAgainstControl(v, ctx, { sign: false }),
  );

  h.check(
    {
      id: 'SDP-IDP26-logout-request-wrong-key-refused',
      level: 'MUST',
      requirements: ['SDP-IDP26', 'SAMLBind-3.4.4.1'],
      title: 'a LogoutRequest signed with a key not in the SP metadata is refused',
    },
    async (v, ctx) => refusedAgainstControl(v, ctx, { signKey: fixtureKey('attacker') }),
  );

  h.check(
    {
      id: 'SAMLCore-3.7.3.2-propagation',
      level: 'SHOULD',
      requirements: ['SAMLCore-3.7.3.2-propagation', 'SDP-IDP23'],
      title: 'the logout of one SP reaches the other SP of the session (where the IdP declares propagation)',
    },
    async (v, ctx) => {
      h.requires('sloPropagation');
      const p = await propagation();
      loggedIn(v, p.first);
      loggedIn(v, p.other);
      const want = gatewaySloUrl(ctx, p.other.login);
      const out = p.logout!;
      if (out.propagated.length === 0) propagationFinished(v, ctx, out, want);
      v.ok(
        p.logout!.propagated.some((x) => x.url === want),
        'LogoutRequest at the other SP',
        `one at ${want}`,
        p.logout!.propagated.map((x) => x.url).join(', ') || 'none',
      );
    },
  );

  /**
   * A two-SP logout that propagated nothing to `want` proves nothing unless it finished: no answer is an
   * ERROR (noAnswer); a logout that did not end with a Success LogoutResponse (an error status, an error
   * page, a page the client could not follow) is BLOCKED by the control logout's check, with the FAIL
   * restored if that check passes (the IdP could log out one SP, not two).
   */
  function propagationFinished(v: Verdict, ctx: RunContext, out: WebLogout, want: string): void {
    noAnswer(out);
    if (statusName(out.response?.status?.top) === 'Success') return;
    judgeable(ctx, out, 'whether the two-SP logout finished');
    const f = v.failure(
      'LogoutRequest at the other SP',
      `one at ${want}`,
      `none; the logout got ${describeLogout(out)}`,
    );
    v.blocked(CONTROL_ROOT, `the two-SP logout did not finish with Success (${describeLogout(out)})`, f);
  }

  /**
   * The propagated LogoutRequest. NOT_APPLICABLE only after a two-SP logout that finished with Success
   * and sent the other participant nothing (saml2int SDP-IDP23 makes propagation a MAY); otherwise
   * propagationFinished says why nothing can be judged.
   */
  function propagated(v: Verdict, ctx: RunContext, p: Awaited<ReturnType<typeof propagation>>) {
    const a = loggedIn(v, p.first);
    const other = loggedIn(v, p.other);
    const want = gatewaySloUrl(ctx, p.other.login);
    const got = p.logout!.propagated.find((x) => x.url === want);
    if (!got) {
      propagationFinished(v, ctx, p.logout!, want);
      throw new NotApplicable(
        'the two-SP logout finished with Success and the IdP sent no LogoutRequest to the other session participant (propagation is optional: saml2int SDP-IDP23)',
      );
    }
    return { a, other, got };
  }

  const PROPAGATED_ROOT = 'SDP-IDP24-propagated-logout-request';

  /** The propagated LogoutRequest, decoded (one that is none is judged by SDP-IDP24-propagated-logout-request). */
  function propagatedRequest(v: Verdict, ctx: RunContext, p: Awaited<ReturnType<typeof propagation>>) {
    const { other, got } = propagated(v, ctx, p);
    const m = got.message;
    if (m.parseError || m.root !== 'LogoutRequest') {
      const f = v.failure('propagated message', 'a samlp:LogoutRequest', m.parseError ?? m.root ?? 'none');
      v.blocked(PROPAGATED_ROOT, 'the propagated message is no LogoutRequest', f);
    }
    return { other, got, m };
  }

  /** SDP-IDP24: the HTTP-Redirect binding MUST be used for the transmission of LogoutRequests (propagation). */
  h.check(
    {
      id: 'SDP-IDP24-propagated-logout-request',
      level: 'MUST',
      requirements: ['SDP-IDP24'],
      title: 'a propagated LogoutRequest comes to the other SP as a samlp:LogoutRequest over HTTP-Redirect',
    },
    async (v, ctx) => {
      const { got } = propagated(v, ctx, await propagation());
      const m = got.message;
      if (m.parseError) v.fail('propagated LogoutRequest', 'a well-formed samlp:LogoutRequest', m.parseError);
      v.equal('message', m.root, 'LogoutRequest', '/*');
      v.equal('binding', m.binding, 'redirect');
    },
  );

  /** SDP-IDP26: Requests MUST be signed. */
  h.check(
    {
      id: 'SDP-IDP26-propagated-logout-request-signed',
      level: 'MUST',
      requirements: ['SDP-IDP26', 'SDP-ALG01'],
      title: 'a propagated LogoutRequest is signed with an IdP metadata key and an allowed SigAlg',
    },
    async (v, ctx) => {
      const { m } = propagatedRequest(v, ctx, await propagation());
      v.ok(m.signature.kind !== 'none', 'LogoutRequest signature', 'present', 'unsigned');
      v.ok(
        m.signature.verifies,
        'LogoutRequest signature',
        'verifies with an IdP metadata signing key',
        m.signature.error ?? 'does not verify',
      );
      // SDP-ALG01: the Redirect SigAlg is one of the allowed RSA-SHA256+ algorithms.
      v.oneOf('SigAlg', m.signature.sigAlg, POLICY.signatureAlgorithms);
    },
  );

  /** SDP-IDP27: The <saml:NameID> element in <samlp:LogoutRequest> messages MUST NOT be encrypted. */
  h.check(
    {
      id: 'SDP-IDP27-propagated-nameid-not-encrypted',
      level: 'MUST',
      requirements: ['SDP-IDP27'],
      title: 'a propagated LogoutRequest carries the NameID in the clear, no saml:EncryptedID',
    },
    async (v, ctx) => {
      const { m } = propagatedRequest(v, ctx, await propagation());
      v.ok(
        !m.encryptedId,
        WHERE.logoutRequest.encryptedIdElement,
        'absent',
        'present',
        WHERE.logoutRequest.encryptedId,
      );
    },
  );

  /** [PROF] §4.4.4.1: the principal MUST be identified by an identifier that strongly matches the assertion's. */
  h.check(
    {
      id: 'SAMLProf-4.4.4.1-principal-propagated',
      level: 'MUST',
      requirements: ['SAMLProf-4.4.4.1-principal'],
      title:
        'a propagated LogoutRequest names the principal by the NameID (value, Format, qualifiers) that SP was given',
    },
    async (v, ctx) => {
      const { other, m } = propagatedRequest(v, ctx, await propagation());
      if (m.encryptedId) {
        const f = v.failure(
          WHERE.logoutRequest.nameIdElement,
          'in the clear',
          `a ${WHERE.logoutRequest.encryptedIdElement}`,
        );
        v.blocked('SDP-IDP27-propagated-nameid-not-encrypted', 'the NameID is encrypted', f);
      }
      const given = v.present('NameID of the assertion', other.nameId, WHERE.assertion.subjectNameId);
      const n = v.present('NameID', m.nameId, WHERE.logoutRequest.nameId);
      v.equal('NameID', n.value, given.value, WHERE.logoutRequest.nameId);
      v.equal('NameID Format', n.format, given.format, WHERE.logoutRequest.nameIdFormat);
      // Strongly matches: the qualifiers too ([CORE] §2.2.3: NameQualifier and SPNameQualifier scope the value).
      v.equal(
        'NameID NameQualifier',
        n.nameQualifier,
        given.nameQualifier,
        WHERE.logoutRequest.nameQualifier,
      );
      v.equal(
        'NameID SPNameQualifier',
        n.spNameQualifier,
        given.spNameQualifier,
        WHERE.logoutRequest.spNameQualifier,
      );
    },
  );

  /** [PROF] §4.4.4.1: the <Issuer> element MUST be present and MUST contain the requesting entity's identifier. */
  h.check(
    {
      id: 'SAMLProf-4.4.4.1-issuer-propagated',
      level: 'MUST',
      requirements: ['SAMLProf-4.4.4.1-issuer'],
      title: "a propagated LogoutRequest's Issuer is the IdP's entityID",
    },
    async (v, ctx) => {
      const { m } = propagatedRequest(v, ctx, await propagation());
      const issuer = v.present('Issuer', m.issuer, WHERE.logoutRequest.issuer);
      v.equal('Issuer', issuer, ctx.idp.entityId, WHERE.logoutRequest.issuer);
    },
  );

  /** [BIND] §3.4.5.2: a signed message's Destination MUST be the URL the user agent was sent to. */
  h.check(
    {
      id: 'SAMLBind-3.4.5.2-propagated-destination',
      level: 'MUST',
      requirements: ['SAMLBind-3.4.5.2'],
      title: "a propagated LogoutRequest's Destination is the other SP's SingleLogoutService it was sent to",
    },
    async (v, ctx) => {
      const { got, m } = propagatedRequest(v, ctx, await propagation());
      if (m.signature.kind === 'none' && m.destination === undefined)
        throw new NotApplicable(
          'the propagated LogoutRequest is unsigned and has no Destination: [BIND] §3.4.5.2 asks one of a signed message (SDP-IDP26-propagated-logout-request-signed judges the signature)',
        );
      const destination = v.present('Destination', m.destination, WHERE.logoutRequest.destination);
      v.equal('Destination', destination, got.url, WHERE.logoutRequest.destination);
    },
  );

  /** [CORE] §3.7.3.2: the session authority MUST set NotOnOrAfter on a logout request it constructs. */
  h.check(
    {
      id: 'SAMLCore-3.7.3.2-notonorafter-propagated',
      level: 'MUST',
      requirements: ['SAMLCore-3.7.3.2-notonorafter'],
      title: 'a propagated LogoutRequest carries NotOnOrAfter, a time value',
    },
    async (v, ctx) => {
      const { m } = propagatedRequest(v, ctx, await propagation());
      const t = v.present('NotOnOrAfter', m.notOnOrAfter, WHERE.logoutRequest.notOnOrAfter);
      v.ok(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(t) && !Number.isNaN(Date.parse(t)),
        'NotOnOrAfter',
        'an xs:dateTime',
        t,
        WHERE.logoutRequest.notOnOrAfter,
      );
    },
  );

  h.check(
    {
      id: 'SDP-IDP29-participant-response-redirect',
      level: 'MUST',
      requirements: ['SDP-IDP29'],
      title:
        "the other SP's LogoutResponse over HTTP-Redirect is taken and the logout completes with Success",
    },
    async (v, ctx) => {
      const p = await propagation();
      propagated(v, ctx, p);
      const m = logoutResponse(v, p.logout!);
      v.equal('top-level StatusCode', statusName(m.status?.top), 'Success', WHERE.logoutResponse.statusCode);
    },
  );

  /** [CORE] §3.7.3.2: a participant that did not confirm its logout MUST give PartialLogout (second level). */
  h.check(
    {
      id: 'SAMLCore-3.7.3.2-partial-logout',
      level: 'MUST',
      requirements: ['SAMLCore-3.7.3.2-partial-logout'],
      title:
        'when the other SP answers its LogoutRequest with an error, the LogoutResponse carries PartialLogout',
    },
    async (v, ctx) => {
      const p = await partial();
      propagated(v, ctx, p);
      const out = p.logout!;
      if (!out.response && !out.failure) {
        // Its own control: the same two-SP logout with the participant answering Success (SDP-IDP29 judges it).
        const ctl = (await propagation()).logout;
        if (statusName(ctl?.response?.status?.top) !== 'Success') {
          const f = v.failure('answer to the LogoutRequest', 'a LogoutResponse', describeLogout(out));
          v.blocked(
            'SDP-IDP29-participant-response-redirect',
            `the same logout with a participant answering Success got ${ctl ? describeLogout(ctl) : 'no logout'}`,
            f,
          );
        }
      }
      const m = logoutResponse(v, out);
      // [CORE] §3.7.3.2: the top level reports the session authority's own logout (ended: Success).
      v.equal('top-level StatusCode', statusName(m.status?.top), 'Success', WHERE.logoutResponse.statusCode);
      v.equal(
        'second-level StatusCode',
        statusName(m.status?.second),
        'PartialLogout',
        WHERE.logoutResponse.statusSubCode,
      );
    },
  );
});
