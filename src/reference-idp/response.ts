/**
 * Builds and signs samlp:Response messages ([PROF] §4.1.4.2, DT-RSP-*): the Assertion is signed
 * (enveloped, after its Issuer), then the Response (after its Issuer); RSA-SHA256, SHA-256, exc-c14n,
 * Reference "#ID", transforms enveloped + exc-c14n, KeyInfo with the certificate (see xml-signer).
 */
import * as crypto from 'node:crypto';
import type { SecondStatus, TopStatus } from './constants';
import { BEARER, LIMITS, NAMEID, NS, STATUS } from './constants';
import type { Faults } from './faults';
import { loadSigningKey } from './keys';
import type { ResponseTarget, Tenant } from './store';
import { formatInstant } from './time';
import { c14nAttr, c14nText, signElement } from './xml-signer';
import { encryptedData } from './encryption';

export type { ResponseTarget };

export interface NameIdSpec {
  format: string;
  value: string;
  nameQualifier?: string;
  spNameQualifier?: string;
}

export interface SamlAttribute {
  name: string;
  nameFormat: string;
  friendlyName?: string;
  values: string[];
}

export interface SubjectInfo {
  nameId: NameIdSpec;
  authnInstant: number;
  sessionIndex: string;
  authnContextClassRef: string;
  attributes: SamlAttribute[];
}

const WRONG_ISSUER = 'https://wrong.example/idp';
const CONSTANT_IDS = { response: `_${'a'.repeat(40)}`, assertion: `_${'b'.repeat(40)}` };

export function newId(faults?: Faults): string {
  if (faults?.has('decimal-ids')) {
    let digits = '';
    for (const b of crypto.randomBytes(32)) digits += String(b % 10);
    return `_${digits}`;
  }
  // [CORE] §1.3.4: identifiers with at least 128 bits of randomness (160 here).
  return `_${crypto.randomBytes(faults?.has('short-ids') ? 4 : 20).toString('hex')}`;
}

export class ResponseBuilder {
  constructor(
    private readonly tenant: Tenant,
    private readonly faults: Faults,
    private readonly now: number,
  ) {}

  success(target: ResponseTarget, subject: SubjectInfo): string {
    const f = this.faults;
    const responseId = this.id('response');
    const assertionId = this.id('assertion');
    let assertions = this.sign(this.assertion(assertionId, target, subject), assertionId, 'assertion');
    // SDP-IDP11: with HTTP-POST, assertions for an SP with an encryption key are encrypted.
    if (target.encryptFor && !f.has('plain-despite-encryption-key'))
      assertions = `<saml:EncryptedAssertion xmlns:saml="${NS.saml}">${encryptedData(assertions, target.encryptFor, f)}</saml:EncryptedAssertion>`;
    if (f.has('two-assertions')) assertions += this.assertion(newId(f), target, subject);
    // Mode unsigned-response-no-issuer: an unsigned Response may omit Issuer and Destination.
    const bare = f.mode('unsigned-response-no-issuer');
    const xml = this.envelope(responseId, target, {
      issuer: bare ? undefined : f.has('response-issuer-wrong') ? WRONG_ISSUER : this.tenant.urls.entityId,
      destination: !bare && !f.has('response-destination-missing'),
      inResponseTo: !f.has('response-inresponseto-missing'),
      status: statusXml('Success'),
      body: assertions,
    });
    return this.finish(f.has('unsigned-response') || bare ? xml : this.sign(xml, responseId, 'response'));
  }

  error(target: ResponseTarget, top: TopStatus, second: SecondStatus | undefined, message: string): string {
    const f = this.faults;
    const responseId = this.id('response');
    const assertionId = this.id('assertion');
    const plain = !f.has('error-response-no-inresponseto');
    const bare = f.mode('unsigned-response-no-issuer');
    const xml = this.envelope(responseId, target, {
      issuer: bare
        ? undefined
        : f.has('error-response-issuer-wrong')
          ? WRONG_ISSUER
          : this.tenant.urls.entityId,
      destination: plain && !bare,
      inResponseTo: plain,
      status: f.has('error-response-no-status')
        ? `<samlp:Status><samlp:StatusMessage>${c14nText(message)}</samlp:StatusMessage></samlp:Status>`
        : f.has('second-level-status-top') && second
          ? statusXml(second, undefined, message)
          : statusXml(top, second, message),
      body: f.has('error-response-with-assertion')
        ? this.sign(
            this.assertion(assertionId, target, {
              nameId: { format: NAMEID.unspecified, value: 'anonymous' },
              authnInstant: this.now,
              sessionIndex: newId(),
              authnContextClassRef: 'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified',
              attributes: [],
            }),
            assertionId,
            'assertion',
          )
        : '',
    });
    return this.finish(f.has('unsigned-response') || bare ? xml : this.sign(xml, responseId, 'response'));
  }

  /** Fault response-issuer-format-unspecified (written after any xmlns declaration: c14n order). */
  private issuerFormat(): string {
    return this.faults.has('response-issuer-format-unspecified') ? ` Format="${NAMEID.unspecified}"` : '';
  }

  private id(kind: 'response' | 'assertion'): string {
    return this.faults.has('reuse-response-ids') ? CONSTANT_IDS[kind] : newId(this.faults);
  }

  private time(ms: number): string {
    const s = formatInstant(ms, this.faults.has('timestamps-with-offset'));
    return this.faults.has('timestamps-no-zone') ? s.replace(/Z$/, '') : s;
  }

  private issueInstant(): string {
    // Stryker disable next-line ArithmeticOperator: without the fault the offset is 0, so + and - are the same.
    return this.time(this.now + (this.faults.has('response-issueinstant-skewed') ? 60 * 60 * 1000 : 0));
  }

  // Every element below is written in exclusive-canonical form (see xml-signer): attributes sorted by
  // name, explicit end tags, c14n escaping, namespaces declared where exc-c14n renders them.

  private envelope(
    id: string,
    t: ResponseTarget,
    o: { issuer?: string; destination: boolean; inResponseTo: boolean; status: string; body: string },
  ): string {
    return (
      `<samlp:Response xmlns:samlp="${NS.samlp}"` +
      (o.destination ? ` Destination="${c14nAttr(t.acs)}"` : '') +
      ` ID="${id}"` +
      (o.inResponseTo ? ` InResponseTo="${c14nAttr(t.requestId)}"` : '') +
      ` IssueInstant="${this.issueInstant()}" Version="2.0">` +
      (o.issuer === undefined
        ? ''
        : `<saml:Issuer xmlns:saml="${NS.saml}"${this.issuerFormat()}>${c14nText(o.issuer)}</saml:Issuer>`) +
      `${o.status}${o.body}</samlp:Response>`
    );
  }

  private assertion(id: string, t: ResponseTarget, s: SubjectInfo): string {
    const f = this.faults;
    const now = this.now;
    const expiry = this.time(now + LIMITS.assertionLifetimeMs);
    const issuer = f.has('assertion-issuer-wrong') ? WRONG_ISSUER : this.tenant.urls.entityId;
    const n = s.nameId;
    const nameIdOf = (ns: string) =>
      `<saml:NameID${ns} Format="${c14nAttr(n.format)}"` +
      (n.nameQualifier ? ` NameQualifier="${c14nAttr(n.nameQualifier)}"` : '') +
      (n.spNameQualifier ? ` SPNameQualifier="${c14nAttr(n.spNameQualifier)}"` : '') +
      `>${c14nText(n.value)}</saml:NameID>`;
    const nameId = f.has('nameid-missing')
      ? ''
      : f.has('add-encrypted-id') && t.encryptFor
        ? `<saml:EncryptedID>${encryptedData(nameIdOf(` xmlns:saml="${NS.saml}"`), t.encryptFor, f)}</saml:EncryptedID>`
        : nameIdOf('');
    // DT-RSP-03: Recipient = ACS, InResponseTo = request ID, NotOnOrAfter <= IssueInstant + 5 min, no NotBefore.
    const confirmationData =
      `<saml:SubjectConfirmationData` +
      (f.has('subject-confirmation-inresponseto-missing') ? '' : ` InResponseTo="${c14nAttr(t.requestId)}"`) +
      (f.has('subject-confirmation-notbefore')
        ? ` NotBefore="${this.time(now - LIMITS.notBeforeSkewMs)}"`
        : '') +
      ` NotOnOrAfter="${f.has('subject-confirmation-ten-minutes') ? this.time(now + 10 * 60000) : expiry}"` +
      (f.has('subject-confirmation-recipient-missing')
        ? ''
        : ` Recipient="${c14nAttr(f.has('recipient-is-entityid') ? t.spEntityId : t.acs)}"`) +
      `></saml:SubjectConfirmationData>`;
    const expired = f.has('conditions-expired');
    const conditions =
      // Stryker disable next-line ArithmeticOperator: NotBefore 30 s after the issue time instead of before stays inside the 3-minute clock skew every party must tolerate (saml2int SDP-G01); no requirement fixes where NotBefore sits.
      `<saml:Conditions NotBefore="${this.time(expired ? now - 15 * 60000 : now - LIMITS.notBeforeSkewMs)}"` +
      ` NotOnOrAfter="${expired ? this.time(now - 10 * 60000) : f.has('long-assertion-validity') ? this.time(now + 60 * 60000) : expiry}">` +
      (f.has('assertion-audience-missing')
        ? ''
        : `<saml:AudienceRestriction><saml:Audience>${c14nText(f.has('audience-is-acs') ? t.acs : t.spEntityId)}</saml:Audience>` +
          (f.has('long-assertion-validity')
            ? '<saml:Audience>https://other.example/sp</saml:Audience>'
            : '') +
          (f.has('second-audience-idp')
            ? `<saml:Audience>${c14nText(this.tenant.urls.entityId)}</saml:Audience>`
            : '') +
          `</saml:AudienceRestriction>`) +
      `</saml:Conditions>`;
    const authnInstant = f.has('authninstant-stale') ? now - 24 * 60 * 60 * 1000 : s.authnInstant;
    const authnStatement = f.has('authnstatement-missing')
      ? ''
      : `<saml:AuthnStatement AuthnInstant="${this.time(authnInstant)}"` +
        (f.has('sessionindex-missing') ? '' : ` SessionIndex="${c14nAttr(s.sessionIndex)}"`) +
        `><saml:AuthnContext><saml:AuthnContextClassRef>${c14nText(s.authnContextClassRef)}` +
        `</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`;
    return (
      `<saml:Assertion xmlns:saml="${NS.saml}" ID="${id}" IssueInstant="${this.issueInstant()}" Version="2.0">` +
      `<saml:Issuer${this.issuerFormat()}>${c14nText(issuer)}</saml:Issuer>` +
      `<saml:Subject>${nameId}<saml:SubjectConfirmation Method="${BEARER}">${confirmationData}` +
      `</saml:SubjectConfirmation></saml:Subject>` +
      conditions +
      authnStatement +
      this.attributeStatement(s.attributes) +
      `</saml:Assertion>`
    );
  }

  private attributeStatement(attributes: SamlAttribute[]): string {
    if (attributes.length === 0) return '';
    const joined = this.faults.has('attributes-joined-values');
    const copies = this.faults.has('attributes-duplicated') ? 2 : 1;
    let out = '';
    for (const a of attributes) {
      const values = joined && a.values.length > 1 ? [a.values.join(',')] : a.values;
      const wrap = this.faults.has('attribute-value-element') && a.friendlyName === 'mail';
      const el =
        `<saml:Attribute` +
        (a.friendlyName ? ` FriendlyName="${c14nAttr(a.friendlyName)}"` : '') +
        ` Name="${c14nAttr(a.name)}" NameFormat="${c14nAttr(a.nameFormat)}">` +
        values
          .map((v) =>
            wrap
              ? `<saml:AttributeValue><v:value xmlns:v="urn:idp-conformance:fault">${c14nText(v)}</v:value></saml:AttributeValue>`
              : `<saml:AttributeValue>${c14nText(v)}</saml:AttributeValue>`,
          )
          .join('') +
        `</saml:Attribute>`;
      out += el.repeat(copies);
    }
    return `<saml:AttributeStatement>${out}</saml:AttributeStatement>`;
  }

  private sign(element: string, id: string, on: 'response' | 'assertion'): string {
    const f = this.faults;
    // The assertion-* faults break the Assertion's own signature only, under a correct Response signature.
    const inner = on === 'assertion';
    return signElement(element, id, {
      key:
        f.has('sign-with-other-key') || (inner && f.has('assertion-signed-other-key'))
          ? loadSigningKey('idp-rogue')
          : this.tenant.signingKey,
      sha1: f.has('sign-with-sha1') || (inner && f.has('assertion-signed-sha1')),
      emptyUri: f.has('signature-reference-empty-uri') || (inner && f.has('assertion-reference-empty-uri')),
      inclusiveC14n: !inner && f.has('sign-inclusive-c14n'),
    });
  }

  private finish(xml: string): string {
    return this.faults.has('response-with-doctype') ? `<!DOCTYPE Response>${xml}` : xml;
  }
}

function statusXml(top: keyof typeof STATUS, second?: SecondStatus, message?: string): string {
  return (
    `<samlp:Status><samlp:StatusCode Value="${STATUS[top]}">` +
    (second ? `<samlp:StatusCode Value="${STATUS[second]}"></samlp:StatusCode>` : '') +
    `</samlp:StatusCode>` +
    (message ? `<samlp:StatusMessage>${c14nText(message)}</samlp:StatusMessage>` : '') +
    `</samlp:Status>`
  );
}
