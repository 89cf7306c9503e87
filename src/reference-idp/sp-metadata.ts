/** Parses and validates the SP metadata of `PUT /service-providers` (device-token profile, admin API). */
import * as crypto from 'node:crypto';
import { BINDING, NS } from './constants';
import type { SpEncryption } from './encryption';
import {
  attr,
  childrenNamed,
  descendantsNamed,
  isNamed,
  parseStrictXml,
  simpleText,
  XmlRejected,
} from './xml';

export interface SpCert {
  pem: string;
  key: crypto.KeyObject;
  type: 'rsa' | 'ec';
  /** Base64 DER, used to de-duplicate certificates. */
  der: string;
}

export interface AcsEndpoint {
  url: string;
  index?: number;
  isDefault: boolean;
}

export interface SpRecord {
  entityId: string;
  /** HTTP-POST ACS endpoints in document order. */
  acs: AcsEndpoint[];
  defaultAcs: string;
  /** Every signing certificate (key rollover: any may verify). */
  certs: SpCert[];
  authnRequestsSigned: boolean;
  wantAssertionsSigned: boolean;
  /** KeyDescriptor use="encryption": assertions for this SP are encrypted (saml2int SDP-IDP11). */
  encryption?: SpEncryption;
  /**
   * The entity attribute urn:oasis:names:tc:SAML:profiles:subject-id:req (SAML V2.0 Subject Identifier
   * Attributes Profile; saml2int SDP-IDP15): subject-id, pairwise-id, none or any; absent = no signal.
   */
  subjectIdReq?: SubjectIdReq;
  /**
   * The deployment's release policy for this SP (admin PUT /service-providers?releaseIdentifiers=…): the
   * identifiers the IdP will release to it; absent = every one the IdP supports.
   */
  releaseIdentifiers?: SubjectIdentifier[];
  /** SingleLogoutService with the HTTP-Redirect binding (saml2int SDP-IDP24/28): Location, ResponseLocation. */
  slo?: { url: string; responseUrl: string };
}

export type SubjectIdReq = 'subject-id' | 'pairwise-id' | 'none' | 'any';
export type SubjectIdentifier = 'subject-id' | 'pairwise-id';
const SUBJECT_ID_REQ = 'urn:oasis:names:tc:SAML:profiles:subject-id:req';
const MDATTR = 'urn:oasis:names:tc:SAML:metadata:attribute';

export class InvalidSpMetadata extends Error {}

const EC_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

export function parseXsBoolean(v: string | undefined): boolean | undefined {
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return undefined;
}

/**
 * `strictTenant` (device-token tenants): AuthnRequestsSigned="true" and at least one signing certificate are
 * required. Every tenant requires an absolute http(s) HTTP-POST ACS and strong keys.
 */
export function parseSpMetadata(xml: string, strictTenant: boolean): SpRecord {
  let doc;
  try {
    doc = parseStrictXml(xml);
  } catch (e) {
    throw new InvalidSpMetadata(e instanceof XmlRejected ? e.message : 'unparseable metadata');
  }
  const root = doc.documentElement;
  if (!isNamed(root, NS.md, 'EntityDescriptor')) {
    throw new InvalidSpMetadata('the body must be one md:EntityDescriptor');
  }
  const entityId = attr(root, 'entityID');
  if (!entityId || entityId.length > 1024) throw new InvalidSpMetadata('entityID is missing');
  const descriptors = childrenNamed(root, NS.md, 'SPSSODescriptor');
  if (descriptors.length !== 1) throw new InvalidSpMetadata('exactly one SPSSODescriptor is required');
  const sp = descriptors[0]!;
  const protocols = (attr(sp, 'protocolSupportEnumeration') ?? '').split(/\s+/);
  if (!protocols.includes(NS.samlp)) {
    throw new InvalidSpMetadata('protocolSupportEnumeration must include SAML 2.0');
  }

  const signedAttr = attr(sp, 'AuthnRequestsSigned');
  const authnRequestsSigned = signedAttr === undefined ? false : parseXsBoolean(signedAttr);
  if (authnRequestsSigned === undefined)
    throw new InvalidSpMetadata('AuthnRequestsSigned is not an xs:boolean');
  // Device-token profile, PUT /service-providers: 400 unless AuthnRequestsSigned="true".
  if (strictTenant && !authnRequestsSigned)
    throw new InvalidSpMetadata('AuthnRequestsSigned="true" is required');
  const wantAttr = attr(sp, 'WantAssertionsSigned');
  const wantAssertionsSigned = wantAttr === undefined ? false : parseXsBoolean(wantAttr);
  if (wantAssertionsSigned === undefined)
    throw new InvalidSpMetadata('WantAssertionsSigned is not an xs:boolean');

  const acs = readAcs(childrenNamed(sp, NS.md, 'AssertionConsumerService'));
  const certs = readSigningCerts(childrenNamed(sp, NS.md, 'KeyDescriptor'));
  if ((strictTenant || authnRequestsSigned) && certs.length === 0) {
    throw new InvalidSpMetadata('at least one signing certificate is required');
  }
  const encryption = readEncryptionKey(childrenNamed(sp, NS.md, 'KeyDescriptor'));
  const subjectIdReq = readSubjectIdReq(root);
  const slo = readSlo(childrenNamed(sp, NS.md, 'SingleLogoutService'));
  return {
    entityId,
    acs,
    defaultAcs: pickDefault(acs),
    certs,
    authnRequestsSigned,
    wantAssertionsSigned,
    ...(encryption ? { encryption } : {}),
    ...(subjectIdReq ? { subjectIdReq } : {}),
    ...(slo ? { slo } : {}),
  };
}

/** md:Extensions/mdattr:EntityAttributes/saml:Attribute[@Name=subject-id:req]: one known value. */
function readSubjectIdReq(root: Parameters<typeof childrenNamed>[0]): SubjectIdReq | undefined {
  const values: string[] = [];
  for (const ext of childrenNamed(root, NS.md, 'Extensions'))
    for (const ea of childrenNamed(ext, MDATTR, 'EntityAttributes'))
      for (const at of childrenNamed(ea, NS.saml, 'Attribute')) {
        if (attr(at, 'Name') !== SUBJECT_ID_REQ) continue;
        for (const v of childrenNamed(at, NS.saml, 'AttributeValue'))
          values.push((simpleText(v) ?? '').trim());
      }
  if (values.length === 0) return undefined;
  const known = ['subject-id', 'pairwise-id', 'none', 'any'];
  // The profile: a single value, one of the four.
  if (values.length !== 1 || !known.includes(values[0]!))
    throw new InvalidSpMetadata(`subject-id:req must be one of ${known.join(', ')}`);
  return values[0] as SubjectIdReq;
}

/** The first HTTP-Redirect SingleLogoutService; an unacceptable Location is refused like an ACS. */
function readSlo(elements: ReturnType<typeof childrenNamed>): SpRecord['slo'] {
  const el = elements.find((e) => attr(e, 'Binding') === BINDING.redirect);
  if (!el) return undefined;
  const url = attr(el, 'Location') ?? '';
  const responseUrl = attr(el, 'ResponseLocation') ?? url;
  for (const u of [url, responseUrl]) {
    if (!isAcceptableAcs(u))
      throw new InvalidSpMetadata(`unacceptable SingleLogoutService location: ${u.slice(0, 200)}`);
  }
  return { url, responseUrl };
}

function readAcs(elements: ReturnType<typeof childrenNamed>): AcsEndpoint[] {
  const out: AcsEndpoint[] = [];
  for (const el of elements) {
    if (attr(el, 'Binding') !== BINDING.post) continue;
    const url = attr(el, 'Location') ?? '';
    // Profile: an absolute http(s) HTTP-POST ACS without userinfo or fragment.
    if (!isAcceptableAcs(url)) throw new InvalidSpMetadata(`unacceptable ACS Location: ${url.slice(0, 200)}`);
    const indexAttr = attr(el, 'index');
    let index: number | undefined;
    if (indexAttr !== undefined) {
      if (!/^\d{1,5}$/.test(indexAttr) || Number(indexAttr) > 65535) {
        throw new InvalidSpMetadata('ACS index must be an xs:unsignedShort');
      }
      index = Number(indexAttr);
    }
    const isDefault = parseXsBoolean(attr(el, 'isDefault') ?? 'false');
    if (isDefault === undefined) throw new InvalidSpMetadata('ACS isDefault is not an xs:boolean');
    out.push({ url, index, isDefault });
  }
  if (out.length === 0) throw new InvalidSpMetadata('an HTTP-POST AssertionConsumerService is required');
  return out;
}

function isAcceptableAcs(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  if (u.username || u.password || url.includes('#') || /\s/.test(url)) return false;
  return u.hostname.length > 0;
}

/** [META] §2.2.3: isDefault="true", else the lowest index, else the first. */
function pickDefault(acs: AcsEndpoint[]): string {
  const explicit = acs.find((a) => a.isDefault);
  if (explicit) return explicit.url;
  const indexed = acs.filter((a) => a.index !== undefined).sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  return (indexed[0] ?? acs[0]!).url;
}

function readSigningCerts(keyDescriptors: ReturnType<typeof childrenNamed>): SpCert[] {
  const out: SpCert[] = [];
  for (const kd of keyDescriptors) {
    const use = attr(kd, 'use');
    // Profile: a KeyDescriptor without `use` counts as signing.
    if (use !== undefined && use !== 'signing') continue;
    for (const certEl of descendantsNamed(kd, NS.ds, 'X509Certificate')) {
      const text = (simpleText(certEl) ?? '').replace(/\s+/g, '');
      const cert = parseCert(text);
      if (!out.some((c) => c.der === cert.der)) out.push(cert);
    }
  }
  return out;
}

/** The first certificate of a KeyDescriptor use="encryption" (RSA only: key transport is RSA-OAEP). */
function readEncryptionKey(keyDescriptors: ReturnType<typeof childrenNamed>): SpEncryption | undefined {
  for (const kd of keyDescriptors) {
    if (attr(kd, 'use') !== 'encryption') continue;
    const certEl = descendantsNamed(kd, NS.ds, 'X509Certificate')[0];
    if (!certEl) continue;
    const cert = parseCert((simpleText(certEl) ?? '').replace(/\s+/g, ''));
    if (cert.type !== 'rsa')
      throw new InvalidSpMetadata('the encryption key must be RSA (RSA-OAEP key transport)');
    const methods = childrenNamed(kd, NS.md, 'EncryptionMethod')
      .map((m) => attr(m, 'Algorithm') ?? '')
      .filter(Boolean);
    return { key: cert.key, methods };
  }
  return undefined;
}

function parseCert(b64: string): SpCert {
  let x509: crypto.X509Certificate;
  try {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new Error('bad base64');
    x509 = new crypto.X509Certificate(Buffer.from(b64, 'base64'));
  } catch {
    throw new InvalidSpMetadata('a signing certificate is not a valid X.509 certificate');
  }
  const key = x509.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  // Profile: each signing key RSA >= 2048 or EC P-256/384/521.
  if (key.asymmetricKeyType === 'rsa') {
    if ((details.modulusLength ?? 0) < 2048)
      throw new InvalidSpMetadata('RSA signing keys must be >= 2048 bits');
    return { pem: x509.toString(), key, type: 'rsa', der: b64 };
  }
  if (key.asymmetricKeyType === 'ec') {
    if (!EC_CURVES.has(details.namedCurve ?? ''))
      throw new InvalidSpMetadata('EC keys must be P-256/384/521');
    return { pem: x509.toString(), key, type: 'ec', der: b64 };
  }
  throw new InvalidSpMetadata('signing keys must be RSA or EC');
}
