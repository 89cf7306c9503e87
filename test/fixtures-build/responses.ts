/**
 * Builders of SAML Responses for the verifier's own tests: a good Response written as text, signed
 * with the test IdP key (fixtures/keys/idp-acme.*), and the VerifyContext that accepts it.
 * Hostile variants are derived from these in ./hostile.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { signEnveloped, type SignOptions } from '../../src/harness/xml';
import type { VerifyContext } from '../../src/harness/roles/gateway/verifier';

/** The repository root: the nearest folder above this file that holds package.json. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
}

export const ROOT = repoRoot();

export interface KeyPair {
  key: string;
  cert: string;
}

function keyPair(name: string): KeyPair {
  const dir = path.join(ROOT, 'fixtures', 'keys');
  return {
    key: readFileSync(path.join(dir, `${name}.key.pem`), 'utf8'),
    cert: readFileSync(path.join(dir, `${name}.cert.pem`), 'utf8'),
  };
}

export const KEYS = {
  idp: keyPair('idp-acme'),
  attacker: keyPair('attacker'),
  weak: keyPair('weak'),
  rogue: keyPair('idp-rogue'),
  /** EC P-256 (fixtures/verifier), for ecdsa-sha256 Responses. */
  ec: {
    key: readFileSync(path.join(ROOT, 'fixtures', 'verifier', 'ec-p256.key.pem'), 'utf8'),
    cert: readFileSync(path.join(ROOT, 'fixtures', 'verifier', 'ec-p256.cert.pem'), 'utf8'),
  },
};

export const NOW = new Date('2026-11-27T20:00:00Z');
export const IDP = 'https://idp.acme.test/saml/metadata';
export const SP = 'https://gateway.test/sp';
export const ACS = 'http://127.0.0.1:9999/acs';
export const REQUEST_ID = '_req6b1e0c8f4a2d4e7c9b3a5f1d2e8c7b6a';
export const RESPONSE_ID = '_resp2f9c4b7a1e6d3c8b5a2f9e4d7c1b6a3e8f5d2c';
export const ASSERTION_ID = '_asrt8e3d6c9b2a5f8e1d4c7b0a3f6e9d2c5b8a1f4e';
export const EVIL = 'admin@acme.test';
export const USER = 'alice@acme.test';

export const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
export const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
export const EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
export const PPT = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';
export const NS_SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
export const NS_SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const NS_DS = 'http://www.w3.org/2000/09/xmldsig#';

/** ISO time `seconds` after NOW. */
export function at(seconds: number, base: Date = NOW): string {
  return new Date(base.getTime() + seconds * 1000).toISOString().replace('.000Z', 'Z');
}

export interface ResponseSpec {
  responseId: string;
  assertionId: string;
  issueInstant: string;
  assertionIssueInstant: string;
  /** null: attribute omitted. */
  destination: string | null;
  inResponseTo: string | null;
  responseIssuer: string | null;
  assertionIssuer: string;
  version: string;
  statusCode: string;
  statusSubCode?: string;
  /** false: no Assertion at all (error Responses). */
  assertion: boolean;
  nameId: { value: string; format?: string; spNameQualifier?: string; nameQualifier?: string } | null;
  confirmations: {
    method: string;
    recipient?: string;
    notOnOrAfter?: string;
    notBefore?: string;
    inResponseTo?: string;
    address?: string;
  }[];
  conditions: { notBefore?: string; notOnOrAfter?: string; audiences: string[][]; extra?: string } | null;
  authn: { instant: string; sessionIndex?: string; classRef: string; sessionNotOnOrAfter?: string }[];
  attributes: { name: string; values: string[] }[];
  /** Raw XML appended inside the Assertion. */
  assertionExtra?: string;
}

export function defaultSpec(): ResponseSpec {
  return {
    responseId: RESPONSE_ID,
    assertionId: ASSERTION_ID,
    issueInstant: at(0),
    assertionIssueInstant: at(0),
    destination: ACS,
    inResponseTo: REQUEST_ID,
    responseIssuer: IDP,
    assertionIssuer: IDP,
    version: '2.0',
    statusCode: SUCCESS,
    assertion: true,
    nameId: { value: USER, format: EMAIL },
    confirmations: [{ method: BEARER, recipient: ACS, notOnOrAfter: at(300), inResponseTo: REQUEST_ID }],
    conditions: { notBefore: at(-30), notOnOrAfter: at(300), audiences: [[SP]] },
    authn: [{ instant: at(-10), sessionIndex: '_session1', classRef: PPT }],
    attributes: [
      { name: 'mail', values: [USER] },
      { name: 'groups', values: ['staff', 'vpn-users'] },
    ],
  };
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function attrs(pairs: [string, string | null | undefined][]): string {
  return pairs
    .filter((p): p is [string, string] => p[1] !== undefined && p[1] !== null)
    .map(([k, v]) => ` ${k}="${esc(v)}"`)
    .join('');
}

export function assertionXml(s: ResponseSpec, declareNs = false): string {
  const nameId = s.nameId
    ? `<saml:NameID${attrs([
        ['Format', s.nameId.format],
        ['SPNameQualifier', s.nameId.spNameQualifier],
        ['NameQualifier', s.nameId.nameQualifier],
      ])}>${esc(s.nameId.value)}</saml:NameID>`
    : '';
  const confirmations = s.confirmations
    .map(
      (c) =>
        `<saml:SubjectConfirmation Method="${esc(c.method)}"><saml:SubjectConfirmationData${attrs([
          ['NotBefore', c.notBefore],
          ['NotOnOrAfter', c.notOnOrAfter],
          ['Recipient', c.recipient],
          ['InResponseTo', c.inResponseTo],
          ['Address', c.address],
        ])}/></saml:SubjectConfirmation>`,
    )
    .join('');
  const conditions = s.conditions
    ? `<saml:Conditions${attrs([
        ['NotBefore', s.conditions.notBefore],
        ['NotOnOrAfter', s.conditions.notOnOrAfter],
      ])}>${s.conditions.audiences
        .map(
          (ar) =>
            `<saml:AudienceRestriction>${ar.map((a) => `<saml:Audience>${esc(a)}</saml:Audience>`).join('')}</saml:AudienceRestriction>`,
        )
        .join('')}${s.conditions.extra ?? ''}</saml:Conditions>`
    : '';
  const authn = s.authn
    .map(
      (a) =>
        `<saml:AuthnStatement${attrs([
          ['AuthnInstant', a.instant],
          ['SessionIndex', a.sessionIndex],
          ['SessionNotOnOrAfter', a.sessionNotOnOrAfter],
        ])}><saml:AuthnContext><saml:AuthnContextClassRef>${esc(a.classRef)}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`,
    )
    .join('');
  const attributes = s.attributes.length
    ? `<saml:AttributeStatement>${s.attributes
        .map(
          (a) =>
            `<saml:Attribute Name="${esc(a.name)}">${a.values
              .map((v) => `<saml:AttributeValue>${esc(v)}</saml:AttributeValue>`)
              .join('')}</saml:Attribute>`,
        )
        .join('')}</saml:AttributeStatement>`
    : '';
  return (
    `<saml:Assertion${declareNs ? ` xmlns:saml="${NS_SAML}"` : ''} ID="${esc(s.assertionId)}" Version="2.0" IssueInstant="${esc(s.assertionIssueInstant)}">` +
    `<saml:Issuer>${esc(s.assertionIssuer)}</saml:Issuer>` +
    `<saml:Subject>${nameId}${confirmations}</saml:Subject>` +
    conditions +
    authn +
    attributes +
    (s.assertionExtra ?? '') +
    `</saml:Assertion>`
  );
}

/** The unsigned Response text for a spec (compact, no insignificant whitespace). */
export function responseXml(overrides: Partial<ResponseSpec> = {}): string {
  const s = { ...defaultSpec(), ...overrides };
  const status =
    `<samlp:Status><samlp:StatusCode Value="${esc(s.statusCode)}">` +
    (s.statusSubCode ? `<samlp:StatusCode Value="${esc(s.statusSubCode)}"/>` : '') +
    `</samlp:StatusCode></samlp:Status>`;
  return (
    `<samlp:Response xmlns:samlp="${NS_SAMLP}" xmlns:saml="${NS_SAML}"${attrs([
      ['ID', s.responseId],
      ['Version', s.version],
      ['IssueInstant', s.issueInstant],
      ['Destination', s.destination],
      ['InResponseTo', s.inResponseTo],
    ])}>` +
    (s.responseIssuer !== null ? `<saml:Issuer>${esc(s.responseIssuer)}</saml:Issuer>` : '') +
    status +
    (s.assertion ? assertionXml(s) : '') +
    `</samlp:Response>`
  );
}

export interface SignWith {
  key?: KeyPair;
  /** Put the certificate in KeyInfo (default true). */
  keyInfo?: boolean;
  signatureAlgorithm?: SignOptions['signatureAlgorithm'];
  digestAlgorithm?: SignOptions['digestAlgorithm'];
  transforms?: string[];
  canonicalization?: string;
  referenceUri?: string;
  placeAfter?: string;
  referenceId?: string;
}

function signId(xml: string, id: string, w: SignWith): string {
  const key = w.key ?? KEYS.idp;
  const opts: SignOptions = {
    privateKeyPem: key.key,
    referenceId: w.referenceId ?? id,
    signatureAlgorithm: w.signatureAlgorithm ?? 'rsa-sha256',
    digestAlgorithm: w.digestAlgorithm ?? 'sha256',
  };
  if (w.keyInfo !== false) opts.certPem = key.cert;
  if (w.transforms) opts.transforms = w.transforms;
  if (w.canonicalization) opts.canonicalization = w.canonicalization;
  if (w.referenceUri !== undefined) opts.referenceUri = w.referenceUri;
  if (w.placeAfter) opts.placeAfter = w.placeAfter;
  return signEnveloped(xml, opts);
}

/** Signs the Assertion (enveloped, after its Issuer). */
export function signAssertion(xml: string, w: SignWith = {}, id: string = ASSERTION_ID): string {
  return signId(xml, id, w);
}

/** Signs the Response (enveloped, after its Issuer). */
export function signResponse(xml: string, w: SignWith = {}, id: string = RESPONSE_ID): string {
  return signId(xml, id, w);
}

export type SignMode = 'assertion' | 'response' | 'both' | 'none';

const cache = new Map<string, string>();

/** A signed good Response (memoized: signing is the slow part of these tests). */
export function signedResponse(
  mode: SignMode = 'both',
  overrides: Partial<ResponseSpec> = {},
  w: SignWith = {},
): string {
  const k = JSON.stringify([
    mode,
    overrides,
    { ...w, key: w.key === undefined ? undefined : w.key.cert.slice(30, 60) },
  ]);
  const hit = cache.get(k);
  if (hit !== undefined) return hit;
  const s = { ...defaultSpec(), ...overrides };
  let xml = responseXml(overrides);
  if ((mode === 'assertion' || mode === 'both') && s.assertion) xml = signAssertion(xml, w, s.assertionId);
  if (mode === 'response' || mode === 'both') xml = signResponse(xml, w, s.responseId);
  cache.set(k, xml);
  return xml;
}

/** The context a good Response passes: pinned IdP cert, the ACS, the outstanding request, NOW. */
export function ctx(overrides: Partial<VerifyContext> = {}): VerifyContext {
  return {
    idpEntityId: IDP,
    idpCertsPem: [KEYS.idp.cert],
    spEntityId: SP,
    acsUrl: ACS,
    expectedInResponseTo: REQUEST_ID,
    now: NOW,
    ...overrides,
  };
}
