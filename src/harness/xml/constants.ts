/**
 * Namespaces, algorithm URIs, size limits and the one error type of the XML layer.
 * Nothing here knows about SAML profiles: it is vocabulary only.
 */
import type { Document, Element, Node } from '@xmldom/xmldom';

export type XmlDocument = Document;
export type XmlElement = Element;
export type XmlNode = Node;

export const NS = {
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xs: 'http://www.w3.org/2001/XMLSchema',
  /** Exclusive XML Canonicalization (the InclusiveNamespaces element lives here). */
  ec: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
  dt: 'urn:idp-conformance:device-token:1.0',
} as const;

export const ALG = {
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha384: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  rsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  ecdsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  ecdsaSha384: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384',
  ecdsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha384: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  excC14nWithComments: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  hmacSha1: 'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
} as const;

/**
 * The asymmetric signature methods, one list: their digest and key type for node:crypto (HTTP-Redirect
 * signatures) and the methods dsig verifies with a parsed public key (HMAC and unknown ones are not here).
 */
export const ASYMMETRIC_SIG_ALGS: ReadonlyMap<string, { hash: string; type: 'rsa' | 'ec' }> = new Map([
  [ALG.rsaSha1, { hash: 'sha1', type: 'rsa' }],
  [ALG.rsaSha256, { hash: 'sha256', type: 'rsa' }],
  [ALG.rsaSha384, { hash: 'sha384', type: 'rsa' }],
  [ALG.rsaSha512, { hash: 'sha512', type: 'rsa' }],
  [ALG.ecdsaSha256, { hash: 'sha256', type: 'ec' }],
  [ALG.ecdsaSha384, { hash: 'sha384', type: 'ec' }],
  [ALG.ecdsaSha512, { hash: 'sha512', type: 'ec' }],
]);

/**
 * Bounds applied before any expensive work. maxEncodedBytes is checked before base64 decoding,
 * maxDecodedBytes on the decoded (or inflated) bytes and on text given to parseXml, maxDepth on the
 * parsed tree before any XPath runs (XPath descendant walks are slow on very deep trees).
 */
export const LIMITS = {
  maxEncodedBytes: 400_000,
  maxDecodedBytes: 262_144,
  maxDepth: 256,
};

export type XmlRejectCode =
  | 'XML_TOO_LARGE'
  | 'XML_BAD_BASE64'
  | 'XML_BAD_UTF8'
  | 'XML_INFLATE'
  | 'XML_INFLATE_LIMIT'
  | 'XML_DOCTYPE'
  | 'XML_PI'
  | 'XML_PARSE'
  | 'XML_MULTIPLE_ROOTS'
  | 'XML_EMPTY'
  | 'XML_ENCODING';

/** Input the XML layer refuses to decode or parse. Hostile input ends here, never in a crash. */
export class XmlRejected extends Error {
  constructor(
    readonly code: XmlRejectCode,
    message: string,
  ) {
    super(message);
    this.name = 'XmlRejected';
  }
}
