import {
  scenario,
  webLogin,
  expectSuccess,
  expectRefusalAgainst,
  registerExtraEntity,
  redirectUrl,
  redirectEncode,
  fixtureKey,
  expectControlRefused,
  requestEdits,
  editRequest,
} from '../../src/harness';

/** Adds an attribute to the root element: a change inside the signed content. */
const tamperRoot = editRequest(requestEdits.providerNameTampered);

/**
 * Every negative below is judged against its control, the same signed flow without the mutation, in the
 * same run; a refusal is an error page or an error Response without Assertion to the registered ACS
 * (SAMLBind §3.4.6/§3.5.6: RequestDenied is what a refusing responder SHOULD return).
 */
describe('saml-web-sso · signed AuthnRequests', function () {
  const h = scenario(this, { profile: 'saml-web-sso', family: 'signature' });
  const control = {
    redirect: h.shared('control-signed-redirect', (ctx) =>
      webLogin(ctx, { entity: 'signed', binding: 'redirect' }),
    ),
    post: h.shared('control-signed-post', (ctx) => webLogin(ctx, { entity: 'signed', binding: 'post' })),
  };

  /** SDP-IDP04: the IdP MUST reject unsigned requests when the SP metadata has AuthnRequestsSigned="true". */
  h.check(
    {
      id: 'SDP-IDP04-unsigned-redirect-rejected',
      level: 'MUST',
      requirements: ['SDP-IDP04', 'SAMLMeta-2.4.4'],
      title: 'an unsigned Redirect request from an SP with AuthnRequestsSigned="true" is rejected',
    },
    async (v, ctx) => {
      const r = await webLogin(ctx, { entity: 'signed', binding: 'redirect', sign: false });
      expectRefusalAgainst(v, await control.redirect(), r);
    },
  );

  h.check(
    {
      id: 'SDP-IDP04-unsigned-post-rejected',
      level: 'MUST',
      requirements: ['SDP-IDP04', 'SAMLMeta-2.4.4'],
      title: 'an unsigned POST request from an SP with AuthnRequestsSigned="true" is rejected',
    },
    async (v, ctx) => {
      const r = await webLogin(ctx, { entity: 'signed', binding: 'post', sign: false });
      expectRefusalAgainst(v, await control.post(), r);
    },
  );

  /** SDP-IDP05: a signed request MUST be verified; a valid one is served. */
  h.check(
    {
      id: 'SDP-IDP05-signed-redirect-accepted',
      level: 'MUST',
      requirements: ['SDP-IDP05', 'SAMLBind-3.4.4.1'],
      title: 'a Redirect request signed (rsa-sha256) with the SP metadata key gets Success',
    },
    async (v, ctx) => {
      expectSuccess(
        v,
        await webLogin(ctx, { entity: 'signed', binding: 'redirect', relayState: 'signed-redirect' }),
      );
    },
  );

  h.check(
    {
      id: 'SDP-IDP05-signed-post-accepted',
      level: 'MUST',
      requirements: ['SDP-IDP05', 'SAMLCore-5.4'],
      title: 'a POST request with an enveloped signature by the SP metadata key gets Success',
    },
    async (v, ctx) => {
      expectSuccess(v, await webLogin(ctx, { entity: 'signed', binding: 'post' }));
    },
  );

  /** SDP-IDP05: a signature that does not verify MUST fail the request. */
  h.check(
    {
      id: 'SDP-IDP05-redirect-signature-mismatch',
      level: 'MUST',
      requirements: ['SDP-IDP05', 'SAMLBind-3.4.4.1'],
      title: 'a Redirect request whose SAMLRequest was changed after signing is rejected',
    },
    async (v, ctx) => {
      const r = await webLogin(ctx, {
        entity: 'signed',
        binding: 'redirect',
        redirect: (p, sso, xml) => redirectUrl(sso, { ...p, SAMLRequest: redirectEncode(tamperRoot(xml)) }),
      });
      expectRefusalAgainst(v, await control.redirect(), r);
    },
  );

  h.check(
    {
      id: 'SDP-IDP05-redirect-relaystate-tampered',
      level: 'MUST',
      requirements: ['SDP-IDP05', 'SAMLBind-3.4.4.1'],
      title: 'a Redirect request whose RelayState was changed, or added, after signing is rejected',
    },
    async (v, ctx) => {
      v.step = 'RelayState changed';
      const changed = await webLogin(ctx, {
        entity: 'signed',
        binding: 'redirect',
        relayState: 'original',
        redirect: (p, sso) => redirectUrl(sso, { ...p, RelayState: 'tampered' }),
      });
      expectRefusalAgainst(v, await control.redirect(), changed);
      v.step = 'RelayState added';
      const added = await webLogin(ctx, {
        entity: 'signed',
        binding: 'redirect',
        redirect: (p, sso) => redirectUrl(sso, { ...p, RelayState: 'injected' }),
      });
      expectRefusalAgainst(v, await control.redirect(), added);
    },
  );

  h.check(
    {
      id: 'SDP-IDP05-redirect-unknown-key',
      level: 'MUST',
      requirements: ['SDP-IDP05', 'SAMLBind-3.4.4.1'],
      title: 'a Redirect request signed with a key not in the SP metadata is rejected',
    },
    async (v, ctx) => {
      const r = await webLogin(ctx, {
        entity: 'signed',
        binding: 'redirect',
        signKey: fixtureKey('attacker'),
      });
      expectRefusalAgainst(v, await control.redirect(), r);
    },
  );

  h.check(
    {
      id: 'SDP-IDP05-post-tampered',
      level: 'MUST',
      requirements: ['SDP-IDP05', 'SAMLCore-5.4'],
      title: 'a POST request changed after signing is rejected',
    },
    async (v, ctx) => {
      const r = await webLogin(ctx, { entity: 'signed', binding: 'post', afterSigning: tamperRoot });
      expectRefusalAgainst(v, await control.post(), r);
    },
  );

  /**
   * IDPC-SEC-03 (the project's own SHOULD): a request whose signature uses a SHA-1 digest, even under the
   * allowed RSA-SHA256 SignatureMethod, is not one to act on. saml2int SDP-ALG01 says deployments "MUST
   * support, and use" SHA-256 when communicating with peers; it does not say a receiver refuses SHA-1, so
   * no MUST is claimed. The same signed POST flow with SHA-256 digests is the control.
   */
  h.check(
    {
      id: 'IDPC-SEC-03-request-sha1-digest-refused',
      level: 'SHOULD',
      requirements: ['IDPC-SEC-03'],
      title: 'a POST request signed with RSA-SHA256 over a SHA-1 DigestMethod is refused',
    },
    async (v, ctx) => {
      const r = await webLogin(ctx, { entity: 'signed', binding: 'post', signOptions: { sha1Digest: true } });
      expectRefusalAgainst(v, await control.post(), r);
    },
  );

  /** SDP-MD01 / SDP-IDP05: keys come from metadata only; a certificate in KeyInfo is never trusted. */
  h.check(
    {
      id: 'SDP-IDP05-post-keyinfo-not-trusted',
      level: 'MUST',
      requirements: ['SDP-IDP05', 'SDP-MD01'],
      title: 'a POST request signed by an unknown key that carries its certificate in KeyInfo is rejected',
    },
    async (v, ctx) => {
      const r = await webLogin(ctx, { entity: 'signed', binding: 'post', signKey: fixtureKey('attacker') });
      expectRefusalAgainst(v, await control.post(), r);
    },
  );

  /**
   * SDP-IDP32: "IdP deployments MUST support multiple signing certificates in SP metadata and MUST support
   * validation of signatures using a key from any of them." An SP entity registered with two signing
   * certificates (AuthnRequestsSigned="true") signs a Redirect request with each key in turn (one variant
   * per key). The control is the same entity signing with a key of neither certificate: it must be
   * refused, so that each Success shows a signature verified with that key, not one left unchecked.
   */
  h.check(
    {
      id: 'SDP-IDP32-key-rollover',
      level: 'MUST',
      requirements: ['SDP-IDP32'],
      title: 'an SP with two signing certificates in its metadata is served when it signs with either key',
    },
    async (v, ctx) => {
      const keys = [ctx.gatewayKey, fixtureKey('gateway-2')] as const;
      const issuer = await registerExtraEntity(
        ctx,
        { suffix: 'key-rollover', certsPem: keys.map((k) => k.certPem), authnRequestsSigned: true },
        'an SP whose metadata lists two signing certificates',
      );
      const signed = (signKey: (typeof keys)[number]) =>
        webLogin(ctx, { issuer, binding: 'redirect', sign: true, signKey, relayState: 'key-rollover' });
      v.step = 'control: a key of neither certificate';
      const control = await signed(fixtureKey('attacker'));
      // Served anyway → BLOCKED by SDP-IDP05's finding; no answer → ERROR; else judged as a refusal.
      expectControlRefused(v, control, 'SDP-IDP05-redirect-unknown-key');
      v.step = undefined;
      await v.variants(
        [
          ['first certificate', keys[0]],
          ['second certificate', keys[1]],
        ],
        async (key) => {
          expectSuccess(v, await signed(key));
        },
      );
    },
  );
});
