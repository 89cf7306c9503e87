/**
 * A shortcut to what xml-crypto's checkSignature concludes, for the one shape IdPs send almost always
 * (SAML core §5.4): a ds:Signature that is a child of the element it signs, one Reference "#ID" to that
 * element, transforms enveloped-signature + exclusive C14N, exclusive C14N for SignedInfo, an RSA
 * method. It proves validity only, by the same computation on the document already parsed (xml-crypto
 * re-parses the text with its bundled xmldom 0.8 and deep-clones the signed element, ~3 ms a signature):
 * SignedInfo and the signed element canonicalized with xml-crypto's own ExclusiveCanonicalization, the
 * digest compared, SignatureValue verified with each trusted certificate in turn.
 *
 * Every condition under which xml-crypto could judge differently sends the signature back to xml-crypto
 * (`undefined`): another shape, an InclusiveNamespaces prefix list, an ID or a SignatureValue that is not
 * unique in the document (xml-crypto refuses both), a CanonicalizationMethod child of the signed element
 * (xml-crypto's exclusive C14N would take a prefix list from it), a digest or signature that does not
 * verify (the error text is xml-crypto's), a document not parsed by parseXml from exactly `xml` (xml-crypto
 * reads the text, this the tree: verifyEnveloped's callers never edit the tree they verify). Both xmldom
 * versions build the same tree from the same text (parse.ts aligns line endings; both normalize
 * attribute whitespace).
 * test/unit/xml-dsig-fast.test.ts compares the shortcut with xml-crypto on every shape.
 */
import * as crypto from 'node:crypto';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { ALG, NS, type XmlElement, type XmlNode } from './constants';
import { fastSelect } from './fast-xpath';
import { parsedFrom } from './parse';
import { verificationKey } from './keys';

/** What verifyUncached returns for a valid signature (dsig.ts SignatureCheck without the description). */
export interface FastValid {
  signedXml: string;
  certIndex: number;
}

const ELEMENT = 1;
const TEXT = 3;
const RSA_HASH: Record<string, string> = {
  [ALG.rsaSha1]: 'sha1',
  [ALG.rsaSha256]: 'sha256',
  [ALG.rsaSha384]: 'sha384',
  [ALG.rsaSha512]: 'sha512',
};
const DIGEST_HASH: Record<string, string> = {
  [ALG.sha1]: 'sha1',
  [ALG.sha256]: 'sha256',
  [ALG.sha384]: 'sha384',
  [ALG.sha512]: 'sha512',
};
/** xml-crypto's SignedXml.defaultNsForPrefix. */
const DEFAULT_NS_FOR_PREFIX = { ds: NS.ds };

/** Exclusive C14N that leaves one node out: the enveloped-signature transform without a deep clone. */
class ExcC14nWithout extends ExclusiveCanonicalization {
  constructor(private readonly left: XmlNode | undefined) {
    super();
  }
  override processInner(
    node: unknown,
    prefixesInScope: unknown,
    defaultNs: unknown,
    defaultNsForPrefix: unknown,
    inclusive: string[],
  ): string {
    if (node === this.left) return '';
    return super.processInner(node, prefixesInScope, defaultNs, defaultNsForPrefix, inclusive);
  }
}

/** Exclusive C14N (no prefix list) of `el` without the node `leaveOut`, as xml-crypto renders it. */
export function exclusiveC14n(el: XmlElement, leaveOut?: XmlNode): string {
  return new ExcC14nWithout(leaveOut).process(el as unknown as Element, {
    defaultNsForPrefix: DEFAULT_NS_FOR_PREFIX,
    ancestorNamespaces: [],
  });
}

/** Element children with this local name, any namespace (xml-crypto's utils.findChildren). */
function children(el: XmlNode, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling)
    if (c.nodeType === ELEMENT && (c as XmlElement).localName === local) out.push(c as XmlElement);
  return out;
}

function elementChildren(el: XmlNode): XmlElement[] {
  const out: XmlElement[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === ELEMENT) out.push(c as XmlElement);
  return out;
}

/** Descendant elements (not el) with this local name, any namespace. */
function descendants(el: XmlNode, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of elementChildren(el)) {
    if (c.localName === local) out.push(c);
    out.push(...descendants(c, local));
  }
  return out;
}

/** The value of the one attribute whose local name is `local`, when it is unprefixed and alone. */
function soleAttr(el: XmlElement, local: string): string | undefined {
  let value: string | undefined;
  let n = 0;
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes.item(i) as {
      localName?: string;
      name: string;
      namespaceURI: string | null;
      value: string;
    };
    if ((a.localName || a.name) !== local) continue;
    n++;
    value = a.name === local && !a.namespaceURI ? a.value : undefined;
  }
  return n === 1 ? value : undefined;
}

/** The one child element with this local name, or undefined. */
function onlyChild(el: XmlNode, local: string): XmlElement | undefined {
  const c = children(el, local);
  return c.length === 1 ? c[0] : undefined;
}

/**
 * The signed XML and the index of the first certificate that verifies, when the shortcut applies and
 * proves the signature valid; undefined otherwise (xml-crypto then judges it).
 */
export function fastVerify(xml: string, signature: XmlElement, certsPem: string[]): FastValid | undefined {
  try {
    return proveValid(xml, signature, certsPem);
  } catch {
    return undefined; // e.g. a node exclusive C14N cannot render: xml-crypto says what it makes of it
  }
}

function proveValid(xml: string, signature: XmlElement, certsPem: string[]): FastValid | undefined {
  const signed = signature.parentNode as XmlElement | null;
  const doc = signature.ownerDocument;
  if (!signed || signed.nodeType !== ELEMENT || !doc || parsedFrom(doc) !== xml) return undefined;
  if (signature.localName !== 'Signature' || signature.namespaceURI !== NS.ds) return undefined;
  const si = onlyChild(signature, 'SignedInfo');
  if (!si || si.namespaceURI !== NS.ds) return undefined;
  // loadSignature reads the first of each anywhere below the Signature: each must be the only one.
  const [cm, ...moreCm] = descendants(signature, 'CanonicalizationMethod');
  const [sm, ...moreSm] = descendants(signature, 'SignatureMethod');
  const [sv, ...moreSv] = descendants(signature, 'SignatureValue');
  if (!cm || !sm || !sv || moreCm.length || moreSm.length || moreSv.length) return undefined;
  if (cm.parentNode !== si || sm.parentNode !== si || sv.parentNode !== signature) return undefined;
  if (elementChildren(cm).length || soleAttr(cm, 'Algorithm') !== ALG.excC14n) return undefined;
  const hash = RSA_HASH[soleAttr(sm, 'Algorithm') ?? ''];
  const svText = sv.firstChild;
  if (!hash || !svText || svText.nodeType !== TEXT || svText.nextSibling) return undefined;
  const signatureValue = (svText as unknown as { data: string }).data;
  if (!signatureValue) return undefined;

  const ref = onlyChild(si, 'Reference');
  if (!ref || elementChildren(ref).length !== 3) return undefined;
  const transforms = onlyChild(ref, 'Transforms');
  const dm = onlyChild(ref, 'DigestMethod');
  const dv = onlyChild(ref, 'DigestValue');
  if (!transforms || !dm || !dv) return undefined;
  const t = elementChildren(transforms);
  if (t.length !== 2 || t.some((x) => x.localName !== 'Transform' || elementChildren(x).length))
    return undefined;
  if (soleAttr(t[0] as XmlElement, 'Algorithm') !== ALG.enveloped) return undefined;
  if (soleAttr(t[1] as XmlElement, 'Algorithm') !== ALG.excC14n) return undefined;
  const digestHash = DIGEST_HASH[soleAttr(dm, 'Algorithm') ?? ''];
  const uri = soleAttr(ref, 'URI');
  if (!digestHash || !uri || !uri.startsWith('#') || uri.length < 2 || uri.includes("'")) return undefined;
  const id = uri.slice(1);

  // The reference resolves as in xml-crypto: one element in all for the ID attributes it knows, the
  // signature's parent; the loaded signature is the only one carrying its SignatureValue.
  let holders = 0;
  for (const name of ['Id', 'ID', 'id']) {
    const found = fastSelect(`//*[@*[local-name(.)='${name}']='${id}']`, doc);
    if (!found) return undefined;
    holders += found.length;
    if (found.some((e) => e !== (signed as unknown))) return undefined;
  }
  if (holders !== 1) return undefined;
  const sigs = fastSelect(
    `.//*[local-name(.)='Signature' and namespace-uri(.)='http://www.w3.org/2000/09/xmldsig#']`,
    doc,
  );
  const sameValue = sigs?.filter(
    (s) => children(s as unknown as XmlNode, 'SignatureValue')[0]?.textContent === signatureValue,
  );
  if (sameValue?.length !== 1) return undefined;
  // The exclusive C14N of the signed element would take a prefix list from such a child (xml-crypto).
  if (children(signed, 'CanonicalizationMethod').length) return undefined;

  const signedXml = exclusiveC14n(signed, signature);
  const digest = crypto.createHash(digestHash).update(signedXml, 'utf8').digest('base64');
  if (digest !== dv.textContent) return undefined;
  const material = Buffer.from(exclusiveC14n(si), 'utf8');
  const value = Buffer.from(signatureValue.replace(/\r?\n/g, ''), 'base64');
  // Certificates in order, as verifyUncached tries them; one that is not an RSA key goes to xml-crypto.
  for (let i = 0; i < certsPem.length; i++) {
    const key = verificationKey(soleAttr(sm, 'Algorithm'), certsPem[i] as string);
    if (key?.asymmetricKeyType !== 'rsa') return undefined;
    if (crypto.verify(hash, material, key, value)) return { signedXml, certIndex: i };
  }
  return undefined;
}
