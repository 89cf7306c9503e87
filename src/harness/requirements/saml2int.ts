/**
 * saml2int v2.0 requirements added for the encryption, subject-identifier, metadata and coverage work
 * (issue 10). Each text quotes the normative sentence of KantaraInitiative/SAMLprofiles
 * `edit/saml2int/{common,idp}_requirements.adoc`; the level is that sentence's keyword. The SDP-IDP
 * numbers follow the profile's own labels (summarised in shared/research/anchors.md §2.2).
 */
import type { Level } from '../types';

export const SAML2INT_REQUIREMENTS: readonly { id: string; level: Level; source: string; text: string }[] = [
  {
    id: 'SDP-IDP11',
    level: 'MUST',
    source: 'saml2int SDP-IDP11',
    text:
      'In the event the HTTP-POST binding is used, assertions MUST be encrypted and transmitted via a ' +
      '<saml:EncryptedAssertion> element. Information intended for the consumption of the SP MUST NOT be ' +
      'further encrypted via <saml:EncryptedID> or <saml:EncryptedAttribute> constructs.',
  },
  {
    id: 'SDP-G02',
    level: 'MUST',
    source: 'saml2int SDP-G02',
    text: 'Unless otherwise specified, deployments MUST limit the size of all element and attribute content they produce to 256 characters. This applies in particular to the values within <saml:NameID> and <saml:AttributeValue> elements.',
  },
  {
    id: 'SDP-MD02',
    level: 'MUST',
    source: 'saml2int SDP-MD02',
    text: 'Consumption of metadata MUST be contingent on verification of a signature (STRONGLY RECOMMENDED) or TLS server certificate. The key ultimately used to establish trust in metadata MUST NOT itself appear within the same metadata in a <md:KeyDescriptor> element.',
  },
  {
    id: 'SDP-MD03',
    level: 'MUST',
    source: 'saml2int SDP-MD03',
    text: "Metadata without a validUntil attribute on its root element MUST be rejected. Metadata whose root element's validUntil attribute extends beyond a deployer- or community-imposed threshold MUST be rejected.",
  },
  {
    id: 'SDP-MD04',
    level: 'MUST',
    source: 'saml2int SDP-MD04',
    text: "Deployments MUST have the ability to provide SAML metadata capturing their requirements and characteristics in the areas identified above in a secure fashion ... An entity's metadata MUST NOT contain content that advertises profile support or features that aren't supported by that entity's deployment.",
  },
  {
    id: 'SDP-MD09',
    level: 'MUST',
    source: 'saml2int SDP-MD09',
    text: 'Metadata MUST include an <mdui:UIInfo> element as defined in [MetaUI] containing at least the child elements <mdui:DisplayName> and <mdui:Logo>.',
  },
  {
    id: 'SDP-MD10',
    level: 'MUST',
    source: 'saml2int SDP-MD10',
    text: 'The content of the <mdui:Logo> element MUST be either an https URL or an in-line image embedded in a data URI element.',
  },
  {
    id: 'SDP-MD11',
    level: 'MUST',
    source: 'saml2int SDP-MD11',
    text: 'Metadata MUST include an <md:ContactPerson> element with a contactType of technical and an <md:EmailAddress> element.',
  },
  {
    id: 'SDP-MD12',
    level: 'MUST',
    source: 'saml2int SDP-MD12',
    text: "An IdP's metadata MUST include the errorURL attribute on its <md:IDPSSODescriptor> element. The content of the errorURL attribute MUST be an https URL resolving to an HTML page.",
  },
  {
    id: 'SDP-IDP01',
    level: 'MUST',
    source: 'saml2int SDP-IDP01',
    text: 'IdPs MUST support the Browser SSO Profile [SAML2Prof].',
  },
  {
    id: 'SDP-IDP03',
    level: 'MUST',
    source: 'saml2int SDP-IDP03',
    text: 'The endpoint(s) at which an IdP supports receipt of <samlp:AuthnRequest> messages MUST be protected by TLS/SSL.',
  },
  {
    id: 'SDP-IDP12',
    level: 'MUST',
    source: 'saml2int SDP-IDP12',
    text: 'Assertions MUST contain a <saml:NameID> element with the urn:oasis:names:tc:SAML:2.0:nameid-format:transient Format, as defined in [SAML2Core], for the purposes of logout.',
  },
  {
    id: 'SDP-IDP13',
    level: 'MUST',
    source: 'saml2int SDP-IDP13',
    text: 'IdPs MUST support one or both of the SAML Attributes defined by [SAML2SubjId] for non-transient identification of subjects. Support for both is RECOMMENDED.',
  },
  {
    id: 'SDP-IDP14',
    level: 'MUST',
    source: 'saml2int SDP-IDP14',
    text: 'IdP metadata MUST list the scopes of its subject identifiers as <shibmd:Scope> elements, with regexp false (summary, research/anchors.md \u00a72.2).',
  },
  {
    id: 'SDP-IDP15',
    level: 'MUST',
    source: 'saml2int SDP-IDP15',
    text: 'IdPs MUST support the metadata-based identifier requirement signaling mechanism defined in [SAML2SubjId].',
  },
  // SDP-IDP16 is one sentence with two keywords: one entry per keyword, the SHOULD under a suffix.
  {
    id: 'SDP-IDP16',
    level: 'MUST',
    source: 'saml2int SDP-IDP16',
    text: 'If an IdP cannot or will not satisfy the requirements of an SP in this respect, then it MUST fail the authentication request […].',
  },
  {
    id: 'SDP-IDP16-error-status',
    level: 'SHOULD',
    source: 'saml2int SDP-IDP16',
    text: 'If an IdP cannot or will not satisfy the requirements of an SP in this respect, then it […] SHOULD respond to the SP with a SAML error status.',
  },
  {
    id: 'SDP-IDP17',
    level: 'MAY',
    source: 'saml2int SDP-IDP17',
    text: 'In the absence of any signaling by an SP, an IdP is free to supply either, both, or neither SAML Attribute, or to return an error as it sees fit.',
  },
  {
    id: 'SDP-IDP18',
    level: 'MUST',
    source: 'saml2int SDP-IDP18',
    text: '<saml:Attribute> elements MUST contain a NameFormat of urn:oasis:names:tc:SAML:2.0:attrname-format:uri.',
  },
  {
    id: 'SDP-IDP21',
    level: 'MUST',
    source: 'saml2int SDP-IDP21',
    text: 'IdPs MUST support the Single Logout Profile [SAML2Prof].',
  },
  {
    id: 'SDP-IDP22',
    level: 'MAY',
    source: 'saml2int SDP-IDP22',
    text: 'IdPs MAY allow a subject the option to maintain their IdP session rather than unilaterally terminating it.',
  },
  {
    id: 'SDP-IDP23',
    level: 'MAY',
    source: 'saml2int SDP-IDP23',
    text: 'IdPs MAY support the propagation of logout signaling to SPs.',
  },
  {
    id: 'SDP-IDP24',
    level: 'MUST',
    source: 'saml2int SDP-IDP24',
    text: 'The HTTP-Redirect binding [SAML2Bind] MUST be used for the transmission of <samlp:LogoutRequest> messages, in the event that propagation is supported.',
  },
  {
    id: 'SDP-IDP25',
    level: 'MUST',
    source: 'saml2int SDP-IDP25',
    text: 'IdPs MUST support the HTTP-Redirect [SAML2Bind] binding for the receipt of <samlp:LogoutRequest> messages.',
  },
  {
    id: 'SDP-IDP26',
    level: 'MUST',
    source: 'saml2int SDP-IDP26',
    text: 'Requests MUST be signed.',
  },
  {
    id: 'SDP-IDP27',
    level: 'MUST',
    source: 'saml2int SDP-IDP27',
    text: 'The <saml:NameID> element in <samlp:LogoutRequest> messages MUST NOT be encrypted.',
  },
  {
    id: 'SDP-IDP28',
    level: 'MUST',
    source: 'saml2int SDP-IDP28',
    text: 'The HTTP-Redirect binding [SAML2Bind] MUST be used for the transmission of <samlp:LogoutResponse> messages.',
  },
  {
    id: 'SDP-IDP29',
    level: 'MUST',
    source: 'saml2int SDP-IDP29',
    text: 'IdPs MUST support the HTTP-Redirect [SAML2Bind] binding for the receipt of <samlp:LogoutResponse> messages, in the event that <samlp:LogoutRequest> propagation is supported.',
  },
  {
    id: 'SDP-IDP30',
    level: 'MUST',
    source: 'saml2int SDP-IDP30',
    text: 'Responses MUST be signed.',
  },
  {
    id: 'SDP-IDP31',
    level: 'MUST',
    source: 'saml2int SDP-IDP31',
    text: 'The <samlp:StatusCode> in the response issued by the IdP MUST reflect whether the IdP session was successfully terminated.',
  },
  {
    id: 'SDP-IDP33',
    level: 'MUST',
    source: 'saml2int SDP-IDP33',
    text: "By virtue of this profile's requirements, an IdP's metadata MUST contain: an <md:IDPSSODescriptor> role element containing an errorURL attribute and an appropriate URL value, at least one <md:SingleSignOnService> endpoint element, at least one <md:SingleLogoutService> endpoint element, at least one <md:KeyDescriptor> element whose use attribute is omitted or set to signing; an <md:Extensions> element with an <mdui:UIInfo> extension element with previously prescribed content. In addition, an IdP's metadata MUST contain an <md:ContactPerson> element with a contactType of technical and an <md:EmailAddress> element.",
  },
];
