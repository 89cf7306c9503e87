/**
 * A shortcut to what xml-crypto's checkSignature concludes, for the one shape IdPs send almost always
 * (SAML core §5.4): a ds:Signature that is a child of the element it signs, one Reference "#ID" to that
 * element, transforms enveloped-signature + exclusive C14N, exclusive C14N for SignedInfo, an RSA
 * method. It proves validity only, by xml-crypto's own computation on the same inputs, read the same
 * way, without its costs (~3 ms a signature: the text parsed again for each signature, the signed
 * element deep-cloned, xpath's general evaluator): SignedInfo from the given node, canonicalized and
 * parsed again with xml-crypto's xmldom 0.8 to read the Reference; the ID lookup, the enveloped
 * signature and the signed element from xml-crypto's 0.8 parse of the text (parsed once for a Response's
 * two signatures); xml-crypto's own ExclusiveCanonicalization, the digest, RSA with each trusted
 * certificate in turn. The two xmldom versions can build different trees from one text (duplicate
 * expanded attribute names, names outside the BMP): everything xml-crypto reads from its tree is read
 * from that tree here.
 *
 * Every condition under which xml-crypto could judge differently sends the signature back to xml-crypto
 * (`undefined`): another shape, an InclusiveNamespaces prefix list, an ID or a SignatureValue that is not
 * unique in the document (xml-crypto refuses both), a CanonicalizationMethod child of the signed element
 * (xml-crypto's exclusive C14N would take a prefix list from it), anything xmldom 0.8 complains about, a
 * digest or signature that does not verify (the error text is xml-crypto's).
 * test/unit/xml-dsig-fast.test.ts compares the shortcut with xml-crypto on every shape, including the
 * cases a second reviewer found where the two xmldom versions disagree.
 */
import * as crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { ALG, ASYMMETRIC_SIG_ALGS, NS, type XmlDocument, type XmlElement, type XmlNode } from './constants';
import { childElements, descendantElements } from './parse';
import { fastSelect } from './fast-xpath';
import { verificationKey } from './keys';

/** What verifyUncached returns for a valid signature (dsig.ts SignatureCheck without the description). */
export interface FastValid {
  signedXml: string;
  certIndex: number;
}

const TEXT = 3;
/** node:crypto hash name of each digest method URI. */
export const DIGEST_HASH: Record<string, string> = {
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

/** xml-crypto's own xmldom (0.8, its dependency): the parser its checkSignature reads the text with. */
const Dom08 = (createRequire(require.resolve('xml-crypto'))('@xmldom/xmldom') as { DOMParser: Dom08Parser })
  .DOMParser;
type Dom08Parser = new (o?: { errorHandler?: (level: string, msg: string) => void }) => {
  parseFromString(text: string, mime?: string): XmlDocument;
};

/** The text as xmldom 0.8 reads it, or undefined when that parser reports anything at all. */
export function parse08(text: string): XmlDocument | undefined {
  let complaint = false;
  const doc = new Dom08({ errorHandler: () => (complaint = true) }).parseFromString(text);
  return complaint ? undefined : doc;
}

/** xml-crypto's tree of the last text (a Response's two signatures are verified one after the other). */
let last: { xml: string; doc: XmlDocument | undefined } | undefined;
function documentOf(xml: string): XmlDocument | undefined {
  if (last?.xml !== xml) last = { xml, doc: parse08(xml) };
  return last.doc;
}

/**
 * True when an element or attribute at or below `root` has a prefix but no namespace (a prefix bound to
 * "" or not at all; xmldom 0.8 reads both without complaint). xml-crypto canonicalizes a deep copy, and
 * 0.8's cloneNode turns such a name's undefined namespace into null, which exclusive C14N renders and
 * sorts differently from the original (a second review found it).
 */
export function prefixWithoutNamespace(root: XmlNode): boolean {
  return descendantElements(root).some(
    (e) =>
      (e.prefix && !e.namespaceURI) ||
      Array.from({ length: e.attributes.length }, (_, i) => e.attributes.item(i)).some(
        (a) => a?.prefix && a.prefix !== 'xmlns' && !a.namespaceURI,
      ),
  );
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
function onlyChild(el: XmlElement, local: string): XmlElement | undefined {
  const c = childElements(el, undefined, local);
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
  // What loadSignature reads from the node it is given (this tree): SignedInfo, and the first
  // CanonicalizationMethod, SignatureMethod and SignatureValue anywhere below the Signature, each of
  // which must be the only one, in its place.
  if (signature.localName !== 'Signature' || signature.namespaceURI !== NS.ds) return undefined;
  const si = onlyChild(signature, 'SignedInfo');
  if (!si || si.namespaceURI !== NS.ds) return undefined;
  const [cm, ...moreCm] = descendantElements(signature, undefined, 'CanonicalizationMethod');
  const [sm, ...moreSm] = descendantElements(signature, undefined, 'SignatureMethod');
  const [sv, ...moreSv] = descendantElements(signature, undefined, 'SignatureValue');
  if (!cm || !sm || !sv || moreCm.length || moreSm.length || moreSv.length) return undefined;
  if (cm.parentNode !== si || sm.parentNode !== si || sv.parentNode !== signature) return undefined;
  if (childElements(cm).length || soleAttr(cm, 'Algorithm') !== ALG.excC14n) return undefined;
  if (prefixWithoutNamespace(si)) return undefined;
  const method = soleAttr(sm, 'Algorithm');
  const alg = ASYMMETRIC_SIG_ALGS.get(method ?? '');
  const hash = alg?.type === 'rsa' ? alg.hash : undefined;
  const svText = sv.firstChild;
  if (!hash || !svText || svText.nodeType !== TEXT || svText.nextSibling) return undefined;
  const signatureValue = (svText as unknown as { data: string }).data;
  if (!signatureValue) return undefined;

  // checkSignature: the canonical SignedInfo, parsed again by xmldom 0.8, is where the Reference is read.
  const canonicalSignedInfo = exclusiveC14n(si);
  const siRoot = parse08(canonicalSignedInfo)?.documentElement;
  const ref = siRoot ? onlyChild(siRoot, 'Reference') : undefined;
  if (!ref || childElements(ref).length !== 3) return undefined;
  const transforms = onlyChild(ref, 'Transforms');
  const dm = onlyChild(ref, 'DigestMethod');
  const dv = onlyChild(ref, 'DigestValue');
  if (!transforms || !dm || !dv) return undefined;
  const t = childElements(transforms);
  if (t.length !== 2 || t.some((x) => x.localName !== 'Transform' || childElements(x).length))
    return undefined;
  if (soleAttr(t[0] as XmlElement, 'Algorithm') !== ALG.enveloped) return undefined;
  if (soleAttr(t[1] as XmlElement, 'Algorithm') !== ALG.excC14n) return undefined;
  const digestHash = DIGEST_HASH[soleAttr(dm, 'Algorithm') ?? ''];
  const uri = soleAttr(ref, 'URI');
  if (!digestHash || !uri || !uri.startsWith('#') || uri.length < 2 || uri.includes("'")) return undefined;
  const id = uri.slice(1);

  // validateReference, on xml-crypto's own parse of the text: one element in all for the ID attributes
  // it knows; the loaded signature is the only Signature carrying its SignatureValue, a child of it.
  const doc = documentOf(xml);
  if (!doc) return undefined;
  let signed: XmlNode | undefined;
  let holders = 0;
  for (const name of ['Id', 'ID', 'id']) {
    const found = fastSelect(`//*[@*[local-name(.)='${name}']='${id}']`, doc);
    if (!found) return undefined;
    holders += found.length;
    signed = (found[0] as unknown as XmlNode | undefined) ?? signed;
  }
  if (holders !== 1 || !signed) return undefined;
  const loadedValue = childElements(signature, undefined, 'SignatureValue')[0]?.textContent;
  const sigs = fastSelect(
    `.//*[local-name(.)='Signature' and namespace-uri(.)='http://www.w3.org/2000/09/xmldsig#']`,
    doc,
  );
  const loaded = sigs?.filter(
    (x) =>
      childElements(x as unknown as XmlElement, undefined, 'SignatureValue')[0]?.textContent === loadedValue,
  );
  const enveloped = loaded?.length === 1 ? (loaded[0] as unknown as XmlNode) : undefined;
  if (!loadedValue || !enveloped || enveloped.parentNode !== signed) return undefined;
  // The exclusive C14N of the signed element would take a prefix list from such a child.
  if (
    childElements(signed as XmlElement, undefined, 'CanonicalizationMethod').length ||
    prefixWithoutNamespace(signed)
  )
    return undefined;

  const signedXml = exclusiveC14n(signed as XmlElement, enveloped);
  const digest = crypto.createHash(digestHash).update(signedXml, 'utf8').digest('base64');
  if (digest !== dv.textContent) return undefined;
  const material = Buffer.from(canonicalSignedInfo, 'utf8');
  const value = Buffer.from(signatureValue.replace(/\r?\n/g, ''), 'base64');
  // Certificates in order, as verifyUncached tries them; one that is not an RSA key goes to xml-crypto.
  for (let i = 0; i < certsPem.length; i++) {
    const key = verificationKey(method, certsPem[i] as string);
    if (key?.asymmetricKeyType !== 'rsa') return undefined;
    if (crypto.verify(hash, material, key, value)) return { signedXml, certIndex: i };
  }
  return undefined;
}
