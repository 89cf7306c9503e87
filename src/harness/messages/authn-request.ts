import { randomBytes } from 'node:crypto';

export const NAMEID_EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
export const NAMEID_UNSPECIFIED = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
export const NAMEID_PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
export const NAMEID_TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';
export const NAMEID_KERBEROS = 'urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos';
export const BINDING_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
export const BINDING_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An NCName ID with 160 bits of randomness. */
export function newId(): string {
  return `_${randomBytes(20).toString('hex')}`;
}

/** xs:dateTime in UTC with Z and no fractional seconds. */
export function samlTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface RequestedAuthnContext {
  comparison?: string;
  classRefs: string[];
  /** AuthnContextDeclRef values (SAML Core §3.3.2.2.1: the schema allows ClassRefs or DeclRefs). */
  declRefs?: string[];
}

/** Builds an AuthnRequest. Each `with…` returns this; `toXml()` renders. Absent = attribute omitted. */
export class AuthnRequestBuilder {
  id = newId();
  version: string | undefined = '2.0';
  issueInstant: string | undefined;
  destination: string | undefined;
  acsUrl: string | undefined;
  /** SAMLCore §3.4.1 AssertionConsumerServiceIndex (exclusive with the ACS URL and ProtocolBinding). */
  acsIndex: string | undefined;
  protocolBinding: string | undefined = BINDING_POST;
  issuer: string | undefined;
  nameIdPolicy: { format?: string; allowCreate?: string } | undefined = { allowCreate: 'true' };
  isPassive: string | undefined;
  forceAuthn: string | undefined;
  extensions: string | undefined;
  requestedAuthnContext: RequestedAuthnContext | undefined;
  /** Raw XML inserted as the last child (for hostile variants). */
  tail = '';

  constructor(now: Date) {
    this.issueInstant = samlTime(now);
  }

  withId(id: string): this {
    this.id = id;
    return this;
  }
  withVersion(v: string | undefined): this {
    this.version = v;
    return this;
  }
  withIssueInstant(t: string | undefined): this {
    this.issueInstant = t;
    return this;
  }
  withDestination(d: string | undefined): this {
    this.destination = d;
    return this;
  }
  withAcsUrl(u: string | undefined): this {
    this.acsUrl = u;
    return this;
  }
  withAcsIndex(i: string | undefined): this {
    this.acsIndex = i;
    return this;
  }
  withProtocolBinding(b: string | undefined): this {
    this.protocolBinding = b;
    return this;
  }
  withIssuer(i: string | undefined): this {
    this.issuer = i;
    return this;
  }
  withNameIdPolicy(p: { format?: string; allowCreate?: string } | undefined): this {
    this.nameIdPolicy = p;
    return this;
  }
  withIsPassive(v = 'true'): this {
    this.isPassive = v;
    return this;
  }
  withForceAuthn(v = 'true'): this {
    this.forceAuthn = v;
    return this;
  }
  withExtensions(xml: string | undefined): this {
    this.extensions = xml;
    return this;
  }
  withRequestedAuthnContext(r: RequestedAuthnContext | undefined): this {
    this.requestedAuthnContext = r;
    return this;
  }

  toXml(): string {
    const attrs: [string, string | undefined][] = [
      ['ID', this.id],
      ['Version', this.version],
      ['IssueInstant', this.issueInstant],
      ['Destination', this.destination],
      ['AssertionConsumerServiceURL', this.acsUrl],
      ['AssertionConsumerServiceIndex', this.acsIndex],
      ['ProtocolBinding', this.protocolBinding],
      ['IsPassive', this.isPassive],
      ['ForceAuthn', this.forceAuthn],
    ];
    const a = attrs
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => ` ${k}="${xmlEscape(v!)}"`)
      .join('');
    const parts: string[] = [];
    if (this.issuer !== undefined) parts.push(`<saml:Issuer>${xmlEscape(this.issuer)}</saml:Issuer>`);
    if (this.extensions !== undefined) parts.push(`<samlp:Extensions>${this.extensions}</samlp:Extensions>`);
    if (this.nameIdPolicy) {
      const p = this.nameIdPolicy;
      const pa =
        (p.format !== undefined ? ` Format="${xmlEscape(p.format)}"` : '') +
        (p.allowCreate !== undefined ? ` AllowCreate="${xmlEscape(p.allowCreate)}"` : '');
      parts.push(`<samlp:NameIDPolicy${pa}/>`);
    }
    if (this.requestedAuthnContext) {
      const r = this.requestedAuthnContext;
      const c = r.comparison ? ` Comparison="${xmlEscape(r.comparison)}"` : '';
      const refs = r.classRefs.map(
        (x) => `<saml:AuthnContextClassRef>${xmlEscape(x)}</saml:AuthnContextClassRef>`,
      );
      for (const x of r.declRefs ?? [])
        refs.push(`<saml:AuthnContextDeclRef>${xmlEscape(x)}</saml:AuthnContextDeclRef>`);
      parts.push(`<samlp:RequestedAuthnContext${c}>${refs.join('')}</samlp:RequestedAuthnContext>`);
    }
    return (
      `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ` +
      `xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"${a}>${parts.join('')}${this.tail}</samlp:AuthnRequest>`
    );
  }
}
