import {
  scenario,
  webLogin,
  expectSuccess,
  expectAccepted,
  receivedResponse,
  received,
  verify,
  NotApplicable,
  STATUS_SUCCESS,
  ASSERTION_ENCRYPTED,
  ENCRYPTED_FOR_SP_KEY,
  keyTransportRefused,
  ConformanceFailure,
  NO_INNER_ENCRYPTION,
  BLOCK_ENCRYPTION,
  KEY_TRANSPORT,
  type WebLogin,
  type Verdict,
} from '../../src/harness';

/** The EncryptedAssertion as the gateway opened it; N/A when there is none to judge (see SDP-IDP11-encrypted-assertion). */
function opened(v: Verdict, r: WebLogin, need: 'read' | 'decrypted') {
  const resp = receivedResponse(v, r);
  const enc = r.verify?.encryption;
  if (!enc || resp.encryptedAssertionCount === 0)
    throw new NotApplicable(
      'the Response carries no EncryptedAssertion (judged by SDP-IDP11-encrypted-assertion)',
    );
  if (need === 'decrypted' && enc.outcome !== 'decrypted')
    throw new NotApplicable(
      `the gateway did not decrypt the assertion (${enc.outcome}${enc.error ? `: ${enc.error}` : ''}); ` +
        'judged by SDP-IDP11-encrypted-assertion and the SDP-ALG01 checks',
    );
  return enc;
}

describe('saml-web-sso · encryption', function () {
  const h = scenario(this, { profile: 'saml-web-sso', family: 'encryption' });
  /** A login as the gateway entity whose metadata publishes an encryption key (gateway.encryption). */
  const login = h.shared('encrypted-login', (ctx) =>
    webLogin(ctx, { entity: 'encrypted', relayState: 'encryption-checks' }),
  );

  /**
   * SDP-IDP11: "In the event the HTTP-POST binding is used, assertions MUST be encrypted and transmitted
   * via a <saml:EncryptedAssertion> element." The key is the one the SP metadata publishes (SDP-MD01):
   * proven by decryption, or, where the content algorithm is refused, by unwrapping the RSA-OAEP key.
   */
  h.check(
    {
      id: 'SDP-IDP11-encrypted-assertion',
      level: 'MUST',
      requirements: ['SDP-IDP11', 'SDP-MD01'],
      title: 'for an SP with an encryption key, the assertion is an EncryptedAssertion for that key',
    },
    async (v) => {
      const r = await login();
      verify(v, received(v, r), [STATUS_SUCCESS, ASSERTION_ENCRYPTED]);
      const encryption = r.verify?.encryption;
      try {
        verify(v, { encryption }, [ENCRYPTED_FOR_SP_KEY]);
      } catch (e) {
        // A key transport SDP-ALG01 refuses is not unwrapped: whose key it is for is unknown, one root cause.
        if (e instanceof ConformanceFailure && keyTransportRefused(encryption))
          v.blocked(
            'SDP-ALG01-key-transport',
            `the content key is wrapped with ${encryption?.keyAlgorithm ?? '(absent)'}, which is not unwrapped`,
            e,
          );
        throw e;
      }
    },
  );

  /** SDP-IDP11: "Information intended for the consumption of the SP MUST NOT be further encrypted via <saml:EncryptedID> or <saml:EncryptedAttribute> constructs." */
  h.check(
    {
      id: 'SDP-IDP11-no-inner-encryption',
      level: 'MUST',
      requirements: ['SDP-IDP11'],
      title: 'the decrypted assertion has no EncryptedID or EncryptedAttribute',
    },
    async (v) => {
      verify(v, opened(v, await login(), 'decrypted'), [NO_INNER_ENCRYPTION]);
    },
  );

  /** SDP-ALG01 "Block Encryption": aes128-gcm or aes256-gcm (AES-CBC is "known to be broken"). */
  h.check(
    {
      id: 'SDP-ALG01-block-encryption',
      level: 'MUST',
      requirements: ['SDP-ALG01'],
      title: 'the EncryptedAssertion content is encrypted with aes128-gcm or aes256-gcm',
    },
    async (v) => {
      verify(v, opened(v, await login(), 'read'), [BLOCK_ENCRYPTION]);
    },
  );

  /** SDP-ALG01 "Key Transport": rsa-oaep-mgf1p or xmlenc11#rsa-oaep (RSA PKCS#1 v1.5 is "broken outright"). */
  h.check(
    {
      id: 'SDP-ALG01-key-transport',
      level: 'MUST',
      requirements: ['SDP-ALG01'],
      title: 'the content key is wrapped with rsa-oaep-mgf1p or xmlenc11#rsa-oaep',
    },
    async (v) => {
      verify(v, opened(v, await login(), 'read'), [KEY_TRANSPORT]);
    },
  );

  /**
   * SDP-IDP11 with SDP-IDP09/10: the decrypted assertion is judged as any other: its signature (or the
   * Response signature over the cipher text) verifies with the metadata key and the gateway accepts it.
   */
  h.check(
    {
      id: 'SDP-IDP11-decrypted-assertion-accepted',
      level: 'MUST',
      requirements: ['SDP-IDP11', 'SDP-IDP10'],
      title: 'the decrypted assertion verifies and the strict gateway accepts the Response',
    },
    async (v) => {
      const r = await login();
      opened(v, r, 'decrypted');
      expectSuccess(v, r);
      expectAccepted(v, r);
    },
  );
});
