import {
  scenario,
  webLogin,
  expectSuccess,
  receivedResponse,
  expectRefused,
  expectRefusalAgainst,
  expectErrorStatus,
  describeAnswer,
  statusName,
  isSuccess,
  samlTime,
  newId,
  NAMEID_EMAIL,
  NAMEID_PERSISTENT,
  NAMEID_KERBEROS,
  WHERE,
  variantsAgainstControl,
  NotApplicable,
  registerExtraEntity,
  type AuthnRequestBuilder,
  redirectUrl,
  answeredWithError,
} from '../../src/harness';

const MINUTE = 60_000;
/** An authentication context class no IdP can satisfy (SAMLCore §3.3.2.2.1: NoAuthnContext). */
const UNSATISFIABLE_CLASS = 'urn:idp-conformance:ac:classes:unsatisfiable';
/** An authentication context declaration reference no IdP can satisfy (the same, by declaration). */
const UNSATISFIABLE_DECL = 'urn:idp-conformance:ac:declarations:unsatisfiable';
/** SAMLBind §3.4.4.1: the DEFLATE encoding's URI; and an encoding URI no IdP can know. */
const DEFLATE_ENCODING = 'urn:oasis:names:tc:SAML:2.0:bindings:URL-Encoding:DEFLATE';
const UNKNOWN_ENCODING = 'urn:idp-conformance:encoding:unknown';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('saml-web-sso · AuthnRequest handling', function () {
  const h = scenario(this, { profile: 'saml-web-sso', family: 'request-parsing' });
  /** The control of the negative checks below: the same login without the mutation, in this run. */
  const control = h.shared('control-login', (ctx) => webLogin(ctx));

  /** SDP-IDP02: the IdP MUST accept AuthnRequests over HTTP-Redirect. */
  h.check(
    {
      id: 'SDP-IDP02-redirect-login',
      level: 'MUST',
      requirements: ['SDP-IDP02', 'SAMLBind-3.4', 'SAMLProf-4.1.4.1'],
      title: 'an AuthnRequest over HTTP-Redirect from a registered SP gets a Success Response',
    },
    async (v, ctx) => {
      expectSuccess(v, await webLogin(ctx, { binding: 'redirect' }));
    },
  );

  /** SAMLBind §3.5: the HTTP-POST binding carries AuthnRequests too (SAMLProf §4.1.3.3 allows either). */
  h.check(
    {
      id: 'SAMLBind-3.5-post-login',
      level: 'MUST',
      requirements: ['SAMLBind-3.5', 'SAMLProf-4.1.4.1'],
      title: 'an AuthnRequest over HTTP-POST from a registered SP gets a Success Response',
    },
    async (v, ctx) => {
      expectSuccess(v, await webLogin(ctx, { binding: 'post' }));
    },
  );

  /** SAMLCore §3.4.1: the IdP must know the requester; an unknown Issuer gets no Response at all. */
  h.check(
    {
      id: 'SAMLCore-3.4.1-unknown-issuer',
      level: 'MUST',
      requirements: ['SAMLCore-3.4.1', 'SAMLProf-4.1.4.1'],
      title: 'a request from an unknown Issuer is rejected without a SAMLResponse',
    },
    async (v, ctx) => {
      const r = await webLogin(ctx, {
        request: (b) => b.withIssuer(`https://unknown-${newId().slice(1, 9)}.test/sp`),
      });
      // An unknown requester has no registered ACS: nothing may be delivered anywhere.
      expectRefusalAgainst(v, await control(), r, 'discarded');
    },
  );

  /** SDP-IDP06: the ACS URL MUST be verified against the SP's metadata; nothing goes to another URL. */
  h.check(
    {
      id: 'SDP-IDP06-unregistered-acs',
      level: 'MUST',
      requirements: ['SDP-IDP06', 'SAMLCore-3.4.1'],
      title: 'an AssertionConsumerServiceURL not in the SP metadata is never posted to',
    },
    async (v, ctx) => {
      const evil = new URL('/not-registered-acs', ctx.gateway.acsUrl).toString();
      const r = await webLogin(ctx, { request: (b) => b.withAcsUrl(evil) });
      v.ok(
        !r.delivery || r.postedToGateway,
        'where the Response went',
        'never to the unregistered URL',
        describeAnswer(r),
      );
      v.ok(!r.failure, 'the IdP answer', 'an answer', describeAnswer(r));
    },
  );

  /** SDP-IDP06: without an ACS URL in the request the default ACS from metadata is used. */
  h.check(
    {
      id: 'SDP-IDP06-default-acs',
      level: 'MUST',
      requirements: ['SDP-IDP06', 'SAMLMeta-2.2.3'],
      title: 'a request without ACS URL is answered at the default ACS of the SP metadata',
    },
    async (v, ctx) => {
      const r = await webLogin(ctx, {
        request: (b) => b.withAcsUrl(undefined).withProtocolBinding(undefined),
      });
      expectSuccess(v, r);
    },
  );

  /**
   * SAMLCore §3.4.1: "The identity provider MUST have a trusted means to map the index value in the
   * attribute to a location associated with the requester. […] If the index specified is invalid, then the
   * identity provider MAY return an error <Response> or it MAY use the default location." An SP entity of
   * the check's own lists two ACS: first a default the gateway never serves (index 3), then the gateway's
   * ACS (index 7), so where the Response arrives shows whether the index (or the second URL) was honoured.
   */
  h.check(
    {
      id: 'SAMLCore-3.4.1-acs-index',
      level: 'MUST',
      requirements: ['SAMLCore-3.4.1-acs-index', 'SAMLCore-3.4.1', 'SDP-IDP06'],
      title:
        'an SP with two ACS: its second ACS, named by URL or by AssertionConsumerServiceIndex, gets the Response; an index no ACS carries gets an error or the Response at the default ACS',
    },
    async (v, ctx) => {
      const decoy = new URL('/acs-index-default-not-served', ctx.gateway.acsUrl).toString();
      const issuer = await registerExtraEntity(
        ctx,
        {
          suffix: 'acs-index',
          acs: [
            { url: decoy, index: 3, isDefault: true },
            { url: ctx.gateway.acsUrl, index: 7 },
          ],
        },
        'an SP whose metadata lists two ACS endpoints with indexes 3 (default) and 7',
      );
      await variantsAgainstControl(
        v,
        {
          name: 'control: the URL of the second registered ACS',
          what: 'a request naming the second registered ACS by its URL',
          run: () => webLogin(ctx, { issuer }),
        },
        [
          ['the index of the second registered ACS (7)', '7'],
          ['an index no ACS carries (1)', '1'],
        ] as const,
        async (index, _name, control) => {
          const r = await webLogin(ctx, {
            issuer,
            // Mutually exclusive with the index (SAMLCore §3.4.1): neither URL nor ProtocolBinding.
            request: (b) => b.withAcsUrl(undefined).withProtocolBinding(undefined).withAcsIndex(index),
          });
          if (index === '7') {
            expectSuccess(v, r);
            return;
          }
          // "it MAY use the default location": a Response posted there (unread: the gateway does not serve it).
          if (r.delivery && r.delivery.action === decoy) {
            v.equal('Response binding', r.delivery.via, 'post-form');
            return;
          }
          const allowed = `an error page or error Response, or the Response at the default ACS (${decoy})`;
          if (r.verify?.assertion)
            v.fail('the answer to an index no ACS carries', allowed, describeAnswer(r));
          expectRefusalAgainst(v, control, r);
        },
      );
    },
  );

  /**
   * IDPC-REQ-03 (the project's own: SAMLCore §3.4.1/§3.4.1.1 type the flags xs:boolean, but no sentence
   * says what a responder does with a schema-invalid request): "yes" is refused, not guessed at.
   */
  h.check(
    {
      id: 'IDPC-REQ-03-non-boolean-flags',
      level: 'SHOULD',
      requirements: ['IDPC-REQ-03'],
      title: 'IsPassive, ForceAuthn or NameIDPolicy AllowCreate "yes" (not an xs:boolean) is refused',
    },
    async (v, ctx) => {
      type Flag = { edit: (b: AuthnRequestBuilder) => void; inSession?: true };
      const cases: (readonly [string, Flag])[] = [
        // From a browser with an IdP session: reading "yes" as true or as false both give a Success
        // there, so only a refusal passes (a fresh browser would get NoPassive for "true", an error).
        ['IsPassive="yes"', { edit: (b) => b.withIsPassive('yes'), inSession: true }],
        ['ForceAuthn="yes"', { edit: (b) => b.withForceAuthn('yes') }],
        [
          'NameIDPolicy AllowCreate="yes"',
          { edit: (b) => b.withNameIdPolicy({ ...b.nameIdPolicy, allowCreate: 'yes' }) },
        ],
      ];
      await v.variants(cases, async ({ edit, inSession }) => {
        if (inSession) {
          const loggedIn = await webLogin(ctx);
          const r = await webLogin(ctx, { ua: loggedIn.ua, request: edit, credentials: null });
          expectRefusalAgainst(v, loggedIn, r);
        } else expectRefusalAgainst(v, await control(), await webLogin(ctx, { request: edit }));
      });
    },
  );

  /**
   * IDPC-REQ-04 (the project's own; SAMLBind §3.4.4: "A query string parameter named SAMLEncoding is
   * reserved to identify the encoding mechanism used"): the DEFLATE request labelled as DEFLATE is served
   * (the control), the same bytes labelled with an encoding no IdP knows are not decoded as DEFLATE anyway.
   */
  h.check(
    {
      id: 'IDPC-REQ-04-unknown-samlencoding',
      level: 'SHOULD',
      requirements: ['IDPC-REQ-04'],
      title:
        'a Redirect request with SAMLEncoding naming DEFLATE is served; with SAMLEncoding naming an unknown encoding it is refused',
    },
    async (v, ctx) => {
      const labelled = (encoding: string) =>
        webLogin(ctx, {
          binding: 'redirect',
          redirect: (p, sso) => redirectUrl(sso, { ...p, SAMLEncoding: encodeURIComponent(encoding) }),
        });
      await variantsAgainstControl(
        v,
        {
          name: 'control: SAMLEncoding names DEFLATE',
          what: 'the same request with SAMLEncoding=urn:oasis:names:tc:SAML:2.0:bindings:URL-Encoding:DEFLATE',
          run: () => labelled(DEFLATE_ENCODING),
        },
        [['SAMLEncoding names an unknown encoding', UNKNOWN_ENCODING]] as const,
        async (encoding, _name, control) => {
          expectRefusalAgainst(v, control, await labelled(encoding));
        },
      );
    },
  );

  /**
   * SAMLCore §4.1.3.1 "A SAML responder MUST reject any request with a major request version number not
   * supported by the responder" and §4.1.3.2 (the error is top-level VersionMismatch). A higher minor
   * version (Version="2.1") is not sent: §4.1.3.1 says a responder "MAY process or MAY reject" it.
   */
  h.check(
    {
      id: 'SAMLCore-3.2.2.2-version-mismatch',
      level: 'MUST',
      requirements: ['SAMLCore-3.2.2.2', 'SAMLCore-4.1.3'],
      title: 'Version="3.0" is refused, and an error Response carries top-level VersionMismatch',
    },
    async (v, ctx) => {
      const r = await webLogin(ctx, { request: (b) => b.withVersion('3.0') });
      const resp = expectRefused(v, r, 'error-page');
      if (resp) v.equal('top-level StatusCode', statusName(resp.statusCode), 'VersionMismatch');
    },
  );

  /**
   * IDPC-REQ-01 (the project's own: no SAML sentence makes an IdP refuse an old request; SAMLCore §1.3.3
   * only defines time values): a request issued an hour ago, far beyond the SDP-G01 skew, is refused.
   */
  h.check(
    {
      id: 'IDPC-REQ-01-stale-issueinstant',
      level: 'SHOULD',
      requirements: ['IDPC-REQ-01', 'SDP-G01'],
      title: 'a request whose IssueInstant is one hour old is refused',
    },
    async (v, ctx) => {
      const r = await webLogin(ctx, {
        request: (b) => b.withIssueInstant(samlTime(new Date(ctx.now().getTime() - 60 * MINUTE))),
      });
      expectRefusalAgainst(v, await control(), r);
    },
  );

  h.check(
    {
      id: 'IDPC-REQ-01-future-issueinstant',
      level: 'SHOULD',
      requirements: ['IDPC-REQ-01', 'SDP-G01'],
      title: 'a request whose IssueInstant is one hour in the future is refused',
    },
    async (v, ctx) => {
      const r = await webLogin(ctx, {
        request: (b) => b.withIssueInstant(samlTime(new Date(ctx.now().getTime() + 60 * MINUTE))),
      });
      expectRefusalAgainst(v, await control(), r);
    },
  );

  /** SAMLCore §3.2.1: a Destination that is not the receiving endpoint MUST cause the request to be discarded. */
  h.check(
    {
      id: 'SAMLCore-3.2.1-destination-mismatch',
      level: 'MUST',
      requirements: ['SAMLCore-3.2.1', 'SAMLBind-3.4.5.2'],
      title:
        'a request whose Destination is another endpoint (elsewhere, or the SSO URL with a path or query appended) is refused',
    },
    async (v, ctx) => {
      const sso = ctx.idp.ssoRedirect ?? ctx.idp.ssoPost ?? 'http://127.0.0.1/';
      // "identifies the location at which the message was received": a longer URL is another location.
      const cases: (readonly [string, string])[] = [
        ['another endpoint', new URL('/elsewhere/sso', sso).toString()],
        ['the SSO URL with a path appended', `${sso.replace(/\/$/, '')}/other`],
        ['the SSO URL with a query appended', `${sso}${sso.includes('?') ? '&' : '?'}x=1`],
      ];
      const ok = await control();
      await v.variants(cases, async (other) => {
        const r = await webLogin(ctx, { request: (b) => b.withDestination(other) });
        // SAMLCore §3.2.1: "If it does not, the request MUST be discarded": no error Response either.
        expectRefusalAgainst(v, ok, r, 'discarded');
      });
    },
  );

  /**
   * IDPC-REQ-05 (the project's own): SAMLCore §3.2.1 makes Destination "[Optional]" ("If it is present,
   * the actual recipient MUST check [...]"), and SAMLBind §3.4.5.2 requires it only "If the message is
   * signed": an unsigned request that omits it is a conformant request and should be served.
   */
  h.check(
    {
      id: 'IDPC-REQ-05-unsigned-no-destination',
      level: 'SHOULD',
      requirements: ['IDPC-REQ-05', 'SAMLCore-3.2.1'],
      title: 'an unsigned AuthnRequest without a Destination attribute gets a Success Response',
    },
    async (v, ctx) => {
      if (ctx.idp.wantAuthnRequestsSigned === 'true')
        throw new NotApplicable(
          'the IdP metadata has WantAuthnRequestsSigned="true": no request is unsigned',
        );
      const r = await webLogin(ctx, { sign: false, request: (b) => b.withDestination(undefined) });
      expectSuccess(v, r);
    },
  );

  /**
   * IDPC-REQ-02 (the project's own: SAMLCore §1.3.4 binds whoever assigns an ID to uniqueness, not the
   * receiver to replay detection): a replayed request should not be answered twice.
   */
  h.check(
    {
      id: 'IDPC-REQ-02-replayed-request',
      level: 'SHOULD',
      requirements: ['IDPC-REQ-02'],
      title:
        'the same AuthnRequest sent twice is refused the second time, also when the first was answered with an error',
    },
    async (v, ctx) => {
      const instant = samlTime(ctx.now());
      const withId =
        (id: string) => (b: { withId(i: string): unknown; withIssueInstant(t: string): unknown }) => {
          b.withId(id);
          b.withIssueInstant(instant);
        };
      const same = withId(newId());
      const first = await webLogin(ctx, { request: same });
      expectSuccess(v, first);
      const again = await webLogin(ctx, { request: same });
      expectRefusalAgainst(v, first, again);
      // "answered at most once": an error Response is an answer too. Judged where the IdP answers an
      // IsPassive request without a session with an error Response (SDP-IDP07's checks judge that it does).
      v.step = 'first answered with an error (IsPassive, no session)';
      const errorFirst = withId(newId());
      const passive = await webLogin(ctx, {
        request: (b) => {
          errorFirst(b);
          b.withIsPassive('true');
        },
        credentials: null,
      });
      if (answeredWithError(passive))
        expectRefusalAgainst(v, first, await webLogin(ctx, { request: errorFirst }));
    },
  );

  /** SAMLCore §3.4.1: IsPassive="true" — the IdP MUST NOT visibly take control; without a session: NoPassive. */
  h.check(
    {
      id: 'SAMLCore-3.4.1-ispassive-nopassive',
      level: 'MUST',
      requirements: ['SAMLCore-3.4.1', 'SAMLCore-3.2.2.2'],
      title:
        'IsPassive ("true", or the xs:boolean "1") without an IdP session gets NoPassive and no login page',
    },
    async (v, ctx) => {
      const cases: (readonly [string, string])[] = [
        ['IsPassive="true"', 'true'],
        ['IsPassive="1"', '1'],
      ];
      await v.variants(cases, async (value) => {
        const r = await webLogin(ctx, { request: (b) => b.withIsPassive(value), credentials: null });
        v.ok(!r.loginFormShown, 'login page', 'none (IsPassive)', 'a login form was shown');
        expectErrorStatus(v, r, 'NoPassive');
      });
    },
  );

  /** SDP-IDP07: ForceAuthn MUST cause a real challenge and a fresh AuthnInstant. */
  h.check(
    {
      id: 'SDP-IDP07-forceauthn',
      level: 'MUST',
      requirements: ['SDP-IDP07', 'SAMLCore-3.4.1'],
      title:
        'ForceAuthn ("true", or "1") in a browser with an IdP session re-authenticates, with a later AuthnInstant',
    },
    async (v, ctx) => {
      // SDP-IDP07: 'A ForceAuthn attribute of "true" or "1"' — both spellings of xs:boolean true.
      const cases: (readonly [string, string])[] = [
        ['ForceAuthn="true"', 'true'],
        ['ForceAuthn="1"', '1'],
      ];
      await v.variants(cases, async (value) => {
        const first = await webLogin(ctx);
        const a1 = expectSuccess(v, first);
        // A later AuthnInstant must be visible: wait past the next whole second when the IdP omits fractions.
        await sleep(/\.\d+Z$/.test(a1.authnStatements[0]?.authnInstant ?? '') ? 20 : 1100);
        const second = await webLogin(ctx, { ua: first.ua, request: (b) => b.withForceAuthn(value) });
        v.ok(
          second.loginFormShown,
          'credential challenge',
          'a login form despite the session',
          'no challenge',
        );
        const a2 = expectSuccess(v, second);
        const t1 = Date.parse(a1.authnStatements[0]?.authnInstant ?? '');
        const t2 = Date.parse(a2.authnStatements[0]?.authnInstant ?? '');
        v.ok(
          t2 > t1,
          'AuthnInstant after ForceAuthn',
          `later than ${a1.authnStatements[0]?.authnInstant}`,
          String(a2.authnStatements[0]?.authnInstant),
        );
      });
    },
  );

  /**
   * SAMLCore §3.4.1.1: a NameIDPolicy the IdP cannot accept MUST get a Response with an error Status; the
   * second-level InvalidNameIDPolicy is a MAY there ("and MAY contain"), so it is not required.
   */
  h.check(
    {
      id: 'SAMLCore-3.4.1.1-unsupported-nameid-policy',
      level: 'MUST',
      requirements: ['SAMLCore-3.4.1.1', 'SAMLCore-3.2.2.2'],
      title: 'an unsupported NameIDPolicy Format (kerberos) gets an error Response without Assertion',
    },
    async (v, ctx) => {
      if (ctx.idp.nameIdFormats.includes(NAMEID_KERBEROS))
        v.notApplicable('the IdP lists the kerberos NameID format');
      const r = await webLogin(ctx, {
        request: (b) => b.withNameIdPolicy({ format: NAMEID_KERBEROS, allowCreate: 'true' }),
      });
      expectErrorStatus(v, r, undefined);
    },
  );

  /**
   * SAMLCore §3.3.2.2.1: an exact RequestedAuthnContext is answered with that class, and one the IdP cannot
   * satisfy with NoAuthnContext. Portable: the satisfiable class is the one the control login was given,
   * the unsatisfiable class and declaration URIs no IdP can know. Without Comparison the rule is "exact"
   * ("If Comparison is set to "exact" or omitted"), so an unknown class gets NoAuthnContext there too. A
   * "minimum" or "maximum" request naming the class the IdP just gave is satisfiable by that class (at
   * least as strong as, and not exceeding, itself): Success is due, whichever class comes back (the
   * responder deems strength). "better" is not sent: which class is stronger is the responder's to deem.
   */
  h.check(
    {
      id: 'SAMLCore-3.3.2.2.1-requested-authn-context',
      level: 'MUST',
      requirements: ['SAMLCore-3.3.2.2.1'],
      title:
        'an exact (or Comparison-less) RequestedAuthnContext naming the class of a plain login gets that class, a minimum or maximum one a Success; an exact (or Comparison-less) class or a declaration no IdP can satisfy gets NoAuthnContext',
    },
    async (v, ctx) => {
      let given: string | undefined;
      // Comparison "exact", or omitted (then "exact" by default), or "minimum", or "maximum".
      const exact = (classRef: string, comparison: 'exact' | 'omitted' | 'minimum' | 'maximum' = 'exact') =>
        webLogin(ctx, {
          request: (b) =>
            b.withRequestedAuthnContext({
              comparison: comparison === 'omitted' ? undefined : comparison,
              classRefs: [classRef],
            }),
        });
      await variantsAgainstControl(
        v,
        {
          name: 'control: no RequestedAuthnContext',
          what: 'a login without RequestedAuthnContext',
          run: async () => {
            const r = await webLogin(ctx);
            given = r.verify?.assertion?.authnStatements[0]?.classRef;
            return r;
          },
        },
        [
          ['exact: the class of the control login', 'satisfiable'],
          ['no Comparison (exact by default): the class of the control login', 'default-exact'],
          ['exact: a class no IdP supports', 'unsatisfiable'],
          ['no Comparison (exact by default): a class no IdP supports', 'default-unsatisfiable'],
          ['exact: a declaration (AuthnContextDeclRef) no IdP supports', 'declaration-unsatisfiable'],
          ['minimum: the class of the control login', 'minimum'],
          ['maximum: the class of the control login', 'maximum'],
        ] as const,
        async (kind) => {
          if (kind === 'unsatisfiable' || kind === 'default-unsatisfiable') {
            const comparison = kind === 'unsatisfiable' ? 'exact' : 'omitted';
            expectErrorStatus(v, await exact(UNSATISFIABLE_CLASS, comparison), 'NoAuthnContext');
            return;
          }
          if (kind === 'declaration-unsatisfiable') {
            // The schema's other choice: declaration references only; none of them can be satisfied.
            const r = await webLogin(ctx, {
              request: (b) =>
                b.withRequestedAuthnContext({
                  comparison: 'exact',
                  classRefs: [],
                  declRefs: [UNSATISFIABLE_DECL],
                }),
            });
            expectErrorStatus(v, r, 'NoAuthnContext');
            return;
          }
          if (given === undefined)
            throw new NotApplicable(
              "the control login's AuthnStatement names no AuthnContextClassRef to request",
            );
          if (kind === 'minimum' || kind === 'maximum') {
            // "at least as strong (as deemed by the responder)" / "as strong as possible […] without
            // exceeding the strength of": the class the IdP just gave satisfies either, so Success is due;
            // which class comes back is the responder's judgement, not checked.
            expectSuccess(v, await exact(given, kind));
            return;
          }
          const a = expectSuccess(v, await exact(given, kind === 'default-exact' ? 'omitted' : 'exact'));
          v.equal(
            'AuthnContextClassRef',
            a.authnStatements[0]?.classRef,
            given,
            WHERE.assertion.authnContextClassRef,
          );
        },
      );
    },
  );

  /** SAMLCore §3.4.1.1: the NameID has the Format the request asked for. */
  h.check(
    {
      id: 'SAMLCore-3.4.1.1-nameid-format-honoured',
      level: 'MUST',
      requirements: ['SAMLCore-3.4.1.1', 'SAMLCore-2.2.2'],
      title: 'a requested NameID Format the IdP lists in its metadata is the Format of the NameID',
    },
    async (v, ctx) => {
      const format = [NAMEID_EMAIL, NAMEID_PERSISTENT].find((f) => ctx.idp.nameIdFormats.includes(f));
      if (!format)
        return v.notApplicable('the IdP metadata lists neither emailAddress nor persistent NameID formats');
      const a = expectSuccess(
        v,
        await webLogin(ctx, { request: (b) => b.withNameIdPolicy({ format, allowCreate: 'true' }) }),
      );
      v.equal('NameID Format', a.nameId?.format, format, WHERE.assertion.nameIdFormat);
    },
  );

  /** SAMLBind §3.4.3: RelayState MUST be returned exactly (HTTP-Redirect request). */
  h.check(
    {
      id: 'SAMLBind-3.4.3-relaystate-redirect',
      level: 'MUST',
      requirements: ['SAMLBind-3.4.3', 'SAMLBind-3.5.3'],
      title: 'RelayState of a Redirect request comes back unchanged',
    },
    async (v, ctx) => {
      const relayState = `rs-${newId().slice(1, 17)}`;
      const r = await webLogin(ctx, { binding: 'redirect', relayState });
      // RelayState is the binding's, not the assertion's: judged whether or not the Response is trusted.
      receivedResponse(v, r);
      v.equal('RelayState', r.delivery?.relayState, relayState, WHERE.delivery.relayState);
      expectSuccess(v, r);
    },
  );

  /** SAMLBind §3.5.3: RelayState MUST be returned exactly (HTTP-POST request). */
  h.check(
    {
      id: 'SAMLBind-3.5.3-relaystate-post',
      level: 'MUST',
      requirements: ['SAMLBind-3.5.3'],
      title: 'RelayState of a POST request comes back unchanged',
    },
    async (v, ctx) => {
      const relayState = `rs-${newId().slice(1, 17)}`;
      const r = await webLogin(ctx, { binding: 'post', relayState });
      // RelayState is the binding's, not the assertion's: judged whether or not the Response is trusted.
      receivedResponse(v, r);
      v.equal('RelayState', r.delivery?.relayState, relayState, WHERE.delivery.relayState);
      expectSuccess(v, r);
    },
  );

  /**
   * SAMLBind §3.4.3 / §3.5.3: the responder "MUST place the exact data it received with the request into
   * the corresponding RelayState parameter in the response" — any response it returns to the ACS, an
   * error Response as much as a Success. IsPassive without an IdP session is such a request: SAMLCore
   * §3.4.1 has it answered with NoPassive. An IdP that ends it elsewhere (an error page, a login form) sends
   * no response to carry a RelayState: NOT_APPLICABLE here (SAMLCore-3.4.1-ispassive-nopassive judges that).
   */
  h.check(
    {
      id: 'SAMLBind-3.4.3-relaystate-error-response',
      level: 'MUST',
      requirements: ['SAMLBind-3.4.3', 'SAMLBind-3.5.3'],
      title:
        'the RelayState of a request answered with an error Response (IsPassive without a session) comes back unchanged',
    },
    async (v, ctx) => {
      const relayState = `rs-error-${newId().slice(1, 13)}`;
      const r = await webLogin(ctx, {
        binding: 'redirect',
        relayState,
        request: (b) => b.withIsPassive('true'),
        credentials: null,
      });
      if (!r.delivery && !r.failure)
        v.notApplicable(
          `the IdP answered IsPassive without a session with no Response to the ACS (${describeAnswer(r)}), so there is no RelayState to return`,
        );
      const resp = receivedResponse(v, r);
      if (isSuccess(resp))
        v.notApplicable(
          'the IdP answered IsPassive without a session with Success: no error Response to judge',
        );
      v.equal('RelayState', r.delivery?.relayState, relayState, WHERE.delivery.relayState);
    },
  );

  /** SAMLBind §3.5.3: the exact bytes, whatever they are: markup characters are escaped, not lost. */
  h.check(
    {
      id: 'SAMLBind-3.5.3-relaystate-markup',
      level: 'MUST',
      requirements: ['SAMLBind-3.5.3', 'SAMLBind-3.4.3'],
      title: 'a RelayState with quotes, angle brackets, ampersand and UTF-8 comes back byte-exact',
    },
    async (v, ctx) => {
      const relayState = `a"b'c<d>e&f=g h/é?${newId().slice(1, 9)}`;
      const r = await webLogin(ctx, { relayState });
      // RelayState is the binding's, not the assertion's: judged whether or not the Response is trusted.
      receivedResponse(v, r);
      v.equal('RelayState', r.delivery?.relayState, relayState, WHERE.delivery.relayState);
      expectSuccess(v, r);
    },
  );

  /** SAMLProf §4.1.4.1: the IdP authenticates the presenter; a wrong password gets no assertion. */
  h.check(
    {
      id: 'SAMLProf-4.1.4.1-wrong-password',
      level: 'MUST',
      requirements: ['SAMLProf-4.1.4.1', 'SAMLProf-4.1.3.4'],
      title: 'a wrong password yields no Response, only the login form again',
    },
    async (v, ctx) => {
      const form = ctx.config.login?.form;
      if (!form) return v.notApplicable('the target config has no login.form');
      const r = await webLogin(ctx, {
        credentials: { username: form.username, password: `${form.password}-wrong` },
      });
      v.ok(!r.delivery, 'the IdP answer', 'no SAMLResponse', describeAnswer(r));
      v.ok(r.loginFormShown, 'login page', 'shown (again)', describeAnswer(r));
    },
  );
});
