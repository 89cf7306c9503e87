/** What signEnveloped (dsig.ts) takes, and the algorithm URIs its names stand for. */
import { ALG } from './constants';

export interface SignOptions {
  privateKeyPem: string;
  /** When given, KeyInfo/X509Data/X509Certificate carries it. */
  certPem?: string;
  /** The ID (ID, Id or id attribute) of the element to sign. */
  referenceId: string;
  /** XPath of the sibling after which the Signature goes; default: the signed element's Issuer child, else its first child. */
  placeAfter?: string;
  signatureAlgorithm?: 'rsa-sha256' | 'rsa-sha384' | 'rsa-sha512' | 'rsa-sha1';
  digestAlgorithm?: 'sha256' | 'sha384' | 'sha512' | 'sha1';
  /** Full URIs; default enveloped-signature + exc-c14n. */
  transforms?: string[];
  canonicalization?: string;
  /** Override the Reference URI (e.g. '' for hostile fixtures). */
  referenceUri?: string;
}

/** signEnveloped's algorithm names. */
export const SIG_ALGS: Record<NonNullable<SignOptions['signatureAlgorithm']>, string> = {
  'rsa-sha1': ALG.rsaSha1,
  'rsa-sha256': ALG.rsaSha256,
  'rsa-sha384': ALG.rsaSha384,
  'rsa-sha512': ALG.rsaSha512,
};
export const DIGEST_ALGS: Record<NonNullable<SignOptions['digestAlgorithm']>, string> = {
  sha1: ALG.sha1,
  sha256: ALG.sha256,
  sha384: ALG.sha384,
  sha512: ALG.sha512,
};

/** The placeAfter the request signer gives (messages/bindings.ts signRequestXml): the root's Issuer child. */
export const AFTER_ROOT_ISSUER = "/*/*[local-name()='Issuer']";
