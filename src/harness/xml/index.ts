/**
 * The harness's XML layer: the ONLY importer of @xmldom/xmldom, xpath, xml-crypto and xml-encryption in src/harness.
 * Strict parsing, namespace-aware selection, binding codecs, enveloped signatures. Nothing here knows
 * about SAML profiles beyond namespace URIs.
 */
export { NS, ALG, LIMITS, XmlRejected } from './constants';
export type { XmlDocument, XmlElement, XmlNode, XmlRejectCode } from './constants';
export {
  decodeBase64Strict,
  decodeUtf8Strict,
  inflateRawBounded,
  decodePostBinding,
  decodeRedirectBinding,
  encodePostBinding,
  encodeRedirectBinding,
} from './codec';
export {
  parseXml,
  select,
  selectElements,
  selectOne,
  textOf,
  serialize,
  childElements,
  descendantElements,
  walk,
  NODE_TYPES,
} from './parse';
export {
  signEnveloped,
  verifyEnveloped,
  resignSignature,
  describeSignature,
  certKeyInfo,
  certPemFromBase64,
} from './dsig';
export { signRedirectQuery, verifyRedirectQuery } from './redirect-sig';
export type { SignOptions, SignatureCheck, ResignOptions } from './dsig';
export { AFTER_ROOT_ISSUER } from './sign-options';
export { ENC_ALG, describeEncrypted, decryptElement, unwrapContentKey, DecryptionFailed } from './xmlenc';
export type { EncryptedParts } from './xmlenc';
