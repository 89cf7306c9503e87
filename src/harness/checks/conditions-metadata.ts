/**
 * The IdP metadata as named conditions, shared by both profiles (saml-web-sso's metadata family and the
 * device-token tenant's DT-MD-01): the document, its IDPSSODescriptor and HTTP-POST endpoint, and its
 * signing keys — judged with the gateway's own key rule (roles/gateway/key-policy.ts), so a key the
 * metadata checks pass is one the gateway trusts; DT-MD-01 asks for RSA keys of that size.
 */
import type { IdpMetadata } from '../targets/idp-metadata';
import { WHERE } from '../roles/gateway/verifier-types';
import { KEY_MIN_BITS, KEY_MIN_TEXT, strongKey } from '../roles/gateway/key-policy';
import { BINDING_POST } from '../messages/authn-request';
import { certKeyInfo } from '../xml';
import { condition, holds } from './conditions';

/** A metadata certificate's key (certKeyInfo), and how a verdict shows it; undefined key when unreadable. */
function readKey(pem: string): { key?: { type: string; bits: number }; actual: string } {
  try {
    const key = certKeyInfo(pem);
    return { key, actual: `${key.type} ${key.bits} bits` };
  } catch (e) {
    return { actual: `a certificate that cannot be read (${(e as Error).message})` };
  }
}

/** SAMLMeta §2.4.3 / DT-MD-01: a metadata document the gateway could read at all. */
export const METADATA_DOCUMENT = condition<IdpMetadata>({
  id: 'metadata-document',
  requirements: ['SAMLMeta-2.4.3', 'DT-MD-01'],
  judge: (md) => [
    holds(!md.parseError, 'metadata document', 'well-formed XML without DTD', md.parseError ?? ''),
    holds(
      md.hasIdpSsoDescriptor,
      WHERE.metadata.idpSsoDescriptor,
      'present',
      'absent',
      WHERE.metadata.idpSsoDescriptorPath,
    ),
  ],
});

/** SAMLMeta §2.4.3: the IDPSSODescriptor is one for SAML 2.0. */
export const SAML2_PROTOCOL_SUPPORT = condition<IdpMetadata>({
  id: 'saml2-protocol-support',
  requirements: ['SAMLMeta-2.4.3'],
  judge: (md) => [
    holds(
      (md.protocolSupport ?? '').split(/\s+/).includes('urn:oasis:names:tc:SAML:2.0:protocol'),
      'protocolSupportEnumeration',
      'includes urn:oasis:names:tc:SAML:2.0:protocol',
      String(md.protocolSupport),
    ),
  ],
});

/** SAMLMeta §2.4.3 with SAMLBind §3.5 / DT-MD-01: an HTTP-POST SingleSignOnService. */
export const POST_SSO_ENDPOINT = condition<IdpMetadata>({
  id: 'post-sso-endpoint',
  requirements: ['SAMLMeta-2.4.3', 'SAMLBind-3.5', 'DT-MD-01'],
  judge: (md) => [
    holds(
      !!md.ssoPost,
      `SingleSignOnService Binding=${BINDING_POST}`,
      'present',
      'absent',
      WHERE.metadata.singleSignOnServices,
    ),
  ],
});

/** SDP-MD08 (with SDP-MD05) / DT-MD-01: at least one signing certificate in a KeyDescriptor. */
export const SIGNING_CERTIFICATE = condition<IdpMetadata>({
  id: 'signing-certificate',
  requirements: ['SDP-MD08', 'SDP-MD05', 'DT-MD-01'],
  judge: (md) => [
    holds(
      md.signingCerts.length > 0,
      'signing certificates',
      'at least one X509Certificate in a KeyDescriptor (use="signing" or no use)',
      'none',
      WHERE.metadata.keyDescriptors,
    ),
  ],
});

/** SDP-MD06 / SDP-MD07: every signing key strong enough for the gateway to trust. */
export const SIGNING_KEYS_STRONG = condition<IdpMetadata>({
  id: 'signing-keys-strong',
  requirements: ['SDP-MD06', 'SDP-MD07'],
  judge: (md) =>
    md.signingCerts.map((pem, i) => {
      const { key, actual } = readKey(pem);
      return holds(
        key !== undefined && strongKey(key),
        `signing key ${i + 1}`,
        KEY_MIN_TEXT,
        actual,
        WHERE.metadata.keyDescriptors,
      );
    }),
});

/** DT-MD-01: "at least one signing certificate (RSA ≥ 2048)": the profile's signing keys are RSA, 2048 bits or more. */
export const RSA_SIGNING_KEYS = condition<IdpMetadata>({
  id: 'rsa-signing-keys',
  requirements: ['DT-MD-01'],
  judge: (md) =>
    md.signingCerts.map((pem, i) => {
      const { key, actual } = readKey(pem);
      return holds(
        key?.type === 'rsa' && key.bits >= KEY_MIN_BITS.rsa,
        `signing key ${i + 1}`,
        `RSA ≥ ${KEY_MIN_BITS.rsa} bits`,
        actual,
        WHERE.metadata.keyDescriptors,
      );
    }),
});
