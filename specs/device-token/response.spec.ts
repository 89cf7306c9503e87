import {
  scenario,
  POLICY,
  silentLogin,
  dtToken,
  dtTarget,
  expectSuccess,
  expectRejected,
  receivedResponse,
  describeAnswer,
  verify,
  received,
  succeeded,
  WHERE,
  RESPONSE_DESTINATION_REQUIRED,
  RESPONSE_IN_RESPONSE_TO,
  RESPONSE_ISSUER_REQUIRED,
  ONE_ASSERTION,
  ASSERTION_SIGNED,
  RECIPIENT_IS_ACS,
  AUDIENCE_IS_REQUESTER,
  BEARER_IN_RESPONSE_TO,
  BEARER_NO_NOT_BEFORE,
  STATUS_ERROR,
  ERROR_NO_ASSERTION,
  newDevice,
  newUserName,
  NAMEID_EMAIL,
  DT_AUTHN_CONTEXT,
  CONDITIONS_BOUNDED,
  CONDITIONS_WINDOW,
  AUTHN_INSTANT,
  SESSION_INDEX,
  IDS_DISTINCT,
} from '../../src/harness';

const FIVE_MIN = 300_000;

describe('device-token · Response', function () {
  const h = scenario(this, { profile: 'device-token', family: 'response' });
  const device = newDevice({
    hostname: 'Host-Mixed.Case',
    osType: 'macos',
    osVersion: '15.1',
    clientVersion: '4.5.1',
  });
  const userName = `Jane.${newUserName('Doe')}`;
  const login = h.shared('dt-login', async (ctx) =>
    silentLogin(ctx, { token: (await dtToken(ctx)).token, device, userName, relayState: 'rsp' }),
  );
  const again = h.shared('dt-login-2', async (ctx) =>
    silentLogin(ctx, { token: (await dtToken(ctx)).token, device, userName }),
  );
  const noToken = h.shared('dt-no-token', (ctx) => silentLogin(ctx, { relayState: 'err' }));

  /** DT-RSP-01: Destination = ACS, InResponseTo, Issuer = IdP entityID, Success, one Assertion, signed. */
  h.check(
    {
      id: 'DT-RSP-01-response-envelope',
      level: 'MUST',
      requirements: ['DT-RSP-01'],
      title:
        'Success Response: Destination = ACS, InResponseTo = request ID, Issuer = entityID, one signed Assertion',
    },
    async (v) => {
      verify(v, succeeded(v, await login()), [
        RESPONSE_DESTINATION_REQUIRED,
        RESPONSE_IN_RESPONSE_TO,
        RESPONSE_ISSUER_REQUIRED,
        ONE_ASSERTION,
        ASSERTION_SIGNED,
      ]);
    },
  );

  /** DT-RSP-02: NameID emailAddress, the user ID in lowercase, the same on every login. */
  h.check(
    {
      id: 'DT-RSP-02-nameid-lowercase',
      level: 'MUST',
      requirements: ['DT-RSP-02'],
      title: 'NameID is the user ID in lowercase, format emailAddress, the same on the next login',
    },
    async (v) => {
      const r = await login();
      const a = expectSuccess(v, r);
      v.equal('NameID Format', a.nameId?.format, NAMEID_EMAIL, WHERE.assertion.nameIdFormat);
      v.equal('NameID', a.nameId?.value, r.request.userId.toLowerCase(), WHERE.assertion.nameId);
      const b = expectSuccess(v, await again());
      v.equal('NameID on the next login', b.nameId?.value, a.nameId?.value);
    },
  );

  /** DT-RSP-03: one bearer SubjectConfirmation: Recipient = ACS, InResponseTo, NotOnOrAfter ≤ IssueInstant + 5 min, no NotBefore. */
  h.check(
    {
      id: 'DT-RSP-03-bearer-confirmation',
      level: 'MUST',
      requirements: ['DT-RSP-03'],
      title:
        'one bearer SubjectConfirmation: Recipient = ACS, InResponseTo, NotOnOrAfter ≤ IssueInstant + 5 min, no NotBefore',
    },
    async (v) => {
      const r = succeeded(v, await login(), [RECIPIENT_IS_ACS]);
      const a = r.assertion;
      const c = v.only('SubjectConfirmations', a.subjectConfirmations);
      v.equal('Method', c.method, POLICY.bearer);
      verify(v, r, [RECIPIENT_IS_ACS, BEARER_IN_RESPONSE_TO, BEARER_NO_NOT_BEFORE]);
      const limit = Date.parse(a.issueInstant ?? '') + FIVE_MIN;
      v.ok(
        Date.parse(c.notOnOrAfter ?? '') <= limit,
        'NotOnOrAfter',
        `≤ IssueInstant + 5 min`,
        String(c.notOnOrAfter),
      );
    },
  );

  /** DT-RSP-04: Conditions with NotBefore and NotOnOrAfter around now; Audience includes the gateway. */
  h.check(
    {
      id: 'DT-RSP-04-conditions',
      level: 'MUST',
      requirements: ['DT-RSP-04'],
      title: 'Conditions have NotBefore and NotOnOrAfter around now and an Audience naming the gateway',
    },
    async (v, ctx) => {
      const r = succeeded(v, await login(), [AUDIENCE_IS_REQUESTER]);
      const at = { assertion: r.assertion, now: ctx.now() };
      verify(v, at, [CONDITIONS_BOUNDED, CONDITIONS_WINDOW]);
      verify(v, r, [AUDIENCE_IS_REQUESTER]);
    },
  );

  /** DT-RSP-04: the validity SHOULD be at most 5 minutes and the gateway SHOULD be the only Audience. */
  h.check(
    {
      id: 'DT-RSP-04-short-validity',
      level: 'SHOULD',
      requirements: ['DT-RSP-04'],
      title: 'Conditions last at most 5 minutes and name only the gateway as Audience',
    },
    async (v, ctx) => {
      const a = expectSuccess(v, await login());
      const span = Date.parse(a.conditions?.notOnOrAfter ?? '') - Date.parse(a.conditions?.notBefore ?? '');
      v.ok(
        span <= FIVE_MIN + 60_000,
        'validity',
        '≤ 5 minutes (+ the NotBefore back-dating)',
        `${Math.round(span / 1000)} s`,
      );
      const all = (a.conditions?.audienceRestrictions ?? []).flat();
      v.ok(
        all.every((x) => x === ctx.config.gateway.entityId),
        'Audiences',
        `only ${ctx.config.gateway.entityId}`,
        all.join(', '),
      );
    },
  );

  /** DT-RSP-05: one AuthnStatement with the device-token class, AuthnInstant within the skew, a SessionIndex. */
  h.check(
    {
      id: 'DT-RSP-05-authn-statement',
      level: 'MUST',
      requirements: ['DT-RSP-05'],
      title: 'one AuthnStatement: device-token AuthnContextClassRef, AuthnInstant near now, SessionIndex',
    },
    async (v, ctx) => {
      const r = await login();
      const a = expectSuccess(v, r);
      const st = v.only('AuthnStatements', a.authnStatements);
      v.equal('AuthnContextClassRef', st.classRef, DT_AUTHN_CONTEXT);
      verify(v, { assertion: a, from: r.startedAt, to: ctx.now() }, [AUTHN_INSTANT]);
      verify(v, a, [SESSION_INDEX]);
    },
  );

  /** DT-RSP-06: device attributes equal the signed DeviceContext; tokenId is the admin id, never the value. */
  h.check(
    {
      id: 'DT-RSP-06-device-attributes',
      level: 'MUST',
      requirements: ['DT-RSP-06'],
      title:
        'device attributes equal the signed DeviceContext values; tokenId is the token id, not its value',
    },
    async (v, ctx) => {
      const token = await dtToken(ctx);
      const t = await dtTarget(ctx);
      const r = await login();
      const a = expectSuccess(v, r);
      const attr = (n: string) => a.attributes.find((x) => x.name === n)?.values;
      const expected: Record<string, string> = {
        deviceId: device.deviceId,
        hostname: device.hostname,
        osType: device.osType,
        osVersion: device.osVersion,
        clientVersion: device.clientVersion,
        userDomain: t.tenant.userDomain,
        cloudName: t.tenant.cloudName,
      };
      for (const [name, value] of Object.entries(expected))
        v.equal(`attribute ${name}`, JSON.stringify(attr(name)), JSON.stringify([value]));
      const tokenId = attr('tokenId');
      v.ok(tokenId?.length === 1, 'attribute tokenId', 'one value', JSON.stringify(tokenId));
      v.ok(tokenId![0] !== token.token, 'tokenId', 'not the token value', 'the token value');
      if (token.id) v.equal('tokenId', tokenId![0], token.id);
    },
  );

  /** DT-RSP-06: no device attribute takes a value from outside the signed request. */
  h.check(
    {
      id: 'DT-RSP-06-attributes-only-from-signed-request',
      level: 'MUST',
      requirements: ['DT-RSP-06'],
      title: 'X-Device-Id headers and deviceId/hostname form fields do not change the device attributes',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const d = newDevice();
      const r = await silentLogin(ctx, {
        token,
        device: d,
        headers: { 'x-device-id': 'injected-device', 'x-hostname': 'INJECTED' },
        extraFields: { deviceId: 'injected-device', hostname: 'INJECTED' },
      });
      const a = expectSuccess(v, r);
      v.equal('deviceId', a.attributes.find((x) => x.name === 'deviceId')?.values[0], d.deviceId);
      v.equal('hostname', a.attributes.find((x) => x.name === 'hostname')?.values[0], d.hostname);
    },
  );

  /** DT-RSP-07: error Responses contain no Assertion and carry Destination and InResponseTo. */
  h.check(
    {
      id: 'DT-RSP-07-error-response',
      level: 'MUST',
      requirements: ['DT-RSP-07'],
      title: 'an error Response (no token) has no Assertion, Destination = ACS and InResponseTo = request ID',
    },
    async (v) => {
      verify(v, received(v, await noToken()), [
        STATUS_ERROR,
        ERROR_NO_ASSERTION,
        RESPONSE_DESTINATION_REQUIRED,
        RESPONSE_IN_RESPONSE_TO,
      ]);
    },
  );

  /** DT-RSP-08: nothing is posted to an unregistered ACS URL; no ACS URL → the registered default. */
  h.check(
    {
      id: 'DT-RSP-08-acs-exact-match',
      level: 'MUST',
      requirements: ['DT-RSP-08'],
      title:
        'look-alike host, userinfo, dot-dot path, javascript: and extra-query ACS URLs are rejected; none → the default ACS',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const acs = new URL(ctx.gateway.acsUrl);
      const variants: [string, string][] = [
        ['look-alike host', `${acs.protocol}//${acs.hostname}.evil.test:${acs.port}${acs.pathname}`],
        ['userinfo', `${acs.protocol}//${acs.host}@evil.test${acs.pathname}`],
        ['dot-dot path', `${acs.origin}${acs.pathname}/../acs`],
        ['javascript: scheme', 'javascript:alert(document.domain)'],
        ['extra SAML parameter', `${ctx.gateway.acsUrl}?SAMLResponse=x`],
        ['trailing slash', `${ctx.gateway.acsUrl}/`],
      ];
      await v.variants(variants, async (acsUrl) => {
        const r = await silentLogin(ctx, { token, request: (b) => b.withAcsUrl(acsUrl) });
        v.ok(r.delivery === undefined, 'where the Response went', 'nowhere', describeAnswer(r));
        expectRejected(v, r);
      });
      v.step = 'no ACS URL';
      expectSuccess(
        v,
        await silentLogin(ctx, {
          token,
          request: (b) => b.withAcsUrl(undefined).withProtocolBinding(undefined),
        }),
      );
    },
  );

  /** DT-RSP-09: Response and Assertion IDs are unique across all responses of a run. */
  h.check(
    {
      id: 'DT-RSP-09-unique-ids',
      level: 'MUST',
      requirements: ['DT-RSP-09'],
      title: 'Response and Assertion IDs of several logins are all distinct',
    },
    async (v) => {
      const rs = [await login(), await again(), await noToken()];
      const ids: string[] = [];
      for (const r of rs) {
        const resp = receivedResponse(v, r);
        ids.push(resp.id ?? '');
        if (r.verify?.assertion) ids.push(r.verify.assertion.id);
      }
      verify(v, ids, [IDS_DISTINCT]);
    },
  );
});
