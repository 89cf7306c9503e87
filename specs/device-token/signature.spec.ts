import {
  scenario,
  POLICY,
  silentLogin,
  dtToken,
  dtTarget,
  dtAdmin,
  registerDtGateway,
  expectSuccess,
  expectRejected,
  expectRefused,
  receivedResponse,
  fixtureKey,
  wrapRequest,
  NAMEID_PERSISTENT,
  deviceContextEdits,
  editDeviceContext,
  requestEdits,
  editRequest,
  verify,
  blockIfUntrusted,
  signedBy,
  SIGNATURE_PRESENT,
  SIGNATURES_VERIFY,
  SIGNATURE_ALGORITHMS,
  EXC_C14N_SIGNED_INFO,
  SIGNATURE_REFERENCE,
  type XswVariant,
  expectRefusalAgainst,
  editSignatureStructure,
} from '../../src/harness';

describe('device-token · signatures', function () {
  const h = scenario(this, { profile: 'device-token', family: 'signature' });

  /** DT-SIG-01: an unsigned device-token AuthnRequest is rejected. */
  h.check(
    {
      id: 'DT-SIG-01-unsigned-rejected',
      level: 'MUST',
      requirements: ['DT-SIG-01'],
      title: 'an unsigned device-token request with a valid token is rejected',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      expectRejected(v, await silentLogin(ctx, { token, sign: false }));
    },
  );

  /** DT-SIG-02: a key not in the gateway's metadata is rejected, also with its certificate in KeyInfo. */
  h.check(
    {
      id: 'DT-SIG-02-unknown-key-rejected',
      level: 'MUST',
      requirements: ['DT-SIG-02'],
      title: 'a request signed by an unregistered key carrying its certificate in KeyInfo is rejected',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      expectRejected(v, await silentLogin(ctx, { token, signKey: fixtureKey('attacker') }));
    },
  );

  /** DT-SIG-03: a request altered after signing is rejected, whatever was altered. */
  h.check(
    {
      id: 'DT-SIG-03-altered-after-signing',
      level: 'MUST',
      requirements: ['DT-SIG-03'],
      title:
        'DeviceContext, ACS URL, IsPassive, NameIDPolicy, Issuer, Destination or ID changed after signing is rejected',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const edits: [string, (x: string) => string][] = [
        ['DeviceContext', editDeviceContext(deviceContextEdits.hostnameChanged)],
        ['ACS URL', editRequest(requestEdits.acsUrlAltered)],
        ['IsPassive', editRequest(requestEdits.isPassiveCleared)],
        ['NameIDPolicy', editRequest(requestEdits.nameIdPolicyFormat(NAMEID_PERSISTENT))],
        ['Issuer', editRequest(requestEdits.issuerAltered)],
        ['Destination', editRequest(requestEdits.destinationAltered)],
        ['ID', editRequest(requestEdits.newRootId)],
      ];
      await v.variants(
        edits.map(([what, afterSigning]) => [`${what} altered`, [what, afterSigning]] as const),
        async ([, afterSigning]) => {
          expectRejected(v, await silentLogin(ctx, { token, afterSigning }));
        },
      );
    },
  );

  /** DT-SIG-04: signature-wrapped requests are rejected. */
  h.check(
    {
      id: 'DT-SIG-04-wrapping-rejected',
      level: 'MUST',
      requirements: ['DT-SIG-04'],
      title:
        'XSW1, XSW2, original-in-Extensions (distinct and same ID) and original-in-Object requests are rejected',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const variants: XswVariant[] = ['xsw1', 'xsw2', 'extensions', 'extensions-same-id', 'object'];
      const evilEdit = editDeviceContext(deviceContextEdits.userIdLocalPart('victim'));
      await v.variants(
        variants.map((x) => [x, x] as const),
        async (variant) => {
          const r = await silentLogin(ctx, { token, afterSigning: (x) => wrapRequest(x, variant, evilEdit) });
          expectRejected(v, r);
        },
      );
    },
  );

  /** DT-SIG-05: a signature that breaks the request-signature rule is rejected. */
  h.check(
    {
      id: 'DT-SIG-05-signature-rule',
      level: 'MUST',
      requirements: ['DT-SIG-05'],
      title:
        'Reference URI="", a signature not under the root, comments in SignedInfo, WithComments, extra transforms are rejected',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const cases = [
        { signOptions: { referenceUri: '' } },
        // The Reference covers a child (the Issuer, given an ID), not the request root.
        {
          xml: editRequest(requestEdits.issuerId('_issuer-only')),
          signOptions: { referenceId: '_issuer-only' },
        },
        { signOptions: { canonicalization: POLICY.excC14nWithComments } },
        { signOptions: { transforms: [POLICY.enveloped, POLICY.c14n, POLICY.excC14n] } },
        { afterSigning: editRequest(requestEdits.commentInSignedInfo) },
        { afterSigning: editRequest(requestEdits.signatureIntoExtensions) },
      ];
      for (const c of cases) expectRejected(v, await silentLogin(ctx, { token, ...c }));
    },
  );

  /** DT-SIG-06: RSA-SHA1 / SHA-1 digests SHOULD be refused. */
  h.check(
    {
      id: 'DT-SIG-06-sha1-refused',
      level: 'SHOULD',
      requirements: ['DT-SIG-06'],
      title: 'a request signed with RSA-SHA1 and a SHA-1 digest is refused',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      expectRefused(v, await silentLogin(ctx, { token, sha1: true }));
    },
  );

  /**
   * DT-SIG-05 ("more than one SignedInfo or Reference"): a second Reference, a copy of the first, so both
   * verify; judged against the same request signed plainly, and rejected with a 4xx as the profile says.
   */
  h.check(
    {
      id: 'DT-SIG-05-two-references',
      level: 'MUST',
      requirements: ['DT-SIG-05'],
      title: 'a request whose SignedInfo has two References (both verifying) is rejected',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const control = await silentLogin(ctx, { token });
      const r = await silentLogin(ctx, {
        token,
        afterSigning: editSignatureStructure('two-references', ctx.gatewayKey),
      });
      expectRefusalAgainst(v, control, r);
      expectRejected(v, r);
    },
  );

  /** DT-SIG-06: "RSA-SHA1 or a SHA-1 digest SHOULD be refused": the digest alone, under RSA-SHA256. */
  h.check(
    {
      id: 'DT-SIG-06-sha1-digest-refused',
      level: 'SHOULD',
      requirements: ['DT-SIG-06'],
      title: 'a request signed with RSA-SHA256 over a SHA-1 DigestMethod is refused',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const control = await silentLogin(ctx, { token });
      expectRefusalAgainst(v, control, await silentLogin(ctx, { token, signOptions: { sha1Digest: true } }));
    },
  );

  /** DT-SIG-07: the Assertion (or a Response covering it) is signed with a metadata key, RSA-SHA256+, exc-c14n, "#ID". */
  h.check(
    {
      id: 'DT-SIG-07-response-signature',
      level: 'MUST',
      requirements: ['DT-SIG-07'],
      title:
        'the assertion is signed (directly or by the Response) with a metadata key, RSA-SHA256+, exc-c14n, Reference "#ID"',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const r = await silentLogin(ctx, { token });
      receivedResponse(v, r);
      // Every signature is judged, trusted or not: a bad Assertion signature under a good Response one too.
      const signed = signedBy(r.verify);
      // What needs no key first: algorithms, canonicalization and Reference are in the XML either way.
      verify(v, signed, [SIGNATURE_PRESENT, SIGNATURE_ALGORITHMS, EXC_C14N_SIGNED_INFO, SIGNATURE_REFERENCE]);
      // No usable metadata key (DT-MD-01 judges it): nothing can verify, so that root, not this check.
      blockIfUntrusted(v, r.verify);
      verify(v, signed, [SIGNATURES_VERIFY]);
      expectSuccess(v, r);
    },
  );

  /** DT-SIG-08: any of several registered certificates is accepted; a removed one no longer works. */
  h.check(
    {
      id: 'DT-SIG-08-key-rollover',
      exclusive: 'the signing certificates registered for the gateway (key rollover)',
      level: 'MUST',
      requirements: ['DT-SIG-08', 'SDP-IDP32'],
      title:
        'a request signed with the second of two registered certificates succeeds; after its removal it is rejected',
    },
    async (v, ctx) => {
      h.requires('spAdmin');
      const t = await dtTarget(ctx);
      const admin = dtAdmin(t);
      const next = fixtureKey('gateway-2');
      const { token } = await dtToken(ctx);
      try {
        await registerDtGateway(ctx, admin, [ctx.gatewayKey.certPem, next.certPem]);
        expectSuccess(v, await silentLogin(ctx, { token, signKey: next }));
        await registerDtGateway(ctx, admin, [ctx.gatewayKey.certPem]);
        expectRejected(v, await silentLogin(ctx, { token, signKey: next }));
      } finally {
        await registerDtGateway(ctx, admin, [ctx.gatewayKey.certPem]);
      }
    },
  );
});
