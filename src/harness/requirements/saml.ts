/**
 * The SAML requirements (SAML Core, Bindings, Profiles, Metadata, saml2int) and the project's own
 * (IDPC-*, each with the reason no SAML sentence carries it) that the checks cite, one entry per sentence.
 * The saml2int SDP-IDP rules beyond these are in saml2int.ts, Single Logout in slo.ts.
 */
import type { Requirement } from './types';

export const SAML_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'SAMLCore-1.3.3',
    level: 'MUST',
    source: 'SAML Core \u00a71.3.3',
    text: 'All SAML time values have the type xs:dateTime, which is built in to the W3C XML Schema Datatypes specification [Schema2], and MUST be expressed in UTC form, with no time zone component.',
  },
  {
    id: 'SAMLCore-1.3.4',
    level: 'MUST',
    source: 'SAML Core \u00a71.3.4',
    text: 'Any party that assigns an identifier MUST ensure that there is negligible probability that that party or any other party will accidentally assign the same identifier to a different data object. […] In the case that a random or pseudorandom technique is employed, the probability of two randomly chosen identifiers being identical MUST be less than or equal to 2^-128 and SHOULD be less than or equal to 2^-160.',
  },
  {
    id: 'SAMLCore-2.2.2',
    level: 'MAY',
    source: 'SAML Core \u00a72.2.2',
    text: 'Format [Optional]: A URI reference representing the classification of string-based identifier information. […] If no Format value is provided, then the value urn:oasis:names:tc:SAML:1.0:nameid-format:unspecified […] is in effect. (Descriptive: the NameID Format a request asks for is required by SAMLCore §3.4.1.1.) Values MAY be any of §8.3.',
  },
  {
    id: 'SAMLCore-2.3.3',
    level: 'MUST',
    source: 'SAML Core \u00a72.3.3',
    text: "<Issuer> [Required] The SAML authority that is making the claim(s) in the assertion. The issuer SHOULD be unambiguous to the intended relying parties. This specification defines no particular relationship between the entity represented by this element and the signer of the assertion (if any). Any such requirements imposed by a relying party that consumes the assertion or by specific profiles are application-specific. (Schema: <Issuer> is REQUIRED in <Assertion>; SAMLProf \u00a74.1.4.2 makes it the IdP's unique identifier.)",
  },
  {
    id: 'SAMLCore-2.4.1',
    level: 'MUST',
    source: 'SAML Core \u00a72.4.1',
    text: 'The optional <Subject> element specifies the principal that is the subject of all of the (zero or more) statements in the assertion. [\u2026] A <Subject> element SHOULD NOT identify more than one principal. (In the Web Browser SSO profile the assertion MUST contain a <Subject> with a bearer <SubjectConfirmation>: SAMLProf \u00a74.1.4.2.)',
  },
  {
    id: 'SAMLCore-2.5.1.2',
    level: 'MUST',
    source: 'SAML Core \u00a72.5.1.2',
    text: 'NotBefore [Optional]: Specifies the earliest time instant at which the assertion is valid. NotOnOrAfter [Optional]: Specifies the time instant at which the assertion has expired. […] If both attributes are present, the value for NotBefore MUST be less than (earlier than) the value for NotOnOrAfter.',
  },
  {
    id: 'SAMLCore-2.5.1.4',
    level: 'MUST',
    source: 'SAML Core \u00a72.5.1.4',
    text: "The <AudienceRestriction> element specifies that the assertion is addressed to one or more specific audiences identified by <Audience> elements. [\u2026] The audience restriction condition evaluates to Valid if and only if the SAML relying party is a member of one or more of the audiences specified. (Descriptive, no keyword here: the IdP's duty to name the SP is SAMLProf \u00a74.1.4.2's, where each bearer assertion MUST contain an <AudienceRestriction> including the service provider's unique identifier as an <Audience>.)",
  },
  {
    id: 'SAMLCore-2.7.2',
    level: 'MUST',
    source: 'SAML Core \u00a72.7.2',
    text: 'AuthnInstant [Required] Specifies the time at which the authentication took place. The time value is encoded in UTC, as described in Section 1.3.3. (Schema: the attribute is REQUIRED on every <AuthnStatement>.)',
  },
  {
    id: 'SAMLCore-2.7.3.1',
    level: 'SHOULD',
    source: 'SAML Core \u00a72.7.3.1',
    text: 'Name [Required]: The name of the attribute. (No SAML keyword forbids repeating a name; saml2int SDP-IDP19 RECOMMENDS one Attribute element per name, so repeated names SHOULD NOT occur.)',
  },
  {
    id: 'SAMLCore-3.2.1',
    level: 'MUST',
    source: 'SAML Core \u00a73.2.1',
    text: 'Destination [Optional]: A URI reference indicating the address to which this request has been sent. […] If it is present, the actual recipient MUST check that the URI reference identifies the location at which the message was received. If it does not, the request MUST be discarded.',
  },
  {
    id: 'SAMLCore-3.2.2',
    level: 'MUST',
    source: 'SAML Core \u00a73.2.2',
    text: 'Destination [Optional]: A URI reference indicating the address to which this response has been sent. […] If it is present, the actual recipient MUST check that the URI reference identifies the location at which the message was received. If it does not, the response MUST be discarded.',
  },
  {
    id: 'SAMLCore-3.2.2.2',
    level: 'MUST',
    source: 'SAML Core \u00a73.2.2.2',
    text: 'The <StatusCode> element specifies a code or a set of nested codes representing the status of the corresponding request. [\u2026] Value [Required] The status code value. This attribute contains a URI reference. The value of the topmost <StatusCode> element MUST be from the top-level list provided in this section. [\u2026] The permissible top-level <StatusCode> values are as follows: urn:oasis:names:tc:SAML:2.0:status:Success, [\u2026]:Requester, [\u2026]:Responder, [\u2026]:VersionMismatch.',
  },
  {
    id: 'SAMLCore-3.3.2.2.1',
    level: 'MUST',
    source: 'SAML Core \u00a73.3.2.2.1',
    text: 'The set of supplied references MUST be evaluated as an ordered set, where the first element is the most preferred authentication context class or declaration. If none of the specified classes or declarations can be satisfied in accordance with the rules below, then the responder MUST return a <Response> message with a second-level <StatusCode> of urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext. If Comparison is set to "exact" or omitted, then the resulting authentication context in the authentication statement MUST be the exact match of at least one of the authentication contexts specified. If Comparison is set to "minimum", then the resulting authentication context in the authentication statement MUST be at least as strong (as deemed by the responder) as one of the authentication contexts specified.',
  },
  {
    id: 'SAMLCore-3.4.1',
    level: 'MUST',
    source: 'SAML Core \u00a73.4.1',
    text: 'ForceAuthn [Optional] A Boolean value. If "true", the identity provider MUST authenticate the presenter directly rather than rely on a previous security context. [\u2026] IsPassive [Optional] A Boolean value. If "true", the identity provider and the user agent itself MUST NOT visibly take control of the user interface from the requester and interact with the presenter in a noticeable fashion. [\u2026] AssertionConsumerServiceURL [Optional] Specifies by value the location to which the <Response> message MUST be returned to the requester. The responder MUST ensure by some means that the value specified is in fact associated with the requester.',
  },
  {
    id: 'SAMLCore-3.4.1-acs-index',
    level: 'MUST',
    source: 'SAML Core \u00a73.4.1',
    text: 'AssertionConsumerServiceIndex [Optional] Indirectly identifies the location to which the <Response> message should be returned to the requester. [\u2026] The identity provider MUST have a trusted means to map the index value in the attribute to a location associated with the requester. [SAMLMeta] provides one possible mechanism. [\u2026] If the index specified is invalid, then the identity provider MAY return an error <Response> or it MAY use the default location. (So a valid index gets the Response at the ACS the SP metadata gives that index, and an invalid one an error or the default ACS: those two are the only choices.)',
  },
  {
    id: 'SAMLCore-3.4.1.1',
    level: 'MUST',
    source: 'SAML Core \u00a73.4.1.1',
    text: 'When this element is used, if the content is not understood by or acceptable to the identity provider, then a <Response> message element MUST be returned with an error <Status>, and MAY contain a second-level <StatusCode> of urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy. [\u2026] When a Format defined in Section 8.3 other than urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified or urn:oasis:names:tc:SAML:2.0:nameid-format:encrypted is used, then if the identity provider returns any assertions: the Format value of the <NameID> within the <Subject> of any <Assertion> MUST be identical to the Format value supplied in the <NameIDPolicy> [\u2026].',
  },
  {
    id: 'SAMLCore-4.1.3',
    level: 'MUST',
    source: 'SAML Core \u00a74.1.3.1, \u00a74.1.3.2',
    text: 'A SAML responder MUST reject any request with a major request version number not supported by the responder. A SAML responder MAY process or MAY reject any request whose minor request version number is higher than the highest supported request version that it supports. [\u2026] An error response resulting from incompatible SAML protocol versions MUST result in reporting a top-level <StatusCode> value of urn:oasis:names:tc:SAML:2.0:status:VersionMismatch, and MAY result in reporting one of the following second-level values: urn:oasis:names:tc:SAML:2.0:status:RequestVersionTooHigh, urn:oasis:names:tc:SAML:2.0:status:RequestVersionTooLow, or urn:oasis:names:tc:SAML:2.0:status:RequestVersionDeprecated. (So only another major version, Version="3.0", is judged in the saml-web-sso profile; Version="2.1" is the responder\'s choice there, and is refused only under the device-token profile\'s DT-REQ-12.)',
  },
  {
    id: 'SAMLCore-5.4',
    level: 'MUST',
    source: 'SAML Core \u00a75.4',
    text: "SAML processors MUST support the use of XML Signature (§5.4.1-§5.4.6: enveloped signatures, one Reference to the signed element's ID, exclusive canonicalization).",
  },
  {
    id: 'SAMLCore-5.4.2',
    level: 'MUST',
    source: 'SAML Core \u00a75.4.2',
    text: 'Signatures MUST contain a single <ds:Reference> containing a same-document reference to the ID attribute value of the root element of the assertion or protocol message being signed. For example, if the ID attribute value is "foo", then the URI attribute in the <ds:Reference> element MUST be "#foo".',
  },
  {
    id: 'SAMLCore-5.4.3',
    level: 'SHOULD',
    source: 'SAML Core \u00a75.4.3',
    text: 'SAML implementations SHOULD use Exclusive Canonicalization [Excl-C14N], with or without comments, both in the <ds:CanonicalizationMethod> element of <ds:SignedInfo>, and as a <ds:Transform> algorithm. Use of Exclusive Canonicalization ensures that signatures created over SAML messages embedded in an XML context can be verified independent of that context.',
  },
  {
    id: 'SAMLCore-5.4.4',
    level: 'SHOULD',
    source: 'SAML Core \u00a75.4.4',
    text: 'Signatures in SAML messages SHOULD NOT contain transforms other than the enveloped signature transform (with the identifier http://www.w3.org/2000/09/xmldsig#enveloped-signature) or the exclusive canonicalization transforms (with the identifier http://www.w3.org/2001/10/xml-exc-c14n# or http://www.w3.org/2001/10/xml-exc-c14n#WithComments).',
  },
  {
    id: 'SAMLBind-3.4',
    level: 'MUST',
    source: 'SAML Bindings \u00a73.4',
    text: 'The HTTP Redirect binding defines a mechanism by which SAML protocol messages can be transmitted within URL parameters. (Support for receiving AuthnRequests by it is REQUIRED by saml2int SDP-IDP02.)',
  },
  {
    id: 'SAMLBind-3.4.3',
    level: 'MUST',
    source: 'SAML Bindings \u00a73.4.3',
    text: 'If a SAML request message is accompanied by RelayState data, then the SAML responder MUST return its SAML protocol response using a binding that also supports a RelayState mechanism, and it MUST place the exact data it received with the request into the corresponding RelayState parameter in the response.',
  },
  {
    id: 'SAMLBind-3.4.4.1',
    level: 'MUST',
    source: 'SAML Bindings \u00a73.4.4.1',
    text: 'To construct the signature, a string consisting of the concatenation of the RelayState (if present), SigAlg, and SAMLRequest (or SAMLResponse) query string parameters (each one URL-encoded) is constructed in one of the following ways (ordered as below): SAMLRequest=value&RelayState=value&SigAlg=value […] Further, note that URL-encoding is not canonical; that is, there are multiple legal encodings for a given value. The relying party MUST therefore perform the verification step using the original URL-encoded values it received on the query string.',
  },
  {
    id: 'SAMLBind-3.4.5.2',
    level: 'MUST',
    source: 'SAML Bindings \u00a73.4.5.2',
    text: 'If the message is signed, the Destination XML attribute in the root SAML element of the protocol message MUST contain the URL to which the sender has instructed the user agent to deliver the message. The recipient MUST then verify that the value matches the location at which the message has been received.',
  },
  {
    id: 'SAMLBind-3.5',
    level: 'MUST',
    source: 'SAML Bindings \u00a73.5',
    text: 'The HTTP POST binding defines a mechanism by which SAML protocol messages may be transmitted within the base64-encoded content of an HTML form control. (SAMLProf §4.1.3.3: the <AuthnRequest> MAY be sent by HTTP-Redirect or HTTP-POST; an IdP listing a POST SingleSignOnService MUST serve it.)',
  },
  {
    id: 'SAMLBind-3.5.3',
    level: 'MUST',
    source: 'SAML Bindings \u00a73.5.3',
    text: 'If a SAML request message is accompanied by RelayState data, then the SAML responder MUST return its SAML protocol response using a binding that also supports a RelayState mechanism, and it MUST place the exact data it received with the request into the corresponding RelayState parameter in the response.',
  },
  {
    id: 'SAMLBind-3.5.4',
    level: 'MUST',
    source: 'SAML Bindings \u00a73.5.4',
    text: 'A SAML protocol message is form-encoded by applying the base-64 encoding rules to the XML representation of the message and placing the result in a hidden form control within a form as defined by [HTML401] Section 17. […] If the message is a SAML response, then the form control MUST be named SAMLResponse.',
  },
  {
    id: 'SAMLBind-3.5.5.2',
    level: 'MUST',
    source: 'SAML Bindings \u00a73.5.5.2',
    text: 'If the message is signed, the Destination XML attribute in the root SAML element of the protocol message MUST contain the URL to which the sender has instructed the user agent to deliver the message. The recipient MUST then verify that the value matches the location at which the message has been received.',
  },
  {
    id: 'SAMLProf-4.1.2',
    level: 'MUST',
    source: 'SAML Profiles \u00a74.1.2',
    text: 'Note that the HTTP Redirect binding MUST NOT be used, as the response will typically exceed the URL length permitted by most user agents.',
  },
  {
    id: 'SAMLProf-4.1.3.4',
    level: 'MUST',
    source: 'SAML Profiles \u00a74.1.3.4, \u00a74.1.4.1',
    text: 'In step 4, the principal is identified by the identity provider by some means outside the scope of this profile. This may require a new act of authentication, or it may reuse an existing authenticated session. (\u00a74.1.4.1: If the identity provider cannot or will not satisfy the request, it MUST respond with a <Response> message containing an appropriate error status code or codes.)',
  },
  {
    id: 'SAMLProf-4.1.4.1',
    level: 'MUST',
    source: 'SAML Profiles \u00a74.1.4.1',
    text: 'The <Issuer> element MUST be present and MUST contain the unique identifier of the requesting service provider; the Format attribute MUST be omitted or have a value of urn:oasis:names:tc:SAML:2.0:nameid-format:entity.',
  },
  {
    id: 'SAMLProf-4.1.4.2',
    level: 'MUST',
    source: 'SAML Profiles \u00a74.1.4.2',
    text: "If the <Response> message is signed or if an enclosed assertion is encrypted, then the <Issuer> element MUST be present. Otherwise it MAY be omitted. If present it MUST contain the unique identifier of the issuing identity provider; the Format attribute MUST be omitted or have a value of urn:oasis:names:tc:SAML:2.0:nameid-format:entity. It MUST contain at least one <Assertion>. [\u2026] The set of one or more assertions MUST contain at least one <AuthnStatement> that reflects the authentication of the principal to the identity provider. At least one assertion containing an <AuthnStatement> MUST contain a <Subject> element with at least one <SubjectConfirmation> element containing a Method of urn:oasis:names:tc:SAML:2.0:cm:bearer. If the identity provider supports the Single Logout profile, defined in Section 4.4, any such authentication statements MUST include a SessionIndex attribute to enable per-session logout requests by the service provider. The bearer <SubjectConfirmation> element described above MUST contain a <SubjectConfirmationData> element that contains a Recipient attribute containing the service provider's assertion consumer service URL and a NotOnOrAfter attribute that limits the window during which the assertion can be delivered. It MAY contain an Address attribute limiting the client address from which the assertion can be delivered. It MUST NOT contain a NotBefore attribute. If the containing message is in response to an <AuthnRequest>, then the InResponseTo attribute MUST match the request's ID. [\u2026] The assertion(s) containing a bearer subject confirmation MUST contain an <AudienceRestriction> including the service provider's unique identifier as an <Audience>.",
  },
  {
    id: 'SAMLProf-4.1.4.3',
    level: 'MUST',
    source: 'SAML Profiles \u00a74.1.4.3',
    text: 'Regardless of the SAML binding used, the service provider MUST do the following: Verify any signatures present on the assertion(s) or the response. Verify that the Recipient attribute in any bearer <SubjectConfirmationData> matches the assertion consumer service URL to which the <Response> or artifact was delivered. Verify that the NotOnOrAfter attribute in any bearer <SubjectConfirmationData> has not passed, subject to allowable clock skew between the providers. Verify that the InResponseTo attribute in the bearer <SubjectConfirmationData> equals the ID of its original <AuthnRequest> message, unless the response is unsolicited [\u2026]. Verify that any assertions relied upon are valid in other respects. [\u2026]',
  },
  {
    id: 'SAMLProf-4.1.4.5',
    level: 'MUST',
    source: 'SAML Profiles \u00a74.1.4.5 (errata E26)',
    text: 'If the HTTP POST binding is used to deliver the <Response>, each assertion MUST be protected by a digital signature. This can be accomplished by signing each individual <Assertion> element or by signing the <Response> element. (The 2005 text: the enclosed assertion(s) MUST be signed.)',
  },
  {
    id: 'SAMLProf-4.4',
    level: 'MUST',
    source: 'SAML Profiles \u00a74.4',
    text: '(SAMLProf §4.1.4.2) If the identity provider supports the Single Logout profile, defined in Section 4.4, any authentication statements MUST include a SessionIndex attribute to enable per-session logout requests by the service provider.',
  },
  {
    id: 'SAMLMeta-2.2.3',
    level: 'MAY',
    source: 'SAML Metadata \u00a72.2.3',
    text: 'isDefault [Optional]: A boolean attribute used to designate the default endpoint among an indexed set. If omitted, the value is assumed to be false. (The default ACS when a request names none; how it is chosen is in SAMLMeta §2.2.3 and saml2int SDP-IDP06, which MAY not be overridden.)',
  },
  {
    id: 'SAMLMeta-2.4.3',
    level: 'MUST',
    source: 'SAML Metadata \u00a72.4.3',
    text: '<SingleSignOnService> [One or More] One or more elements of type EndpointType that describe endpoints that support the profiles of the Authentication Request protocol defined in [SAMLProf]. All identity providers support at least one such endpoint, by definition. The ResponseLocation attribute MUST be omitted. (Schema: at least one is REQUIRED.)',
  },
  {
    id: 'SAMLMeta-2.4.4',
    level: 'MUST',
    source: 'SAML Metadata \u00a72.4.4',
    text: 'AuthnRequestsSigned [Optional]: Optional attribute that indicates whether the <samlp:AuthnRequest> messages sent by this service provider will be signed. If omitted, the value is assumed to be false. (saml2int SDP-IDP04: an IdP MUST reject unsigned requests from an SP declaring it true.)',
  },
  {
    id: 'SDP-G01',
    level: 'MUST',
    source: 'saml2int SDP-G01',
    text: 'Implementations MUST allow for reasonable clock skew between systems when interpreting xsd:dateTime values and enforcing security policies based thereupon. Tolerances of 3–5 minutes are reasonable defaults.',
  },
  {
    id: 'SDP-G03',
    level: 'MUST',
    source: 'saml2int SDP-G03',
    text: 'Implementations MUST NOT produce any SAML message containing a DTD (Document Type Definition).',
  },
  {
    id: 'SDP-G04',
    level: 'MUST',
    source: 'saml2int SDP-G04',
    text: 'The entityID of an entity MUST be an absolute URI of no more than 256 characters.',
  },
  {
    id: 'SDP-MD01',
    level: 'MUST',
    source: 'saml2int SDP-MD01',
    text: "An implementation's behaviour (SSO/SLO support, endpoints and bindings, trust of signing keys and TLS certificates, encryption keys, […]) MUST be provisioned solely from metadata.",
  },
  {
    id: 'SDP-MD05',
    level: 'MUST',
    source: 'saml2int SDP-MD05',
    text: 'Keys MUST be expressed as X.509 certificates in <md:KeyDescriptor> elements.',
  },
  {
    id: 'SDP-MD06',
    level: 'MUST',
    source: 'saml2int SDP-MD06',
    text: 'RSA public keys MUST be at least 2048 bits in length (3072 bits RECOMMENDED).',
  },
  {
    id: 'SDP-MD07',
    level: 'MUST',
    source: 'saml2int SDP-MD07',
    text: 'EC public keys MUST be at least 256 bits in length.',
  },
  {
    id: 'SDP-MD08',
    level: 'MUST',
    source: 'saml2int SDP-MD08',
    text: "An Identity Provider's metadata MUST contain at least one signing certificate.",
  },
  {
    id: 'SDP-ALG01',
    level: 'MUST',
    source: 'saml2int SDP-ALG01',
    text:
      'Deployments MUST support, and use, the following algorithms when communicating with peers in the ' +
      'context of this profile: digest sha256; signature rsa-sha256, ecdsa-sha256; block encryption ' +
      'aes128-gcm, aes256-gcm; key transport rsa-oaep-mgf1p, xmlenc11#rsa-oaep.',
  },
  {
    id: 'SDP-IDP02',
    level: 'MUST',
    source: 'saml2int SDP-IDP02',
    text: 'Identity Providers MUST support the SAML V2.0 HTTP-Redirect binding for the receipt of <samlp:AuthnRequest> messages.',
  },
  {
    id: 'SDP-IDP04',
    level: 'MUST',
    source: 'saml2int SDP-IDP04',
    text: 'Identity Providers MUST accept unsigned <samlp:AuthnRequest> messages generally, but MUST reject unsigned requests from Service Providers whose metadata contains an AuthnRequestsSigned attribute of "true" or "1".',
  },
  {
    id: 'SDP-IDP05',
    level: 'MUST',
    source: 'saml2int SDP-IDP05',
    text: 'If a <samlp:AuthnRequest> is signed, the Identity Provider MUST verify the signature, and MUST fail the request if the signature does not verify (it MAY handle the failure locally).',
  },
  {
    id: 'SDP-IDP06',
    level: 'MUST',
    source: 'saml2int SDP-IDP06',
    text: "Identity Providers MUST verify the AssertionConsumerServiceURL supplied in a <samlp:AuthnRequest> against the <md:AssertionConsumerService> elements in the Service Provider's metadata; without one, the default from metadata MUST be used.",
  },
  {
    id: 'SDP-IDP07',
    level: 'MUST',
    source: 'saml2int SDP-IDP07',
    text: 'A ForceAuthn attribute of "true" or "1" MUST cause an actual challenge of the user (and a fresh AuthnInstant); if the user\'s presence cannot be proven the request MUST fail.',
  },
  {
    id: 'SDP-IDP08',
    level: 'MUST',
    source: 'saml2int SDP-IDP08',
    text: 'Identity Providers MUST support the SAML V2.0 HTTP-POST binding for the transmission of <samlp:Response> messages.',
  },
  {
    id: 'SDP-IDP09',
    level: 'MUST',
    source: 'saml2int SDP-IDP09',
    text: 'Successful <samlp:Response> messages MUST be directly signed (a <ds:Signature> in the <samlp:Response>); error responses MAY be unsigned.',
  },
  {
    id: 'SDP-IDP10',
    level: 'MUST',
    source: 'saml2int SDP-IDP10',
    text: 'Successful responses MUST contain exactly one assertion, which MUST contain exactly one <saml2:AuthnStatement> and zero or one <saml2:AttributeStatement>.',
  },
  {
    id: 'IDPC-REQ-01',
    level: 'SHOULD',
    source:
      'idp-conformance request freshness (no SAML sentence holds it: SAMLCore §1.3.3 defines time values only; skew from saml2int SDP-G01)',
    text: 'An AuthnRequest whose IssueInstant is far outside the accepted clock skew (one hour old, or one hour ahead) SHOULD be refused: a captured request must not stay usable for ever.',
  },
  {
    id: 'IDPC-REQ-02',
    level: 'SHOULD',
    source:
      'idp-conformance request replay (no SAML sentence holds it: SAMLCore §1.3.4 binds who assigns an ID, not who receives it)',
    text: 'The same AuthnRequest (same SP, same ID) SHOULD be answered at most once: a replayed request is refused.',
  },
  {
    id: 'IDPC-REQ-03',
    level: 'SHOULD',
    source:
      'idp-conformance schema validity of request flags (SAMLCore \u00a73.4.1 and \u00a73.4.1.1 type IsPassive, ForceAuthn and AllowCreate as xs:boolean; no SAML sentence says what a responder does with a schema-invalid request)',
    text: 'An AuthnRequest whose IsPassive, ForceAuthn or NameIDPolicy AllowCreate is not an xs:boolean ("true", "false", "1" or "0"), such as "yes", is schema-invalid and SHOULD be refused (an error page or an error Response): guessing whether "yes" means true serves a request whose meaning the IdP cannot know.',
  },
  {
    id: 'IDPC-REQ-04',
    level: 'SHOULD',
    source:
      'idp-conformance Redirect encodings (SAML Bindings \u00a73.4.4: "A query string parameter named SAMLEncoding is reserved to identify the encoding mechanism used. If this parameter is omitted, then the value is assumed to be urn:oasis:names:tc:SAML:2.0:bindings:URL-Encoding:DEFLATE."; no sentence says what a receiver does with an encoding it does not know)',
    text: 'An HTTP-Redirect request whose SAMLEncoding names the DEFLATE encoding (urn:oasis:names:tc:SAML:2.0:bindings:URL-Encoding:DEFLATE) is decoded as such; one whose SAMLEncoding names an encoding the IdP does not support SHOULD be refused, not decoded as DEFLATE regardless of what the sender declared.',
  },
  {
    id: 'IDPC-SEC-02',
    level: 'SHOULD',
    source:
      'idp-conformance signature structure (W3C XML Signature \u00a74: Signature is (SignedInfo, SignatureValue, KeyInfo?, Object*), SignedInfo has exactly one SignatureMethod, a Reference exactly one DigestMethod; no SAML sentence says a verifier refuses a signature that breaks the schema)',
    text: 'A signed request whose ds:Signature is not schema-valid XML Signature (SignedInfo not its first child, two SignatureMethod in SignedInfo, two DigestMethod in a Reference) SHOULD be refused even when its SignatureValue verifies: verifiers read an ambiguous signature differently (the signature-confusion class of CVE-2025-29774).',
  },
  {
    id: 'IDPC-SEC-01',
    level: 'MUST',
    source: 'idp-conformance security baseline (attack catalogue §3; W3C XML Signature Best Practices)',
    text: 'Hostile XML in a request (DOCTYPE or entities, external references, XSLT transforms, deflate or base64 bombs, invalid UTF-8, oversize) MUST be rejected quickly without the IdP fetching anything, and the IdP keeps serving valid logins.',
  },
  {
    id: 'SDP-IDP32',
    level: 'MUST',
    source: 'saml2int SDP-IDP32',
    text: 'IdP deployments MUST support multiple signing certificates in SP metadata and MUST support validation of signatures using a key from any of them.',
  },
  {
    id: 'SDP-IDP19',
    level: 'SHOULD',
    source: 'saml2int SDP-IDP19',
    text: 'It is RECOMMENDED that the content of <saml2:AttributeValue> elements be a single text node (and an Attribute appear once).',
  },
  {
    id: 'SDP-IDP20',
    level: 'MUST',
    source: 'saml2int SDP-IDP20',
    text: 'Multiple attribute values MUST be expressed as separate <saml2:AttributeValue> elements, not a delimited string.',
  },
];
