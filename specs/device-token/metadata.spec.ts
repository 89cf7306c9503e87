import {
  scenario,
  dtTarget,
  verify,
  WHERE,
  METADATA_DOCUMENT,
  POST_SSO_ENDPOINT,
  SIGNING_CERTIFICATE,
  RSA_SIGNING_KEYS,
} from '../../src/harness';

describe('device-token · metadata', function () {
  const h = scenario(this, { profile: 'device-token', family: 'metadata' });

  /** DT-MD-01: metadata with an IDPSSODescriptor, an HTTP-POST SingleSignOnService and an RSA ≥ 2048 signing certificate. */
  h.check(
    {
      id: 'DT-MD-01-idp-metadata',
      level: 'MUST',
      requirements: ['DT-MD-01'],
      title:
        'tenant metadata has an IDPSSODescriptor, an HTTP-POST SSO endpoint and an RSA ≥ 2048 signing certificate',
    },
    async (v, ctx) => {
      const { idp } = await dtTarget(ctx);
      verify(v, idp, [METADATA_DOCUMENT, POST_SSO_ENDPOINT, SIGNING_CERTIFICATE, RSA_SIGNING_KEYS]);
    },
  );

  /** DT-MD-02: WantAuthnRequestsSigned="true". */
  h.check(
    {
      id: 'DT-MD-02-want-authn-requests-signed',
      level: 'MUST',
      requirements: ['DT-MD-02'],
      title: 'the IDPSSODescriptor declares WantAuthnRequestsSigned="true"',
    },
    async (v, ctx) => {
      const { idp } = await dtTarget(ctx);
      v.oneOf(
        'WantAuthnRequestsSigned',
        idp.wantAuthnRequestsSigned,
        ['true', '1'],
        WHERE.metadata.wantAuthnRequestsSigned,
      );
    },
  );
});
