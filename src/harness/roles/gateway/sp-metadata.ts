import { BINDING_POST, BINDING_REDIRECT, NAMEID_EMAIL, xmlEscape } from '../../messages/authn-request';

function certBody(pem: string): string {
  return pem
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '')
    .trim();
}

const SUBJECT_ID_REQ = 'urn:oasis:names:tc:SAML:profiles:subject-id:req';

/** SDP-ALG01 block encryption and key transport, in order of preference. */
const ENCRYPTION_METHODS = [
  'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  'http://www.w3.org/2009/xmlenc11#aes128-gcm',
  'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  'http://www.w3.org/2009/xmlenc11#rsa-oaep',
];

/** The gateway's SP metadata, as an IdP operator registers it (`idp-conformance sp-metadata`). */
export function spMetadataXml(opts: {
  entityId: string;
  acsUrl: string;
  certsPem: string[];
  authnRequestsSigned: boolean;
  wantAssertionsSigned?: boolean;
  /** SDP-MD08 / SDP-IDP11: an encryption certificate, published with the SDP-ALG01 EncryptionMethods. */
  encryptionCertPem?: string;
  /** SDP-IDP15: the entity attribute urn:oasis:names:tc:SAML:profiles:subject-id:req with this value. */
  subjectIdReq?: string;
  /** saml2int SDP-IDP24/28: the SP's HTTP-Redirect SingleLogoutService. */
  sloUrl?: string;
  /** Instead of acsUrl alone (index 0, the default): these HTTP-POST ACS endpoints, in this order. */
  acs?: readonly { url: string; index: number; isDefault?: boolean }[];
}): string {
  const keys = opts.certsPem
    .map(
      (c) =>
        `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBody(c)}` +
        `</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
    )
    .join('');
  const enc = opts.encryptionCertPem
    ? `<md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBody(opts.encryptionCertPem)}` +
      `</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
      ENCRYPTION_METHODS.map((a) => `<md:EncryptionMethod Algorithm="${a}"/>`).join('') +
      `</md:KeyDescriptor>`
    : '';
  const ext = opts.subjectIdReq
    ? `<md:Extensions><mdattr:EntityAttributes xmlns:mdattr="urn:oasis:names:tc:SAML:metadata:attribute">` +
      `<saml:Attribute xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" Name="${SUBJECT_ID_REQ}" ` +
      `NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">` +
      `<saml:AttributeValue>${xmlEscape(opts.subjectIdReq)}</saml:AttributeValue></saml:Attribute>` +
      `</mdattr:EntityAttributes></md:Extensions>`
    : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ` +
    `xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${xmlEscape(opts.entityId)}">${ext}` +
    `<md:SPSSODescriptor AuthnRequestsSigned="${opts.authnRequestsSigned}" ` +
    `WantAssertionsSigned="${opts.wantAssertionsSigned ?? true}" ` +
    `protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keys}${enc}` +
    (opts.sloUrl
      ? `<md:SingleLogoutService Binding="${BINDING_REDIRECT}" Location="${xmlEscape(opts.sloUrl)}"/>`
      : '') +
    `<md:NameIDFormat>${NAMEID_EMAIL}</md:NameIDFormat>` +
    (opts.acs ?? [{ url: opts.acsUrl, index: 0, isDefault: true }])
      .map(
        (a) =>
          `<md:AssertionConsumerService Binding="${BINDING_POST}" Location="${xmlEscape(a.url)}" index="${a.index}"` +
          `${a.isDefault ? ' isDefault="true"' : ''}/>`,
      )
      .join('') +
    `</md:SPSSODescriptor></md:EntityDescriptor>\n`
  );
}
