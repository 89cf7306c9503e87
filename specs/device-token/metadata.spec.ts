import { scenario, dtTarget, certKeyInfo, WHERE } from '../../src/harness';

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
      v.ok(!idp.parseError, 'metadata document', 'well-formed XML without DTD', idp.parseError ?? '');
      v.ok(idp.hasIdpSsoDescriptor, WHERE.metadata.idpSsoDescriptor, 'present', 'absent');
      v.present('HTTP-POST SingleSignOnService', idp.ssoPost, WHERE.metadata.singleSignOnService);
      v.ok(
        idp.signingCerts.length > 0,
        'signing certificates',
        'at least one',
        'none',
        WHERE.metadata.keyDescriptor,
      );
      for (const pem of idp.signingCerts) {
        const k = certKeyInfo(pem);
        v.ok(
          k.type === 'rsa' ? k.bits >= 2048 : k.type === 'ec',
          'signing key',
          'RSA ≥ 2048 bits',
          `${k.type} ${k.bits} bits`,
        );
      }
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
