/**
 * The slo family: Single Logout as saml2int SDP-IDP21–31 and SAML Core §3.7.3.2 state it.
 *
 * Long file: fourteen checks that share one control flow (login, IsPassive probe, signed logout, probe)
 * and one two-SP propagation flow; splitting them would split the controls their negatives are judged by.
 */
import {
  scenario,
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
  session,
  fixtureKey,
  type LogoutMessage,
  type AssertionInfo,
} from '../../src/harness';

const RESPONDER = 'urn:oasis:names:tc:SAML:2.0:status:Responder';

/** Is the IdP session of this browser alive? An IsPassive login answers: an assertion, or NoPassive. */
function alive(r: WebLogin, when: string): boolean {
  if (r.verify?.assertion && r.verify.accepted) return true;
  const status = statusName(r.verify?.response?.statusCode);
  if ((status && status !== 'Success') || r.loginFormShown) return false;
  // No answer, or one that says neither: the session cannot be judged (ERROR, never a verdict).
  throw new Error(`the IsPassive probe ${when} gave no judgeable answer: ${describeAnswer(r)}`);
}

function describeLogout(out: WebLogout): string {
  if (out.response) return `a LogoutResponse ${statusName(out.response.status?.top) ?? '(no status)'}`;
  if (out.foreignNavigation) return `navigation to ${out.foreignNavigation}`;
  if (out.lastPage) return `an HTTP ${out.lastPage.status} page at ${out.lastPage.url}`;
  return 'nothing';
}

const CONTROL_ROOT = 'SDP-IDP25-logout-request-redirect';

/**
 * The LogoutResponse that reached the gateway's SingleLogoutService (no answer at all is an ERROR).
 * `root`: the check that judges this flow's missing LogoutResponse, when it is not this one (BLOCKED by it).
 */
function logoutResponse(v: Verdict, out: WebLogout, root?: string): LogoutMessage {
  if (out.failure) throw new Error(`the IdP did not answer the logout: ${out.failure.message}`);
  if (!out.response) {
    const f = v.failure(
      'answer to the LogoutRequest',
      'a LogoutResponse at the gateway SingleLogoutService',
      describeLogout(out),
    );
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

async function loginFor(entity: 'default' | 'signed', ua = newBrowser()): Promise<LoggedIn> {
  const login = await webLogin({ ua, entity });
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

  const control = h.shared('slo-control', async (): Promise<ControlFlow> => {
    idpSlo();
    const l = await loginFor('default');
    if (!l.assertion) return l;
    const before = await passiveLogin(l.login);
    const logout = await webLogout({ login: l.login, assertion: l.assertion });
    const after = await passiveLogin(l.login);
    return { ...l, before, logout, after };
  });

  /** Two gateway entities logged in through one browser; the default one logs out. */
  const twoSps =
    (participantStatus?: string) =>
    async (): Promise<{ first: LoggedIn; other: LoggedIn; logout?: WebLogout }> => {
      idpSlo();
      if (!session().config.gateway.signedEntityId)
        throw new NotApplicable('the target config has no second gateway entity (gateway.signedEntityId)');
      const first = await loginFor('default');
      const other = await loginFor('signed', first.login.ua);
      if (!first.assertion || !other.assertion) return { first, other };
      const logout = await webLogout({ login: first.login, assertion: first.assertion, participantStatus });
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

  async function refusedAgainstControl(v: Verdict, mutated: Partial<WebLogoutOptions>) {
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
    const l = await loginFor('default');
    const assertion = loggedIn(v, l);
    const out = await webLogout({ login: l.login, assertion, ...mutated });
    if (out.failure) throw new Error(`the IdP did not answer the logout: ${out.failure.message}`);
    const after = await passiveLogin(l.login);
    v.ok(
      statusName(out.response?.status?.top) !== 'Success',
      'answer to the LogoutRequest',
      'a refusal: an error page or an error LogoutResponse',
      describeLogout(out),
    );
    v.ok(
      alive(after, 'after the refused logout'),
      'the IdP session',
      'still alive (an IsPassive login gets an assertion)',
      'ended',
    );
  }

  /** SDP-IDP33: the metadata lists a SingleLogoutService; SDP-IDP25: with the HTTP-Redirect binding. */
  h.check(
    {
      id: 'SDP-IDP33-metadata-slo',
      level: 'MUST',
      requirements: ['SDP-IDP33', 'SDP-IDP25'],
      title: 'the IdP metadata lists a SingleLogoutService with the HTTP-Redirect binding',
    },
    async (v, s) => {
      v.ok(
        s.idp.sloBindings.length > 0,
        'md:SingleLogoutService',
        'at least one',
        'none',
        '/md:EntityDescriptor/md:IDPSSODescriptor/md:SingleLogoutService',
      );
      v.ok(
        !!s.idp.sloRedirect,
        'SingleLogoutService Binding',
        'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
        s.idp.sloBindings.join(', '),
        '/md:EntityDescriptor/md:IDPSSODescriptor/md:SingleLogoutService/@Binding',
      );
    },
  );

  h.check(
    {
      id: 'SDP-IDP25-logout-request-redirect',
      level: 'MUST',
      requirements: ['SDP-IDP25', 'SDP-IDP21', 'SAMLCore-3.7.3.2'],
      title: 'a signed LogoutRequest over HTTP-Redirect after a login gets a LogoutResponse with Success',
    },
    async (v) => {
      const c = await control();
      loggedIn(v, c);
      const m = logoutResponse(v, c.logout!);
      v.equal(
        'top-level StatusCode',
        statusName(m.status?.top),
        'Success',
        '/samlp:LogoutResponse/samlp:Status/samlp:StatusCode/@Value',
      );
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
      requirements: ['SDP-IDP30', 'SAMLBind-3.4.4.1'],
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

  h.check(
    {
      id: 'SAMLCore-3.7.3.2-logout-response-fields',
      level: 'MUST',
      requirements: ['SAMLCore-3.7.3.2', 'SAMLCore-3.2.2', 'SAMLBind-3.4.5.2'],
      title: 'the LogoutResponse answers the request: InResponseTo, Issuer, Destination, Version',
    },
    async (v, s) => {
      const c = await control();
      loggedIn(v, c);
      const out = c.logout!;
      const m = logoutResponse(v, out, CONTROL_ROOT);
      v.equal('InResponseTo', m.inResponseTo, out.request.id, '/samlp:LogoutResponse/@InResponseTo');
      v.equal('Issuer', m.issuer, s.idp.entityId, '/samlp:LogoutResponse/saml:Issuer');
      v.equal('Version', m.version, '2.0', '/samlp:LogoutResponse/@Version');
      // [BIND] §3.4.5.2: Destination MUST be present on a signed message; [CORE] §3.2.2: it names where it was sent.
      if (m.destination !== undefined || m.signature.kind !== 'none')
        v.equal('Destination', m.destination, out.responseUrl, '/samlp:LogoutResponse/@Destination');
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

  h.check(
    {
      id: 'SDP-IDP31-unknown-principal-status',
      level: 'MUST',
      requirements: ['SDP-IDP31', 'SAMLCore-3.7.3.2'],
      title:
        'a LogoutRequest naming a principal of no session is not answered with Success while the session lives on',
    },
    async (v) => {
      await calibrated(v);
      const l = await loginFor('default');
      const assertion = loggedIn(v, l);
      const nameId = { ...assertion.nameId!, value: `nobody-${Date.now()}@unknown.example` };
      const out = await webLogout({ login: l.login, assertion, nameId });
      if (out.failure) throw new Error(`the IdP did not answer the logout: ${out.failure.message}`);
      if (!out.response)
        throw new NotApplicable(`no LogoutResponse to judge: the IdP answered with ${describeLogout(out)}`);
      const m = logoutResponse(v, out);
      const success = statusName(m.status?.top) === 'Success';
      const ended = !alive(await passiveLogin(l.login), 'after the logout');
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
      requirements: ['SDP-IDP26', 'SAMLCore-3.7.3.2'],
      title: 'an unsigned LogoutRequest is refused: no Success, the session lives on',
    },
    async (v) => refusedAgainstControl(v, { sign: false }),
  );

  h.check(
    {
      id: 'SDP-IDP26-logout-request-wrong-key-refused',
      level: 'MUST',
      requirements: ['SDP-IDP26', 'SAMLBind-3.4.4.1'],
      title: 'a LogoutRequest signed with a key not in the SP metadata is refused',
    },
    async (v) => refusedAgainstControl(v, { signKey: fixtureKey('attacker') }),
  );

  h.check(
    {
      id: 'SAMLCore-3.7.3.2-propagation',
      level: 'SHOULD',
      requirements: ['SAMLCore-3.7.3.2', 'SDP-IDP23'],
      title: 'the logout of one SP reaches the other SP of the session (where the IdP declares propagation)',
    },
    async (v) => {
      h.requires('sloPropagation');
      const p = await propagation();
      loggedIn(v, p.first);
      loggedIn(v, p.other);
      const want = gatewaySloUrl(p.other.login);
      const out = p.logout!;
      if (out.propagated.length === 0 && statusName(out.response?.status?.top) !== 'Success') {
        const f = v.failure(
          'LogoutRequest at the other SP',
          `one at ${want}`,
          `none; the logout got ${describeLogout(out)}`,
        );
        v.blocked(CONTROL_ROOT, `the logout itself failed (${describeLogout(out)})`, f);
      }
      v.ok(
        p.logout!.propagated.some((x) => x.url === want),
        'LogoutRequest at the other SP',
        `one at ${want}`,
        p.logout!.propagated.map((x) => x.url).join(', ') || 'none',
      );
    },
  );

  /** The propagated LogoutRequest, or N/A: saml2int SDP-IDP23 makes propagation a MAY. */
  function propagated(v: Verdict, p: Awaited<ReturnType<typeof propagation>>) {
    const a = loggedIn(v, p.first);
    const other = loggedIn(v, p.other);
    const got = p.logout!.propagated.find((x) => x.url === gatewaySloUrl(p.other.login));
    if (!got)
      throw new NotApplicable(
        'the IdP sent no LogoutRequest to the other session participant (propagation is optional: saml2int SDP-IDP23)',
      );
    return { a, other, got };
  }

  h.check(
    {
      id: 'SDP-IDP24-propagated-logout-request',
      level: 'MUST',
      requirements: ['SDP-IDP24', 'SDP-IDP26', 'SDP-IDP27', 'SAMLCore-3.7.3.2'],
      title:
        'a propagated LogoutRequest comes over HTTP-Redirect, signed, with the plain NameID and SessionIndex the SP was given',
    },
    async (v, s) => {
      const p = await propagation();
      const { other, got } = propagated(v, p);
      const m = got.message;
      if (m.parseError) v.fail('propagated LogoutRequest', 'a well-formed samlp:LogoutRequest', m.parseError);
      v.equal('message', m.root, 'LogoutRequest', '/*');
      v.equal('binding', m.binding, 'redirect');
      v.ok(
        m.signature.kind !== 'none' && m.signature.verifies,
        'LogoutRequest signature',
        'verifies with an IdP metadata signing key',
        m.signature.error ?? 'unsigned',
      );
      v.ok(
        !m.encryptedId,
        'saml:EncryptedID',
        'absent (the NameID in the clear)',
        'present',
        '/samlp:LogoutRequest/saml:EncryptedID',
      );
      v.equal('NameID', m.nameId?.value, other.nameId?.value, '/samlp:LogoutRequest/saml:NameID');
      const index = other.authnStatements[0]?.sessionIndex;
      if (index !== undefined)
        v.ok(
          m.sessionIndexes.length === 0 || m.sessionIndexes.includes(index),
          'SessionIndex',
          index,
          m.sessionIndexes.join(', '),
          '/samlp:LogoutRequest/samlp:SessionIndex',
        );
      v.equal('Issuer', m.issuer, s.idp.entityId, '/samlp:LogoutRequest/saml:Issuer');
      v.equal('Destination', m.destination, got.url, '/samlp:LogoutRequest/@Destination');
      v.present('NotOnOrAfter', m.notOnOrAfter, '/samlp:LogoutRequest/@NotOnOrAfter');
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
    async (v) => {
      const p = await propagation();
      propagated(v, p);
      const m = logoutResponse(v, p.logout!);
      v.equal(
        'top-level StatusCode',
        statusName(m.status?.top),
        'Success',
        '/samlp:LogoutResponse/samlp:Status/samlp:StatusCode/@Value',
      );
    },
  );

  h.check(
    {
      id: 'SAMLCore-3.7.3.2-partial-logout',
      level: 'MUST',
      requirements: ['SAMLCore-3.7.3.2'],
      title:
        'when the other SP answers its LogoutRequest with an error, the LogoutResponse carries PartialLogout',
    },
    async (v) => {
      const p = await partial();
      propagated(v, p);
      const m = logoutResponse(v, p.logout!, 'SDP-IDP29-participant-response-redirect');
      // [CORE] §3.7.3.2: the top level reports the session authority's own logout (ended: Success).
      v.equal(
        'top-level StatusCode',
        statusName(m.status?.top),
        'Success',
        '/samlp:LogoutResponse/samlp:Status/samlp:StatusCode/@Value',
      );
      v.equal(
        'second-level StatusCode',
        statusName(m.status?.second),
        'PartialLogout',
        '/samlp:LogoutResponse/samlp:Status/samlp:StatusCode/samlp:StatusCode/@Value',
      );
    },
  );
});
