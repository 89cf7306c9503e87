/**
 * Parsed keys and certificates by their PEM text. A run signs and verifies with a handful of keys
 * hundreds of times; parsing a PEM (and checking an RSA private key) costs more than the RSA operation
 * itself. Entries are immutable KeyObjects / X509Certificates; the maps are bounded.
 */
import * as crypto from 'node:crypto';
import { ASYMMETRIC_SIG_ALGS } from './constants';

const MAX = 256;
const privateKeys = new Map<string, crypto.KeyObject>();
const publicKeys = new Map<string, crypto.KeyObject>();
const certs = new Map<string, crypto.X509Certificate>();

function remember<V>(map: Map<string, V>, key: string, make: () => V): V {
  const hit = map.get(key);
  if (hit !== undefined) return hit;
  const v = make();
  if (map.size >= MAX) map.delete(map.keys().next().value as string);
  map.set(key, v);
  return v;
}

/** A private KeyObject for a PEM (or the KeyObject itself); throws as createPrivateKey does. */
export function privateKeyOf(key: crypto.KeyLike): crypto.KeyObject {
  if (key instanceof crypto.KeyObject) return key;
  if (typeof key !== 'string') return crypto.createPrivateKey(key as Buffer);
  return remember(privateKeys, key, () => crypto.createPrivateKey(key));
}

/** A public KeyObject for a PEM public key, certificate or private key; throws as createPublicKey does. */
export function publicKeyOf(key: crypto.KeyLike): crypto.KeyObject {
  if (key instanceof crypto.KeyObject) return key;
  if (typeof key !== 'string') return crypto.createPublicKey(key as Buffer);
  return remember(publicKeys, key, () => crypto.createPublicKey(key));
}

/** The parsed certificate for a PEM; throws as new X509Certificate does. */
export function certificateOf(pem: string): crypto.X509Certificate {
  return remember(certs, pem, () => new crypto.X509Certificate(pem));
}

/**
 * The parsed public key to verify an asymmetric SignatureMethod with, or undefined: HMAC (keyed with the
 * PEM text itself), unknown methods and unparsable PEMs keep xml-crypto's own handling of the string.
 */
export function verificationKey(
  signatureMethod: string | undefined,
  pem: string,
): crypto.KeyObject | undefined {
  if (!ASYMMETRIC_SIG_ALGS.has(signatureMethod ?? '')) return undefined;
  try {
    return publicKeyOf(pem);
  } catch {
    return undefined;
  }
}
