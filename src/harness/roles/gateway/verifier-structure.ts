/**
 * Stage 2 of the strict gateway: structure of the raw document, before any cryptography.
 * Only shapes, positions, counts and algorithm URIs are looked at here; no identity value is read.
 *
 * Long file: one stage, its checks read the same raw document walk; splitting would pass that walk around.
 */
import * as crypto from 'node:crypto';
import {
  ALG,
  NS,
  NODE_TYPES,
  childElements,
  decodeBase64Strict,
  descendantElements,
  textOf,
  walk,
  type SignatureCheck,
  type XmlDocument,
  type XmlElement,
  type XmlNode,
} from '../../xml';
import { attr, clip, isNcName, pathOf, type FindingCode, type Findings } from './verifier-findings';

export interface SigEntry {
  el: XmlElement;
  parent: XmlElement;
  on: 'response' | 'assertion';
  parentId: string;
  /** Passed every structural and algorithm rule, so it may go to cryptographic verification. */
  usable: boolean;
  /** X509Certificate texts found in KeyInfo (never trusted; compared with the metadata key only). */
  keyInfoCerts: string[];
  check?: SignatureCheck;
  /** For a signature the policy refused: whether it nonetheless verifies with a metadata key (report only). */
  keyVerifies?: boolean;
}

export interface Structure {
  root: XmlElement;
  /** saml:Assertion direct children of the Response. */
  assertions: XmlElement[];
  /** saml:Assertion / saml:EncryptedAssertion anywhere in the document. */
  assertionCount: number;
  encryptedAssertionCount: number;
  sigs: SigEntry[];
}

const SIG_ALLOWED = new Set<string>([
  ALG.rsaSha256,
  ALG.rsaSha384,
  ALG.rsaSha512,
  ALG.ecdsaSha256,
  ALG.ecdsaSha384,
  ALG.ecdsaSha512,
]);
const DIGEST_LENGTH: Record<string, number> = { [ALG.sha256]: 32, [ALG.sha384]: 48, [ALG.sha512]: 64 };
/** Digests of the empty octet string: the "void canonicalization" tell (CVE-2025-66568). */
const EMPTY_DIGESTS = new Set(
  ['sha1', 'sha256', 'sha384', 'sha512'].map((h) => crypto.createHash(h).update('').digest('base64')),
);
const C14N_ALLOWED = new Set<string>([ALG.excC14n, ALG.excC14nWithComments]);
const IDENTITY_VALUES = new Set(['NameID', 'Issuer', 'AttributeValue', 'Audience', 'AuthnContextClassRef']);
const ID_ATTRS = new Set(['ID', 'Id', 'id']);

function qname(e: XmlElement): string {
  if (e.namespaceURI === NS.ds) return `ds:${e.localName}`;
  if (e.namespaceURI === NS.saml) return `saml:${e.localName}`;
  if (e.namespaceURI === NS.samlp) return `samlp:${e.localName}`;
  return e.namespaceURI ? `{${e.namespaceURI}}${e.localName}` : (e.localName ?? e.nodeName);
}

function is(e: XmlNode | null | undefined, ns: string, local: string): boolean {
  return (
    !!e &&
    e.nodeType === NODE_TYPES.ELEMENT &&
    (e as XmlElement).namespaceURI === ns &&
    (e as XmlElement).localName === local
  );
}

function previousElement(e: XmlElement): XmlElement | undefined {
  for (let p = e.previousSibling; p; p = p.previousSibling) {
    if (p.nodeType === NODE_TYPES.ELEMENT) return p as XmlElement;
  }
  return undefined;
}

/**
 * Root, IDs, assertion count and positions, signature positions and the shape of each signature
 * (S-03, S-07, S-08, S-09, S-10, S-11, S-12, C-01, C-02, C-04, C-08, C-09, C-12, C-15).
 * Returns undefined when the root is not a samlp:Response (nothing else can be judged).
 */
export function inspectStructure(doc: XmlDocument, f: Findings): Structure | undefined {
  const root = doc.documentElement;
  if (!root) return undefined;
  if (!is(root, NS.samlp, 'Response')) {
    f.reject('S-03', 'the root element is not samlp:Response', {
      where: '/',
      expected: `{${NS.samlp}}Response`,
      actual: `{${root.namespaceURI ?? ''}}${root.localName}`,
    });
    return undefined;
  }
  if (attr(root, 'Version') !== '2.0') {
    f.reject('S-03', 'Response Version is not 2.0', {
      where: '/samlp:Response/@Version',
      expected: '2.0',
      actual: attr(root, 'Version') ?? '(absent)',
    });
  }
  const rootId = attr(root, 'ID');
  if (!rootId || !isNcName(rootId)) {
    f.reject('S-03', 'Response ID is missing or not an xs:ID', {
      where: '/samlp:Response/@ID',
      actual: rootId ?? '(absent)',
    });
  }
  if (attr(root, 'IssueInstant') === undefined) {
    f.reject('S-03', 'Response IssueInstant is missing', { where: '/samlp:Response/@IssueInstant' });
  }

  checkResponseContent(root, f);
  const all = descendantElements(root);

  // S-08: every ID-like attribute (ID, Id, id, in any namespace) is unique document-wide.
  const ids = new Map<string, number>();
  for (const e of all) {
    const attrs = e.attributes;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i];
      if (a && ID_ATTRS.has(a.localName ?? a.name)) ids.set(a.value, (ids.get(a.value) ?? 0) + 1);
    }
  }
  for (const [id, n] of ids) {
    if (n > 1)
      f.reject('S-08', `ID "${clip(id, 80)}" appears on ${n} elements`, {
        expected: 'unique IDs',
        actual: id,
      });
  }

  // S-07: exactly one Response and at most one (Encrypted)Assertion, directly under the Response.
  const responses = all.filter((e) => is(e, NS.samlp, 'Response'));
  if (responses.length > 1) {
    f.reject('S-07', `${responses.length} samlp:Response elements in the document`, {
      where: pathOf(responses[1] as XmlElement),
      expected: '1',
      actual: String(responses.length),
    });
  }
  const allAssertions = all.filter((e) => is(e, NS.saml, 'Assertion'));
  const allEncrypted = all.filter((e) => is(e, NS.saml, 'EncryptedAssertion'));
  const direct = childElements(root, NS.saml, 'Assertion');
  const total = allAssertions.length + allEncrypted.length;
  if (total > 1) {
    f.reject('S-07', `${total} assertions in the document; exactly one is allowed`, {
      expected: '1',
      actual: String(total),
    });
  }
  for (const a of [...allAssertions, ...allEncrypted]) {
    if (a.parentNode !== root) {
      f.reject('S-07', `${qname(a)} is not a direct child of the Response`, { where: pathOf(a) });
    }
  }

  // S-09: ds:Signature only directly under the Response or its (direct-child) Assertion, after Issuer.
  const allowedParents = new Set<XmlNode>([root, ...direct]);
  const sigs: SigEntry[] = [];
  const allowedSigs = new Set<XmlNode>();
  for (const sig of all.filter((e) => is(e, NS.ds, 'Signature'))) {
    const parent = sig.parentNode as XmlElement;
    const where = pathOf(sig);
    if (!allowedParents.has(parent)) {
      f.reject('S-09', 'ds:Signature outside the Response or Assertion it must be a direct child of', {
        where,
      });
      continue;
    }
    if (sigs.some((s) => s.parent === parent)) {
      f.reject('S-09', `more than one ds:Signature in ${qname(parent)}`, { where });
      continue;
    }
    if (!is(previousElement(sig), NS.saml, 'Issuer')) {
      f.reject('S-09', 'ds:Signature is not immediately after saml:Issuer (schema position)', { where });
    }
    allowedSigs.add(sig);
    const keyInfoCerts: string[] = [];
    const usable = checkSignatureShape(sig, parent, root, direct, f, keyInfoCerts);
    sigs.push({
      el: sig,
      parent,
      on: parent === root ? 'response' : 'assertion',
      parentId: attr(parent, 'ID') ?? '',
      usable,
      keyInfoCerts,
    });
  }

  // C-09: DSig material anywhere else (a planted DigestValue or Reference) is refused, not ignored.
  const encryptedContainers = new Set<XmlNode>(
    all.filter(
      (e) => e.namespaceURI === NS.saml && /^Encrypted(Assertion|ID|Attribute)$/.test(e.localName ?? ''),
    ),
  );
  for (const e of all) {
    if (e.namespaceURI !== NS.ds || is(e, NS.ds, 'Signature')) continue;
    let inside = false;
    for (let p = e.parentNode; p && p !== doc; p = p.parentNode) {
      if (allowedSigs.has(p) || encryptedContainers.has(p) || is(p, NS.ds, 'Signature')) {
        inside = true;
        break;
      }
    }
    if (!inside) f.reject('S-09', `ds:${e.localName} outside any ds:Signature`, { where: pathOf(e) });
  }

  // S-39: character data in a saml: or samlp: element whose schema content is element-only.
  for (const e of all) {
    const local = e.localName ?? '';
    const elementOnly =
      (e.namespaceURI === NS.saml && ELEMENT_ONLY.has(local)) ||
      (e.namespaceURI === NS.samlp && PROTOCOL_ELEMENT_ONLY.has(local));
    if (!elementOnly) continue;
    for (let c = e.firstChild; c; c = c.nextSibling) {
      if (c.nodeType !== NODE_TYPES.TEXT && c.nodeType !== NODE_TYPES.CDATA) continue;
      if ((c.nodeValue ?? '').trim() === '') continue;
      const prefix = e.namespaceURI === NS.samlp ? 'samlp' : 'saml';
      f.reject('S-39', `text inside ${prefix}:${local}, whose content is element-only`, {
        where: pathOf(e),
        actual: JSON.stringify((c.nodeValue ?? '').trim().slice(0, 40)),
      });
      break;
    }
  }

  // C-15: a comment inside an identity value splits it for first-text-node readers.
  for (const e of all) {
    if (e.namespaceURI !== NS.saml || !IDENTITY_VALUES.has(e.localName ?? '')) continue;
    let comment = false;
    for (let c = e.firstChild; c; c = c.nextSibling) if (c.nodeType === NODE_TYPES.COMMENT) comment = true;
    if (!comment) continue;
    f.reject('C-15', `comment inside saml:${e.localName} (value split for first-text-node readers)`, {
      where: pathOf(e),
    });
    if (e.localName === 'NameID') f.reject('S-21', 'NameID is not a single text node', { where: pathOf(e) });
  }

  return {
    root,
    assertions: direct,
    assertionCount: allAssertions.length,
    encryptedAssertionCount: allEncrypted.length,
    sigs,
  };
}

/** Schema order of samlp:Response children ([CORE] §3.2.2, §3.3.3); ds:Signature is judged by S-09. */
const RESPONSE_CHILD_RANK: Record<string, number> = {
  [`${NS.saml} Issuer`]: 0,
  [`${NS.ds} Signature`]: 1,
  [`${NS.samlp} Extensions`]: 2,
  [`${NS.samlp} Status`]: 3,
  [`${NS.saml} Assertion`]: 4,
  [`${NS.saml} EncryptedAssertion`]: 4,
};

/**
 * saml: elements whose content model in saml-schema-assertion-2.0 is element-only (no mixed content):
 * the Assertion and its structure. Elements with simple content (Issuer, NameID, Audience, …) and the
 * anyType ones (AttributeValue, SubjectConfirmationData, AuthnContextDecl) may hold text.
 */
const ELEMENT_ONLY = new Set([
  'Assertion',
  'Subject',
  'SubjectConfirmation',
  'Conditions',
  'AudienceRestriction',
  'ProxyRestriction',
  'Advice',
  'AuthnStatement',
  'AuthnContext',
  'AttributeStatement',
  'Attribute',
  'AuthzDecisionStatement',
  'Evidence',
]);

/**
 * samlp: elements of a Response's status whose content model in saml-schema-protocol-2.0 is element-only:
 * Status (StatusCode, StatusMessage?, StatusDetail?) and StatusCode (StatusCode?). StatusMessage is a
 * string and StatusDetail holds any content.
 */
const PROTOCOL_ELEMENT_ONLY = new Set(['Status', 'StatusCode']);

/**
 * S-03: the unsigned envelope is the part an attacker can edit freely, so its content model is strict:
 * no unknown or look-alike elements (a Signature in a near-miss namespace is not a signature), no text.
 */
function checkResponseContent(root: XmlElement, f: Findings): void {
  let last = -1;
  for (let c = root.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === NODE_TYPES.TEXT || c.nodeType === NODE_TYPES.CDATA) {
      if ((c.nodeValue ?? '').trim() !== '')
        f.reject('S-03', 'text inside samlp:Response', { where: '/samlp:Response/text()' });
      continue;
    }
    if (c.nodeType !== NODE_TYPES.ELEMENT) continue;
    const e = c as XmlElement;
    const rank = RESPONSE_CHILD_RANK[`${e.namespaceURI ?? ''} ${e.localName}`];
    if (rank === undefined) {
      f.reject('S-03', `unexpected element ${qname(e)} in samlp:Response`, {
        where: pathOf(e),
        actual: qname(e),
      });
      continue;
    }
    if (rank === 1) continue;
    if (rank < last || (rank === last && rank !== 4)) {
      f.reject('S-03', `${qname(e)} is out of schema order in samlp:Response`, { where: pathOf(e) });
    }
    last = Math.max(last, rank);
  }
}

/**
 * S-10/S-11/S-12 and the SP rows of section 2 for one ds:Signature. Relative lookups only (C-09).
 * True when the signature may be verified cryptographically.
 */
export function checkSignatureShape(
  sig: XmlElement,
  parent: XmlElement,
  root: XmlElement,
  assertions: XmlElement[],
  f: Findings,
  keyInfoCerts: string[],
): boolean {
  const where = pathOf(sig);
  let ok = true;
  const bad = (
    code: FindingCode,
    message: string,
    detail: { expected?: string; actual?: string } = {},
  ): void => {
    f.reject(code, message, { where, ...detail });
    ok = false;
  };

  const signedInfos = descendantElements(sig, NS.ds, 'SignedInfo');
  if (signedInfos.length !== 1)
    bad('C-01', `${signedInfos.length} ds:SignedInfo elements in one ds:Signature`);
  const kids = childElements(sig);
  const names = kids.map(qname);
  const shapeOk =
    names[0] === 'ds:SignedInfo' &&
    names[1] === 'ds:SignatureValue' &&
    (names.length === 2 || (names.length === 3 && names[2] === 'ds:KeyInfo'));
  if (!shapeOk) {
    bad('S-10', 'ds:Signature must hold exactly SignedInfo, SignatureValue and an optional KeyInfo', {
      expected: 'ds:SignedInfo, ds:SignatureValue[, ds:KeyInfo]',
      actual: names.join(', '),
    });
  }
  mixedText(sig, bad);
  const si = names[0] === 'ds:SignedInfo' ? kids[0] : undefined;
  if (!si) return false;

  // C-02: comments (or anything not an element or whitespace) inside SignedInfo.
  let commentInSignedInfo = false;
  walk(si, (n) => {
    if (n.nodeType === NODE_TYPES.COMMENT) commentInSignedInfo = true;
  });
  if (commentInSignedInfo) bad('C-02', 'comment inside ds:SignedInfo');

  const siNames = childElements(si).map(qname);
  const refs = childElements(si, NS.ds, 'Reference');
  if (refs.length !== 1)
    bad('S-10', `${refs.length} ds:Reference elements; exactly one is allowed`, {
      expected: '1',
      actual: String(refs.length),
    });
  if (
    siNames.join(',') !== 'ds:CanonicalizationMethod,ds:SignatureMethod,ds:Reference' &&
    refs.length === 1
  ) {
    bad('S-10', 'ds:SignedInfo children are not CanonicalizationMethod, SignatureMethod, Reference', {
      actual: siNames.join(', '),
    });
  }

  const cm = childElements(si, NS.ds, 'CanonicalizationMethod')[0];
  const cmAlg = attr(cm, 'Algorithm');
  if (!cmAlg || !C14N_ALLOWED.has(cmAlg)) {
    bad('S-11', 'CanonicalizationMethod is not exclusive c14n', {
      expected: ALG.excC14n,
      actual: cmAlg ?? '(absent)',
    });
  }
  if (cm) onlyInclusiveNamespaces(cm, bad);

  const sm = childElements(si, NS.ds, 'SignatureMethod')[0];
  const smAlg = attr(sm, 'Algorithm');
  if (smAlg === ALG.hmacSha1 || /hmac/i.test(smAlg ?? '')) {
    bad('S-12', 'HMAC SignatureMethod refused (key confusion)', {
      expected: 'rsa-sha256 or stronger',
      actual: smAlg,
    });
    bad('C-04', 'HMAC signature keyed with public material is refused', { actual: smAlg });
  } else if (!smAlg || !SIG_ALLOWED.has(smAlg)) {
    bad('S-12', 'SignatureMethod is not in the allowlist (rsa-sha256/384/512, ecdsa-sha256/384/512)', {
      expected: ALG.rsaSha256,
      actual: smAlg ?? '(absent)',
    });
  }
  if (sm && childElements(sm).length > 0)
    bad('S-12', 'SignatureMethod carries parameters (e.g. HMACOutputLength)');

  const ref = refs[0];
  if (ref) checkReference(ref, parent, root, assertions, f, bad);

  const sv = childElements(sig, NS.ds, 'SignatureValue')[0];
  if (sv) {
    const v = textOf(sv).replace(/\s+/g, '');
    if (childElements(sv).length > 0 || v === '' || !strictBase64(v))
      bad('S-10', 'SignatureValue is not strict base64');
  }

  const keyInfo = childElements(sig, NS.ds, 'KeyInfo')[0];
  if (keyInfo) {
    for (const x509 of childElements(keyInfo, NS.ds, 'X509Data')) {
      for (const c of childElements(x509, NS.ds, 'X509Certificate')) keyInfoCerts.push(textOf(c));
    }
  }
  return ok;
}

function checkReference(
  ref: XmlElement,
  parent: XmlElement,
  root: XmlElement,
  assertions: XmlElement[],
  f: Findings,
  bad: (code: FindingCode, message: string, detail?: { expected?: string; actual?: string }) => void,
): void {
  const parentId = attr(parent, 'ID');
  const uri = attr(ref, 'URI');
  const expected = `#${parentId ?? ''}`;
  if (uri === undefined || !parentId || uri !== expected) {
    bad('S-10', 'Reference URI does not name the element the signature is enveloped in', {
      expected,
      actual: uri === undefined ? '(absent)' : `"${uri}"`,
    });
    const target = uri?.startsWith('#') ? uri.slice(1) : undefined;
    if (parent === root && target && assertions.some((a) => attr(a, 'ID') === target)) {
      f.reject(
        'S-37',
        'the signature in the Response references the Assertion: an assertion signature placed wrongly',
        {
          where: pathOf(ref),
          actual: uri,
        },
      );
    }
  }

  const kids = childElements(ref);
  const names = kids.map(qname);
  const expectedNames =
    names[0] === 'ds:Transforms'
      ? ['ds:Transforms', 'ds:DigestMethod', 'ds:DigestValue']
      : ['ds:DigestMethod', 'ds:DigestValue'];
  if (names.join(',') !== expectedNames.join(',')) {
    bad('S-10', 'ds:Reference children are not [Transforms,] DigestMethod, DigestValue', {
      actual: names.join(', '),
    });
  }

  const transformsEl = childElements(ref, NS.ds, 'Transforms')[0];
  const transforms = transformsEl ? childElements(transformsEl) : [];
  const algs = transforms.map((t) =>
    is(t, NS.ds, 'Transform') ? (attr(t, 'Algorithm') ?? '(absent)') : qname(t),
  );
  if (transforms.length > 2) {
    bad('S-11', `${transforms.length} transforms; at most 2 are allowed`, {
      expected: '≤ 2',
      actual: String(transforms.length),
    });
    bad('C-08', 'transform chain longer than enveloped-signature + exc-c14n', {
      actual: algs.map((a) => clip(a, 80)).join(' | '),
    });
  }
  if (algs.join(' ') !== `${ALG.enveloped} ${ALG.excC14n}` && transforms.length <= 2) {
    bad('S-11', 'transforms must be exactly enveloped-signature then exc-c14n', {
      expected: `${ALG.enveloped}, ${ALG.excC14n}`,
      actual: algs.join(', ') || '(none)',
    });
  }
  for (const t of transforms) {
    const a = attr(t, 'Algorithm');
    if (a === ALG.excC14n) onlyInclusiveNamespaces(t, bad);
    else if (childElements(t).length > 0 || textOf(t).trim() !== '') {
      bad('S-11', 'a Transform carries content (XPath/XSLT bodies are refused)', { actual: a ?? '(absent)' });
    }
  }

  const dm = childElements(ref, NS.ds, 'DigestMethod')[0];
  const dmAlg = attr(dm, 'Algorithm');
  const len = dmAlg ? DIGEST_LENGTH[dmAlg] : undefined;
  if (len === undefined) {
    bad('S-12', 'DigestMethod is not sha256/384/512', { expected: ALG.sha256, actual: dmAlg ?? '(absent)' });
  }
  const dvs = childElements(ref, NS.ds, 'DigestValue');
  const dv = dvs[0];
  if (dv) {
    const v = textOf(dv).replace(/\s+/g, '');
    if (
      childElements(dv).length > 0 ||
      !strictBase64(v) ||
      (len !== undefined && Buffer.from(v, 'base64').length !== len)
    ) {
      bad('S-10', 'DigestValue is not a strict base64 digest of the declared length');
    }
    if (EMPTY_DIGESTS.has(v))
      bad('C-12', 'DigestValue is the digest of the empty string (void canonicalization)', { actual: v });
  }
}

/** exc-c14n parameters: only ec:InclusiveNamespaces with a PrefixList. */
function onlyInclusiveNamespaces(
  el: XmlElement,
  bad: (code: FindingCode, message: string, detail?: { expected?: string; actual?: string }) => void,
): void {
  for (const c of childElements(el)) {
    if (!is(c, NS.ec, 'InclusiveNamespaces') || childElements(c).length > 0) {
      bad('S-11', `unexpected ${qname(c)} inside ${qname(el)}`);
    }
  }
}

/** Non-whitespace text mixed with element children inside the Signature is not DSig syntax. */
function mixedText(sig: XmlElement, bad: (code: FindingCode, message: string) => void): void {
  let mixed = false;
  walk(sig, (n) => {
    if (n.nodeType !== NODE_TYPES.TEXT && n.nodeType !== NODE_TYPES.CDATA) return;
    const p = n.parentNode as XmlElement | null;
    if (p && childElements(p).length > 0 && (n.nodeValue ?? '').trim() !== '') mixed = true;
  });
  if (mixed) bad('S-10', 'text mixed with elements inside ds:Signature');
}

function strictBase64(v: string): boolean {
  try {
    decodeBase64Strict(v);
    return true;
  } catch {
    return false;
  }
}
