/**
 * XML signatures through xml-crypto 6, and certificate helpers through node:crypto.
 *
 * xml-crypto re-parses strings with its own bundled @xmldom/xmldom 0.8. Callers pre-validate the exact
 * same string with parseXml (0.9, strict) and hand that string to verifyEnveloped: both parsers then
 * see the same bytes. Trust comes only from the certificates passed in; KeyInfo is never consulted
 * (getCertFromKeyInfo stays xml-crypto's default noop, CVE-2024-32962).
 */
import * as crypto from 'node:crypto';
import {
  ExclusiveCanonicalization,
  ExclusiveCanonicalizationWithComments,
  SignedXml,
  type GetKeyInfoContentArgs,
  type HashAlgorithm,
  type SignatureAlgorithm,
} from 'xml-crypto';
import { ALG, NS, XmlRejected, type XmlElement, type XmlNode } from './constants';
import { decodeBase64Strict } from './codec';
import { childElements, descendantElements, parseXml, serialize } from './parse';
import { withFastXPath } from './fast-xpath';
import { fastVerify } from './dsig-fast';
import { fastSignEnveloped } from './dsig-sign-fast';
import { DIGEST_ALGS, SIG_ALGS, type SignOptions } from './sign-options';
import { certificateOf, privateKeyOf, publicKeyOf, verificationKey } from './keys';

export type { SignOptions } from './sign-options';

export interface SignatureCheck {
  valid: boolean;
  /** Canonical XML of the referenced element, only when valid. */
  signedXml?: string;
  referenceUri?: string;
  signatureAlgorithm?: string;
  digestAlgorithm?: string;
  canonicalization?: string;
  transforms: string[];
  error?: string;
  /** Index in certsPem of the certificate that verified. */
  certIndex?: number;
}

/** node:crypto hash name of each signature algorithm URI this layer can compute. */
const SIG_HASH: Record<string, string> = {
  [ALG.rsaSha1]: 'sha1',
  [ALG.rsaSha256]: 'sha256',
  [ALG.rsaSha384]: 'sha384',
  [ALG.rsaSha512]: 'sha512',
  [ALG.ecdsaSha256]: 'sha256',
  [ALG.ecdsaSha384]: 'sha384',
  [ALG.ecdsaSha512]: 'sha512',
  [ALG.hmacSha1]: 'sha1',
};

class Sha384 {
  getAlgorithmName(): string {
    return ALG.sha384;
  }
  getHash(xml: string): string {
    return crypto.createHash('sha384').update(xml, 'utf8').digest('base64');
  }
}

/** A signature algorithm xml-crypto 6.3 lacks (rsa-sha384, ecdsa-*): XML DSig ECDSA values are r||s. */
function algorithmClass(uri: string, hash: string, ec: boolean): new () => SignatureAlgorithm {
  return class {
    getAlgorithmName(): string {
      return uri;
    }
    getSignature(signedInfo: crypto.BinaryLike, privateKey: crypto.KeyLike): string {
      const key = privateKeyOf(privateKey);
      const data = Buffer.from(String(signedInfo), 'utf8');
      return crypto.sign(hash, data, ec ? { key, dsaEncoding: 'ieee-p1363' } : key).toString('base64');
    }
    verifySignature(material: string, publicKey: crypto.KeyLike, signatureValue: string): boolean {
      const key = publicKeyOf(publicKey);
      const data = Buffer.from(material, 'utf8');
      const sig = Buffer.from(signatureValue, 'base64');
      return crypto.verify(hash, data, ec ? { key, dsaEncoding: 'ieee-p1363' } : key, sig);
    }
  } as unknown as new () => SignatureAlgorithm;
}

/** xml-crypto's algorithm tables live on the instance; add SHA-384 and ECDSA. Policy is the caller's. */
function addAlgorithms(sx: SignedXml): void {
  sx.HashAlgorithms[ALG.sha384] = Sha384 as unknown as new () => HashAlgorithm;
  sx.SignatureAlgorithms[ALG.rsaSha384] = algorithmClass(ALG.rsaSha384, 'sha384', false);
  sx.SignatureAlgorithms[ALG.ecdsaSha256] = algorithmClass(ALG.ecdsaSha256, 'sha256', true);
  sx.SignatureAlgorithms[ALG.ecdsaSha384] = algorithmClass(ALG.ecdsaSha384, 'sha384', true);
  sx.SignatureAlgorithms[ALG.ecdsaSha512] = algorithmClass(ALG.ecdsaSha512, 'sha512', true);
}

function asDomNode(node: XmlNode): Node {
  return node as unknown as Node;
}

/** xml-crypto's KeyInfo content (it parses the certificate on every signature), kept per certificate and prefix. */
const keyInfos = new Map<string, string | null>();
function keyInfoContent(args?: GetKeyInfoContentArgs): string | null {
  if (!args) return null;
  if (typeof args.publicCert !== 'string') return SignedXml.getKeyInfoContent(args);
  const k = `${args.prefix ?? ''}\0${args.publicCert}`;
  let v = keyInfos.get(k);
  if (v === undefined) {
    v = SignedXml.getKeyInfoContent(args);
    if (keyInfos.size < 64) keyInfos.set(k, v);
  }
  return v;
}

function idXPath(id: string): string {
  if (/['"]/.test(id)) throw new Error(`signEnveloped: referenceId must not contain quotes: ${id}`);
  return `//*[@ID='${id}' or @Id='${id}' or @id='${id}']`;
}

/**
 * Signs the element with ID `referenceId` with an enveloped signature (prefix ds), explicit algorithms
 * (xml-crypto has no defaults), placed after `placeAfter` (default: the element's Issuer child).
 */
export function signEnveloped(xml: string, opts: SignOptions): string {
  // The default signature (the one on almost every request): built the way xml-crypto builds it, faster.
  const fast = fastSignEnveloped(xml, opts, {
    signatureAlgorithm: SIG_ALGS[opts.signatureAlgorithm ?? 'rsa-sha256'],
    digestAlgorithm: DIGEST_ALGS[opts.digestAlgorithm ?? 'sha256'],
    keyInfoContent: () => keyInfoContent({ publicCert: opts.certPem, prefix: 'ds' }),
  });
  return fast ?? signWithXmlCrypto(xml, opts);
}

/** signEnveloped by xml-crypto itself (exported for the shortcut's test). */
export function signWithXmlCrypto(xml: string, opts: SignOptions): string {
  const target = idXPath(opts.referenceId);
  const signatureAlgorithm = SIG_ALGS[opts.signatureAlgorithm ?? 'rsa-sha256'];
  const digestAlgorithm = DIGEST_ALGS[opts.digestAlgorithm ?? 'sha256'];
  const sign = (location: { reference: string; action: 'after' | 'prepend' }): string => {
    const sx = new SignedXml({
      privateKey: privateKeyOf(opts.privateKeyPem),
      publicCert: opts.certPem,
      getKeyInfoContent: keyInfoContent,
      signatureAlgorithm,
      canonicalizationAlgorithm: opts.canonicalization ?? ALG.excC14n,
    });
    addAlgorithms(sx);
    sx.addReference({
      xpath: target,
      transforms: opts.transforms ?? [ALG.enveloped, ALG.excC14n],
      digestAlgorithm,
      isEmptyUri: opts.referenceUri === '',
    });
    withFastXPath(() => sx.computeSignature(xml, { prefix: 'ds', location }));
    return sx.getSignedXml();
  };
  // The input is the harness's own XML (possibly deliberately hostile), so xml-crypto parses it, not
  // the strict parser: a fixture may carry what parseXml refuses.
  let signed: string;
  if (opts.placeAfter) signed = sign({ reference: opts.placeAfter, action: 'after' });
  else {
    try {
      signed = sign({ reference: `${target}/*[local-name()='Issuer']`, action: 'after' });
    } catch (e) {
      if (!/cannot be used because it was not found/.test(String(e))) throw e;
      signed = sign({ reference: target, action: 'prepend' });
    }
  }
  if (opts.referenceUri === undefined || opts.referenceUri === '') return signed;
  // xml-crypto always writes "#ID"; rewrite the URI inside SignedInfo, then sign SignedInfo again.
  const signedDoc = parseXml(signed);
  const sigs = descendantElements(signedDoc, NS.ds, 'Signature');
  const sigIndex = sigs.findIndex((s) =>
    descendantElements(s, NS.ds, 'Reference').some((r) => r.getAttribute('URI') === `#${opts.referenceId}`),
  );
  return resignSignature(signed, {
    signatureIndex: sigIndex,
    privateKeyPem: opts.privateKeyPem,
    edit: (si) => {
      for (const r of childElements(si, NS.ds, 'Reference'))
        r.setAttribute('URI', opts.referenceUri as string);
    },
  });
}

export interface ResignOptions {
  /** Which ds:Signature in document order (default 0). */
  signatureIndex?: number;
  privateKeyPem?: string;
  /** HMAC key (for hostile HMAC key-confusion fixtures: the victim's public certificate bytes). */
  hmacKey?: Buffer;
  /** New SignatureMethod Algorithm; default: keep the current one. */
  signatureAlgorithm?: string;
  /** Edits SignedInfo (URIs, digests, algorithms…) before it is signed again. */
  edit?: (signedInfo: XmlElement, signature: XmlElement) => void;
}

/**
 * Recomputes SignatureValue over the (edited) SignedInfo of one ds:Signature. Used to build hostile
 * fixtures that carry a correct SignatureValue over a SignedInfo the policy must still refuse.
 */
export function resignSignature(xml: string, opts: ResignOptions): string {
  const doc = parseXml(xml);
  const sig = descendantElements(doc, NS.ds, 'Signature')[opts.signatureIndex ?? 0];
  if (!sig) throw new Error('resignSignature: no such ds:Signature');
  const si = childElements(sig, NS.ds, 'SignedInfo')[0];
  if (!si) throw new Error('resignSignature: no SignedInfo');
  if (opts.edit) opts.edit(si, sig);
  const method = childElements(si, NS.ds, 'SignatureMethod')[0];
  if (opts.signatureAlgorithm && method) method.setAttribute('Algorithm', opts.signatureAlgorithm);
  const alg = method?.getAttribute('Algorithm') ?? ALG.rsaSha256;
  const cm = childElements(si, NS.ds, 'CanonicalizationMethod')[0]?.getAttribute('Algorithm');
  const Canon =
    cm === ALG.excC14nWithComments ? ExclusiveCanonicalizationWithComments : ExclusiveCanonicalization;
  // Same steps as xml-crypto's verifier: canonicalize a detached deep clone of SignedInfo.
  const canon = new Canon().process(asDomNode(si.cloneNode(true)) as Element, {
    defaultNsForPrefix: { ds: NS.ds },
    ancestorNamespaces: [],
  }) as string;
  const hash = SIG_HASH[alg] ?? 'sha256';
  let value: string;
  if (opts.hmacKey) value = crypto.createHmac(hash, opts.hmacKey).update(canon, 'utf8').digest('base64');
  else {
    if (!opts.privateKeyPem) throw new Error('resignSignature: privateKeyPem or hmacKey required');
    const ec = alg.includes('ecdsa');
    value = crypto
      .sign(
        hash,
        Buffer.from(canon, 'utf8'),
        ec
          ? { key: privateKeyOf(opts.privateKeyPem), dsaEncoding: 'ieee-p1363' }
          : privateKeyOf(opts.privateKeyPem),
      )
      .toString('base64');
  }
  const sv = childElements(sig, NS.ds, 'SignatureValue')[0];
  if (!sv) throw new Error('resignSignature: no SignatureValue');
  sv.textContent = value;
  return serialize(doc);
}

/** Algorithms and reference of a ds:Signature, read with relative lookups only (CVE-2024-45409). */
export function describeSignature(signature: XmlElement): Omit<SignatureCheck, 'valid'> {
  const si = childElements(signature, NS.ds, 'SignedInfo')[0];
  const ref = si ? childElements(si, NS.ds, 'Reference')[0] : undefined;
  const transforms = ref
    ? childElements(ref, NS.ds, 'Transforms').flatMap((t) =>
        childElements(t, NS.ds, 'Transform').map((x) => x.getAttribute('Algorithm') ?? ''),
      )
    : [];
  const attr = (el: XmlElement | undefined, name: string): string | undefined =>
    el && el.hasAttribute(name) ? (el.getAttribute(name) ?? undefined) : undefined;
  return {
    referenceUri: attr(ref, 'URI'),
    signatureAlgorithm: si ? attr(childElements(si, NS.ds, 'SignatureMethod')[0], 'Algorithm') : undefined,
    digestAlgorithm: ref ? attr(childElements(ref, NS.ds, 'DigestMethod')[0], 'Algorithm') : undefined,
    canonicalization: si
      ? attr(childElements(si, NS.ds, 'CanonicalizationMethod')[0], 'Algorithm')
      : undefined,
    transforms,
  };
}

function short(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 240 ? `${m.slice(0, 240)}…` : m;
}

/**
 * Verifies one enveloped ds:Signature of `xml` (the exact string `signature`'s document was parsed
 * from, unedited) against each certificate in turn: dsig-fast's shortcut when it proves the signature
 * valid, else xml-crypto. Anything other than checkSignature() === true with exactly one signed
 * reference is invalid; exceptions become `error`.
 */
export function verifyEnveloped(xml: string, signature: XmlElement, certsPem: string[]): SignatureCheck {
  const key = xml.length <= CACHE_MAX_XML ? verificationCacheKey(xml, signature, certsPem) : undefined;
  const hit = key === undefined ? undefined : verified.get(key);
  const r = hit ?? verifyUncached(xml, signature, certsPem);
  if (key !== undefined && !hit) {
    if (verified.size >= CACHE_ENTRIES) verified.delete(verified.keys().next().value as string);
    verified.set(key, r);
  }
  return { ...r, transforms: [...r.transforms] };
}

/**
 * The same Response is often judged more than once (a replay is posted again, a check re-reads what the
 * gateway received): the result of xml-crypto on the same inputs is the same, so it is kept for a while.
 * The key is what xml-crypto actually reads: the text (it re-parses it for the references and the
 * enveloped signature), the ds:Signature node as it is now (loadSignature reads SignedInfo, SignatureValue
 * and KeyInfo from the DOM node, so a node edited after parsing gets its own entry), its position, and
 * the certificates.
 */
const verified = new Map<string, SignatureCheck>();
const CACHE_ENTRIES = 256;
const CACHE_MAX_XML = 512 * 1024;

function verificationCacheKey(xml: string, signature: XmlElement, certsPem: string[]): string {
  const path: number[] = [];
  for (let n: XmlNode | null = signature; n && n.parentNode; n = n.parentNode) {
    let i = 0;
    for (let s = n.previousSibling; s; s = s.previousSibling) i++;
    path.push(i);
  }
  return crypto
    .createHash('sha256')
    .update(xml, 'utf8')
    .update(`\0${path.join('/')}\0${serialize(signature)}\0${certsPem.join('\0')}`)
    .digest('base64');
}

function verifyUncached(xml: string, signature: XmlElement, certsPem: string[]): SignatureCheck {
  const fast = fastVerify(xml, signature, certsPem);
  return fast
    ? { valid: true, ...describeSignature(signature), ...fast }
    : verifyWithXmlCrypto(xml, signature, certsPem);
}

/** xml-crypto's judgement alone, each certificate in turn (verifyUncached without dsig-fast's shortcut). */
export function verifyWithXmlCrypto(xml: string, signature: XmlElement, certsPem: string[]): SignatureCheck {
  const info = describeSignature(signature);
  let error = certsPem.length === 0 ? 'no trusted certificate to verify with' : 'not verified';
  for (let i = 0; i < certsPem.length; i++) {
    try {
      const pem = certsPem[i] as string;
      const sx = new SignedXml({ publicCert: pem });
      addAlgorithms(sx);
      const ok: unknown = withFastXPath(() => {
        sx.loadSignature(asDomNode(signature));
        // An asymmetric method verifies with the same key parsed once; anything else (HMAC keyed with
        // the PEM text, unknown methods) keeps xml-crypto's own handling of the PEM string.
        const key = verificationKey(sx.signatureAlgorithm, pem);
        if (key) sx.publicCert = key;
        return sx.checkSignature(xml);
      });
      if (ok !== true) {
        error = 'a reference digest does not match';
        continue;
      }
      const refs = sx.getSignedReferences();
      if (refs.length !== 1)
        return { valid: false, ...info, error: `expected one signed reference, got ${refs.length}` };
      return { valid: true, ...info, signedXml: refs[0], certIndex: i };
    } catch (e) {
      error = short(e);
    }
  }
  return { valid: false, ...info, error };
}

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  'P-256': 256,
  secp256k1: 256,
  secp384r1: 384,
  'P-384': 384,
  secp521r1: 521,
  'P-521': 521,
};

/** Key type and size of a certificate, via node:crypto X509Certificate (throws on a bad certificate). */
export function certKeyInfo(certPem: string): {
  bits: number;
  type: 'rsa' | 'ec' | 'other';
  curve?: string;
  der: Buffer;
} {
  const x = certificateOf(certPem);
  const pk = x.publicKey;
  const d = pk.asymmetricKeyDetails ?? {};
  const t = pk.asymmetricKeyType;
  if (t === 'rsa' || t === 'rsa-pss') return { bits: d.modulusLength ?? 0, type: 'rsa', der: x.raw };
  if (t === 'ec') {
    const curve = d.namedCurve;
    return { bits: (curve && CURVE_BITS[curve]) || 0, type: 'ec', curve, der: x.raw };
  }
  return { bits: d.modulusLength ?? 0, type: 'other', der: x.raw };
}

/** Normalizes X509Certificate text (or a PEM) to a PEM certificate; whitespace and line breaks are dropped. */
export function certPemFromBase64(b64: string): string {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(b64);
  const body = (m ? (m[1] ?? '') : b64).replace(/\s+/g, '');
  if (body === '') throw new XmlRejected('XML_BAD_BASE64', 'empty certificate');
  decodeBase64Strict(body);
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
