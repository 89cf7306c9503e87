import {
  scenario,
  silentLogin,
  dtToken,
  expectSuccess,
  expectRejected,
  describeAnswer,
  hostileXml,
  hostileSignature,
  hostileEncoding,
  Canary,
  type SilentLoginOptions,
} from '../../src/harness';

const LIMIT_MS = 10_000;

describe('device-token · hostile requests', function () {
  const h = scenario(this, { profile: 'device-token', family: 'request-parsing' });

  /**
   * DT-REQ-11: hostile XML (DOCTYPE or entities, external references, XSLT, bombs, invalid UTF-8,
   * oversize) is rejected within 10 s without the IdP fetching anything; a valid login right after succeeds.
   */
  h.check(
    {
      id: 'DT-REQ-11-hostile-input',
      level: 'MUST',
      requirements: ['DT-REQ-11', 'IDPC-SEC-01'],
      title:
        'DTD, entities, external DTD/entity, billion laughs, ATTLIST, oversize, bad base64, bad UTF-8: 4xx, no fetch, IdP still serves',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const canary = await Canary.start();
      try {
        const cases: [string, SilentLoginOptions][] = [
          ['internal entity', { afterSigning: hostileXml.internalEntity }],
          ['external entity (XXE)', { afterSigning: (x) => hostileXml.externalEntity(x, canary.url('xxe')) }],
          ['parameter entity', { afterSigning: (x) => hostileXml.parameterEntity(x, canary.url('pe')) }],
          ['external DTD', { afterSigning: (x) => hostileXml.externalDtd(x, canary.url('dtd')) }],
          ['billion laughs', { afterSigning: hostileXml.billionLaughs }],
          ['ATTLIST default attribute', { afterSigning: hostileXml.attlistDefault }],
          ['oversize (300 KiB decoded)', { samlRequest: hostileEncoding.oversize }],
          ['invalid base64', { samlRequest: hostileEncoding.invalidBase64 }],
          ['invalid UTF-8', { samlRequest: hostileEncoding.invalidUtf8 }],
        ];
        await v.variants(cases, async (opts) => {
          const t0 = Date.now();
          const seen = canary.hits.length;
          const r = await silentLogin(ctx, { token, ...opts });
          // First: nothing fetched (the worst outcome), then the refusal and its time.
          v.equal('requests the canary saw', canary.hits.length - seen, 0);
          expectRejected(v, r);
          v.ok(Date.now() - t0 < LIMIT_MS, 'time to answer', `< ${LIMIT_MS} ms`, `${Date.now() - t0} ms`);
        });
        v.step = 'valid login after the attacks';
        expectSuccess(v, await silentLogin(ctx, { token }));
      } finally {
        await canary.close();
      }
    },
  );

  /** DT-SIG-05: signature tricks (two SignedInfo, DigestValue comment, HMAC, RetrievalMethod, XSLT) are rejected, nothing fetched. */
  h.check(
    {
      id: 'DT-SIG-05-signature-tricks',
      level: 'MUST',
      requirements: ['DT-SIG-05', 'DT-SIG-02', 'DT-REQ-11'],
      title:
        'two SignedInfo, a DigestValue comment, HMAC keyed with the certificate, RetrievalMethod and XSLT are rejected',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const canary = await Canary.start();
      try {
        const cases: [string, (x: string) => string][] = [
          ['two SignedInfo', hostileSignature.twoSignedInfo],
          ['DigestValue comment', hostileSignature.digestComment],
          [
            'HMAC keyed with the gateway certificate',
            (x) => hostileSignature.hmacWithCert(x, ctx.gatewayKey.certPem),
          ],
          ['XSLT transform', (x) => hostileSignature.xsltTransform(x, canary.url('xslt'))],
        ];
        await v.variants(cases, async (afterSigning) => {
          const seen = canary.hits.length;
          expectRejected(v, await silentLogin(ctx, { token, afterSigning }));
          v.equal('requests the canary saw', canary.hits.length - seen, 0);
        });
        // KeyInfo is never used for trust: a RetrievalMethod may be ignored (Success) but never fetched.
        v.step = 'KeyInfo RetrievalMethod';
        const seen = canary.hits.length;
        const r = await silentLogin(ctx, {
          token,
          afterSigning: (x) => hostileSignature.retrievalMethod(x, canary.url('retrieval')),
        });
        v.ok(
          (r.lastStatus ?? 0) < 500 && !r.failure,
          'the IdP answer',
          'an answer (not a 5xx)',
          describeAnswer(r),
        );
        v.equal('requests the canary saw', canary.hits.length - seen, 0);
      } finally {
        await canary.close();
      }
    },
  );
});
