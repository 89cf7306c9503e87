import {
  scenario,
  webLogin,
  expectSuccess,
  NotApplicable,
  NAMEID_TRANSIENT,
  registerExtraEntity,
  expectRefusalAgainst,
  expectRefusal,
  expectErrorStatus,
  describeAnswer,
  statusName,
  type AssertionInfo,
  type WebLogin,
  type Verdict,
  WHERE,
} from '../../src/harness';

const SUBJECT_ID = 'urn:oasis:names:tc:SAML:attribute:subject-id';
const PAIRWISE_ID = 'urn:oasis:names:tc:SAML:attribute:pairwise-id';
const URI_FORMAT = 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri';
/** SAML V2.0 Subject Identifier Attributes Profile §3.3.1 / §3.4.1: uniqueID "@" scope. */
const SCOPED_VALUE = /^[A-Za-z0-9][A-Za-z0-9=-]{0,126}@[A-Za-z0-9][A-Za-z0-9.-]{0,126}$/;

type Attribute = AssertionInfo['attributes'][number];
const nameOf = (uri: string) => (uri === SUBJECT_ID ? 'subject-id' : 'pairwise-id');

/**
 * The value rules of SAML V2.0 Subject Identifier Attributes Profile §3.3.1 / §3.4.1 with SDP-IDP14: one
 * uniqueID@scope value in the profile's characters, NameFormat uri, its scope a shibmd:Scope (regexp
 * false) of the IdP metadata.
 */
function judgeIdentifier(
  v: Verdict,
  s: { idp: { scopes: { value: string; regexp?: string }[] } },
  at: Attribute,
): string {
  const scopes = s.idp.scopes.filter((x) => x.regexp !== 'true' && x.regexp !== '1').map((x) => x.value);
  const name = nameOf(at.name);
  v.equal(`${name} NameFormat`, at.nameFormat, URI_FORMAT, WHERE.attribute.nameFormat);
  const value = v.only(`${name} values`, at.values, WHERE.attribute.values);
  v.ok(
    SCOPED_VALUE.test(value),
    `${name} value`,
    'uniqueID@scope: [A-Za-z0-9][A-Za-z0-9=-]{0,126}@[A-Za-z0-9][A-Za-z0-9.-]{0,126}',
    value,
  );
  v.oneOf(`${name} scope`, value.slice(value.indexOf('@') + 1), scopes, WHERE.metadata.scopes);
  return value;
}

const isSuccess = (r: WebLogin) => statusName(r.verify?.response?.statusCode) === 'Success';

function attributesOf(v: Verdict, r: WebLogin) {
  const a = expectSuccess(v, r);
  if (a.attributes.length === 0) throw new NotApplicable('the assertion carries no attributes');
  return a.attributes;
}

describe('saml-web-sso · subject identifiers and attributes', function () {
  const h = scenario(this, { profile: 'saml-web-sso', family: 'subject' });
  const login = h.shared('subject-login', (ctx) => webLogin(ctx, { relayState: 'subject-checks' }));
  const transient = (n: number) =>
    h.shared(`transient-${n}`, (ctx) =>
      webLogin(ctx, {
        request: (b) => b.withNameIdPolicy({ format: NAMEID_TRANSIENT, allowCreate: 'true' }),
      }),
    )();

  /**
   * SDP-IDP12: "Assertions MUST contain a <saml:NameID> element with the
   * urn:oasis:names:tc:SAML:2.0:nameid-format:transient Format ... for the purposes of logout."
   * Asked for explicitly (NameIDPolicy transient); transient means a fresh opaque value per session.
   */
  h.check(
    {
      id: 'SDP-IDP12-transient-nameid',
      level: 'MUST',
      requirements: ['SDP-IDP12', 'SAMLCore-2.2.2'],
      title: 'NameIDPolicy transient gets a transient NameID, new in each session, not the user name',
    },
    async (v, ctx) => {
      const [a1, a2] = [expectSuccess(v, await transient(1)), expectSuccess(v, await transient(2))];
      v.equal('NameID Format', a1.nameId?.format, NAMEID_TRANSIENT, WHERE.assertion.nameIdFormat);
      v.equal('second NameID Format', a2.nameId?.format, NAMEID_TRANSIENT, WHERE.assertion.nameIdFormat);
      const value = v.present('NameID', a1.nameId?.value, WHERE.assertion.nameId);
      v.ok(value !== a2.nameId?.value, 'NameID of two sessions', 'two different transient values', value);
      const user = ctx.config.login?.form?.username?.toLowerCase() ?? '\u0000';
      const known = [user, ...a1.attributes.flatMap((x) => x.values.map((y) => y.toLowerCase()))];
      v.ok(
        !known.includes(value.toLowerCase()),
        'transient NameID',
        'an opaque value, not the user name or an attribute value',
        value,
      );
    },
  );

  /** SDP-IDP18: "<saml:Attribute> elements MUST contain a NameFormat of urn:oasis:names:tc:SAML:2.0:attrname-format:uri." */
  h.check(
    {
      id: 'SDP-IDP18-attribute-nameformat-uri',
      level: 'MUST',
      requirements: ['SDP-IDP18'],
      title: 'every Attribute has NameFormat urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
    },
    async (v) => {
      for (const at of attributesOf(v, await login()))
        v.equal(`NameFormat of ${at.name}`, at.nameFormat, URI_FORMAT, WHERE.attribute.nameFormat);
    },
  );

  /** SDP-IDP19: "It is RECOMMENDED that the content of <saml:AttributeValue> elements be limited to a single child text node." */
  h.check(
    {
      id: 'SDP-IDP19-single-text-value',
      level: 'SHOULD',
      requirements: ['SDP-IDP19'],
      title: 'every AttributeValue is a single text node (a simple string)',
    },
    async (v) => {
      for (const at of attributesOf(v, await login()))
        v.equal(
          `AttributeValues of ${at.name}`,
          at.singleTextValues ? 'single text nodes' : 'other content',
          'single text nodes',
          WHERE.attribute.value,
        );
    },
  );

  /**
   * SDP-IDP13 (subject-id / pairwise-id, SAML V2.0 Subject Identifier Attributes Profile §3.3.1, §3.4.1)
   * with SDP-IDP14: a released value is uniqueID@scope in the profile's characters, single-valued,
   * NameFormat uri, and its scope is a shibmd:Scope (regexp false) of the IdP metadata.
   */
  h.check(
    {
      id: 'SDP-IDP13-subject-id-value',
      level: 'MUST',
      requirements: ['SDP-IDP13', 'SDP-IDP14'],
      title: 'a released subject-id / pairwise-id is one uniqueID@scope value with a scope from the metadata',
    },
    async (v, ctx) => {
      const ids = expectSuccess(v, await login()).attributes.filter(
        (x) => x.name === SUBJECT_ID || x.name === PAIRWISE_ID,
      );
      if (ids.length === 0)
        throw new NotApplicable(
          'the IdP released neither subject-id nor pairwise-id without an SP signal (SDP-IDP17 allows that; the signalled release is judged by the SDP-IDP15 checks)',
        );
      for (const at of ids) judgeIdentifier(v, ctx, at);
    },
  );

  // ---- SDP-IDP15/16: the SP's metadata signal (entity attribute subject-id:req) decides the release.
  /**
   * A login as `<gateway.entityId>/<suffix>`, registered with subject-id:req `req` (or no signal) and, with
   * `release`, the IdP's release policy for it (the admin extension releaseIdentifiers).
   */
  const signalled = (suffix: string, req?: string, again = false, release?: string[]) =>
    h.shared(`subject-id-req:${suffix}${again ? ':again' : ''}`, async (ctx) => {
      const issuer = await registerExtraEntity(
        ctx,
        {
          suffix,
          ...(req ? { subjectIdReq: req } : {}),
          ...(release ? { releaseIdentifiers: release } : {}),
        },
        'an SP whose metadata carries the entity attribute urn:oasis:names:tc:SAML:profiles:subject-id:req',
      );
      return webLogin(ctx, { issuer, relayState: `subject-id-req-${req ?? 'absent'}` });
    });
  /** The control: the same kind of entity, no signal in its metadata. */
  const control = signalled('subject-id-req-absent');
  /** One entity per signal value; they differ from the control and from each other in the signal alone. */
  const bySignal: Record<'subject-id' | 'pairwise-id' | 'any', () => Promise<WebLogin>> = {
    'subject-id': signalled('subject-id-req-subject-id', 'subject-id'),
    'pairwise-id': signalled('subject-id-req-pairwise-id', 'pairwise-id'),
    any: signalled('subject-id-req-any', 'any'),
  };
  /**
   * An SP requiring any identifier while the IdP's release policy for it allows none: it will not satisfy
   * it. Registered only where the target declares capabilities.spReleasePolicy (the admin API takes it):
   * elsewhere it throws the NotApplicable naming that capability.
   */
  const withheld = signalled('subject-id-req-any-withheld', 'any', false, []);
  /**
   * The control of `withheld`: the same signal with an explicit release policy allowing both identifiers.
   * It differs from `withheld` in the policy alone (bySignal.any gets no policy, so the IdP's default one).
   */
  const allowed = signalled('subject-id-req-any-released', 'any', false, ['subject-id', 'pairwise-id']);
  /**
   * An SP requiring any identifier whose release policy allows subject-id alone: "any" is met by subject-id,
   * the one identifier the policy lets the IdP release (registered only with capabilities.spReleasePolicy).
   */
  const subjectIdOnly = signalled('subject-id-req-any-subject-id-only', 'any', false, ['subject-id']);

  /**
   * BLOCKED by SDP-IDP15-signal-any unless `c`, the answer to `allowed`, is a trusted Success with
   * subject-id or pairwise-id: otherwise the answer to `withheld` says nothing about the policy. `original`:
   * the FAIL the caller would give, restored if SDP-IDP15-signal-any holds (default: the control's).
   */
  const policyShown = (v: Verdict, c: WebLogin, original?: ReturnType<Verdict['failure']>): void => {
    if (released(c)) return;
    v.blocked(
      'SDP-IDP15-signal-any',
      `the control, the same signal (subject-id:req any) with a release policy allowing both identifiers, got no trusted Success with subject-id or pairwise-id (${describeAnswer(c)}): the answer to the SP whose policy allows none says nothing about the policy`,
      original ??
        v.failure(
          'control: the same SP signal with a release policy allowing both identifiers',
          'a Success with subject-id or pairwise-id',
          describeAnswer(c),
        ),
    );
  };

  /** A trusted Success carrying one of `want` (by default subject-id or pairwise-id). */
  const released = (r: WebLogin, want: readonly string[] = [SUBJECT_ID, PAIRWISE_ID]): boolean =>
    !!r.verify?.accepted && !!r.verify.assertion?.attributes.some((x) => want.includes(x.name));

  /**
   * Where in this run the IdP released `want` in a trusted Success: to the control (no signal) or to the
   * entity of another signal. Undefined: it never did, so nothing shows that it supports that identifier.
   */
  async function releasedElsewhere(want: string, req: string): Promise<string | undefined> {
    const others: [string, () => Promise<WebLogin>][] = [
      ['to an SP without a signal (the control)', control],
      ...Object.entries(bySignal)
        .filter(([k]) => k !== req)
        .map(([k, flow]): [string, () => Promise<WebLogin>] => [`to an SP with subject-id:req ${k}`, flow]),
    ];
    for (const [where, flow] of others) {
      if (released(await flow(), [want])) return where;
    }
    return undefined;
  }

  /** The identifier `want` in a Success for an SP with subject-id:req `req`; FAIL without it (SDP-IDP16). */
  function releasedIn(v: Verdict, r: WebLogin, want: string, req: string): Attribute {
    const a = expectSuccess(v, r);
    const at = a.attributes.find((x) => x.name === want);
    if (!at)
      v.fail(
        `${nameOf(want)} for an SP with subject-id:req ${req}`,
        'released, or the request failed (SDP-IDP16: an IdP that cannot or will not satisfy the SP MUST fail the request)',
        `Success without it; released: ${a.attributes.map((x) => x.friendlyName ?? x.name).join(', ') || 'no attributes'}`,
        WHERE.attribute.attributes,
      );
    return at;
  }

  /**
   * The identifier a signalled SP requires (SDP-IDP15), or undefined when the IdP failed the request
   * (judged against the control) and never released that identifier in the run: SDP-IDP16 lets an IdP
   * that cannot satisfy the signal fail it. A refusal of an identifier the IdP released elsewhere in the
   * run is a FAIL: the entities differ in the signal alone, so the signal itself turned a release it can
   * make into a refusal. A Success without the identifier breaks SDP-IDP16 ("it MUST fail the request").
   */
  async function required(v: Verdict, r: WebLogin, want: string, req: string) {
    if (isSuccess(r)) return releasedIn(v, r, want, req);
    expectRefusalAgainst(v, await control(), r);
    const shown = await releasedElsewhere(want, req);
    if (shown)
      v.fail(
        `${nameOf(want)} for an SP with subject-id:req ${req}`,
        `released: the IdP released ${nameOf(want)} ${shown} in this run, and the two entities differ in the signal alone (SDP-IDP15)`,
        `the request failed: ${describeAnswer(r)}`,
        WHERE.attribute.attributes,
      );
    return undefined;
  }

  const unsupported = (name: string, others: string) =>
    new NotApplicable(
      `the IdP failed the request of an SP that requires ${name} and released ${name} nowhere in this run (not without a signal, not for subject-id:req ${others} or any): SDP-IDP16 lets an IdP without it fail the request; SDP-IDP16-error-status judges how it failed, SDP-IDP15-signal-any that it releases one of the two`,
    );

  /**
   * SDP-IDP15: "IdPs MUST support the metadata-based identifier requirement signaling mechanism defined in
   * [SAML2SubjId]." SDP-IDP16: "If an IdP cannot or will not satisfy the requirements of an SP in this
   * respect, then it MUST fail the authentication request ..." subject-id:req subject-id.
   */
  h.check(
    {
      id: 'SDP-IDP15-signal-subject-id',
      level: 'MUST',
      requirements: ['SDP-IDP15', 'SDP-IDP16', 'SDP-IDP13'],
      title: 'an SP whose metadata requires subject-id gets a valid subject-id, or the request fails',
    },
    async (v, ctx) => {
      const at = await required(v, await bySignal['subject-id'](), SUBJECT_ID, 'subject-id');
      if (!at) throw unsupported('subject-id', 'pairwise-id');
      judgeIdentifier(v, ctx, at);
    },
  );

  /**
   * SDP-IDP15 / SDP-IDP16 with subject-id:req pairwise-id. The pairwise-id is per relying party ([SAML2SubjId]
   * §3.4: a value for one subject and one relying party): a second SP gets another value, the same SP
   * the same value in a new session (compared case-insensitively, as the profile compares them).
   */
  h.check(
    {
      id: 'SDP-IDP15-signal-pairwise-id',
      level: 'MUST',
      requirements: ['SDP-IDP15', 'SDP-IDP16', 'SDP-IDP13'],
      title:
        'an SP whose metadata requires pairwise-id gets a valid pairwise-id of its own, or the request fails',
    },
    async (v, ctx) => {
      const at = await required(v, await bySignal['pairwise-id'](), PAIRWISE_ID, 'pairwise-id');
      if (!at) throw unsupported('pairwise-id', 'subject-id');
      const value = judgeIdentifier(v, ctx, at).toLowerCase();
      // Once released, pairwise-id is supported: the same SP again and another SP must get it too.
      v.step = 'the same SP, a new session';
      const again = releasedIn(
        v,
        await signalled('subject-id-req-pairwise-id', 'pairwise-id', true)(),
        PAIRWISE_ID,
        'pairwise-id',
      );
      v.equal(
        'pairwise-id in a new session of the same SP',
        judgeIdentifier(v, ctx, again).toLowerCase(),
        value,
        WHERE.attribute.pairwiseIdValue,
      );
      v.step = 'another SP';
      const other = releasedIn(
        v,
        await signalled('subject-id-req-pairwise-id-other', 'pairwise-id')(),
        PAIRWISE_ID,
        'pairwise-id',
      );
      v.ok(
        judgeIdentifier(v, ctx, other).toLowerCase() !== value,
        'pairwise-id of two SPs',
        'a different value for each SP (pairwise)',
        `${value} for both`,
        WHERE.attribute.pairwiseIdValue,
      );
    },
  );

  /**
   * SDP-IDP16-error-status (the SHOULD of SDP-IDP16): "If an IdP cannot or will not satisfy the
   * requirements of an SP in this respect, then it [...] SHOULD respond to the SP with a SAML error
   * status." For each signalled request the IdP failed (a variant each, a refusal judged against its
   * control: the SP without a signal, or for the withheld SP the same signal with a release policy allowing
   * both identifiers): an error Response at the SP's ACS, not an error page. A request the IdP satisfied is
   * that variant's NOT_APPLICABLE. The MUST (SDP-IDP16) is judged by the SDP-IDP15-signal-*
   * checks.
   * The "will not" case is made on purpose where the target declares capabilities.spReleasePolicy (its
   * admin API takes a release policy): an SP requiring any identifier that the IdP is told to release none
   * of. Without it the refusals of the signalled SPs above are judged, if there are any.
   */
  h.check(
    {
      id: 'SDP-IDP16-error-status',
      requirements: ['SDP-IDP16-error-status'],
      title: 'a signalled request the IdP fails gets a SAML error status at the SP, not an error page',
    },
    async (v, ctx) => {
      const policy = ctx.config.capabilities.spReleasePolicy;
      // One variant per signalled SP, each judged against its own control: the signalled SPs against the
      // SP without a signal, the withheld SP against the same signal with a release policy allowing both.
      const cases: (readonly [
        string,
        { flow: () => Promise<WebLogin>; against: () => Promise<WebLogin> },
      ])[] = [
        ...Object.entries(bySignal).map(
          ([k, flow]) => [`subject-id:req ${k}`, { flow, against: control }] as const,
        ),
        ...(policy
          ? [
              [
                'subject-id:req any, with a release policy of none',
                { flow: withheld, against: allowed },
              ] as const,
            ]
          : []),
      ];
      try {
        await v.variants(cases, async ({ flow, against }, name) => {
          const r = await flow();
          if (isSuccess(r)) throw new NotApplicable(`the IdP satisfied ${name}: no failed request to judge`);
          const c = await against();
          if (flow === withheld) policyShown(v, c);
          expectRefusalAgainst(v, c, r);
          expectErrorStatus(v, r, undefined);
        });
      } catch (e) {
        if (!(e instanceof NotApplicable)) throw e;
        // No variant judged: the IdP failed none of the requests.
        const kept =
          policy && released(await withheld())
            ? 'released an identifier to'
            : 'answered with a Success the request of';
        throw new NotApplicable(
          policy
            ? `the IdP satisfied every subject-id:req signal (subject-id, pairwise-id, any), and ${kept} an SP whose release policy (capabilities.spReleasePolicy: PUT /service-providers?releaseIdentifiers=) allows none: it failed no request, so no error status to judge`
            : 'the IdP satisfied every subject-id:req signal (subject-id, pairwise-id, any): it failed no request, so no error status to judge; declare capabilities.spReleasePolicy where the admin API takes a release policy (PUT /service-providers?releaseIdentifiers=), and the harness registers an SP the IdP will not satisfy',
        );
      }
    },
  );

  /**
   * SDP-IDP16: "If an IdP cannot or will not satisfy the requirements of an SP in this respect, then it MUST
   * fail the authentication request […]." The "will not" case, made on purpose where the target declares
   * capabilities.spReleasePolicy: an SP whose metadata requires any identifier (subject-id:req any) and
   * whose release policy at the IdP allows none. A Success with subject-id or pairwise-id is a FAIL (the
   * policy was ignored). Anything else is judged against the control, the same signal with a release policy
   * allowing both identifiers (the two entities differ in the policy alone): it must get a trusted Success
   * with an identifier, else neither a Success without one nor a refusal says anything about the policy
   * (BLOCKED by SDP-IDP15-signal-any). Then a Success without an identifier is a FAIL (the request was
   * not failed), and a failed request must be a refusal (expectRefusal: an error Response or an error
   * page). How it failed is SDP-IDP16-error-status's.
   */
  h.check(
    {
      id: 'SDP-IDP16-withheld-not-released',
      requirements: ['SDP-IDP16'],
      title:
        'an SP whose metadata requires an identifier its release policy withholds gets the request failed, no identifier',
    },
    async (v) => {
      // Without capabilities.spReleasePolicy withheld() throws the NotApplicable naming it.
      const r = await withheld();
      const c = await allowed();
      const what = 'the answer to an SP with subject-id:req any whose release policy allows no identifier';
      if (isSuccess(r)) {
        const a = expectSuccess(v, r);
        const ids = a.attributes.filter((x) => x.name === SUBJECT_ID || x.name === PAIRWISE_ID);
        const expected =
          'the request failed, no subject-id or pairwise-id (SDP-IDP16: an IdP that will not satisfy the SP MUST fail the request)';
        // An identifier released despite the policy is a FAIL whatever the control got; a Success without
        // one is a request not failed only if the control shows the IdP would release one to this signal.
        const actual = ids.length
          ? `Success releasing ${ids.map((x) => `${nameOf(x.name)} ${x.values.join(', ')}`).join(' and ')} despite the release policy`
          : 'Success without subject-id or pairwise-id';
        const where = ids.length ? WHERE.attribute.attributes : WHERE.response.statusCode;
        if (!ids.length) policyShown(v, c, v.failure(what, expected, actual, where));
        v.fail(what, expected, actual, where);
      }
      policyShown(v, c);
      expectRefusal(v, r);
    },
  );

  /**
   * SDP-IDP15 with subject-id:req any, where the target declares capabilities.spReleasePolicy: an SP whose
   * release policy at the IdP allows subject-id alone. "any" is met by either identifier, and the policy
   * leaves subject-id: a Success must carry a valid subject-id (SDP-IDP16: one without the identifier the SP
   * requires is a request not failed) and no pairwise-id (the policy withholds it, as
   * SDP-IDP16-withheld-not-released judges). A failed request is judged as for the other signals (required):
   * a FAIL when the IdP released subject-id elsewhere in this run (it supports it, and the policy allows it
   * here), NOT_APPLICABLE when it released it nowhere (SDP-IDP16 lets an IdP without it fail the request).
   */
  h.check(
    {
      id: 'SDP-IDP15-signal-any-policy-subject-id',
      level: 'MUST',
      requirements: ['SDP-IDP15', 'SDP-IDP16', 'SDP-IDP13'],
      title:
        'an SP whose metadata accepts any identifier and whose release policy allows subject-id alone gets a valid subject-id',
    },
    async (v, ctx) => {
      // Without capabilities.spReleasePolicy subjectIdOnly() throws the NotApplicable naming it.
      const r = await subjectIdOnly();
      if (isSuccess(r)) {
        const pairwise = expectSuccess(v, r).attributes.find((x) => x.name === PAIRWISE_ID);
        if (pairwise)
          v.fail(
            'pairwise-id for an SP whose release policy allows subject-id alone',
            'not released: the release policy withholds it (SDP-IDP16)',
            `released: ${pairwise.values.join(', ')}`,
            WHERE.attribute.attributes,
          );
      }
      const at = await required(v, r, SUBJECT_ID, 'any');
      if (!at) throw unsupported('subject-id', 'pairwise-id');
      judgeIdentifier(v, ctx, at);
    },
  );

  /**
   * SDP-IDP15 with subject-id:req any: either identifier satisfies the SP. An IdP supports at least one of
   * them (SDP-IDP13), so "any" can always be met: failing the request breaks the signalling mechanism.
   */
  h.check(
    {
      id: 'SDP-IDP15-signal-any',
      level: 'MUST',
      requirements: ['SDP-IDP15', 'SDP-IDP13'],
      title: 'an SP whose metadata accepts any identifier gets a valid subject-id or pairwise-id',
    },
    async (v, ctx) => {
      const r = await bySignal.any();
      if (!isSuccess(r)) {
        // Reached when the control (no signal) is refused as well: the FAIL then names the control, as a
        // refusal of every such entity says nothing about the signal; otherwise expectSuccess below FAILs.
        const c = await control();
        if (!isSuccess(c)) expectRefusalAgainst(v, c, r);
      }
      const ids = expectSuccess(v, r).attributes.filter(
        (x) => x.name === SUBJECT_ID || x.name === PAIRWISE_ID,
      );
      v.ok(
        ids.length > 0,
        'subject-id or pairwise-id for an SP with subject-id:req any',
        'one of them released (an IdP supports at least one, SDP-IDP13)',
        'neither',
        WHERE.attribute.attributes,
      );
      for (const at of ids) judgeIdentifier(v, ctx, at);
    },
  );
});
