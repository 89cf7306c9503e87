/**
 * Encrypted assertions (SDP-IDP11, SDP-ALG01) as named conditions: judged over the Response counts and
 * over how the gateway opened the EncryptedAssertion (EncryptionInfo).
 */
import type { EncryptionInfo } from '../roles/gateway/verifier';
import { WHERE } from '../roles/gateway/verifier-types';
import { ENCRYPTION_POLICY } from './policy';
import { condition, equals, holds, oneOf } from './conditions';
import type { HasResponse } from './conditions-response';

/** SDP-IDP11: "assertions MUST be encrypted and transmitted via a <saml:EncryptedAssertion> element". */
export const ASSERTION_ENCRYPTED = condition<HasResponse>({
  id: 'assertion-encrypted',
  requirements: ['SDP-IDP11'],
  judge: ({ response: r }) => [
    equals('saml:Assertion in the clear', r.assertionCount, 0, WHERE.response.assertionCount),
    equals('saml:EncryptedAssertion', r.encryptedAssertionCount, 1, WHERE.response.encryptedAssertionCount),
  ],
});

/**
 * SDP-IDP11 with SDP-MD01: encrypted for the key the SP metadata publishes. Earned when the gateway opened
 * it with that key, or, where the content algorithm is refused (SDP-ALG01-block-encryption's finding),
 * when the RSA-OAEP EncryptedKey unwrapped with it. A refused key transport proves nothing either way
 * (the spec makes that BLOCKED by SDP-ALG01-key-transport).
 */
export const ENCRYPTED_FOR_SP_KEY = condition<{ encryption?: EncryptionInfo }>({
  id: 'encrypted-for-sp-key',
  requirements: ['SDP-IDP11', 'SDP-MD01'],
  judge: ({ encryption: enc }) => [
    holds(
      enc?.outcome === 'decrypted' || (enc?.outcome === 'algorithm-refused' && enc.keyUnwrapped === true),
      'EncryptedAssertion opened with the key from the SP metadata',
      'decrypted, or its RSA-OAEP content key unwrapped (content algorithm refused)',
      enc === undefined
        ? '(absent)'
        : `${enc.outcome}${enc.keyUnwrapped === false ? ', the content key does not unwrap' : ''}${enc.error ? `: ${enc.error}` : ''}`,
      WHERE.encryption.encryptedAssertion,
    ),
  ],
});

/** True when the key transport was refused unopened: whose key the assertion is for cannot be known. */
export function keyTransportRefused(enc: EncryptionInfo | undefined): boolean {
  return enc?.outcome === 'algorithm-refused' && enc.keyUnwrapped === undefined;
}

/** SDP-IDP11: "MUST NOT be further encrypted via <saml:EncryptedID> or <saml:EncryptedAttribute>". */
export const NO_INNER_ENCRYPTION = condition<EncryptionInfo>({
  id: 'no-inner-encryption',
  requirements: ['SDP-IDP11'],
  judge: (enc) => [
    equals(
      'Encrypted elements inside the decrypted Assertion',
      enc.innerEncrypted.join(', '),
      '',
      WHERE.encryption.innerEncrypted,
    ),
  ],
});

/** SDP-ALG01 "Block Encryption": aes128-gcm or aes256-gcm. */
export const BLOCK_ENCRYPTION = condition<EncryptionInfo>({
  id: 'block-encryption-algorithm',
  requirements: ['SDP-ALG01'],
  judge: (enc) => [
    oneOf(
      'EncryptedData EncryptionMethod',
      enc.dataAlgorithm,
      ENCRYPTION_POLICY.dataAlgorithms,
      WHERE.encryption.dataAlgorithm,
    ),
  ],
});

/** SDP-ALG01 "Key Transport": rsa-oaep-mgf1p or xmlenc11#rsa-oaep. */
export const KEY_TRANSPORT = condition<EncryptionInfo>({
  id: 'key-transport-algorithm',
  requirements: ['SDP-ALG01'],
  judge: (enc) => [
    oneOf(
      'EncryptedKey EncryptionMethod',
      enc.keyAlgorithm,
      ENCRYPTION_POLICY.keyAlgorithms,
      WHERE.encryption.keyAlgorithm,
    ),
  ],
});
