import { ALG, ENC_ALG } from '../xml';

/** What the checks require of IdP signatures and times: one definition every spec reads. */
export const POLICY = {
  /** SDP-ALG01 / device-token profile: RSA or ECDSA with SHA-256 or stronger. */
  signatureAlgorithms: [
    ALG.rsaSha256,
    ALG.rsaSha384,
    ALG.rsaSha512,
    ALG.ecdsaSha256,
    ALG.ecdsaSha384,
    ALG.ecdsaSha512,
  ] as string[],
  digestAlgorithms: [ALG.sha256, ALG.sha384, ALG.sha512] as string[],
  excC14n: ALG.excC14n as string,
  excC14nWithComments: ALG.excC14nWithComments as string,
  c14n: ALG.c14n as string,
  enveloped: ALG.enveloped as string,
  /** SDP-G01: 3 minutes either way, the verifier's default too. */
  skewMs: 180_000,
  bearer: 'urn:oasis:names:tc:SAML:2.0:cm:bearer',
};

/** SDP-ALG01 "Block Encryption" and "Key Transport": the algorithms an EncryptedAssertion may use. */
export const ENCRYPTION_POLICY = {
  dataAlgorithms: [ENC_ALG.aes128gcm, ENC_ALG.aes256gcm] as string[],
  keyAlgorithms: [ENC_ALG.rsaOaepMgf1p, ENC_ALG.rsaOaep] as string[],
};
