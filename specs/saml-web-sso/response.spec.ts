import {
  scenario,
  POLICY,
  webLogin,
  expectSuccess,
  expectAccepted,
  expectNoFinding,
  receivedResponse,
  blockIfUntrusted,
  statusName,
  describeAnswer,
  type WebLoginOptions,
  NotApplicable,
  NAMEID_KERBEROS,
  idRandomBits,
  verify,
  received,
  succeeded,
  WHERE,
  RESPONSE_DESTINATION,
  RESPONSE_IN_RESPONSE_TO,
  RESPONSE_ISSUER,
  RESPONSE_ISSUER_FORMAT,
  STATUS_SUCCESS,
  STATUS_ERROR,
  ONE_ASSERTION,
  ERROR_NO_ASSERTION,
  AUDIENCE_IS_REQUESTER,
  RECIPIENT_IS_ACS,
  BEARER_IN_RESPONSE_TO,
  BEARER_NO_NOT_BEFORE,
  acsBearers,
  verifySuccess,
  signedBy,
  SIGNATURE_PRESENT,
  SIGNATURES_VERIFY,
  SIGNATURE_ALGORITHMS,
  SIGNATURE_REFERENCE,
  ENVELOPED_SIGNATURE,
  EXCLUSIVE_C14N,
  CONDITIONS_WINDOW,
  SESSION_INDEX,
  IDS_DISTINCT,
  AUTHN_INSTANT,
  ISSUE_INSTANTS,
} from '../../src/harness';

const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('saml-web-sso · Response', function () {
  const h = scenario(this, { profile: 'saml-web-sso', family: 'response' });
  const login = h.shared('login', (ctx) => webLogin(ctx, { relayState: 'response-checks' }));
  const second = h.shared('login-2', (ctx) => webLogin(ctx));
  /** The first error Response the IdP gives: IsPassive without a session, else an unsupported NameID format, else Version 3.0. */
  const errorResponse = h.shared('error-response', async (ctx) => {
    const triggers: WebLoginOptions[] = [
      { request: (b) => b.withIsPassive(), credentials: null },
      { request: (b) => b.withNameIdPolicy({ format: NAMEID_KERBEROS, allowCreate: 'true' }) },
      { request: (b) => b.withVersion('3.0') },
    ];
    for (const t of triggers) {
      const r = await webLogin(ctx, t);
      // Any delivered Response that is not a Success (one without StatusCode too: STATUS_ERROR judges it).
      const resp = r.verify?.response;
      if (r.delivery && resp && statusName(resp.statusCode) !== 'Success') return r;
    }
    throw new NotApplicable(
      'the IdP answered none of IsPassive, an unsupported NameID format or Version 3.0 with an error Response',
    );
  });

  /** SAMLProf §4.1.2 / §4.1.4.5: the Response goes to the ACS by HTTP-POST, in a form with only SAMLResponse and RelayState. */
  h.check(
    {
      id: 'SAMLProf-4.1.2-post-delivery',
      level: 'MUST',
      requirements: ['SAMLProf-4.1.2', 'SDP-IDP08', 'SAMLBind-3.5.4'],
      title:
        'the Response is delivered by an HTTP-POST form to the ACS with only SAMLResponse and RelayState',
    },
    async (v) => {
      const r = await login();
      v.present('delivery of a SAMLResponse', r.delivery, describeAnswer(r));
      v.equal('binding', r.delivery!.via, 'post-form');
      v.equal('form method', r.delivery!.method, 'post');
      v.ok(r.postedToGateway, 'form action', 'the registered ACS', r.delivery!.action);
      const extra = r.delivery!.fieldNames.filter((n) => n !== 'SAMLResponse' && n !== 'RelayState');
      v.equal('other form fields', extra.join(','), '');
    },
  );

  /**
   * SAMLBind §3.5.5.2: "If the message is signed, the Destination XML attribute in the root SAML element
   * of the protocol message MUST contain the URL to which the sender has instructed the user agent to
   * deliver the message." SAMLCore §3.2.2: Destination is optional; "If it is present, the actual
   * recipient MUST check that the URI reference identifies the location at which the message was received."
   */
  h.check(
    {
      id: 'SAMLBind-3.5.5.2-response-destination',
      level: 'MUST',
      requirements: ['SAMLBind-3.5.5.2', 'SAMLCore-3.2.2'],
      title: 'Response Destination is the ACS URL (required when the Response is signed)',
    },
    async (v) => {
      verify(v, received(v, await login()), [RESPONSE_DESTINATION]);
    },
  );

  /** SAMLProf §4.1.4.2: InResponseTo MUST be the AuthnRequest's ID. */
  h.check(
    {
      id: 'SAMLProf-4.1.4.2-response-inresponseto',
      level: 'MUST',
      requirements: ['SAMLProf-4.1.4.2'],
      title: 'Response InResponseTo is the AuthnRequest ID',
    },
    async (v) => {
      verify(v, received(v, await login()), [RESPONSE_IN_RESPONSE_TO]);
    },
  );

  /**
   * SAMLProf §4.1.4.2: "If the <Response> message is signed or if an enclosed assertion is encrypted, then
   * the <Issuer> element MUST be present. Otherwise it MAY be omitted. If present it MUST contain the
   * unique identifier of the issuing identity provider; the Format attribute MUST be omitted or have a
   * value of urn:oasis:names:tc:SAML:2.0:nameid-format:entity."
   */
  h.check(
    {
      id: 'SAMLProf-4.1.4.2-response-issuer',
      level: 'MUST',
      requirements: ['SAMLProf-4.1.4.2'],
      title:
        'Response Issuer (required when signed or encrypting) is the IdP entityID, Format absent or entity',
    },
    async (v) => {
      verify(v, received(v, await login()), [RESPONSE_ISSUER, RESPONSE_ISSUER_FORMAT]);
    },
  );

  /** SDP-IDP10: a successful Response contains exactly one assertion. */
  h.check(
    {
      id: 'SDP-IDP10-one-assertion',
      level: 'MUST',
      requirements: ['SDP-IDP10', 'SAMLProf-4.1.4.2'],
      title: 'a Success Response contains exactly one Assertion',
    },
    async (v) => {
      verify(v, received(v, await login()), [STATUS_SUCCESS, ONE_ASSERTION]);
    },
  );

  /** SDP-IDP09: successful Responses MUST be directly signed. */
  h.check(
    {
      id: 'SDP-IDP09-response-signed',
      level: 'MUST',
      requirements: ['SDP-IDP09'],
      title: 'the Response itself carries a ds:Signature that verifies with the metadata key',
    },
    async (v) => {
      const r = await login();
      const resp = receivedResponse(v, r);
      v.ok(
        resp.signed,
        'Response signature',
        'a ds:Signature child of samlp:Response',
        'none',
        WHERE.response.signed,
      );
      // Whether it verifies needs a usable, matching metadata key: one root judges that.
      blockIfUntrusted(
        v,
        r.verify,
        v.failure('Response signature', 'valid with the metadata key', resp.signature?.error ?? 'invalid'),
      );
      v.ok(
        resp.signature?.valid === true,
        'Response signature',
        'valid with the metadata key',
        resp.signature?.error ?? 'invalid',
      );
    },
  );

  /** SAMLProf §4.1.4.5 / SAMLCore §5.4: every signature verifies with a key from the IdP metadata. */
  h.check(
    {
      id: 'SAMLProf-4.1.4.5-signatures-verify',
      level: 'MUST',
      requirements: ['SAMLProf-4.1.4.5', 'SAMLCore-5.4', 'SDP-MD01'],
      title: 'every signature in the Response verifies with a signing key of the IdP metadata',
    },
    async (v) => {
      const r = await login();
      receivedResponse(v, r);
      const signed = signedBy(r.verify);
      verify(v, signed, [SIGNATURE_PRESENT]);
      // No usable metadata key: nothing can verify; the metadata key check is the root.
      blockIfUntrusted(v, r.verify);
      verify(v, signed, [SIGNATURES_VERIFY]);
      // SAMLProf §4.1.4.5: the assertion itself must be covered by one of them (no unsigned extra copy).
      const resp = r.verify!.response!;
      if (resp.assertionCount > 0)
        v.ok(
          resp.assertionCount === 1 && r.verify?.assertion !== undefined,
          'the Assertion',
          'one Assertion, covered by a signature that verifies with the metadata key',
          `${resp.assertionCount} Assertion(s); ${r.verify?.assertion ? 'one' : 'none'} read from verified bytes`,
          WHERE.response.assertionCount,
        );
    },
  );

  /** SDP-ALG01: rsa-sha256 (or stronger) signatures with sha256 (or stronger) digests. */
  h.check(
    {
      id: 'SDP-ALG01-signature-algorithms',
      level: 'MUST',
      requirements: ['SDP-ALG01'],
      title: 'signatures use RSA/ECDSA with SHA-256 or stronger, digests SHA-256 or stronger',
    },
    async (v) => {
      const r = await login();
      receivedResponse(v, r);
      // The algorithms are in the XML whether or not a key verifies them: judged without the key.
      verify(v, signedBy(r.verify), [SIGNATURE_PRESENT, SIGNATURE_ALGORITHMS]);
    },
  );

  /** SAMLCore §5.4.2 (MUST): Reference "#" + the signed element's ID; §5.4 enveloped signatures. */
  h.check(
    {
      id: 'SAMLCore-5.4.2-signature-reference',
      level: 'MUST',
      requirements: ['SAMLCore-5.4.2', 'SAMLCore-5.4'],
      title: 'each signature references its parent by "#ID" and is enveloped (enveloped-signature transform)',
    },
    async (v) => {
      const r = await login();
      receivedResponse(v, r);
      // Reference and transforms are in the XML whether or not a key verifies them: judged without the key.
      verify(v, signedBy(r.verify), [SIGNATURE_PRESENT, SIGNATURE_REFERENCE, ENVELOPED_SIGNATURE]);
    },
  );

  /**
   * SAMLCore §5.4.3 "SAML implementations SHOULD use Exclusive Canonicalization [Excl-C14N], with or
   * without comments, both in the <ds:CanonicalizationMethod> element of <ds:SignedInfo>, and as a
   * <ds:Transform> algorithm", and §5.4.4 (SHOULD NOT: transforms other than enveloped-signature and
   * exclusive C14N). Read from every signature on the Response and the Assertion, trusted or not: the
   * algorithms are in the XML whether or not a key verifies them.
   */
  h.check(
    {
      id: 'SAMLCore-5.4.3-exclusive-c14n',
      level: 'SHOULD',
      requirements: ['SAMLCore-5.4.3', 'SAMLCore-5.4.4'],
      title:
        'each signature canonicalizes SignedInfo and its Reference with exclusive C14N (with or without comments), no other transform',
    },
    async (v) => {
      const r = await login();
      receivedResponse(v, r);
      verify(v, signedBy(r.verify), [SIGNATURE_PRESENT, EXCLUSIVE_C14N]);
    },
  );

  /** The whole Response passes the strict gateway (every rule of the harness's SP verifier). */
  h.check(
    {
      id: 'SAMLProf-4.1.4.3-gateway-accepts',
      level: 'MUST',
      requirements: ['SAMLProf-4.1.4.3', 'SAMLProf-4.1.4.2'],
      title: 'the strict gateway accepts the Response with no violation',
    },
    async (v) => {
      expectAccepted(v, await login());
    },
  );

  /** SAMLProf §4.1.4.2: the Assertion Issuer is the IdP's entityID. */
  h.check(
    {
      id: 'SAMLProf-4.1.4.2-assertion-issuer',
      level: 'MUST',
      requirements: ['SAMLProf-4.1.4.2', 'SAMLCore-2.3.3'],
      title: 'Assertion Issuer is the IdP entityID',
    },
    async (v, ctx) => {
      const a = expectSuccess(v, await login());
      v.equal('Assertion Issuer', a.issuer, ctx.idp.entityId, WHERE.assertion.issuer);
    },
  );

  /** SAMLProf §4.1.4.2: the Assertion's Subject identifies the principal (a NameID). */
  h.check(
    {
      id: 'SAMLProf-4.1.4.2-subject-nameid',
      level: 'MUST',
      requirements: ['SAMLProf-4.1.4.2', 'SAMLCore-2.4.1'],
      title: 'the Subject carries a non-empty NameID made of one text node',
    },
    async (v) => {
      const r = await login();
      const a = expectSuccess(v, r);
      v.present('NameID', a.nameId?.value, WHERE.assertion.nameId);
      // One text node: a comment or element inside the NameID is the truncation attack (C-15).
      expectNoFinding(v, r, 'S-21', 'NameID content');
      expectNoFinding(v, r, 'C-15', 'NameID content');
    },
  );

  /** SAMLProf §4.1.4.2: a bearer SubjectConfirmation whose Recipient is the ACS. */
  h.check(
    {
      id: 'SAMLProf-4.1.4.2-bearer-recipient',
      level: 'MUST',
      requirements: ['SAMLProf-4.1.4.2'],
      title: 'a bearer SubjectConfirmation has Recipient = the ACS URL',
    },
    async (v) => {
      verifySuccess(v, await login(), [RECIPIENT_IS_ACS]);
    },
  );

  h.check(
    {
      id: 'SAMLProf-4.1.4.2-bearer-inresponseto',
      level: 'MUST',
      requirements: ['SAMLProf-4.1.4.2'],
      title: 'the bearer SubjectConfirmationData has InResponseTo = request ID and a future NotOnOrAfter',
    },
    async (v, ctx) => {
      const r = succeeded(v, await login());
      verify(v, r, [BEARER_IN_RESPONSE_TO]);
      // The same confirmations BEARER_IN_RESPONSE_TO judged (the bearers for the ACS; not empty).
      for (const c of acsBearers(r)) {
        const nooa = Date.parse(c.notOnOrAfter ?? '');
        v.ok(
          nooa > ctx.now().getTime() - POLICY.skewMs,
          'SubjectConfirmationData NotOnOrAfter',
          'in the future',
          String(c.notOnOrAfter),
        );
      }
    },
  );

  h.check(
    {
      id: 'SAMLProf-4.1.4.2-bearer-no-notbefore',
      level: 'MUST',
      requirements: ['SAMLProf-4.1.4.2'],
      title: 'the bearer SubjectConfirmationData has no NotBefore',
    },
    async (v) => {
      verify(v, succeeded(v, await login()), [BEARER_NO_NOT_BEFORE]);
    },
  );

  /** SAMLProf §4.1.4.2: an AudienceRestriction naming the SP. */
  h.check(
    {
      id: 'SAMLProf-4.1.4.2-audience',
      level: 'MUST',
      requirements: ['SAMLProf-4.1.4.2', 'SAMLCore-2.5.1.4'],
      title: 'Conditions carry an AudienceRestriction containing the SP entityID',
    },
    async (v) => {
      verifySuccess(v, await login(), [AUDIENCE_IS_REQUESTER]);
    },
  );

  /** SAMLCore §2.5.1.2: the Assertion is valid now (NotBefore ≤ now < NotOnOrAfter, within the skew). */
  h.check(
    {
      id: 'SAMLCore-2.5.1.2-conditions-window',
      level: 'MUST',
      requirements: ['SAMLCore-2.5.1.2', 'SDP-G01'],
      title: 'the Conditions validity window contains the time of delivery',
    },
    async (v, ctx) => {
      verify(v, { assertion: expectSuccess(v, await login()), now: ctx.now() }, [CONDITIONS_WINDOW]);
    },
  );

  /** SDP-IDP10: exactly one AuthnStatement. */
  h.check(
    {
      id: 'SDP-IDP10-one-authnstatement',
      level: 'MUST',
      requirements: ['SDP-IDP10', 'SAMLProf-4.1.4.2'],
      title: 'the Assertion has exactly one AuthnStatement',
    },
    async (v) => {
      const a = expectSuccess(v, await login());
      v.equal('AuthnStatements', a.authnStatements.length, 1, WHERE.assertion.authnStatements);
    },
  );

  /** SAMLProf §4.1.4.2 / SAMLCore §2.7.2: AuthnInstant is the time of this authentication. */
  h.check(
    {
      id: 'SAMLProf-4.1.4.2-authninstant',
      level: 'MUST',
      requirements: ['SAMLProf-4.1.4.2', 'SAMLCore-2.7.2'],
      title: 'AuthnInstant is the time of the login just made (within the skew)',
    },
    async (v, ctx) => {
      const r = await login();
      verify(v, { assertion: expectSuccess(v, r), from: r.startedAt, to: ctx.now() }, [AUTHN_INSTANT]);
    },
  );

  /**
   * SAMLProf §4.1.4.2: "If the identity provider supports the Single Logout profile […] any authentication
   * statements MUST include a SessionIndex attribute". An IdP that lists no SingleLogoutService gives
   * nothing to judge.
   */
  h.check(
    {
      id: 'SAMLProf-4.1.4.2-sessionindex',
      level: 'MUST',
      requirements: ['SAMLProf-4.1.4.2', 'SAMLProf-4.4'],
      title: 'the AuthnStatement carries a SessionIndex (an IdP that supports Single Logout)',
    },
    async (v, ctx) => {
      if (ctx.idp.sloBindings.length === 0)
        throw new NotApplicable(
          'the IdP metadata lists no SingleLogoutService: SAMLProf §4.1.4.2 requires a SessionIndex only of an IdP that supports Single Logout',
        );
      verify(v, expectSuccess(v, await login()), [SESSION_INDEX]);
    },
  );

  /** SDP-IDP20: each value of a multi-valued attribute is its own AttributeValue. */
  h.check(
    {
      id: 'SDP-IDP20-multivalued-attributes',
      level: 'MUST',
      requirements: ['SDP-IDP20'],
      title: 'multi-valued attributes are sent as separate AttributeValues, not a joined list',
    },
    async (v) => {
      const a = expectSuccess(v, await login());
      v.ok(a.attributes.length > 0, 'attributes', 'an AttributeStatement with attributes', 'none');
      for (const at of a.attributes) {
        const joined = at.values.length === 1 && /^[^,;\s]+([,;][^,;\s]+)+$/.test(at.values[0] ?? '');
        v.ok(
          !joined,
          `attribute ${at.name}`,
          'one AttributeValue per value',
          `one value ${JSON.stringify(at.values[0])}`,
        );
      }
    },
  );

  /** SDP-IDP19 / SAMLCore §2.7.3.1: attribute names are not repeated. */
  h.check(
    {
      id: 'SDP-IDP19-attributes-unique',
      level: 'SHOULD',
      requirements: ['SDP-IDP19', 'SAMLCore-2.7.3.1'],
      title: 'no Attribute name appears twice in the AttributeStatement',
    },
    async (v) => {
      const a = expectSuccess(v, await login());
      const names = a.attributes.map((x) => `${x.nameFormat ?? ''}|${x.name}`);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      v.absent('repeated Attribute', dup?.split('|')[1], WHERE.assertion.attributeName);
    },
  );

  /** SAMLCore §1.3.3: every time is xs:dateTime in UTC with the Z designator. */
  h.check(
    {
      id: 'SAMLCore-1.3.3-utc-timestamps',
      level: 'MUST',
      requirements: ['SAMLCore-1.3.3'],
      title: 'all timestamps of the Response and Assertion are UTC with "Z"',
    },
    async (v) => {
      const r = await login();
      const resp = receivedResponse(v, r);
      const a = expectSuccess(v, r);
      const times: [string, string | undefined][] = [
        ['Response IssueInstant', resp.issueInstant],
        ['Assertion IssueInstant', a.issueInstant],
        ['Conditions NotBefore', a.conditions?.notBefore],
        ['Conditions NotOnOrAfter', a.conditions?.notOnOrAfter],
        ...a.authnStatements.map((x) => ['AuthnInstant', x.authnInstant] as [string, string | undefined]),
        ...a.subjectConfirmations.map(
          (x) => ['SubjectConfirmationData NotOnOrAfter', x.notOnOrAfter] as [string, string | undefined],
        ),
      ];
      for (const [what, t] of times)
        if (t !== undefined) v.ok(UTC.test(t), what, 'xs:dateTime ending in Z', t);
    },
  );

  /** SAMLCore §1.3.3 + SDP-G01: Response and Assertion are issued now (within the skew). */
  h.check(
    {
      id: 'SAMLCore-1.3.3-issueinstant-now',
      level: 'MUST',
      requirements: ['SAMLCore-1.3.3', 'SDP-G01'],
      title: 'Response and Assertion IssueInstant are the time of issue (within the skew)',
    },
    async (v, ctx) => {
      const r = await login();
      const response = receivedResponse(v, r);
      const assertion = expectSuccess(v, r);
      verify(v, { response, assertion, from: r.startedAt, to: ctx.now() }, [ISSUE_INSTANTS]);
    },
  );

  /** SAMLCore §1.3.4: identifiers are unique: no two Responses or Assertions share an ID. */
  h.check(
    {
      id: 'SAMLCore-1.3.4-unique-ids',
      level: 'MUST',
      requirements: ['SAMLCore-1.3.4'],
      title: 'two logins give four distinct Response and Assertion IDs',
    },
    async (v) => {
      const r1 = await login();
      const r2 = await second();
      const a1 = expectSuccess(v, r1);
      const a2 = expectSuccess(v, r2);
      const ids = [receivedResponse(v, r1).id ?? '', a1.id, receivedResponse(v, r2).id ?? '', a2.id];
      verify(v, ids, [IDS_DISTINCT]);
    },
  );

  /**
   * SAMLCore §1.3.4: "In the case that a random or pseudorandom technique is employed, the probability of
   * two randomly chosen identifiers being identical MUST be less than or equal to 2^-128 and SHOULD be
   * less than or equal to 2^-160." An ID must be long enough to hold 128 random bits in the alphabet its
   * characters use (judged over every ID of two logins).
   */
  h.check(
    {
      id: 'SAMLCore-1.3.4-id-randomness',
      level: 'MUST',
      requirements: ['SAMLCore-1.3.4'],
      title: 'Response and Assertion IDs are long enough to hold 128 random bits in their alphabet',
    },
    async (v) => {
      const r = await login();
      const resp = receivedResponse(v, r);
      const a = expectSuccess(v, r);
      const r2 = await second();
      const seen = [resp.id, a.id, r2.verify?.response?.id, r2.verify?.assertion?.id].filter(
        (x): x is string => !!x,
      );
      for (const [what, id] of [
        ['Response ID', resp.id ?? ''],
        ['Assertion ID', a.id],
      ] as const) {
        const bits = idRandomBits(id, seen);
        v.ok(
          bits >= 128,
          what,
          'room for ≥ 128 random bits (length × bits per character)',
          `${id}: ${bits} bits`,
        );
      }
    },
  );

  /** SDP-G03: no SAML message contains a DTD. */
  h.check(
    {
      id: 'SDP-G03-no-dtd',
      level: 'MUST',
      requirements: ['SDP-G03'],
      title: 'the Response contains no DOCTYPE',
    },
    async (v) => {
      const resp = receivedResponse(v, await login());
      v.equal('DOCTYPE', resp.hasDoctype, false);
    },
  );

  /** SAMLProf §4.1.4.2: an error Response MUST NOT contain an assertion. */
  h.check(
    {
      id: 'SAMLProf-4.1.4.2-error-no-assertion',
      level: 'MUST',
      requirements: ['SAMLProf-4.1.4.2'],
      title: 'an error Response (NoPassive, InvalidNameIDPolicy or VersionMismatch) contains no Assertion',
    },
    async (v) => {
      verify(v, received(v, await errorResponse()), [STATUS_ERROR, ERROR_NO_ASSERTION]);
    },
  );

  /** SAMLProf §4.1.4.2: the Issuer rule holds for every <Response>, an error Response too. */
  h.check(
    {
      id: 'SAMLProf-4.1.4.2-error-issuer',
      requirements: ['SAMLProf-4.1.4.2'],
      title: 'an error Response Issuer (required when signed) is the IdP entityID, Format absent or entity',
    },
    async (v) => verify(v, received(v, await errorResponse()), [RESPONSE_ISSUER, RESPONSE_ISSUER_FORMAT]),
  );

  h.check(
    {
      id: 'SAMLProf-4.1.4.2-error-addressing',
      level: 'MUST',
      requirements: ['SAMLProf-4.1.4.2', 'SAMLBind-3.5.5.2'],
      title:
        'an error Response carries InResponseTo = request ID and Destination = ACS (required when signed)',
    },
    async (v) => {
      verify(v, received(v, await errorResponse()), [RESPONSE_IN_RESPONSE_TO, RESPONSE_DESTINATION]);
    },
  );
});
