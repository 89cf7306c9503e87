import {
  scenario,
  silentLogin,
  dtToken,
  dtTarget,
  dtAdmin,
  withSettings,
  expectSuccess,
  receivedResponse,
  expectErrorStatus,
  expectRefused,
  expectRejected,
  describeAnswer,
  variantsAgainstControl,
  newDevice,
  newId,
  newUserName,
  samlTime,
  BINDING_REDIRECT,
  type Verdict,
  type SilentLogin,
  type SilentLoginOptions,
  deviceContextEdits,
  type DeviceContextEdit,
  WHERE,
  unissuedToken,
  answeredWithError,
} from '../../src/harness';

const MINUTE = 60_000;

/** DT-REQ-08: the only HTML is one auto-post form: no password field, no other form, at most one script. */
function expectNoInteractiveContent(v: Verdict, r: SilentLogin): void {
  v.ok(!r.loginFormShown, 'login form', 'none (device-token requests get no UI)', 'a password form');
  for (const p of r.pages) {
    v.ok(
      p.page.forms.length <= 1,
      'forms on the page',
      'at most the auto-post form',
      `${p.page.forms.length} forms`,
    );
    v.ok(
      p.page.scripts <= 1,
      'scripts on the page',
      'at most the auto-submit script',
      `${p.page.scripts} scripts`,
    );
    v.equal('links, buttons or frames', p.page.interactive, 0);
  }
}

describe('device-token · request parsing', function () {
  const h = scenario(this, { profile: 'device-token', family: 'request-parsing' });

  /** DT-REQ-01: the AuthnRequest of step 2 delivered as in step 3 is answered with Success. */
  h.check(
    {
      id: 'DT-REQ-01-valid-request',
      level: 'MUST',
      requirements: ['DT-REQ-01', 'DT-TOK-01'],
      title: 'a signed device-token request with a valid token gets Success',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      expectSuccess(v, await silentLogin(ctx, { token }));
    },
  );

  /** DT-REQ-02: a device-token request without dt:DeviceContext gets Requester/RequestUnsupported. */
  h.check(
    {
      id: 'DT-REQ-02-no-device-context',
      level: 'MUST',
      requirements: ['DT-REQ-02'],
      title: 'a request with the token header but no DeviceContext gets RequestUnsupported',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const r = await silentLogin(ctx, { token, request: (b) => b.withExtensions(undefined) });
      expectErrorStatus(v, r, 'RequestUnsupported', ['Requester']);
    },
  );

  /** DT-REQ-03: UserDomain not equal to the domain part of UserId gets RequestDenied. */
  h.check(
    {
      id: 'DT-REQ-03-user-domain-mismatch',
      level: 'MUST',
      requirements: ['DT-REQ-03'],
      title: 'a UserDomain other than the domain of UserId gets RequestDenied',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const t = await dtTarget(ctx);
      // The UserId stays in an allowed domain, so only the UserDomain mismatch can refuse it.
      const r = await silentLogin(ctx, {
        token,
        userId: `${newUserName()}@${t.tenant.userDomain}`,
        userDomain: `other-${t.tenant.userDomain}`,
      });
      expectErrorStatus(v, r, 'RequestDenied');
    },
  );

  /**
   * DT-REQ-03 with the UserId rule "Comparisons of UserId and of domains are case-insensitive": a
   * UserDomain equal to the domain of UserId but for letter case is not a mismatch (Success).
   */
  h.check(
    {
      id: 'DT-REQ-03-user-domain-case-insensitive',
      level: 'MUST',
      requirements: ['DT-REQ-03', 'DT-REQ-01', 'DT-RSP-06'],
      title:
        'a UserDomain that differs from the domain of UserId only in letter case gets Success; the userDomain attribute is the signed UserDomain',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const t = await dtTarget(ctx);
      const d = t.tenant.userDomain;
      if (d.toUpperCase() === d.toLowerCase()) v.notApplicable(`the user domain ${d} has no letters`);
      const r = await silentLogin(ctx, {
        token,
        userId: `${newUserName()}@${d.toLowerCase()}`,
        userDomain: d.toUpperCase(),
      });
      const a = expectSuccess(v, r);
      // DT-RSP-06 / §2.3: device attributes are "the signed values, unchanged, case kept".
      v.equal(
        'attribute userDomain',
        JSON.stringify(a.attributes.find((x) => x.name === 'userDomain')?.values),
        JSON.stringify([d.toUpperCase()]),
      );
    },
  );

  /**
   * DT-TOK-01 with the Authorization header rule "the scheme DeviceToken, case-insensitive (RFC 9110)":
   * a valid token under the scheme written in lower case gets Success.
   */
  h.check(
    {
      id: 'DT-TOK-01-scheme-case-insensitive',
      level: 'MUST',
      requirements: ['DT-TOK-01'],
      title: 'a valid token under the scheme "devicetoken" (lower case) gets Success',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      expectSuccess(v, await silentLogin(ctx, { token, authorization: `devicetoken ${token}` }));
    },
  );

  /** DT-REQ-04: a UserId that breaks the UserId rule gets an error with top-level Requester. */
  h.check(
    {
      id: 'DT-REQ-04-invalid-userid',
      level: 'MUST',
      requirements: ['DT-REQ-04'],
      title:
        'malformed UserIds (space, empty or 65-char local part, bad character, two @ (twice), one-label domain) get Requester errors',
    },
    async (v, ctx) => {
      const t = await dtTarget(ctx);
      const d = t.tenant.userDomain;
      const variants: [string, string][] = [
        [`a b@${d}`, d],
        [`@${d}`, d],
        [`${'a'.repeat(65)}@${d}`, d],
        [`a!b@${d}`, d],
        [`a@b@${d}`, d],
        [`a@x.${d}@${d}`, d],
        ['a@localhost', 'localhost'],
      ];
      const { token } = await dtToken(ctx);
      await v.variants(
        variants.map(([userId, userDomain]) => [`UserId ${userId}`, [userId, userDomain]] as const),
        async ([userId, userDomain]) => {
          const r = await silentLogin(ctx, { token, userId, userDomain });
          if (r.delivery === undefined) expectRejected(v, r);
          else expectErrorStatus(v, r, undefined, ['Requester']);
        },
      );
    },
  );

  /**
   * DT-REQ-04 where allowedDomains cannot answer first: with allowedDomains ["*"] ("allows any domain"),
   * a UserId that breaks only the rule's domain or length part (a one-label domain, a label starting
   * with a hyphen, 128 characters) gets top-level Requester, and one of exactly 127 characters is valid
   * and gets Success (DT-REQ-01). Under the tenant's own domain list those domains are refused anyway.
   * The 127-character login is also the control of the negatives, run first in the same check: only
   * when it succeeds does a refusal of the others say "the UserId rule" rather than "this setup refuses
   * every login"; when it does not, the negatives are BLOCKED by this check's own control variant.
   */
  h.check(
    {
      id: 'DT-REQ-04-userid-rule-any-domain',
      level: 'MUST',
      requirements: ['DT-REQ-04', 'DT-REQ-01'],
      exclusive: 'tenant settings (allowedDomains ["*"])',
      title:
        'with allowedDomains ["*"]: 127 characters get Success (the control); a one-label domain, a hyphen-led label and a 128-character UserId get Requester',
    },
    async (v, ctx) => {
      h.requires('settingsAdmin');
      const { token } = await dtToken(ctx);
      const admin = dtAdmin(await dtTarget(ctx));
      await withSettings(ctx, admin, { allowedDomains: ['*'] });
      const local = newUserName().slice(0, 8).padEnd(8, 'u');
      // n characters in all (n > 120): three labels (a DNS label may have up to 63 characters), then ".test".
      const fifty = 'b'.repeat(50);
      const longUserId = (n: number) =>
        `${local}@${fifty}.${fifty}.${'c'.repeat(n - local.length - 1 - 102 - '.test'.length)}.test`;
      const login = (userId: string) =>
        silentLogin(ctx, { token, userId, userDomain: userId.slice(userId.lastIndexOf('@') + 1) });
      const negatives: [string, string][] = [
        ['one-label domain', `${local}@localhost`],
        ['label with a leading hyphen', `${local}@-x.example.org`],
        ['128 characters', longUserId(128)],
      ];
      const control = {
        name: '127 characters (valid)',
        what: 'a valid 127-character UserId',
        run: () => login(longUserId(127)),
      };
      await variantsAgainstControl(v, control, negatives, async (userId) => {
        const r = await login(userId);
        if (r.delivery === undefined) expectRejected(v, r);
        else expectErrorStatus(v, r, undefined, ['Requester']);
      });
    },
  );

  /** DT-REQ-05 and the CloudName rule (exactly, case-sensitively): another CloudName gets RequestDenied. */
  h.check(
    {
      id: 'DT-REQ-05-cloud-name-mismatch',
      level: 'MUST',
      requirements: ['DT-REQ-05'],
      title:
        'a CloudName other than the tenant cloud (also one differing only in letter case) gets RequestDenied',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const t = await dtTarget(ctx);
      const cloud = t.tenant.cloudName;
      const swapped = [...cloud]
        .map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()))
        .join('');
      const cases: (readonly [string, string])[] = [
        ['another CloudName', `${cloud}-other`],
        ...(swapped !== cloud ? [['the CloudName in other letter case', swapped] as const] : []),
      ];
      await v.variants(cases, async (cloudName) => {
        expectErrorStatus(v, await silentLogin(ctx, { token, cloudName }), 'RequestDenied');
      });
    },
  );

  /** DT-REQ-06: a DeviceContext that breaks the DeviceContext rule gets an error with top-level Requester. */
  h.check(
    {
      id: 'DT-REQ-06-device-context-rule',
      level: 'MUST',
      requirements: ['DT-REQ-06'],
      title:
        'missing, repeated (also Device), unknown dt elements (also after Device), bad values, element or mixed content, text in Device, a misplaced or second DeviceContext get Requester errors',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const e = deviceContextEdits;
      const mutations: [string, DeviceContextEdit][] = [
        ['missing DeviceId', e.missingDeviceId],
        ['repeated Hostname', e.repeatedHostname],
        ['unknown dt element', e.unknownDtElement],
        ['OSType not in the enum', e.osTypeNotInEnum],
        ['OSType in other letter case', e.osTypeUpperCase],
        ['empty Hostname', e.emptyHostname],
        ['leading whitespace', e.hostnameLeadingSpace],
        ['control character (TAB)', e.hostnameTab],
        ['257-character value', e.hostname257],
        ['element content', e.hostnameElementContent],
        ['two DeviceContexts', e.twoDeviceContexts],
        ['DeviceContext in a nested samlp:Extensions', e.nestedExtensions],
        ['text in dt:Device', e.textInDevice],
        ['repeated Device', e.repeatedDevice],
        ['unknown dt element after Device', e.unknownDtElementAfterDevice],
        // Mixed content: the first text node alone is a valid value; the whole text ends in a space.
        ['mixed content', e.hostnameMixedContent],
      ];
      await v.variants(mutations, async (mutate) => {
        const r = await silentLogin(ctx, { token, deviceContext: mutate });
        expectErrorStatus(v, r, undefined, ['Requester']);
      });
    },
  );

  /**
   * DT-REQ-06 in the processing order (§2.4: "the first one in this order wins"): the DeviceContext
   * (stage 5) is judged before the token (stage 6), so a DeviceContext that breaks the rule, sent with no
   * token or an unknown one, still gets a Requester error — not NoPassive or AuthnFailed (Responder).
   */
  h.check(
    {
      id: 'DT-REQ-06-before-token',
      level: 'MUST',
      requirements: ['DT-REQ-06'],
      title:
        'a DeviceContext that breaks the rule gets a Requester error also without a token or with an unknown one (stage 5 before stage 6)',
    },
    async (v, ctx) => {
      v.step = 'no token';
      const none = await silentLogin(ctx, { deviceContext: deviceContextEdits.repeatedHostname });
      expectErrorStatus(v, none, undefined, ['Requester']);
      v.step = 'an unknown token';
      const unknown = await silentLogin(ctx, {
        token: unissuedToken(),
        deviceContext: deviceContextEdits.repeatedHostname,
      });
      expectErrorStatus(v, unknown, undefined, ['Requester']);
    },
  );

  /**
   * DT-REQ-01 at the DeviceContext rule's limits (DT-REQ-06: "Each value is 1–256 characters of text, […]
   * no leading or trailing whitespace"): values of 1 and 256 characters and one with an inner space are
   * within the rule, so the request is the valid one of step 2 and gets Success.
   */
  h.check(
    {
      id: 'DT-REQ-01-limit-values',
      level: 'MUST',
      requirements: ['DT-REQ-01', 'DT-REQ-06'],
      title: 'DeviceContext values at the limits (1 and 256 characters, an inner space) get Success',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      // Sent as device facts (not an edit of the XML), so the recorded request holds the values judged.
      const device = newDevice({ hostname: 'h'.repeat(256), osVersion: '7', clientVersion: '4.2 beta' });
      const r = await silentLogin(ctx, { token, device });
      expectSuccess(v, r);
    },
  );

  /** DT-REQ-06: elements of other namespaces inside DeviceContext are ignored. */
  h.check(
    {
      id: 'DT-REQ-06-foreign-elements-ignored',
      level: 'MUST',
      requirements: ['DT-REQ-06'],
      title: 'an element of another namespace inside DeviceContext is ignored (Success)',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const r = await silentLogin(ctx, {
        token,
        deviceContext: deviceContextEdits.foreignElement,
      });
      expectSuccess(v, r);
    },
  );

  /**
   * DT-REQ-07: "A value split by a comment or processing instruction […] is read as its whole text or
   * refused: never an assertion for the truncated value." Each split is its own variant; the answer must
   * be a refusal (an error Response without Assertion, or a 4xx error page) or a Success for the whole
   * value — an HTTP 500, a login form or no answer is neither.
   */
  h.check(
    {
      id: 'DT-REQ-07-comment-split-value',
      level: 'MUST',
      requirements: ['DT-REQ-07'],
      title:
        'UserId admin@<domain><!---->.evil.test (or split by <?pi?>) is read whole or refused, never truncated',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const t = await dtTarget(ctx);
      const splits = [
        ['comment', '<!---->'],
        ['processing-instruction', '<?idpc split?>'],
      ] as const;
      await v.variants(splits, async (split) => {
        const truncated = `admin-${newId().slice(1, 7)}@${t.tenant.userDomain}`;
        const whole = `${truncated}.evil.test`;
        const r = await silentLogin(ctx, {
          token,
          userId: truncated,
          deviceContext: deviceContextEdits.splitUserId(split, '.evil.test'),
        });
        const a = r.verify?.assertion;
        if (a) {
          v.equal('NameID', a.nameId?.value, whole.toLowerCase(), WHERE.assertion.nameId);
          return;
        }
        // No trusted assertion: only a refusal earns the PASS (never a crash or no answer).
        expectRefused(v, r);
      });
    },
  );

  /** DT-REQ-08: a device-token request never gets interactive content. */
  h.check(
    {
      id: 'DT-REQ-08-no-interactive-content',
      level: 'MUST',
      requirements: ['DT-REQ-08'],
      title:
        'success and error answers are one auto-post form: no password field, no other form, no extra script',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const ok = await silentLogin(ctx, { token });
      expectSuccess(v, ok);
      expectNoInteractiveContent(v, ok);
      const none = await silentLogin(ctx, {});
      expectNoInteractiveContent(v, none);
    },
  );

  /** DT-REQ-09: RelayState comes back unchanged. */
  h.check(
    {
      id: 'DT-REQ-09-relaystate',
      level: 'MUST',
      requirements: ['DT-REQ-09', 'SAMLBind-3.5.3'],
      title: 'RelayState (with markup characters) comes back unchanged on success and on error',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const relayState = `dt"<&>'${newId().slice(1, 11)}`;
      const ok = await silentLogin(ctx, { token, relayState });
      // RelayState is the binding's, not the assertion's: judged whether or not the Response is trusted.
      receivedResponse(v, ok);
      v.equal('RelayState (success)', ok.delivery?.relayState, relayState);
      const err = await silentLogin(ctx, { relayState });
      v.equal('RelayState (error)', err.delivery?.relayState, relayState);
      expectSuccess(v, ok);
    },
  );

  /** DT-REQ-10: the token is taken only from the Authorization header. */
  h.check(
    {
      id: 'DT-REQ-10-token-only-from-header',
      level: 'MUST',
      requirements: ['DT-REQ-10', 'DT-TOK-02'],
      title: 'a token in the query string or in a form field does not authenticate (NoPassive)',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const q = await silentLogin(ctx, {
        query: `token=${encodeURIComponent(token)}&DeviceToken=${encodeURIComponent(token)}`,
      });
      expectErrorStatus(v, q, 'NoPassive');
      const f = await silentLogin(ctx, {
        extraFields: { token, DeviceToken: token, Authorization: `DeviceToken ${token}` },
      });
      expectErrorStatus(v, f, 'NoPassive');
    },
  );

  /** DT-REQ-11: hostile XML is rejected quickly and the IdP keeps serving. */
  h.check(
    {
      id: 'DT-REQ-11-doctype-rejected',
      level: 'MUST',
      requirements: ['DT-REQ-11', 'SDP-G03'],
      title: 'a request with a DOCTYPE and an entity is rejected, and a valid login right after succeeds',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const t0 = Date.now();
      const r = await silentLogin(ctx, {
        token,
        afterSigning: (x) => `<!DOCTYPE samlp:AuthnRequest [<!ENTITY e "x">]>${x}`,
      });
      expectRejected(v, r);
      v.ok(Date.now() - t0 < 10_000, 'time to reject', '< 10 s', `${Date.now() - t0} ms`);
      expectSuccess(v, await silentLogin(ctx, { token }));
    },
  );

  /** DT-REQ-12: Version, Destination, IssueInstant and ProtocolBinding are enforced. */
  h.check(
    {
      id: 'DT-REQ-12-request-envelope',
      level: 'MUST',
      requirements: ['DT-REQ-12', 'SAMLCore-3.2.1'],
      title:
        'Version 2.1, a missing or foreign Destination, a stale or future IssueInstant, a Redirect ProtocolBinding are refused',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const now = ctx.now().getTime();
      const variants: [string, SilentLoginOptions['request']][] = [
        ['Version 2.1', (b) => b.withVersion('2.1')],
        ['no Destination', (b) => b.withDestination(undefined)],
        ['other Destination', (b) => b.withDestination(`${b.destination}/other`)],
        ['IssueInstant 11 minutes old', (b) => b.withIssueInstant(samlTime(new Date(now - 11 * MINUTE)))],
        ['IssueInstant 4 minutes ahead', (b) => b.withIssueInstant(samlTime(new Date(now + 4 * MINUTE)))],
        ['ProtocolBinding HTTP-Redirect', (b) => b.withProtocolBinding(BINDING_REDIRECT)],
      ];
      await v.variants(variants, async (request, what) => {
        const r = await silentLogin(ctx, { token, request });
        v.ok(
          !(r.verify?.assertion && r.verify.response?.statusCode?.endsWith('Success')),
          what,
          'refused',
          describeAnswer(r),
        );
        expectRefused(v, r);
      });
    },
  );

  /** DT-REQ-13: the IdP SHOULD refuse a replayed request ID. */
  h.check(
    {
      id: 'DT-REQ-13-replayed-request',
      level: 'SHOULD',
      requirements: ['DT-REQ-13'],
      title:
        'the same signed request sent twice is refused the second time, also when the first was answered with an error',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const id = newId();
      const instant = samlTime(ctx.now());
      const device = newDevice();
      const userName = newUserName();
      const same = {
        token,
        device,
        userName,
        request: (b: { withId(i: string): unknown; withIssueInstant(t: string): unknown }) => {
          b.withId(id);
          b.withIssueInstant(instant);
        },
      };
      expectSuccess(v, await silentLogin(ctx, same));
      expectRefused(v, await silentLogin(ctx, same));
      // Profile "Replay": an ID "already answered, with a Success or an error Response".
      v.step = 'first answered with an error (no token)';
      const errorId = newId();
      const again = {
        ...same,
        device: newDevice(),
        request: (b: { withId(i: string): unknown; withIssueInstant(t: string): unknown }) => {
          b.withId(errorId);
          b.withIssueInstant(instant);
        },
      };
      // Judged where the request without a token got an error Response (DT-TOK-02 judges which).
      if (answeredWithError(await silentLogin(ctx, { ...again, token: undefined })))
        expectRefused(v, await silentLogin(ctx, again));
    },
  );
});
