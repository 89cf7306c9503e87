import { NS, resignSignature, type XmlElement } from '../xml';
import type { SigningKey } from './bindings';

/**
 * A signed request whose ds:Signature is not schema-valid XML Signature (W3C XMLDSig §4: Signature is
 * SignedInfo, SignatureValue, KeyInfo?, Object*; SignedInfo has one CanonicalizationMethod, one
 * SignatureMethod and one or more References; a Reference has one DigestMethod) or has a second
 * Reference — yet a SignatureValue that verifies: each edit is made to the signed request, then
 * SignedInfo is signed again with the same key, so only the structure can make a verifier refuse it.
 */
export type SignatureStructureEdit =
  | 'keyinfo-before-signedinfo'
  | 'two-canonicalization-methods'
  | 'two-signature-methods'
  | 'two-digest-methods'
  | 'two-references';

function child(parent: XmlElement, local: string): XmlElement {
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as XmlElement).namespaceURI === NS.ds && (n as XmlElement).localName === local)
      return n as XmlElement;
  }
  throw new Error(`signature-structure: no ds:${local}`);
}

/** Duplicates `el` right after itself. */
function duplicate(el: XmlElement): void {
  el.parentNode?.insertBefore(el.cloneNode(true), el.nextSibling);
}

const EDITS: Record<SignatureStructureEdit, (si: XmlElement, sig: XmlElement) => void> = {
  'keyinfo-before-signedinfo': (si, sig) => {
    sig.insertBefore(child(sig, 'KeyInfo'), si);
  },
  'two-canonicalization-methods': (si) => duplicate(child(si, 'CanonicalizationMethod')),
  'two-signature-methods': (si) => duplicate(child(si, 'SignatureMethod')),
  'two-digest-methods': (si) => duplicate(child(child(si, 'Reference'), 'DigestMethod')),
  'two-references': (si) => duplicate(child(si, 'Reference')),
};

/** The signed request with `edit` made to its (first) ds:Signature, SignedInfo signed again with `key`. */
export function editSignatureStructure(
  edit: SignatureStructureEdit,
  key: SigningKey,
): (signed: string) => string {
  return (signed) => resignSignature(signed, { privateKeyPem: key.keyPem, edit: EDITS[edit] });
}
