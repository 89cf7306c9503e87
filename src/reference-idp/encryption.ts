/**
 * XML Encryption of assertions for SPs that publish an encryption key (saml2int SDP-IDP11, SDP-ALG01):
 * AES-GCM content (IV || cipher text || tag), key transport RSA-OAEP (MGF1/SHA-1, SHA-1 digest). Written
 * with node:crypto, in exclusive-canonical form like every element the Response signature covers.
 * The CBC and RSA PKCS#1 v1.5 paths exist only for the encrypt-cbc / encrypt-rsa15 faults.
 */
import * as crypto from 'node:crypto';
import type { Faults } from './faults';
import { loadSigningKey } from './keys';

const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

export const ENC = {
  aes128gcm: 'http://www.w3.org/2009/xmlenc11#aes128-gcm',
  aes256gcm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  aes128cbc: `${XENC}aes128-cbc`,
  rsaOaepMgf1p: `${XENC}rsa-oaep-mgf1p`,
  rsa15: `${XENC}rsa-1_5`,
  sha1: `${DS}sha1`,
  element: `${XENC}Element`,
} as const;

/** The SP's encryption key from its metadata (KeyDescriptor use="encryption") and the methods it lists. */
export interface SpEncryption {
  key: crypto.KeyObject;
  /** md:EncryptionMethod Algorithm values in document order. */
  methods: string[];
}

const CIPHERS: Record<string, { name: string; keyBytes: number; ivBytes: number; gcm: boolean }> = {
  [ENC.aes128gcm]: { name: 'aes-128-gcm', keyBytes: 16, ivBytes: 12, gcm: true },
  [ENC.aes256gcm]: { name: 'aes-256-gcm', keyBytes: 32, ivBytes: 12, gcm: true },
  [ENC.aes128cbc]: { name: 'aes-128-cbc', keyBytes: 16, ivBytes: 16, gcm: false },
};

/** The first GCM algorithm the SP lists, else AES-256-GCM. */
function contentAlgorithm(sp: SpEncryption, faults: Faults): string {
  if (faults.has('encrypt-cbc')) return ENC.aes128cbc;
  return sp.methods.find((m) => m === ENC.aes256gcm || m === ENC.aes128gcm) ?? ENC.aes256gcm;
}

/** xenc:EncryptedData (Type Element) for `plaintext`, the key wrapped for the SP inside its KeyInfo. */
export function encryptedData(plaintext: string, sp: SpEncryption, faults: Faults): string {
  const alg = contentAlgorithm(sp, faults);
  const c = CIPHERS[alg]!;
  const key = crypto.randomBytes(c.keyBytes);
  const iv = crypto.randomBytes(c.ivBytes);
  const cipher = crypto.createCipheriv(c.name, key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = c.gcm ? (cipher as crypto.CipherGCM).getAuthTag() : Buffer.alloc(0);
  const value = Buffer.concat([iv, body, tag]).toString('base64');
  const rsa15 = faults.has('encrypt-rsa15');
  // Fault encrypt-for-other-key: the content key wrapped for fixtures/keys/idp-rogue, not the SP's key.
  const to = faults.has('encrypt-for-other-key')
    ? crypto.createPublicKey(loadSigningKey('idp-rogue').privateKey)
    : sp.key;
  const wrapped = crypto
    .publicEncrypt(
      rsa15
        ? { key: to, padding: crypto.constants.RSA_PKCS1_PADDING }
        : { key: to, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      key,
    )
    .toString('base64');
  const keyMethod = rsa15
    ? `<xenc:EncryptionMethod Algorithm="${ENC.rsa15}"></xenc:EncryptionMethod>`
    : `<xenc:EncryptionMethod Algorithm="${ENC.rsaOaepMgf1p}"><ds:DigestMethod Algorithm="${ENC.sha1}"></ds:DigestMethod></xenc:EncryptionMethod>`;
  return (
    `<xenc:EncryptedData xmlns:xenc="${XENC}" Type="${ENC.element}">` +
    `<xenc:EncryptionMethod Algorithm="${alg}"></xenc:EncryptionMethod>` +
    `<ds:KeyInfo xmlns:ds="${DS}"><xenc:EncryptedKey>${keyMethod}` +
    `<xenc:CipherData><xenc:CipherValue>${wrapped}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${value}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>`
  );
}
