import {
  scenario,
  webLogin,
  expectSuccess,
  expectRejected,
  expectRefusalAgainst,
  describeAnswer,
  redirectUrl,
  signRedirectParams,
  lowercaseEscapes,
  requestEdits,
  editRequest,
  wrapRequest,
  hostileXml,
  hostileEncoding,
  redirectHmacWithCert,
  Canary,
  type XswVariant,
  type WebLoginOptions,
  type RedirectParams,
  editSignatureStructure,
} from '../../src/harness';

const LIMIT_MS = 10_000;

describe('saml-web-sso · hostile requests', function () {
  const h = scenario(this, { profile: 'saml-web-sso', family: 'signature' });
  // The controls: the same signed flows without the mutation (shared with the request-signature checks).
  const controlRedirect = h.shared('control-signed-redirect', (ctx) =>
    webLogin(ctx, { entity: 'signed', binding: 'redirect' }),
  );
  const controlPost = h.shared('control-signed-post', (ctx) =>
    webLogin(ctx, { entity: 'signed', binding: 'post' }),
  );

  /** SDP-IDP05: a wrapped signed POST request must not verify (catalogue X-15…X-18). */
  h.check(
    {
      id: 'SDP-IDP05-post-wrapping-rejected',
      level: 'MUST',
      requirements: ['SDP-IDP05', 'SAMLCore-5.4.2'],
      title:
        'signed POST requests wrapped as XSW1, XSW2, in Extensions (both IDs) or in ds:Object are rejected',
    },
    async (v, ctx) => {
      // The evil root carries a ProviderName the signer never wrote (and, but for one variant, a fresh ID).
      const evil = editRequest(requestEdits.providerNameTampered);
      const variants: XswVariant[] = ['xsw1', 'xsw2', 'extensions', 'extensions-same-id', 'object'];
      await v.variants(
        variants.map((x) => [x, x] as const),
        async (variant) => {
          const r = await webLogin(ctx, {
            entity: 'signed',
            binding: 'post',
            afterSigning: (x) => wrapRequest(x, variant, evil),
          });
          expectRefusalAgainst(v, await controlPost(), r);
        },
      );
    },
  );

  /**
   * IDPC-SEC-02 (the project's own: W3C XMLDSig §4 fixes the structure; no SAML sentence says a verifier
   * refuses a signature that breaks it): a SignatureValue that verifies over an ambiguous ds:Signature.
   */
  h.check(
    {
      id: 'IDPC-SEC-02-post-signature-structure',
      level: 'SHOULD',
      requirements: ['IDPC-SEC-02'],
      title:
        'a signed POST request whose ds:Signature has KeyInfo before SignedInfo, two CanonicalizationMethod, two SignatureMethod or two DigestMethod is refused',
    },
    async (v, ctx) => {
      const cases = [
        ['KeyInfo before SignedInfo', 'keyinfo-before-signedinfo'],
        ['two CanonicalizationMethod in SignedInfo', 'two-canonicalization-methods'],
        ['two SignatureMethod in SignedInfo', 'two-signature-methods'],
        ['two DigestMethod in the Reference', 'two-digest-methods'],
      ] as const;
      await v.variants(cases, async (edit) => {
        const r = await webLogin(ctx, {
          entity: 'signed',
          binding: 'post',
          afterSigning: editSignatureStructure(edit, ctx.gatewayKey),
        });
        expectRefusalAgainst(v, await controlPost(), r);
      });
    },
  );

  /** SDP-IDP05 / SAMLBind §3.4.4.1: only asymmetric SigAlgs, both parameters together, valid base64. */
  h.check(
    {
      id: 'SDP-IDP05-redirect-sigalg-tricks',
      level: 'MUST',
      requirements: ['SDP-IDP05', 'SAMLBind-3.4.4.1'],
      title:
        'HMAC keyed with the SP certificate, an unknown SigAlg, SigAlg or Signature alone, broken base64 are rejected',
    },
    async (v, ctx) => {
      const cases: [string, (p: RedirectParams) => RedirectParams][] = [
        [
          'HMAC-SHA1 keyed with the certificate PEM',
          (p) => redirectHmacWithCert(p, ctx.gatewayKey.certPem, 'pem'),
        ],
        [
          'HMAC-SHA1 keyed with the certificate DER',
          (p) => redirectHmacWithCert(p, ctx.gatewayKey.certPem, 'der'),
        ],
        ['unknown SigAlg', (p) => ({ ...p, SigAlg: encodeURIComponent('urn:example:unknown-alg') })],
        ['SigAlg without Signature', (p) => ({ ...p, Signature: undefined })],
        ['Signature without SigAlg', (p) => ({ ...p, SigAlg: undefined })],
        ['Signature not base64', (p) => ({ ...p, Signature: encodeURIComponent('!!not*base64!!') })],
      ];
      await v.variants(cases, async (mutate) => {
        const r = await webLogin(ctx, {
          entity: 'signed',
          binding: 'redirect',
          redirect: (p, sso) => redirectUrl(sso, mutate(p)),
        });
        expectRefusalAgainst(v, await controlRedirect(), r);
      });
    },
  );

  /** SAMLBind §3.4.4.1: the signed octets are rebuilt in spec order, whatever the URL's parameter order. */
  h.check(
    {
      id: 'SAMLBind-3.4.4.1-redirect-parameter-order',
      level: 'MUST',
      requirements: ['SAMLBind-3.4.4.1', 'SDP-IDP05'],
      title: 'a signed Redirect request with its parameters in another URL order is accepted',
    },
    async (v, ctx) => {
      const r = await webLogin(ctx, {
        entity: 'signed',
        binding: 'redirect',
        relayState: 'order',
        redirect: (p, sso) => redirectUrl(sso, p, ['Signature', 'SigAlg', 'RelayState', 'SAMLRequest']),
      });
      expectSuccess(v, r);
    },
  );

  /** SAMLBind §3.4.4.1: the signature covers the URL-encoded values exactly as received, not re-encoded. */
  h.check(
    {
      id: 'SAMLBind-3.4.4.1-redirect-raw-encoding',
      level: 'MUST',
      requirements: ['SAMLBind-3.4.4.1', 'SDP-IDP05'],
      title: 'a Redirect request signed over lowercase percent-escapes, exactly as sent, is accepted',
    },
    async (v, ctx) => {
      const r = await webLogin(ctx, {
        entity: 'signed',
        binding: 'redirect',
        relayState: 'a/b c=d',
        sign: false,
        redirect: (p, sso) => redirectUrl(sso, signRedirectParams(lowercaseEscapes(p), ctx.gatewayKey)),
      });
      expectSuccess(v, r);
    },
  );

  /** SDP-IDP06: the ACS URL is compared exactly; look-alikes never receive a Response. */
  h.check(
    {
      id: 'SDP-IDP06-acs-lookalikes',
      level: 'MUST',
      requirements: ['SDP-IDP06', 'SAMLCore-3.4.1'],
      title:
        'look-alike host, userinfo, dot-dot path, javascript: and extra SAML parameters in the ACS URL never receive a Response',
    },
    async (v, ctx) => {
      const acs = new URL(ctx.gateway.acsUrl);
      const variants: [string, string][] = [
        ['look-alike host', `${acs.protocol}//${acs.hostname}.evil.test:${acs.port}${acs.pathname}`],
        ['userinfo', `${acs.protocol}//${acs.host}@evil.test${acs.pathname}`],
        ['dot-dot path', `${acs.origin}${acs.pathname}/../evil`],
        ['javascript: scheme', 'javascript:alert(document.domain)'],
        ['extra SAML parameter', `${ctx.gateway.acsUrl}?SAMLResponse=x&RelayState=y`],
      ];
      await v.variants(variants, async (acsUrl) => {
        const r = await webLogin(ctx, { request: (b) => b.withAcsUrl(acsUrl) });
        // Only the registered ACS may receive anything (the action may come back normalized, e.g. "..").
        v.ok(
          (!r.delivery || r.postedToGateway) && !r.foreignNavigation,
          'where the Response went',
          'never to the look-alike',
          describeAnswer(r),
        );
        v.ok(
          (r.lastStatus ?? 0) < 500 && !r.failure,
          'the IdP answer',
          'an answer (not a 5xx)',
          describeAnswer(r),
        );
      });
    },
  );

  /** IDPC-SEC-01: hostile XML in either binding is refused quickly, nothing is fetched, the IdP keeps serving. */
  h.check(
    {
      id: 'IDPC-SEC-01-hostile-xml',
      level: 'MUST',
      requirements: ['IDPC-SEC-01'],
      family: 'request-parsing',
      title:
        'DTD, entities, external DTD/entity, billion laughs, deflate bomb, bad base64, bad UTF-8: no Response, no fetch, still serving',
    },
    async (v, ctx) => {
      const canary = await Canary.start();
      try {
        const asRedirectValue = (value: string) => (p: RedirectParams, sso: string) =>
          redirectUrl(sso, { ...p, SAMLRequest: encodeURIComponent(value) });
        const cases: [string, WebLoginOptions][] = [
          ['internal entity (Redirect)', { xml: hostileXml.internalEntity }],
          ['internal entity (POST)', { binding: 'post', xml: hostileXml.internalEntity }],
          [
            'external entity (POST)',
            { binding: 'post', xml: (x) => hostileXml.externalEntity(x, canary.url('xxe')) },
          ],
          ['parameter entity (Redirect)', { xml: (x) => hostileXml.parameterEntity(x, canary.url('pe')) }],
          [
            'external DTD (POST)',
            { binding: 'post', xml: (x) => hostileXml.externalDtd(x, canary.url('dtd')) },
          ],
          ['billion laughs (POST)', { binding: 'post', xml: hostileXml.billionLaughs }],
          ['deflate bomb (Redirect)', { redirect: asRedirectValue(hostileEncoding.deflateBomb()) }],
          [
            'invalid base64 (POST)',
            { binding: 'post', postForm: (f) => ({ ...f, SAMLRequest: hostileEncoding.invalidBase64() }) },
          ],
          [
            'invalid UTF-8 (POST)',
            {
              binding: 'post',
              postForm: (f) => ({
                ...f,
                SAMLRequest: hostileEncoding.invalidUtf8(
                  Buffer.from(f.SAMLRequest ?? '', 'base64').toString('utf8'),
                ),
              }),
            },
          ],
        ];
        await v.variants(cases, async (opts) => {
          const t0 = Date.now();
          // With credentials: an IdP that tolerates the payload goes on to a Success the check then sees.
          const seen = canary.hits.length;
          const r = await webLogin(ctx, opts);
          // First: nothing fetched (the worst outcome), then the refusal and its time.
          v.equal('requests the canary saw', canary.hits.length - seen, 0);
          expectRejected(v, r, 'error-page');
          v.ok(Date.now() - t0 < LIMIT_MS, 'time to answer', `< ${LIMIT_MS} ms`, `${Date.now() - t0} ms`);
        });
        v.step = 'valid login after the attacks';
        expectSuccess(v, await webLogin(ctx));
      } finally {
        await canary.close();
      }
    },
  );
});
