/**
 * A shortcut to xml-crypto's computeSignature for the signature the harness puts on almost every request
 * it sends (signEnveloped's defaults: one Reference to the element with the ID, enveloped-signature +
 * exclusive C14N, exclusive C14N for SignedInfo, an RSA method, after the element's Issuer or first in
 * it, or after the root's Issuer as the request signer asks). It builds the same thing the same way, so
 * the text is byte for byte xml-crypto's: the text parsed by xml-crypto's xmldom 0.8, the Signature
 * parsed from the same string inside the same wrapper, the Reference built with the same DOM calls,
 * inserted at the same place, SignatureValue made the same way, the document serialized by the same
 * serializer. What it skips is work that cannot change the result here: xpath's general evaluator (for
 * the ID, the Issuer, ancestor namespaces, comments), the deep copies before canonicalization, and a
 * serialization of the whole document xml-crypto keeps for itself.
 *
 * Anything else goes to xml-crypto (`undefined`): other options, anything xmldom 0.8 complains about,
 * an ID held by no element or by more than one, an ID attribute with a prefix or a namespace, two on one
 * element, or one spelled otherwise (`iD`: xml-crypto's xpath reads names case-insensitively); a
 * Signature, a CanonicalizationMethod or a name with a prefix but no namespace inside the signed element
 * (the enveloped transform, the prefix list xml-crypto's C14N reads from such a child, and the deep
 * copy's null namespace could each make a difference).
 * test/unit/xml-dsig-sign-fast.test.ts compares the text with xml-crypto's on every request shape.
 */
import * as crypto from 'node:crypto';
import { ALG, ASYMMETRIC_SIG_ALGS, NS, type XmlDocument, type XmlElement, type XmlNode } from './constants';
import { childElements, descendantElements } from './parse';
import { DIGEST_HASH, exclusiveC14n, parse08, prefixWithoutNamespace } from './dsig-fast';
import { AFTER_ROOT_ISSUER, type SignOptions } from './sign-options';
import { privateKeyOf } from './keys';

/** What signEnveloped has worked out from its options (the method URIs) and xml-crypto's KeyInfo. */
export interface SignAlgorithms {
  signatureAlgorithm: string;
  digestAlgorithm: string;
  /** What xml-crypto's getKeyInfoContent gives for the certificate (null: no KeyInfo). */
  keyInfoContent: () => string | null;
}

/** The ID attributes xml-crypto reads (its idAttributes). */
const ID_NAMES = ['Id', 'ID', 'id'];

interface Dom08Element extends XmlElement {
  ownerDocument: Dom08Document;
  insertBefore(node: XmlNode, before: XmlNode | null): XmlNode;
  appendChild(node: XmlNode): XmlNode;
  setAttribute(name: string, value: string): void;
  textContent: string;
}
interface Dom08Document extends XmlDocument {
  createElementNS(ns: string, qname: string): Dom08Element;
  toString(): string;
}

/**
 * The signed text, or undefined when the shortcut does not apply (signEnveloped then asks xml-crypto):
 * only signEnveloped's defaults for where the Signature goes, its transforms, its C14N and its URI.
 */
export function fastSignEnveloped(xml: string, opts: SignOptions, algs: SignAlgorithms): string | undefined {
  if (opts.transforms || opts.referenceUri !== undefined || /['"]/.test(opts.referenceId)) return undefined;
  if (opts.placeAfter !== undefined && opts.placeAfter !== AFTER_ROOT_ISSUER) return undefined;
  if ((opts.canonicalization ?? ALG.excC14n) !== ALG.excC14n) return undefined;
  try {
    return sign(xml, opts, privateKeyOf(opts.privateKeyPem), algs);
  } catch {
    return undefined; // e.g. a node exclusive C14N cannot render: xml-crypto says what it makes of it
  }
}

/** The element carrying the ID, when exactly one does, with nothing xml-crypto could read otherwise. */
function target(doc: XmlDocument, id: string): XmlElement | undefined {
  let found: XmlElement | undefined;
  for (const el of descendantElements(doc)) {
    let idAttrs = 0;
    let matches = false;
    for (let i = 0; i < el.attributes.length; i++) {
      const a = el.attributes.item(i) as {
        localName?: string;
        name: string;
        prefix?: string | null;
        namespaceURI: string | null;
        value: string;
      };
      const local = a.localName || a.name;
      // xml-crypto's xpath (on xmldom 0.8, which says it is an HTML DOM) matches @ID case-insensitively,
      // so an `iD` counts where it looks for the Issuer (a second review found it): decline those too.
      if (local.toLowerCase() !== 'id') continue;
      if (a.prefix || a.namespaceURI || a.name !== local || !ID_NAMES.includes(local)) return undefined;
      idAttrs++;
      matches ||= a.value === id;
    }
    if (idAttrs > 1) return undefined;
    if (!matches) continue;
    if (found) return undefined;
    found = el;
  }
  return found;
}

function sign(
  xml: string,
  opts: SignOptions,
  privateKey: crypto.KeyObject,
  algs: SignAlgorithms,
): string | undefined {
  const id = opts.referenceId;
  const method = ASYMMETRIC_SIG_ALGS.get(algs.signatureAlgorithm);
  const hash = method?.type === 'rsa' ? method.hash : undefined;
  const digestHash = DIGEST_HASH[algs.digestAlgorithm];
  if (!hash || !digestHash || privateKey.asymmetricKeyType !== 'rsa') return undefined;
  const doc = parse08(xml) as Dom08Document | undefined;
  if (!doc) return undefined;
  const node = target(doc, id) as Dom08Element | undefined;
  if (!node) return undefined;
  if (
    descendantElements(node).some((e) => e.localName === 'Signature') ||
    childElements(node, undefined, 'CanonicalizationMethod').length > 0 ||
    prefixWithoutNamespace(node)
  )
    return undefined;
  const digest = crypto.createHash(digestHash).update(exclusiveC14n(node), 'utf8').digest('base64');

  // computeSignature: the Signature from a string, parsed inside a wrapper element.
  const keyInfoContent = algs.keyInfoContent();
  const keyInfo = keyInfoContent ? `<ds:KeyInfo>${keyInfoContent}</ds:KeyInfo>` : '';
  const signatureXml =
    `<ds:Signature xmlns:ds="${NS.ds}"><ds:SignedInfo>` +
    `<ds:CanonicalizationMethod Algorithm="${ALG.excC14n}" />` +
    `<ds:SignatureMethod Algorithm="${algs.signatureAlgorithm}" />` +
    `</ds:SignedInfo>${keyInfo}</ds:Signature>`;
  const wrapper = parse08(`<Dummy >${signatureXml}</Dummy>`);
  const signature = wrapper?.documentElement?.firstChild as Dom08Element | undefined;
  if (!signature) return undefined;
  // After the Issuer child of the signed element (else first in it), or of the root (placeAfter).
  const issuer = childElements(
    opts.placeAfter ? (doc.documentElement as XmlElement) : node,
    undefined,
    'Issuer',
  )[0];
  if (issuer) (issuer.parentNode as Dom08Element).insertBefore(signature, issuer.nextSibling);
  else if (opts.placeAfter)
    return undefined; // xml-crypto says it is not there
  else node.insertBefore(signature, node.firstChild);

  // addAllReferences: the Reference by DOM calls on the Signature's own document.
  const signedInfo = childElements(signature, undefined, 'SignedInfo')[0] as Dom08Element;
  const sd = signature.ownerDocument;
  const reference = sd.createElementNS(NS.ds, 'ds:Reference');
  reference.setAttribute('URI', `#${id}`);
  const transforms = sd.createElementNS(NS.ds, 'ds:Transforms');
  for (const alg of [ALG.enveloped, ALG.excC14n]) {
    const t = sd.createElementNS(NS.ds, 'ds:Transform');
    t.setAttribute('Algorithm', alg);
    transforms.appendChild(t);
  }
  const digestMethod = sd.createElementNS(NS.ds, 'ds:DigestMethod');
  digestMethod.setAttribute('Algorithm', algs.digestAlgorithm);
  const digestValue = sd.createElementNS(NS.ds, 'ds:DigestValue');
  digestValue.textContent = digest;
  reference.appendChild(transforms);
  reference.appendChild(digestMethod);
  reference.appendChild(digestValue);
  signedInfo.appendChild(reference);

  // calculateSignatureValue and createSignature: SignatureValue parsed from a string, after SignedInfo.
  const value = crypto
    .sign(hash, Buffer.from(exclusiveC14n(signedInfo), 'utf8'), privateKey)
    .toString('base64');
  const holder = parse08(
    `<ds:Signature xmlns:ds="${NS.ds}"><ds:SignatureValue>${value}</ds:SignatureValue></ds:Signature>`,
  );
  const signatureValue = holder?.documentElement?.firstChild;
  if (!signatureValue) return undefined;
  signature.insertBefore(signatureValue, signedInfo.nextSibling);
  return doc.toString().replace(/\r/g, '&#xD;');
}
