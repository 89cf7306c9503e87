/** HTTP-Redirect binding signatures over the query octet string ([BIND] §3.4.4.1), via node:crypto. */
import * as crypto from 'node:crypto';
import { ASYMMETRIC_SIG_ALGS } from './constants';
import { decodeBase64Strict } from './codec';
import { certificateOf, privateKeyOf } from './keys';

/** Base64 signature over the HTTP-Redirect octet string ([BIND] §3.4.4.1), via node:crypto. */
export function signRedirectQuery(
  octets: string,
  privateKeyPem: string,
  alg: 'rsa-sha256' | 'rsa-sha1' | 'rsa-sha512',
): string {
  const hash = { 'rsa-sha256': 'sha256', 'rsa-sha1': 'sha1', 'rsa-sha512': 'sha512' }[alg];
  return crypto.sign(hash, Buffer.from(octets, 'utf8'), privateKeyOf(privateKeyPem)).toString('base64');
}

/**
 * [BIND] §3.4.4.1: does `signatureB64` over the octets verify with one of `certsPem` under `sigAlg`?
 * Unknown algorithms, bad base64 and unusable certificates verify nothing (false), never throw.
 */
export function verifyRedirectQuery(
  octets: string,
  signatureB64: string,
  sigAlg: string,
  certsPem: readonly string[],
): boolean {
  const alg = ASYMMETRIC_SIG_ALGS.get(sigAlg);
  if (!alg) return false;
  let sig: Buffer;
  try {
    sig = decodeBase64Strict(signatureB64);
  } catch {
    return false;
  }
  for (const pem of certsPem) {
    try {
      const key = certificateOf(pem).publicKey;
      if (key.asymmetricKeyType !== alg.type) continue;
      const dsaEncoding = alg.type === 'ec' ? ('ieee-p1363' as const) : undefined;
      if (crypto.verify(alg.hash, Buffer.from(octets, 'utf8'), { key, dsaEncoding }, sig)) return true;
    } catch {
      // an unusable certificate verifies nothing
    }
  }
  return false;
}
