/**
 * The bare client `npm run bench` compares the harness with: N device-token silent logins, one after the
 * other, against a running reference IdP, with no harness at all — build the AuthnRequest with its
 * DeviceContext, sign it (xml-crypto, enveloped, exc-c14n, rsa-sha256), POST it with the device token,
 * take the SAMLResponse from the answer page and verify the Response's and the Assertion's signatures
 * against the tenant metadata's certificate. No evidence, no checks, no reports: the floor for the work
 * a login needs. Usage: node bare-client.js <tenant-json> <N>   (prints {"logins": N, "ms": …})
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { SignedXml } from 'xml-crypto';
import { DOMParser } from '@xmldom/xmldom';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const KEY = readFileSync(path.join(ROOT, 'fixtures', 'keys', 'gateway.key.pem'), 'utf8');
const CERT = readFileSync(path.join(ROOT, 'fixtures', 'keys', 'gateway.cert.pem'), 'utf8');
const ENTITY = 'https://gateway.test/sp';
const ACS = 'http://127.0.0.1:9/acs';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';

export interface Tenant {
  metadataUrl: string;
  ssoUrl: string;
  adminBaseUrl: string;
  adminKey: string;
  userDomain: string;
  cloudName: string;
}

function call(
  method: string,
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const certBody = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');

/** Registers the SP (signed requests, this key) and creates a device token; returns the token. */
async function setUp(t: Tenant): Promise<{ token: string; idpCert: string }> {
  const admin = { authorization: `Bearer ${t.adminKey}` };
  const md =
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="${DSIG}" entityID="${ENTITY}">` +
    `<md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBody(CERT)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${ACS}" index="0"/>` +
    `</md:SPSSODescriptor></md:EntityDescriptor>`;
  const reg = await call('PUT', `${t.adminBaseUrl}/service-providers`, md, {
    ...admin,
    'content-type': 'application/samlmetadata+xml',
  });
  if (reg.status >= 300) throw new Error(`register SP: HTTP ${reg.status} ${reg.body}`);
  const tok = await call(
    'POST',
    `${t.adminBaseUrl}/device-tokens`,
    JSON.stringify({ description: 'bench', password: `Bench-${randomBytes(4).toString('hex')}1` }),
    { ...admin, 'content-type': 'application/json' },
  );
  if (tok.status !== 201) throw new Error(`create token: HTTP ${tok.status} ${tok.body}`);
  const meta = await call('GET', t.metadataUrl, '', {});
  const cert = /<(?:ds:)?X509Certificate>([^<]+)</.exec(meta.body)?.[1];
  if (!cert) throw new Error('no certificate in the tenant metadata');
  const pem = `-----BEGIN CERTIFICATE-----\n${cert.replace(/\s/g, '')}\n-----END CERTIFICATE-----\n`;
  return { token: (JSON.parse(tok.body) as { token: string }).token, idpCert: pem };
}

function authnRequest(t: Tenant): string {
  const id = `_${randomUUID()}`;
  const user = `bench.${randomBytes(4).toString('hex')}@${t.userDomain}`;
  const el = (n: string, v: string) => `<dt:${n}>${v}</dt:${n}>`;
  const xml =
    `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ` +
    `ID="${id}" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${t.ssoUrl}" ` +
    `AssertionConsumerServiceURL="${ACS}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" IsPassive="true">` +
    `<saml:Issuer>${ENTITY}</saml:Issuer>` +
    `<samlp:Extensions><dt:DeviceContext xmlns:dt="urn:idp-conformance:device-token:1.0">` +
    el('UserId', user) +
    el('UserDomain', t.userDomain) +
    el('CloudName', t.cloudName) +
    `<dt:Device>${el('DeviceId', randomUUID())}${el('Hostname', 'BENCH')}${el('OSType', 'windows')}` +
    `${el('OSVersion', '10.0.22631')}${el('ClientVersion', '4.3.0')}</dt:Device></dt:DeviceContext></samlp:Extensions>` +
    `<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" AllowCreate="true"/>` +
    `</samlp:AuthnRequest>`;
  const sx = new SignedXml({
    privateKey: KEY,
    publicCert: CERT,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: EXC,
  });
  sx.addReference({
    xpath: `//*[@ID='${id}']`,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', EXC],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sx.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: "//*[local-name(.)='Issuer']", action: 'after' },
  });
  return sx.getSignedXml();
}

/** Both signatures (Response and Assertion) verify against the IdP certificate; throws otherwise. */
function verify(responseXml: string, idpCert: string): void {
  const doc = new DOMParser().parseFromString(responseXml, 'text/xml');
  const sigs = Array.from(doc.getElementsByTagNameNS(DSIG, 'Signature'));
  if (sigs.length < 2) throw new Error(`expected 2 signatures, got ${sigs.length}`);
  for (const sig of sigs) {
    const sx = new SignedXml({ publicCert: idpCert });
    sx.loadSignature(sig as unknown as Node);
    if (!sx.checkSignature(responseXml)) throw new Error('a signature does not verify');
  }
}

export async function bareLogins(t: Tenant, n: number): Promise<number> {
  const { token, idpCert } = await setUp(t);
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    const form = new URLSearchParams({ SAMLRequest: Buffer.from(authnRequest(t)).toString('base64') });
    const res = await call('POST', t.ssoUrl, form.toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `DeviceToken ${token}`,
    });
    const input = /<input[^>]*name="SAMLResponse"[^>]*>/.exec(res.body)?.[0] ?? '';
    const field = /value="([^"]+)"/.exec(input)?.[1];
    if (res.status !== 200 || !field) throw new Error(`login ${i + 1}: HTTP ${res.status}, no SAMLResponse`);
    verify(Buffer.from(field, 'base64').toString('utf8'), idpCert);
  }
  return Date.now() - t0;
}

if (require.main === module) {
  const [tenantJson, n] = process.argv.slice(2);
  bareLogins(JSON.parse(tenantJson ?? '{}') as Tenant, Number(n ?? 100))
    .then((ms) => console.log(JSON.stringify({ logins: Number(n ?? 100), ms })))
    .catch((e: unknown) => {
      console.error(`bare-client: ${(e as Error).message}`);
      process.exitCode = 2;
    });
}
