import {
  scenario,
  verify,
  BINDING_REDIRECT,
  WHERE,
  METADATA_DOCUMENT,
  SAML2_PROTOCOL_SUPPORT,
  POST_SSO_ENDPOINT,
  SIGNING_CERTIFICATE,
  SIGNING_KEYS_STRONG,
} from '../../src/harness';

describe('saml-web-sso · metadata', function () {
  const h = scenario(this, { profile: 'saml-web-sso', family: 'metadata' });

  /** SAMLMeta §2.4.3: an IdP's metadata has an IDPSSODescriptor for SAML 2.0 with an HTTP-POST SSO endpoint. */
  h.check(
    {
      id: 'SAMLMeta-2.4.3-idpsso-post-endpoint',
      level: 'MUST',
      requirements: ['SAMLMeta-2.4.3', 'SAMLBind-3.5'],
      title: 'metadata has an IDPSSODescriptor for SAML 2.0 with an HTTP-POST SingleSignOnService',
    },
    async (v, ctx) => {
      verify(v, ctx.idp, [METADATA_DOCUMENT, SAML2_PROTOCOL_SUPPORT, POST_SSO_ENDPOINT]);
    },
  );

  /** SDP-IDP02: the IdP MUST support the HTTP-Redirect binding for receiving AuthnRequests. */
  h.check(
    {
      id: 'SDP-IDP02-redirect-endpoint',
      level: 'MUST',
      requirements: ['SDP-IDP02', 'SAMLBind-3.4'],
      title: 'metadata lists an HTTP-Redirect SingleSignOnService',
    },
    async (v, ctx) => {
      v.present(
        `SingleSignOnService Binding=${BINDING_REDIRECT}`,
        ctx.idp.ssoRedirect,
        WHERE.metadata.singleSignOnServices,
      );
    },
  );

  /** SDP-MD08: IdP metadata MUST carry at least one signing certificate. */
  h.check(
    {
      id: 'SDP-MD08-signing-certificate',
      level: 'MUST',
      requirements: ['SDP-MD08', 'SDP-MD05'],
      title: 'metadata has at least one signing certificate in a KeyDescriptor',
    },
    async (v, ctx) => {
      verify(v, ctx.idp, [SIGNING_CERTIFICATE]);
    },
  );

  /** SDP-MD06/07: RSA keys MUST be at least 2048 bits, EC keys at least 256 bits. */
  h.check(
    {
      id: 'SDP-MD06-key-size',
      level: 'MUST',
      requirements: ['SDP-MD06', 'SDP-MD07'],
      title: 'every signing key is RSA ≥ 2048 bits or EC ≥ 256 bits',
    },
    async (v, ctx) => {
      if (ctx.idp.signingCerts.length === 0)
        v.notApplicable('the metadata has no signing certificate (see SDP-MD08)');
      verify(v, ctx.idp, [SIGNING_KEYS_STRONG]);
    },
  );

  /** SDP-G04: entityID MUST be an absolute URI of at most 256 characters. */
  h.check(
    {
      id: 'SDP-G04-entityid-absolute-uri',
      level: 'MUST',
      requirements: ['SDP-G04'],
      title: 'entityID is an absolute URI of at most 256 characters',
    },
    async (v, ctx) => {
      const id = v.present('entityID', ctx.idp.entityId, WHERE.metadata.entityId);
      v.ok(/^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(id), 'entityID', 'an absolute URI', id);
      v.ok(id.length <= 256, 'entityID length', '≤ 256', String(id.length));
    },
  );
});
