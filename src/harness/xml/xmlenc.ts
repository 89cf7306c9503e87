/**
 * XML Encryption, decryption side, through xml-encryption 6 (W3C XML Encryption 1.1). This layer reads
 * the algorithms an encrypted element names and decrypts with the keys it is given; which algorithms
 * are acceptable is the caller's policy. xml-encryption itself refuses the insecure ones (AES-CBC,
 * 3DES, RSA PKCS#1 v1.5) and is never told otherwise, so nothing here decrypts them.
 */
import { decrypt, decryptKeyInfo } from 'xml-encryption';
import { NS, type XmlElement } from './constants';
import { childElements, serialize } from './parse';

export const ENC_ALG = {
  aes128gcm: 'http://www.w3.org/2009/xmlenc11#aes128-gcm',
  aes256gcm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  aes128cbc: 'http://www.w3.org/2001/04/xmlenc#aes128-cbc',
  aes256cbc: 'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
  tripledesCbc: 'http://www.w3.org/2001/04/xmlenc#tripledes-cbc',
  rsaOaepMgf1p: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  rsaOaep: 'http://www.w3.org/2009/xmlenc11#rsa-oaep',
  rsa15: 'http://www.w3.org/2001/04/xmlenc#rsa-1_5',
} as const;

/** What an encrypted container (saml:EncryptedAssertion, EncryptedID, ...) declares, read without decrypting. */
export interface EncryptedParts {
  /** xenc:EncryptedData children of the container. */
  dataCount: number;
  /** EncryptionMethod/@Algorithm of the EncryptedData. */
  dataAlgorithm?: string;
  /** xenc:EncryptedKey elements: in EncryptedData/ds:KeyInfo or beside the EncryptedData. */
  keyCount: number;
  /** EncryptionMethod/@Algorithm of the (first) EncryptedKey. */
  keyAlgorithm?: string;
  /** Its ds:DigestMethod/@Algorithm (the OAEP digest), when given. */
  keyDigest?: string;
}

const XENC = NS.xenc;

function algorithmOf(el: XmlElement | undefined): string | undefined {
  const m = el ? childElements(el, XENC, 'EncryptionMethod')[0] : undefined;
  return m?.getAttribute('Algorithm') ?? undefined;
}

export function describeEncrypted(container: XmlElement): EncryptedParts {
  const data = childElements(container, XENC, 'EncryptedData');
  const d = data[0];
  const keyInfo = d ? childElements(d, NS.ds, 'KeyInfo')[0] : undefined;
  const keys = [
    ...(keyInfo ? childElements(keyInfo, XENC, 'EncryptedKey') : []),
    ...childElements(container, XENC, 'EncryptedKey'),
  ];
  const k = keys[0];
  const method = k ? childElements(k, XENC, 'EncryptionMethod')[0] : undefined;
  const digest = method ? childElements(method, NS.ds, 'DigestMethod')[0] : undefined;
  const out: EncryptedParts = { dataCount: data.length, keyCount: keys.length };
  const da = algorithmOf(d);
  if (da !== undefined) out.dataAlgorithm = da;
  const ka = algorithmOf(k);
  if (ka !== undefined) out.keyAlgorithm = ka;
  const kd = digest?.getAttribute('Algorithm');
  if (kd) out.keyDigest = kd;
  return out;
}

/** Decryption did not give plaintext: no key opened the EncryptedKey, or the cipher text did not decrypt. */
export class DecryptionFailed extends Error {}

/**
 * Decrypts the container's EncryptedData with the first of `keysPem` that works and returns the plaintext
 * (the caller parses it strictly). Throws DecryptionFailed with the library's reason for the last key.
 */
export function decryptElement(container: XmlElement, keysPem: readonly string[]): string {
  const xml = serialize(container);
  let reason = 'no decryption key';
  for (const key of keysPem) {
    let out: string | undefined;
    let err: Error | null | undefined;
    // xml-encryption 6 decrypts synchronously and calls back before returning.
    decrypt(
      xml,
      { key, disallowDecryptionWithInsecureAlgorithm: true, warnInsecureAlgorithm: false },
      (e, r) => {
        err = e;
        out = r;
      },
    );
    if (!err && typeof out === 'string' && out !== '') return out;
    reason = err ? err.message : 'no plaintext';
  }
  throw new DecryptionFailed(reason.slice(0, 200));
}

/**
 * Unwraps only the container's EncryptedKey (key transport) with the first of `keysPem` that works, and
 * returns the content key's length in bytes; the EncryptedData is not touched. RSA-OAEP's padding check
 * makes a key that unwraps proof that it was wrapped for that key pair. Insecure key transport (RSA
 * PKCS#1 v1.5) is refused as by decryptElement. Throws DecryptionFailed with the reason for the last key.
 */
export function unwrapContentKey(container: XmlElement, keysPem: readonly string[]): number {
  const xml = serialize(container);
  let reason = 'no decryption key';
  for (const key of keysPem) {
    try {
      const k = decryptKeyInfo(xml, {
        key,
        disallowDecryptionWithInsecureAlgorithm: true,
        warnInsecureAlgorithm: false,
      });
      if (k.length > 0) return k.length;
      reason = 'empty content key';
    } catch (e) {
      reason = e instanceof Error ? e.message : String(e);
    }
  }
  throw new DecryptionFailed(reason.slice(0, 200));
}
