import {
  scenario,
  silentLogin,
  dtToken,
  freshToken,
  dtTarget,
  dtAdmin,
  dtApi,
  expectSuccess,
  expectErrorStatus,
  expectRejected,
  receivedResponse,
  statusName,
  describeAnswer,
  newDevice,
  newUserName,
  DT_AUTHN_CONTEXT,
  type SilentLogin,
  type Verdict,
  WHERE,
  unissuedToken,
  CLIENT_SOURCE_ADDRESSES,
} from '../../src/harness';

const PASSWORD_CLASS = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every output of the SSO endpoint a token could leak through: pages, headers, the Response XML, RelayState. */
function outputs(r: SilentLogin): string[] {
  const out: string[] = [];
  for (const p of r.pages) out.push(p.body, JSON.stringify(p.headers));
  // Redirects too: a token in a Location or Set-Cookie header is a leak as well.
  for (const hop of r.hops) out.push(hop.url, JSON.stringify(hop.headers));
  if (r.delivery) out.push(JSON.stringify(r.delivery.fields), r.delivery.action);
  if (r.verify?.xml) out.push(r.verify.xml);
  return out;
}

function expectNoLeak(v: Verdict, r: SilentLogin, token: string): void {
  const forms = [token, encodeURIComponent(token), Buffer.from(token).toString('base64')];
  const leaked = outputs(r).some((o) => forms.some((f) => o.includes(f)));
  v.ok(
    !leaked,
    'token value in the SSO output',
    'absent from HTML, headers, Response XML and RelayState',
    'present',
  );
}

describe('device-token · tokens', function () {
  const h = scenario(this, { profile: 'device-token', family: 'token' });

  /** DT-TOK-01: a valid token with a valid request produces a Success Response for the user ID. */
  h.check(
    {
      id: 'DT-TOK-01-valid-token',
      level: 'MUST',
      requirements: ['DT-TOK-01'],
      title: 'a valid token gets a Success Response whose NameID is the user ID',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const r = await silentLogin(ctx, { token });
      const a = expectSuccess(v, r);
      v.equal('NameID', a.nameId?.value, r.request.userId.toLowerCase(), WHERE.assertion.nameId);
    },
  );

  /** DT-TOK-02: no token gets error NoPassive and no UI. */
  h.check(
    {
      id: 'DT-TOK-02-no-token',
      level: 'MUST',
      requirements: ['DT-TOK-02'],
      title: 'a device-token request without a token gets NoPassive and no login page',
    },
    async (v, ctx) => {
      const r = await silentLogin(ctx, {});
      v.ok(!r.loginFormShown, 'login page', 'none', 'a password form');
      expectErrorStatus(v, r, 'NoPassive');
    },
  );

  /** DT-TOK-03: an unknown token gets Responder/AuthnFailed. */
  h.check(
    {
      id: 'DT-TOK-03-unknown-token',
      level: 'MUST',
      requirements: ['DT-TOK-03'],
      title: 'an unknown token gets Responder/AuthnFailed',
    },
    async (v, ctx) => {
      const r = await silentLogin(ctx, { token: unissuedToken() });
      expectErrorStatus(v, r, 'AuthnFailed', ['Responder']);
    },
  );

  /** DT-TOK-04: a deleted token fails on the first request after deletion; other tokens keep working. */
  h.check(
    {
      id: 'DT-TOK-04-deleted-token',
      level: 'MUST',
      requirements: ['DT-TOK-04'],
      title: 'a deleted token gets AuthnFailed on the next request while another token keeps working',
    },
    async (v, ctx) => {
      if (ctx.config.capabilities.tokenAdmin) {
        const admin = dtAdmin(await dtTarget(ctx));
        const doomed = await freshToken(ctx);
        const other = await freshToken(ctx);
        expectSuccess(v, await silentLogin(ctx, { token: doomed.token }));
        const del = await dtApi.deleteToken(ctx, admin, doomed.id);
        v.equal('admin DELETE status', del.status, 204);
        v.step = 'after deletion';
        expectErrorStatus(v, await silentLogin(ctx, { token: doomed.token }), 'AuthnFailed', ['Responder']);
        v.step = 'the other token';
        expectSuccess(v, await silentLogin(ctx, { token: other.token }));
      } else {
        const revoked = await dtToken(ctx, 'revoked');
        expectErrorStatus(v, await silentLogin(ctx, { token: revoked.token }), 'AuthnFailed', ['Responder']);
        expectSuccess(v, await silentLogin(ctx, { token: (await dtToken(ctx)).token }));
      }
    },
  );

  /** DT-TOK-05: a token of another tenant gets AuthnFailed or RequestDenied. */
  h.check(
    {
      id: 'DT-TOK-05-other-tenant-token',
      level: 'MUST',
      requirements: ['DT-TOK-05'],
      title: "another tenant's token gets AuthnFailed or RequestDenied",
    },
    async (v, ctx) => {
      h.requires('otherTenant');
      const { token } = await dtToken(ctx, 'otherTenant');
      const r = await silentLogin(ctx, { token });
      const resp = receivedResponse(v, r);
      v.oneOf('second-level StatusCode', statusName(resp.statusSubCode), ['AuthnFailed', 'RequestDenied']);
      v.equal('Assertions', resp.assertionCount, 0);
    },
  );

  /** DT-TOK-06: the token value never appears in any output of the SSO endpoint. */
  h.check(
    {
      id: 'DT-TOK-06-no-token-echo',
      level: 'MUST',
      requirements: ['DT-TOK-06'],
      title: 'the token value appears in no SSO output: success, error, or malformed-header answers',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const ok = await silentLogin(ctx, { token, relayState: 'leak-check' });
      expectSuccess(v, ok);
      expectNoLeak(v, ok, token);
      const other = unissuedToken();
      expectNoLeak(v, await silentLogin(ctx, { token: other }), other);
      expectNoLeak(v, await silentLogin(ctx, { authorization: `Bearer ${token}` }), token);
    },
  );

  /** DT-TOK-07: a malformed Authorization header is refused cleanly, and a valid login right after succeeds. */
  h.check(
    {
      id: 'DT-TOK-07-malformed-header',
      level: 'MUST',
      requirements: ['DT-TOK-07'],
      title:
        'another scheme, a repeated header, an empty value, scheme only, double space, short, overlong or bad-character tokens get NoPassive/AuthnFailed, never a 5xx',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const variants: [string, string | string[]][] = [
        ['another scheme', `Bearer ${token}`],
        ['repeated header', [`DeviceToken ${token}`, `DeviceToken ${token}`]],
        // An empty field value ("Authorization:" and nothing else). "DeviceToken " is not another one: HTTP
        // drops trailing whitespace from a field value (RFC 9110 §5.5), so on the wire it is "scheme only".
        ['empty value', ''],
        ['scheme only', 'DeviceToken'],
        ['two spaces', `DeviceToken  ${token}`],
        ['15 characters', 'DeviceToken abcdefghijklmno'],
        ['513 characters', `DeviceToken ${'a'.repeat(513)}`],
        ['bad character', `DeviceToken ${token.slice(0, 20)}!${token.slice(20)}`],
      ];
      await v.variants(variants, async (authorization) => {
        const r = await silentLogin(ctx, { authorization });
        v.ok((r.lastStatus ?? 0) < 500 && !r.failure, 'HTTP status', 'not a 5xx', describeAnswer(r));
        const resp = receivedResponse(v, r);
        v.oneOf('second-level StatusCode', statusName(resp.statusSubCode), ['NoPassive', 'AuthnFailed']);
      });
      v.step = 'valid login after';
      expectSuccess(v, await silentLogin(ctx, { token }));
    },
  );

  /** DT-TOK-08: admin API: created token shown once; listings never show it; a 17th live token → 409; password rule → 400. */
  h.check(
    {
      id: 'DT-TOK-08-admin-api',
      exclusive: 'the token count of the admin user (16-token limit)',
      level: 'MUST',
      requirements: ['DT-TOK-08'],
      title:
        'token values are shown once, never listed; the 17th live token gets 409; weak passwords get 400',
    },
    async (v, ctx) => {
      h.requires('tokenAdmin');
      const admin = dtAdmin(await dtTarget(ctx));
      const created = await freshToken(ctx);
      const list = await dtApi.listTokens(ctx, admin);
      v.equal('GET /device-tokens status', list.status, 200);
      v.ok(!list.body.includes(created.token), 'token listing', 'no full token value', 'the full value');
      const entry = (list.json as { id: string; hint?: string }[]).find((t) => t.id === created.id);
      v.present('listed token', entry);
      v.equal('hint', entry!.hint, created.token.slice(-4));
      for (const [what, password] of [
        ['5 characters', 'abc12'],
        ['no digit', 'abcdefgh'],
        ['no letter', '12345678'],
      ]) {
        v.step = `password ${what}`;
        const weak = await dtApi.createToken(ctx, admin, { description: 'weak', password });
        if (weak.status === 201) await dtApi.deleteToken(ctx, admin, (weak.json as { id: string }).id);
        v.equal('POST /device-tokens status', weak.status, 400);
      }
      v.step = '17th live token';
      const live = (list.json as unknown[]).length;
      for (let i = live; i < 16; i++) await freshToken(ctx);
      const over = await dtApi.createToken(ctx, admin, { description: '17th', password: 'Seventeen17' });
      if (over.status === 201) await dtApi.deleteToken(ctx, admin, (over.json as { id: string }).id);
      v.equal('POST /device-tokens status for the 17th live token', over.status, 409);
    },
  );

  /** DT-TOK-09: ForceAuthn re-validates the token: later AuthnInstant; a deleted token fails despite an earlier login. */
  h.check(
    {
      id: 'DT-TOK-09-forceauthn-revalidates',
      level: 'MUST',
      requirements: ['DT-TOK-09'],
      title: 'ForceAuthn gives a later AuthnInstant, and a deleted token fails even after an earlier success',
    },
    async (v, ctx) => {
      h.requires('tokenAdmin');
      const admin = dtAdmin(await dtTarget(ctx));
      const t = await freshToken(ctx);
      const device = newDevice();
      const userName = newUserName();
      const a1 = expectSuccess(v, await silentLogin(ctx, { token: t.token, device, userName }));
      // A later AuthnInstant must be visible: wait past the next whole second when the IdP omits fractions.
      await sleep(/\.\d+Z$/.test(a1.authnStatements[0]?.authnInstant ?? '') ? 20 : 1100);
      const a2 = expectSuccess(
        v,
        await silentLogin(ctx, { token: t.token, device, userName, request: (b) => b.withForceAuthn() }),
      );
      const i1 = Date.parse(a1.authnStatements[0]?.authnInstant ?? '');
      const i2 = Date.parse(a2.authnStatements[0]?.authnInstant ?? '');
      v.ok(
        i2 > i1,
        'AuthnInstant after ForceAuthn',
        `later than ${a1.authnStatements[0]?.authnInstant}`,
        String(a2.authnStatements[0]?.authnInstant),
      );
      await dtApi.deleteToken(ctx, admin, t.id);
      v.step = 'ForceAuthn with the deleted token';
      const r = await silentLogin(ctx, {
        token: t.token,
        device,
        userName,
        request: (b) => b.withForceAuthn(),
      });
      expectErrorStatus(v, r, 'AuthnFailed', ['Responder']);
    },
  );

  /**
   * DT-TOK-10, profile "RequestedAuthnContext": "Success only if the device-token class is among the listed
   * AuthnContextClassRefs and Comparison is absent, `exact`, `minimum` or `maximum`; `better`, a DeclRef, or
   * a list without the device-token class → error NoAuthnContext." Each variant is one request: the three
   * refusals the rule names, and the device-token class under each Comparison the rule serves (absent is
   * "exact" by default, SAMLCore §3.3.2.2.1), which gets Success: the rule names every case that gets
   * NoAuthnContext, and none of these is among them.
   */
  h.check(
    {
      id: 'DT-TOK-10-no-authn-context-downgrade',
      level: 'MUST',
      requirements: ['DT-TOK-10', 'SAMLCore-3.4.1'],
      title:
        'exact PasswordProtectedTransport, "better" than device-token or a DeclRef gets NoAuthnContext; the device-token class with Comparison exact, absent, minimum or maximum succeeds',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      type Rac = { comparison?: string; classRefs: string[]; declRefs?: string[] };
      const cases: [string, { rac: Rac; refused: boolean }][] = [
        [
          'exact PasswordProtectedTransport',
          { rac: { comparison: 'exact', classRefs: [PASSWORD_CLASS] }, refused: true },
        ],
        [
          'better than device-token',
          { rac: { comparison: 'better', classRefs: [DT_AUTHN_CONTEXT] }, refused: true },
        ],
        // A DeclRef gets NoAuthnContext (no ClassRef is no "no restriction").
        [
          'an AuthnContextDeclRef',
          { rac: { comparison: 'exact', classRefs: [], declRefs: [DT_AUTHN_CONTEXT] }, refused: true },
        ],
        [
          'exact device-token',
          { rac: { comparison: 'exact', classRefs: [DT_AUTHN_CONTEXT] }, refused: false },
        ],
        [
          'no Comparison (exact by default): device-token',
          { rac: { classRefs: [DT_AUTHN_CONTEXT] }, refused: false },
        ],
        [
          'minimum device-token',
          { rac: { comparison: 'minimum', classRefs: [DT_AUTHN_CONTEXT] }, refused: false },
        ],
        [
          'maximum device-token',
          { rac: { comparison: 'maximum', classRefs: [DT_AUTHN_CONTEXT] }, refused: false },
        ],
      ];
      await v.variants(cases, async ({ rac, refused }) => {
        const r = await silentLogin(ctx, { token, request: (b) => b.withRequestedAuthnContext(rac) });
        if (refused) expectErrorStatus(v, r, 'NoAuthnContext');
        else expectSuccess(v, r);
      });
    },
  );

  /** DT-TOK-11: the IdP SHOULD throttle token guessing (per source address, 20 failures → 429 for all). */
  h.check(
    {
      id: 'DT-TOK-11-throttling',
      exclusive: 'the throttling window (failed token presentations)',
      holds: [CLIENT_SOURCE_ADDRESSES],
      level: 'SHOULD',
      requirements: ['DT-TOK-11'],
      title:
        'after 20 bad tokens (unknown, malformed, at either tenant, under changing X-Forwarded-For) from one address even a valid token gets 429; another address is unaffected; a success resets the count',
    },
    async (v, ctx) => {
      const [guesser, bystander] = ctx.config.client.sourceAddresses;
      if (!guesser || !bystander)
        return v.notApplicable('client.sourceAddresses needs two extra loopback addresses');
      const { token } = await dtToken(ctx);
      const t = await dtTarget(ctx);
      // Profile "Throttling": the client is the TCP peer (forwarding headers ignored); failed presentations
      // are unknown, deleted, other-tenant or malformed tokens, counted across tenants.
      let atOther = !!t.other?.idp;
      for (let i = 0, presented = 0; presented < 20 && i < 40; i++) {
        const spoofed = { 'x-forwarded-for': `198.51.100.${i + 1}` };
        const other = i % 4 === 2 && atOther;
        const failure =
          i % 4 === 1
            ? { authorization: 'DeviceToken short' }
            : other
              ? { token: unissuedToken(), tenant: 'other' as const }
              : { token: unissuedToken() };
        const r = await silentLogin(ctx, { ...failure, headers: spoofed, localAddress: guesser });
        // Refused before the token stage (the gateway not registered at the other tenant): no presentation.
        if (other && !r.delivery) atOther = false;
        else presented++;
      }
      const locked = await silentLogin(ctx, { token, localAddress: guesser });
      expectRejected(v, locked);
      v.equal('HTTP status after 20 failures', locked.ssoStatus, 429);
      v.present('Retry-After', locked.pages[0]?.headers['retry-after']);
      v.step = 'another address';
      expectSuccess(v, await silentLogin(ctx, { token, localAddress: bystander }));
      // "After 20 consecutive failed token presentations"; "a successful token presentation resets the count".
      v.step = 'a success resets the count (19 failures, a success, 1 failure)';
      for (let i = 0; i < 19; i++)
        await silentLogin(ctx, { token: unissuedToken(), localAddress: bystander });
      expectSuccess(v, await silentLogin(ctx, { token, localAddress: bystander }));
      await silentLogin(ctx, { token: unissuedToken(), localAddress: bystander });
      expectSuccess(v, await silentLogin(ctx, { token, localAddress: bystander }));
    },
  );
});
