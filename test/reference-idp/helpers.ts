/* eslint-disable no-restricted-imports -- the reference IdP's own tests play a gateway: they sign with xml-crypto. */
/**
 * Test helpers for the reference IdP: a tiny HTTP client, an SP (gateway) that builds and signs
 * AuthnRequests, and a Response reader that verifies the IdP's signatures.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import type { Element } from '@xmldom/xmldom';

export type { Element };

export function parseXml(xml: string): Element {
  return new DOMParser().parseFromString(xml, 'text/xml').documentElement as Element;
}
import { SignedXml } from 'xml-crypto';

export const KEYS_DIR = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'fixtures', 'keys'))) dir = path.dirname(dir);
  return path.join(dir, 'fixtures', 'keys');
})();

export function key(name: string): { keyPem: string; certPem: string } {
  return {
    keyPem: fs.readFileSync(path.join(KEYS_DIR, `${name}.key.pem`), 'utf8'),
    certPem: fs.readFileSync(path.join(KEYS_DIR, `${name}.cert.pem`), 'utf8'),
  };
}

export const NS = {
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  dt: 'urn:idp-conformance:device-token:1.0',
};
export const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
export const EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
export const DT_CLASS = 'urn:idp-conformance:device-token:1.0:ac:device-token';

// ---------------------------------------------------------------- HTTP

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function request(
  method: string,
  url: string,
  opts: { headers?: Record<string, string | string[]>; body?: string | Buffer; localAddress?: string } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, headers: opts.headers, localAddress: opts.localAddress },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export async function postForm(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string | string[]> = {},
  localAddress?: string,
): Promise<HttpResult> {
  return request('POST', url, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: form(fields),
    localAddress,
  });
}

export function adminCall(
  tenant: { adminBaseUrl: string; adminKey: string },
  method: string,
  p: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<HttpResult> {
  return request(method, `${tenant.adminBaseUrl}${p}`, {
    headers: { Authorization: `Bearer ${tenant.adminKey}`, 'Content-Type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

// ---------------------------------------------------------------- SP side

export function certBody(pem: string): string {
  return new crypto.X509Certificate(pem).raw.toString('base64');
}

export function spMetadata(o: {
  entityId: string;
  acs: string;
  certs: string[];
  signed?: boolean;
  subjectIdReq?: string;
}): string {
  const kds = o.certs
    .map(
      (c) =>
        `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="${NS.ds}"><ds:X509Data><ds:X509Certificate>${certBody(c)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
    )
    .join('');
  return (
    `<md:EntityDescriptor xmlns:md="${NS.md}" entityID="${o.entityId}">` +
    (o.subjectIdReq
      ? `<md:Extensions><mdattr:EntityAttributes xmlns:mdattr="urn:oasis:names:tc:SAML:metadata:attribute">` +
        `<saml:Attribute xmlns:saml="${NS.saml}" Name="urn:oasis:names:tc:SAML:profiles:subject-id:req">` +
        `<saml:AttributeValue>${o.subjectIdReq}</saml:AttributeValue></saml:Attribute>` +
        `</mdattr:EntityAttributes></md:Extensions>`
      : '') +
    `<md:SPSSODescriptor protocolSupportEnumeration="${NS.samlp}"${o.signed === false ? '' : ' AuthnRequestsSigned="true"'}>` +
    kds +
    `<md:AssertionConsumerService Binding="${POST}" Location="${o.acs}" index="0" isDefault="true"/>` +
    `</md:SPSSODescriptor></md:EntityDescriptor>`
  );
}

export function newRequestId(): string {
  return `_${crypto.randomBytes(20).toString('hex')}`;
}

export interface DeviceFacts {
  userId: string;
  userDomain: string;
  cloudName: string;
  deviceId?: string;
  hostname?: string;
  osType?: string;
}

export function deviceContext(d: DeviceFacts): string {
  return (
    `<dt:DeviceContext xmlns:dt="${NS.dt}">` +
    `<dt:UserId>${d.userId}</dt:UserId><dt:UserDomain>${d.userDomain}</dt:UserDomain><dt:CloudName>${d.cloudName}</dt:CloudName>` +
    `<dt:Device><dt:DeviceId>${d.deviceId ?? '6f1c5f0e-8d1e-4a52-9d6b-0f6b2a8c2d11'}</dt:DeviceId><dt:Hostname>${d.hostname ?? 'LAPTOP-42'}</dt:Hostname>` +
    `<dt:OSType>${d.osType ?? 'windows'}</dt:OSType><dt:OSVersion>10.0.22631</dt:OSVersion><dt:ClientVersion>4.3.0</dt:ClientVersion></dt:Device>` +
    `</dt:DeviceContext>`
  );
}

export interface RequestOptions {
  id?: string;
  issuer: string;
  destination?: string | null;
  acs?: string | null;
  issueInstant?: string;
  version?: string;
  isPassive?: boolean;
  forceAuthn?: boolean;
  nameIdFormat?: string | null;
  extensions?: string;
  extra?: string;
}

export function authnRequest(o: RequestOptions): { id: string; xml: string } {
  const id = o.id ?? newRequestId();
  const attrs: [string, string | null | undefined][] = [
    ['ID', id],
    ['Version', o.version ?? '2.0'],
    ['IssueInstant', o.issueInstant ?? new Date().toISOString()],
    ['Destination', o.destination],
    ['AssertionConsumerServiceURL', o.acs],
    ['ProtocolBinding', POST],
    ['IsPassive', o.isPassive === undefined ? undefined : String(o.isPassive)],
    ['ForceAuthn', o.forceAuthn === undefined ? undefined : String(o.forceAuthn)],
  ];
  const a = attrs
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => ` ${k}="${v}"`)
    .join('');
  const policy =
    o.nameIdFormat === null
      ? ''
      : `<samlp:NameIDPolicy Format="${o.nameIdFormat ?? EMAIL}" AllowCreate="true"/>`;
  const xml =
    `<samlp:AuthnRequest xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}"${a}>` +
    `<saml:Issuer>${o.issuer}</saml:Issuer>` +
    (o.extensions ? `<samlp:Extensions>${o.extensions}</samlp:Extensions>` : '') +
    policy +
    (o.extra ?? '') +
    `</samlp:AuthnRequest>`;
  return { id, xml };
}

export function signPost(
  xml: string,
  id: string,
  k: { keyPem: string; certPem: string },
  sha1 = false,
): string {
  const sx = new SignedXml({
    privateKey: k.keyPem,
    publicCert: k.certPem,
    signatureAlgorithm: sha1
      ? 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'
      : 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  sx.addReference({
    xpath: `//*[@ID='${id}']`,
    transforms: [
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ],
    digestAlgorithm: sha1
      ? 'http://www.w3.org/2000/09/xmldsig#sha1'
      : 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sx.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: "/*/*[local-name()='Issuer']", action: 'after' },
  });
  return sx.getSignedXml();
}

/** HTTP-Redirect query ([BIND] §3.4.4.1), optionally signed with RSA-SHA256. */
export function redirectQuery(xml: string, relayState?: string, k?: { keyPem: string }): string {
  const parts = [
    `SAMLRequest=${encodeURIComponent(zlib.deflateRawSync(Buffer.from(xml)).toString('base64'))}`,
  ];
  if (relayState !== undefined) parts.push(`RelayState=${encodeURIComponent(relayState)}`);
  if (k) {
    parts.push(`SigAlg=${encodeURIComponent('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256')}`);
    const sig = crypto.sign('sha256', Buffer.from(parts.join('&')), k.keyPem).toString('base64');
    parts.push(`Signature=${encodeURIComponent(sig)}`);
  }
  return parts.join('&');
}

// ---------------------------------------------------------------- reading answers

export interface AutoPost {
  action: string;
  samlResponse?: string;
  relayState?: string;
  forms: number;
  hasPassword: boolean;
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function readAutoPost(html: string): AutoPost {
  const action = /<form method="post" action="([^"]*)"/.exec(html)?.[1];
  const field = (name: string) => {
    const m = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html);
    return m ? unescapeHtml(m[1] as string) : undefined;
  };
  return {
    action: unescapeHtml(action ?? ''),
    samlResponse: field('SAMLResponse'),
    relayState: field('RelayState'),
    forms: (html.match(/<form/g) ?? []).length,
    hasPassword: /type="password"/.test(html),
  };
}

export function loginState(html: string): string | undefined {
  return /name="state" value="([^"]*)"/.exec(html)?.[1];
}

export interface ReadResponse {
  xml: string;
  root: Element;
  status: string;
  secondStatus?: string;
  assertion?: Element;
  /** text of the first matching element below `from` */
  text(from: Element, ns: string, local: string): string | undefined;
  attributes(): Record<string, string[]>;
}

function first(from: Element, ns: string, local: string): Element | undefined {
  return (from.getElementsByTagNameNS(ns, local)[0] as Element | undefined) ?? undefined;
}

/** Decodes a SAMLResponse and verifies both signatures with the IdP certificate (when present). */
export function readResponse(b64: string, idpCertPem: string): ReadResponse {
  const xml = Buffer.from(b64, 'base64').toString('utf8');
  const doc = new DOMParser({
    onError: (l, m) => {
      throw new Error(`${l}: ${m}`);
    },
  }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement as Element;
  for (const sigNode of Array.from(doc.getElementsByTagNameNS(NS.ds, 'Signature'))) {
    const sx = new SignedXml({ publicCert: idpCertPem });
    sx.loadSignature(sigNode as unknown as Parameters<SignedXml['loadSignature']>[0]);
    if (sx.checkSignature(xml) !== true) throw new Error('IdP signature does not verify');
  }
  const codes = Array.from(root.getElementsByTagNameNS(NS.samlp, 'StatusCode')) as Element[];
  const assertion = first(root, NS.saml, 'Assertion');
  return {
    xml,
    root,
    status: codes[0]?.getAttribute('Value') ?? '',
    secondStatus: codes[1]?.getAttribute('Value') ?? undefined,
    assertion,
    text: (from, ns, local) => first(from, ns, local)?.textContent ?? undefined,
    attributes: () => {
      const out: Record<string, string[]> = {};
      if (!assertion) return out;
      for (const a of Array.from(assertion.getElementsByTagNameNS(NS.saml, 'Attribute')) as Element[]) {
        out[a.getAttribute('Name') ?? ''] = (
          Array.from(a.getElementsByTagNameNS(NS.saml, 'AttributeValue')) as Element[]
        ).map((v) => v.textContent ?? '');
      }
      return out;
    },
  };
}
