/**
 * Hostile Response builders for the verifier tests: XML Signature Wrapping (SAML Raider's XSW1-8 and
 * the "On Breaking SAML" variants), CVE regressions and classic XML attacks, each derived from a good
 * signed Response by one named mutation. Built through the harness XML layer (no direct xmldom).
 */
import * as crypto from 'node:crypto';
import {
  ALG,
  NS,
  childElements,
  descendantElements,
  parseXml,
  resignSignature,
  selectOne,
  serialize,
  type XmlDocument,
  type XmlElement,
} from '../../src/harness/xml';
import { EVIL, KEYS } from './responses';

/** Parses, lets `fn` edit the DOM, serializes. */
export function edit(xml: string, fn: (doc: XmlDocument, root: XmlElement) => void): string {
  const doc = parseXml(xml);
  fn(doc, doc.documentElement as XmlElement);
  return serialize(doc);
}

export function assertionOf(root: XmlElement): XmlElement {
  const a = childElements(root, NS.saml, 'Assertion')[0];
  if (!a) throw new Error('fixture has no Assertion');
  return a;
}

export function signatureOf(el: XmlElement): XmlElement {
  const s = childElements(el, NS.ds, 'Signature')[0];
  if (!s) throw new Error(`fixture: ${el.nodeName} has no ds:Signature`);
  return s;
}

export function nameIdOf(assertion: XmlElement): XmlElement {
  const n = selectOne('saml:Subject/saml:NameID', assertion);
  if (!n) throw new Error('fixture has no NameID');
  return n;
}

export function issuerOf(el: XmlElement): XmlElement {
  const i = childElements(el, NS.saml, 'Issuer')[0];
  if (!i) throw new Error('fixture has no Issuer');
  return i;
}

export function setText(el: XmlElement, text: string): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  el.appendChild((el.ownerDocument as XmlDocument).createTextNode(text));
}

/** Removes the ds:Signature children of `el` (not deeper ones). */
export function removeSignatures(el: XmlElement): void {
  for (const s of childElements(el, NS.ds, 'Signature')) el.removeChild(s);
}

function deepClone(el: XmlElement): XmlElement {
  return el.cloneNode(true) as XmlElement;
}

function evilCopy(a: XmlElement, id?: string): XmlElement {
  const copy = deepClone(a);
  removeSignatures(copy);
  if (id) copy.setAttribute('ID', id);
  setText(nameIdOf(copy), EVIL);
  return copy;
}

function insertAfter(parent: XmlElement, node: XmlElement, ref: XmlElement): void {
  parent.insertBefore(node, ref.nextSibling);
}

// ---- Section 1.1: the eight SAML Raider variants -------------------------------------------------

/** XSW1: evil Response (new ID); the original signed Response, its signature removed, is the last child of ds:Signature. */
export function xsw1(signedResponse: string): string {
  return edit(signedResponse, (_doc, root) => {
    const original = deepClone(root);
    removeSignatures(original);
    root.setAttribute('ID', '_evil_response_ID');
    setText(nameIdOf(assertionOf(root)), EVIL);
    signatureOf(root).appendChild(original);
  });
}

/** XSW2: as XSW1, but the original Response is inserted just before ds:Signature. */
export function xsw2(signedResponse: string): string {
  return edit(signedResponse, (_doc, root) => {
    const original = deepClone(root);
    removeSignatures(original);
    root.setAttribute('ID', '_evil_response_ID');
    setText(nameIdOf(assertionOf(root)), EVIL);
    root.insertBefore(original, signatureOf(root));
  });
}

/** XSW3: an evil Assertion (new ID, no signature) before the signed one. */
export function xsw3(signedAssertion: string): string {
  return edit(signedAssertion, (_doc, root) => {
    const a = assertionOf(root);
    root.insertBefore(evilCopy(a, '_evil_assertion_ID'), a);
  });
}

/** XSW4: an evil Assertion appended; the original signed Assertion moved inside it. */
export function xsw4(signedAssertion: string): string {
  return edit(signedAssertion, (_doc, root) => {
    const a = assertionOf(root);
    const evil = evilCopy(a, '_evil_assertion_ID');
    root.removeChild(a);
    evil.appendChild(a);
    root.appendChild(evil);
  });
}

/** XSW5: the signed Assertion edited in place (new ID, keeps its Signature); a pristine copy without signature appended. */
export function xsw5(signedAssertion: string): string {
  return edit(signedAssertion, (_doc, root) => {
    const a = assertionOf(root);
    const pristine = deepClone(a);
    removeSignatures(pristine);
    a.setAttribute('ID', '_evil_assertion_ID');
    setText(nameIdOf(a), EVIL);
    root.appendChild(pristine);
  });
}

/** XSW6: as XSW5, but the pristine copy goes inside the evil Assertion's ds:Signature. */
export function xsw6(signedAssertion: string): string {
  return edit(signedAssertion, (_doc, root) => {
    const a = assertionOf(root);
    const pristine = deepClone(a);
    removeSignatures(pristine);
    a.setAttribute('ID', '_evil_assertion_ID');
    setText(nameIdOf(a), EVIL);
    signatureOf(a).appendChild(pristine);
  });
}

/** XSW7: an Extensions element (namespaced samlp:Extensions or SAML Raider's bare one) holding an evil copy with the SAME ID. */
export function xsw7(signedAssertion: string, namespaced: boolean): string {
  return edit(signedAssertion, (doc, root) => {
    const a = assertionOf(root);
    const ext = namespaced
      ? doc.createElementNS(NS.samlp, 'samlp:Extensions')
      : doc.createElement('Extensions');
    ext.appendChild(evilCopy(a));
    insertAfter(root, ext, issuerOf(root));
  });
}

/** XSW8: the signed Assertion edited in place (same ID); a pristine copy inside an Object (ds:Object or bare) in its Signature. */
export function xsw8(signedAssertion: string, namespaced: boolean): string {
  return edit(signedAssertion, (doc, root) => {
    const a = assertionOf(root);
    const pristine = deepClone(a);
    removeSignatures(pristine);
    setText(nameIdOf(a), EVIL);
    const obj = namespaced ? doc.createElementNS(NS.ds, 'ds:Object') : doc.createElement('Object');
    obj.appendChild(pristine);
    signatureOf(a).appendChild(obj);
  });
}

// ---- Section 1.2 ----------------------------------------------------------------------------------

/** X-09 signature exclusion: every ds:Signature removed. */
export function stripSignatures(xml: string): string {
  return edit(xml, (_doc, root) => {
    removeSignatures(root);
    for (const a of childElements(root, NS.saml, 'Assertion')) removeSignatures(a);
  });
}

/** the original signed Assertion hidden in samlp:Extensions; an evil one with the same ID in the normal place. */
export function duplicateIdInExtensions(signedAssertion: string): string {
  return edit(signedAssertion, (doc, root) => {
    const a = assertionOf(root);
    const evil = evilCopy(a);
    root.replaceChild(evil, a);
    const ext = doc.createElementNS(NS.samlp, 'samlp:Extensions');
    ext.appendChild(a);
    insertAfter(root, ext, issuerOf(root));
  });
}

/** a second, unsigned, evil Assertion appended after (or prepended before) the signed one. */
export function secondAssertion(signedAssertion: string, where: 'append' | 'prepend'): string {
  return edit(signedAssertion, (_doc, root) => {
    const a = assertionOf(root);
    const evil = evilCopy(a, '_evil_assertion_2');
    if (where === 'append') root.appendChild(evil);
    else root.insertBefore(evil, a);
  });
}

// ---- Section 2: CVE regressions -------------------------------------------------------------------

/** Index of the Assertion's signature among all ds:Signature elements in document order. */
export function assertionSignatureIndex(xml: string): number {
  const root = parseXml(xml).documentElement as XmlElement;
  const a = assertionOf(root);
  return descendantElements(root, NS.ds, 'Signature').findIndex((s) => s.parentNode === a);
}

/** C-01: a second ds:SignedInfo (evil digest) next to the genuine one. */
export function twoSignedInfo(signedAssertion: string): string {
  return edit(signedAssertion, (_doc, root) => {
    const sig = signatureOf(assertionOf(root));
    const si = childElements(sig, NS.ds, 'SignedInfo')[0] as XmlElement;
    const copy = deepClone(si);
    setText(
      selectOne('ds:Reference/ds:DigestValue', copy) as XmlElement,
      Buffer.alloc(32, 7).toString('base64'),
    );
    insertAfter(sig, copy, si);
  });
}

/** C-01: the evil SignedInfo wrapped in a foreign element inside the Signature (GHSA-9p8x-f768-wp2g). */
export function wrappedSignedInfo(signedAssertion: string): string {
  return edit(signedAssertion, (doc, root) => {
    const sig = signatureOf(assertionOf(root));
    const si = childElements(sig, NS.ds, 'SignedInfo')[0] as XmlElement;
    const wrapper = doc.createElementNS('urn:evil', 'evil:WRAPPER');
    wrapper.appendChild(deepClone(si));
    sig.appendChild(wrapper);
  });
}

/** C-19 (CVE-2019-3465): original SignedInfo + SignatureValue plus the attacker's own SignedInfo, evil NameID. */
export function attackerSignedInfo(signedAssertion: string, attackerSigned: string): string {
  const attackerSi = childElements(
    signatureOf(assertionOf(parseXml(attackerSigned).documentElement as XmlElement)),
    NS.ds,
    'SignedInfo',
  )[0] as XmlElement;
  return edit(signedAssertion, (_doc, root) => {
    const a = assertionOf(root);
    setText(nameIdOf(a), EVIL);
    signatureOf(a).appendChild(deepClone(attackerSi));
  });
}

/** C-02: `<DigestValue><!--genuine-->EVIL</DigestValue>`. */
export function digestValueComment(signedAssertion: string): string {
  return edit(signedAssertion, (doc, root) => {
    const a = assertionOf(root);
    const dv = selectOne('ds:SignedInfo/ds:Reference/ds:DigestValue', signatureOf(a)) as XmlElement;
    const genuine = dv.textContent ?? '';
    setText(nameIdOf(a), EVIL);
    while (dv.firstChild) dv.removeChild(dv.firstChild);
    dv.appendChild(doc.createComment(genuine));
    dv.appendChild(doc.createTextNode(crypto.createHash('sha256').update('evil').digest('base64')));
  });
}

/** C-04: SignatureMethod hmac-sha1 keyed with the IdP's public certificate (the key-confusion attack). */
export function hmacWithPublicCert(signed: string, signatureIndex = 0): string {
  return resignSignature(signed, {
    signatureIndex,
    hmacKey: Buffer.from(KEYS.idp.cert, 'utf8'),
    signatureAlgorithm: ALG.hmacSha1,
  });
}

/** C-09: evil NameID and a planted ds:DigestValue (the evil digest) in samlp:StatusDetail; SignedInfo untouched. */
export function plantedDigestValue(signedAssertion: string): string {
  return edit(signedAssertion, (doc, root) => {
    setText(nameIdOf(assertionOf(root)), EVIL);
    const status = childElements(root, NS.samlp, 'Status')[0] as XmlElement;
    const detail = doc.createElementNS(NS.samlp, 'samlp:StatusDetail');
    const dv = doc.createElementNS(NS.ds, 'ds:DigestValue');
    dv.appendChild(doc.createTextNode(crypto.createHash('sha256').update('evil').digest('base64')));
    detail.appendChild(dv);
    status.appendChild(detail);
  });
}

/** C-11: a copy of the assertion's ds:Signature placed in samlp:StatusDetail (namespaced or bare, un-namespaced). */
export function signatureInStatusDetail(signedAssertion: string, namespaced: boolean): string {
  if (!namespaced) {
    // Without a DTD the bare element carries no namespace at all: write it as text.
    const copy =
      '<Signature><SignedInfo><Reference URI="#x"><DigestValue>AAAA</DigestValue></Reference></SignedInfo></Signature>';
    return signedAssertion.replace(
      '</samlp:StatusCode>',
      `</samlp:StatusCode><samlp:StatusDetail>${copy}</samlp:StatusDetail>`,
    );
  }
  return edit(signedAssertion, (doc, root) => {
    const status = childElements(root, NS.samlp, 'Status')[0] as XmlElement;
    const detail = doc.createElementNS(NS.samlp, 'samlp:StatusDetail');
    detail.appendChild(deepClone(signatureOf(assertionOf(root))));
    status.appendChild(detail);
  });
}

/** C-12 "void canonicalization": a namespace URI libxml2 cannot canonicalize, and the DigestValue of "" (re-signed). */
export function voidCanonicalization(signedAssertion: string): string {
  const marked = edit(signedAssertion, (_doc, root) => {
    assertionOf(root).setAttributeNS(
      'http://www.w3.org/2000/xmlns/',
      'xmlns:example',
      'http://example.com\u0080',
    );
  });
  const empty = crypto.createHash('sha256').update('').digest('base64');
  return resignSignature(marked, {
    signatureIndex: assertionSignatureIndex(marked),
    privateKeyPem: KEYS.idp.key,
    edit: (si) => setText(selectOne('ds:Reference/ds:DigestValue', si) as XmlElement, empty),
  });
}

/** C-15 (Duo): `<NameID>admin@acme.test<!---->.evil.com</NameID>` on a NameID the IdP signed as admin@acme.test.evil.com. */
export function commentSplitNameId(signedAssertion: string, head: string): string {
  return edit(signedAssertion, (doc, root) => {
    const n = nameIdOf(assertionOf(root));
    const full = n.textContent ?? '';
    if (!full.startsWith(head)) throw new Error('fixture: NameID does not start with the head');
    while (n.firstChild) n.removeChild(n.firstChild);
    n.appendChild(doc.createTextNode(head));
    n.appendChild(doc.createComment(''));
    n.appendChild(doc.createTextNode(full.slice(head.length)));
  });
}

/** Replaces the Algorithm of the first Transform, DigestMethod or CanonicalizationMethod in SignedInfo and re-signs. */
export function resignAssertionSignature(signed: string, change: (signedInfo: XmlElement) => void): string {
  return resignSignature(signed, {
    signatureIndex: assertionSignatureIndex(signed),
    privateKeyPem: KEYS.idp.key,
    edit: change,
  });
}

/** C-22: an unsigned Response carrying an EncryptedAssertion (any principal, no signature anywhere). */
export function encryptedAssertionXml(): string {
  return (
    `<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="${NS.xenc}" Type="http://www.w3.org/2001/04/xmlenc#Element">` +
    `<xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>` +
    `<xenc:CipherData><xenc:CipherValue>${Buffer.alloc(48, 1).toString('base64')}</xenc:CipherValue></xenc:CipherData>` +
    `</xenc:EncryptedData></saml:EncryptedAssertion>`
  );
}
