/**
 * Named edits of an AuthnRequest the harness built (signed or not): the "altered after signing", the
 * wrapped-request evil content and the signature-placement variants. A spec names an edit, it never edits
 * XML itself. The edits work on the DOM (through the xml/ façade), so each one touches exactly the
 * attribute or element it names; applyRequestEdit throws a HarnessError when the target is missing or
 * the edit changes nothing, since the negative variant would then send the valid request and pass
 * without having tested anything.
 */
import { NS, childElements, parseXml, serialize, type XmlDocument, type XmlElement } from '../xml';
import { HarnessError } from '../types';
import { newId } from './authn-request';

export interface RequestEdit {
  /** What the edit does, for the error when it changes nothing. */
  readonly what: string;
  /** Edits the request in place; false when what it edits is not there. */
  readonly apply: (root: XmlElement, doc: XmlDocument) => boolean;
}

const edit = (what: string, apply: (root: XmlElement, doc: XmlDocument) => boolean): RequestEdit => ({
  what,
  apply,
});

/** An attribute of `el` replaced by a function of its old value; false when the attribute is absent. */
function setAttr(el: XmlElement | undefined, name: string, value: (old: string) => string): boolean {
  if (!el?.hasAttribute(name)) return false;
  el.setAttribute(name, value(el.getAttribute(name) ?? ''));
  return true;
}

const child = (root: XmlElement, ns: string, name: string) => childElements(root, ns, name)[0];

/** A root attribute replaced by a function of its old value. */
const rootAttr = (name: string, what: string, value: (old: string) => string) =>
  edit(what, (root) => setAttr(root, name, value));

export const requestEdits = {
  /** The ACS URL with an `x` appended. */
  acsUrlAltered: rootAttr('AssertionConsumerServiceURL', 'ACS URL with x appended', (u) => `${u}x`),
  /** IsPassive="true" turned into "false". */
  isPassiveCleared: edit('IsPassive true → false', (root) =>
    root.getAttribute('IsPassive') === 'true' ? setAttr(root, 'IsPassive', () => 'false') : false,
  ),
  /** The NameIDPolicy Format replaced by `format`. */
  nameIdPolicyFormat: (format: string) =>
    edit(`NameIDPolicy Format ${format}`, (root) =>
      setAttr(child(root, NS.samlp, 'NameIDPolicy'), 'Format', () => format),
    ),
  /** The Issuer's text with `-evil` appended (another entity). */
  issuerAltered: edit('Issuer with -evil appended', (root, doc) => {
    const issuer = child(root, NS.saml, 'Issuer');
    if (!issuer) return false;
    const text = issuer.textContent ?? '';
    while (issuer.firstChild) issuer.removeChild(issuer.firstChild);
    issuer.appendChild(doc.createTextNode(`${text}-evil`));
    return true;
  }),
  /** The Destination with a query `?x=1` appended. */
  destinationAltered: rootAttr('Destination', 'Destination with ?x=1 appended', (d) => `${d}?x=1`),
  /** A fresh root ID. */
  newRootId: rootAttr('ID', 'a fresh root ID', () => newId()),
  /** A ProviderName the signer never wrote (a requester name an IdP may show the user). */
  providerNameTampered: edit('ProviderName "tampered" on the root', (root) => {
    root.setAttribute('ProviderName', 'tampered');
    return true;
  }),
  /** An ID on the Issuer, so a signature can reference the Issuer instead of the root. */
  issuerId: (id: string) =>
    edit(`ID ${id} on the Issuer`, (root) => {
      const issuer = child(root, NS.saml, 'Issuer');
      if (!issuer) return false;
      issuer.setAttribute('ID', id);
      return true;
    }),
  /** A comment as the first child of ds:SignedInfo (excluded by canonicalization: the signature still verifies). */
  commentInSignedInfo: edit('a comment first in ds:SignedInfo', (root, doc) => {
    const sig = child(root, NS.ds, 'Signature');
    const signedInfo = sig && child(sig, NS.ds, 'SignedInfo');
    if (!signedInfo) return false;
    signedInfo.insertBefore(doc.createComment(' note '), signedInfo.firstChild);
    return true;
  }),
  /** The root's ds:Signature moved to the end of samlp:Extensions (a signature not under the root). */
  signatureIntoExtensions: edit('ds:Signature moved into samlp:Extensions', (root) => {
    const sig = child(root, NS.ds, 'Signature');
    const ext = child(root, NS.samlp, 'Extensions');
    if (!sig || !ext) return false;
    ext.appendChild(root.removeChild(sig));
    return true;
  }),
} as const;

/** The edit as a function of the request XML (for afterSigning, xml, or wrapRequest), with the guard. */
export function editRequest(e: RequestEdit): (xml: string) => string {
  return (xml) => applyRequestEdit(xml, e);
}

/** The request XML after `e`; a HarnessError when the edit found nothing to edit or changed nothing. */
export function applyRequestEdit(xml: string, e: RequestEdit): string {
  const fail = (why: string) =>
    new HarnessError(
      'ERR_INTERNAL',
      `the request edit "${e.what}" ${why}: the request would be the valid one`,
      'fix the edit in src/harness/messages/request-edits.ts to match the AuthnRequest the harness builds',
    );
  const doc = parseXml(xml);
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== NS.samlp || root.localName !== 'AuthnRequest') {
    throw fail('found no samlp:AuthnRequest root');
  }
  const before = serialize(doc);
  if (!e.apply(root, doc)) throw fail('found nothing to edit');
  const out = serialize(doc);
  if (out === before) throw fail('changed nothing');
  return out;
}
