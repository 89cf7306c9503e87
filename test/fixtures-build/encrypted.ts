/**
 * EncryptedAssertion fixtures for the gateway verifier, written with node:crypto (not the harness's
 * xml-encryption path, so a shared mistake would show): AES-GCM/CBC content, RSA-OAEP or PKCS#1 v1.5
 * key transport, and hostile variants (truncated cipher text).
 */
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, type KeyPair } from './responses';

const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const XENC11 = 'http://www.w3.org/2009/xmlenc11#';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

export const GATEWAY_ENC: KeyPair = {
  key: readFileSync(path.join(ROOT, 'fixtures', 'keys', 'gateway-enc.key.pem'), 'utf8'),
  cert: readFileSync(path.join(ROOT, 'fixtures', 'keys', 'gateway-enc.cert.pem'), 'utf8'),
};

export interface EncryptOptions {
  /** Certificate the content key is wrapped for (default: the gateway's encryption key). */
  forCert?: string;
  data?: 'aes128-gcm' | 'aes256-gcm' | 'aes128-cbc';
  keyTransport?: 'rsa-oaep-mgf1p' | 'rsa-1_5';
  /** Drop the last bytes of the content cipher text (the GCM tag no longer verifies). */
  truncate?: boolean;
}

const DATA = {
  'aes128-gcm': { uri: `${XENC11}aes128-gcm`, cipher: 'aes-128-gcm', key: 16, iv: 12 },
  'aes256-gcm': { uri: `${XENC11}aes256-gcm`, cipher: 'aes-256-gcm', key: 32, iv: 12 },
  'aes128-cbc': { uri: `${XENC}aes128-cbc`, cipher: 'aes-128-cbc', key: 16, iv: 16 },
} as const;

/** xenc:EncryptedData of `plaintext`, the key in its KeyInfo. */
export function encryptedData(plaintext: string, o: EncryptOptions = {}): string {
  const d = DATA[o.data ?? 'aes128-gcm'];
  const key = crypto.randomBytes(d.key);
  const iv = crypto.randomBytes(d.iv);
  const c = crypto.createCipheriv(d.cipher, key, iv);
  const body = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
  const tag = d.cipher.endsWith('gcm') ? (c as crypto.CipherGCM).getAuthTag() : Buffer.alloc(0);
  let value = Buffer.concat([iv, body, tag]);
  if (o.truncate) value = value.subarray(0, value.length - 7);
  const rsa15 = o.keyTransport === 'rsa-1_5';
  const pub = crypto.createPublicKey(o.forCert ?? GATEWAY_ENC.cert);
  const wrapped = crypto.publicEncrypt(
    rsa15
      ? { key: pub, padding: crypto.constants.RSA_PKCS1_PADDING }
      : { key: pub, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    key,
  );
  const method = rsa15
    ? `<xenc:EncryptionMethod Algorithm="${XENC}rsa-1_5"/>`
    : `<xenc:EncryptionMethod Algorithm="${XENC}rsa-oaep-mgf1p"><ds:DigestMethod Algorithm="${DS}sha1"/></xenc:EncryptionMethod>`;
  return (
    `<xenc:EncryptedData xmlns:xenc="${XENC}" Type="${XENC}Element">` +
    `<xenc:EncryptionMethod Algorithm="${d.uri}"/>` +
    `<ds:KeyInfo xmlns:ds="${DS}"><xenc:EncryptedKey>${method}<xenc:CipherData><xenc:CipherValue>` +
    `${wrapped.toString('base64')}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${value.toString('base64')}</xenc:CipherValue></xenc:CipherData>` +
    `</xenc:EncryptedData>`
  );
}

/** saml:EncryptedAssertion around `assertion` (a standalone saml:Assertion, signed or not). */
export function encryptedAssertion(assertion: string, o: EncryptOptions = {}): string {
  return `<saml:EncryptedAssertion>${encryptedData(assertion, o)}</saml:EncryptedAssertion>`;
}
