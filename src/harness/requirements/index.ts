/**
 * The requirement catalogue: every requirement ID a check may cite, with its source and wording.
 *
 * Long file: one entry per requirement (the catalogue is data; splitting it by profile is issue 8 work left).
 */
import type { Citation, Level } from '../types';
import { SAML2INT_REQUIREMENTS } from './saml2int';

export interface Requirement {
  id: string;
  level: Level;
  source: string;
  text: string;
}

const BASE_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'SAMLCore-1.3.3',
    level: 'MUST',
    source: 'SAML Core \u00a71.3.3',
    text: 'All SAML time values are xs:dateTime in UTC without time zone component.',
  },
  {
    id: 'SAMLCore-1.3.4',
    level: 'MUST',
    source: 'SAML Core \u00a71.3.4',
    text: 'Identifiers are unique; a randomly chosen identifier SHOULD carry 128 to 160 bits of randomness.',
  },
  {
    id: 'SAMLCore-2.2.2',
    level: 'MUST',
    source: 'SAML Core \u00a72.2.2',
    text: 'NameID Format identifies the kind of identifier.',
  },
  {
    id: 'SAMLCore-2.3.3',
    level: 'MUST',
    source: 'SAML Core \u00a72.3.3',
    text: 'An Assertion has Version, ID, IssueInstant and an Issuer.',
  },
  {
    id: 'SAMLCore-2.4.1',
    level: 'MUST',
    source: 'SAML Core \u00a72.4.1',
    text: 'The Subject identifies the principal.',
  },
  {
    id: 'SAMLCore-2.5.1.2',
    level: 'MUST',
    source: 'SAML Core \u00a72.5.1.2',
    text: 'NotBefore and NotOnOrAfter bound the validity of the assertion.',
  },
  {
    id: 'SAMLCore-2.5.1.4',
    level: 'MUST',
    source: 'SAML Core \u00a72.5.1.4',
    text: 'AudienceRestriction: the assertion is addressed to the named audiences.',
  },
  {
    id: 'SAMLCore-2.7.2',
    level: 'MUST',
    source: 'SAML Core \u00a72.7.2',
    text: 'AuthnStatement AuthnInstant is the time of authentication.',
  },
  {
    id: 'SAMLCore-2.7.3.1',
    level: 'SHOULD',
    source: 'SAML Core \u00a72.7.3.1',
    text: 'Attribute names identify attributes; repeated names are ambiguous.',
  },
  {
    id: 'SAMLCore-3.2.1',
    level: 'MUST',
    source: 'SAML Core \u00a73.2.1',
    text: 'If Destination is present and is not the location the message was received at, the recipient MUST discard the message.',
  },
  {
    id: 'SAMLCore-3.2.2',
    level: 'MUST',
    source: 'SAML Core \u00a73.2.2',
    text: 'StatusResponseType: ID, InResponseTo, Version, IssueInstant, Destination, Status.',
  },
  {
    id: 'SAMLCore-3.2.2.2',
    level: 'MUST',
    source: 'SAML Core \u00a73.2.2.2',
    text: 'Top-level and second-level status codes, VersionMismatch included.',
  },
  {
    id: 'SAMLCore-3.4.1',
    level: 'MUST',
    source: 'SAML Core \u00a73.4.1',
    text: 'AuthnRequest processing: the responder MUST ensure the ACS belongs to the requester; IsPassive and ForceAuthn semantics.',
  },
  {
    id: 'SAMLCore-3.4.1.1',
    level: 'MUST',
    source: 'SAML Core \u00a73.4.1.1',
    text: 'NameIDPolicy: if the responder cannot produce the requested Format it MUST return InvalidNameIDPolicy.',
  },
  {
    id: 'SAMLCore-4.1.3',
    level: 'MUST',
    source: 'SAML Core \u00a74.1.3',
    text: 'Version mismatches are reported with VersionMismatch.',
  },
  {
    id: 'SAMLCore-5.4',
    level: 'MUST',
    source: 'SAML Core \u00a75.4',
    text: 'XML Signature profile for SAML messages and assertions.',
  },
  {
    id: 'SAMLCore-5.4.2',
    level: 'MUST',
    source: 'SAML Core \u00a75.4.2',
    text: 'Signatures MUST contain a single Reference whose URI is "#" + the ID of the signed element.',
  },
  {
    id: 'SAMLCore-5.4.3',
    level: 'MUST',
    source: 'SAML Core \u00a75.4.3',
    text: 'Exclusive canonicalization SHOULD be used.',
  },
  {
    id: 'SAMLCore-5.4.4',
    level: 'MUST',
    source: 'SAML Core \u00a75.4.4',
    text: 'Only enveloped-signature and exclusive canonicalization transforms.',
  },
  { id: 'SAMLBind-3.4', level: 'MUST', source: 'SAML Bindings \u00a73.4', text: 'HTTP-Redirect binding.' },
  {
    id: 'SAMLBind-3.4.3',
    level: 'MUST',
    source: 'SAML Bindings \u00a73.4.3',
    text: 'RelayState MUST be returned exactly as received.',
  },
  {
    id: 'SAMLBind-3.4.4.1',
    level: 'MUST',
    source: 'SAML Bindings \u00a73.4.4.1',
    text: 'The Redirect signature covers SAMLRequest, RelayState and SigAlg as received.',
  },
  {
    id: 'SAMLBind-3.4.5.2',
    level: 'MUST',
    source: 'SAML Bindings \u00a73.4.5.2',
    text: 'A signed message MUST carry a Destination that the recipient verifies.',
  },
  { id: 'SAMLBind-3.5', level: 'MUST', source: 'SAML Bindings \u00a73.5', text: 'HTTP-POST binding.' },
  {
    id: 'SAMLBind-3.5.3',
    level: 'MUST',
    source: 'SAML Bindings \u00a73.5.3',
    text: 'RelayState MUST be returned exactly as received.',
  },
  {
    id: 'SAMLBind-3.5.4',
    level: 'MUST',
    source: 'SAML Bindings \u00a73.5.4',
    text: 'The message is sent in an HTML form control named SAMLResponse.',
  },
  {
    id: 'SAMLBind-3.5.5.2',
    level: 'MUST',
    source: 'SAML Bindings \u00a73.5.5.2',
    text: 'A signed Response over HTTP-POST MUST carry Destination equal to the receiving URL.',
  },
  {
    id: 'SAMLProf-4.1.2',
    level: 'MUST',
    source: 'SAML Profiles \u00a74.1.2',
    text: 'The Response MUST NOT be sent with HTTP-Redirect.',
  },
  {
    id: 'SAMLProf-4.1.3.4',
    level: 'MUST',
    source: 'SAML Profiles \u00a74.1.3.4',
    text: 'The IdP authenticates the presenter.',
  },
  {
    id: 'SAMLProf-4.1.4.1',
    level: 'MUST',
    source: 'SAML Profiles \u00a74.1.4.1',
    text: 'AuthnRequest usage: Issuer present, known SP.',
  },
  {
    id: 'SAMLProf-4.1.4.2',
    level: 'MUST',
    source: 'SAML Profiles \u00a74.1.4.2',
    text: 'Response usage: Issuer, InResponseTo, bearer SubjectConfirmation with Recipient/NotOnOrAfter/InResponseTo and no NotBefore, AudienceRestriction, AuthnStatement; error Responses carry no assertion.',
  },
  {
    id: 'SAMLProf-4.1.4.3',
    level: 'MUST',
    source: 'SAML Profiles \u00a74.1.4.3',
    text: 'The SP verifies the Response as the profile prescribes.',
  },
  {
    id: 'SAMLProf-4.1.4.5',
    level: 'MUST',
    source: 'SAML Profiles \u00a74.1.4.5',
    text: 'Assertions over HTTP-POST MUST be signed.',
  },
  {
    id: 'SAMLProf-4.4',
    level: 'SHOULD',
    source: 'SAML Profiles \u00a74.4',
    text: 'Single Logout needs a SessionIndex.',
  },
  {
    id: 'SAMLMeta-2.2.3',
    level: 'MUST',
    source: 'SAML Metadata \u00a72.2.3',
    text: 'Indexed endpoints; isDefault chooses the default ACS.',
  },
  {
    id: 'SAMLMeta-2.4.3',
    level: 'MUST',
    source: 'SAML Metadata \u00a72.4.3',
    text: 'IDPSSODescriptor with SingleSignOnService endpoints.',
  },
  {
    id: 'SAMLMeta-2.4.4',
    level: 'MUST',
    source: 'SAML Metadata \u00a72.4.4',
    text: 'SPSSODescriptor AuthnRequestsSigned.',
  },
  {
    id: 'SDP-G01',
    level: 'MUST',
    source: 'saml2int SDP-G01',
    text: 'Allow 3–5 minutes of clock skew either direction.',
  },
  {
    id: 'SDP-G03',
    level: 'MUST',
    source: 'saml2int SDP-G03',
    text: 'MUST NOT produce any SAML message containing a DTD.',
  },
  {
    id: 'SDP-G04',
    level: 'MUST',
    source: 'saml2int SDP-G04',
    text: 'entityID is an absolute URI of at most 256 characters.',
  },
  {
    id: 'SDP-MD01',
    level: 'MUST',
    source: 'saml2int SDP-MD01',
    text: 'Behaviour, including trust of signing keys, is provisioned solely from metadata.',
  },
  {
    id: 'SDP-MD05',
    level: 'MUST',
    source: 'saml2int SDP-MD05',
    text: 'Keys are X.509 certificates in KeyDescriptor.',
  },
  { id: 'SDP-MD06', level: 'MUST', source: 'saml2int SDP-MD06', text: 'RSA keys at least 2048 bits.' },
  { id: 'SDP-MD07', level: 'MUST', source: 'saml2int SDP-MD07', text: 'EC keys at least 256 bits.' },
  {
    id: 'SDP-MD08',
    level: 'MUST',
    source: 'saml2int SDP-MD08',
    text: 'IdP metadata has at least one signing certificate.',
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
    text: 'Support HTTP-Redirect for receiving AuthnRequests.',
  },
  {
    id: 'SDP-IDP04',
    level: 'MUST',
    source: 'saml2int SDP-IDP04',
    text: 'Reject unsigned AuthnRequests when SP metadata has AuthnRequestsSigned="true".',
  },
  {
    id: 'SDP-IDP05',
    level: 'MUST',
    source: 'saml2int SDP-IDP05',
    text: 'Verify signed AuthnRequests, or fail.',
  },
  {
    id: 'SDP-IDP06',
    level: 'MUST',
    source: 'saml2int SDP-IDP06',
    text: 'Verify AssertionConsumerServiceURL against SP metadata; absent → default ACS.',
  },
  {
    id: 'SDP-IDP07',
    level: 'MUST',
    source: 'saml2int SDP-IDP07',
    text: 'ForceAuthn causes a real challenge and a fresh AuthnInstant.',
  },
  {
    id: 'SDP-IDP08',
    level: 'MUST',
    source: 'saml2int SDP-IDP08',
    text: 'Support HTTP-POST for sending Responses.',
  },
  {
    id: 'SDP-IDP09',
    level: 'MUST',
    source: 'saml2int SDP-IDP09',
    text: 'Successful Responses MUST be directly signed.',
  },
  {
    id: 'SDP-IDP10',
    level: 'MUST',
    source: 'saml2int SDP-IDP10',
    text: 'Exactly one assertion with exactly one AuthnStatement.',
  },
  {
    id: 'IDPC-SEC-01',
    level: 'MUST',
    source: 'idp-conformance security baseline (attack catalogue §3; W3C XML Signature Best Practices)',
    text: 'Hostile XML in a request (DOCTYPE or entities, external references, XSLT transforms, deflate or base64 bombs, invalid UTF-8, oversize) is rejected quickly without the IdP fetching anything, and the IdP keeps serving valid logins.',
  },
  {
    id: 'SDP-IDP32',
    level: 'MUST',
    source: 'saml2int SDP-IDP32',
    text: 'Support multiple signing certificates in SP metadata and validate with any of them (key rollover).',
  },
  {
    id: 'SDP-IDP19',
    level: 'SHOULD',
    source: 'saml2int SDP-IDP19',
    text: 'A single text node per AttributeValue (RECOMMENDED).',
  },
  {
    id: 'SDP-IDP20',
    level: 'MUST',
    source: 'saml2int SDP-IDP20',
    text: 'Multiple values are separate AttributeValue elements.',
  },
  {
    id: 'DT-MD-01',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'The IdP publishes SAML metadata with an IDPSSODescriptor, an HTTP-POST SingleSignOnService and at least one signing certificate (RSA ≥ 2048).',
  },
  {
    id: 'DT-MD-02',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'The IDPSSODescriptor declares `WantAuthnRequestsSigned="true"`.',
  },
  {
    id: 'DT-REQ-01',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'The AuthnRequest of step 2 delivered as in step 3 is answered with Success.',
  },
  {
    id: 'DT-REQ-02',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'A device-token request without `dt:DeviceContext` gets error RequestUnsupported (top-level Requester).',
  },
  {
    id: 'DT-REQ-03',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'UserDomain not equal to the domain part of UserId gets error RequestDenied.',
  },
  {
    id: 'DT-REQ-04',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'A UserId that breaks the UserId rule gets an error with top-level Requester.',
  },
  {
    id: 'DT-REQ-05',
    level: 'MUST',
    source: 'device-token profile v1',
    text: "A CloudName other than the tenant's gets error RequestDenied.",
  },
  {
    id: 'DT-REQ-06',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'A DeviceContext that breaks the DeviceContext rule (more than one, a repeated, missing or unknown `dt` element, a bad value) gets an error with top-level Requester.',
  },
  {
    id: 'DT-REQ-07',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'A value split by a comment or processing instruction (e.g. UserId = `admin@example.com<!---->.evil.test`) is read as its whole text or refused: never an assertion for the truncated value.',
  },
  {
    id: 'DT-REQ-08',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'A device-token request never gets interactive content: the only HTML is the auto-post form; no password field, no other form, no script but the auto-submit.',
  },
  {
    id: 'DT-REQ-09',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'RelayState comes back unchanged.',
  },
  {
    id: 'DT-REQ-10',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'The token is taken only from the `Authorization` header; a token in the query string or a form field does not authenticate (outcome as DT-TOK-02).',
  },
  {
    id: 'DT-REQ-11',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'Hostile XML (DOCTYPE or entities, external references, XSLT transforms, deflate or base64 bombs, invalid UTF-8, oversize) is rejected within 10 seconds, without the IdP fetching anything; a valid login right after still succeeds.',
  },
  {
    id: 'DT-REQ-12',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'A request with Version ≠ 2.0, a missing Destination or one other than the SSO URL, an IssueInstant outside the window, or a ProtocolBinding other than HTTP-POST is refused.',
  },
  {
    id: 'DT-REQ-13',
    level: 'SHOULD',
    source: 'device-token profile v1',
    text: 'The IdP SHOULD refuse a replayed request ID.',
  },
  {
    id: 'DT-SIG-01',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'An unsigned device-token AuthnRequest is rejected.',
  },
  {
    id: 'DT-SIG-02',
    level: 'MUST',
    source: 'device-token profile v1',
    text: "A request signed by a key not in the gateway's metadata is rejected, including one carrying the signer's certificate in KeyInfo.",
  },
  {
    id: 'DT-SIG-03',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'A request altered after signing (any of DeviceContext, ACS URL, IsPassive, NameIDPolicy, Issuer, Destination, ID) is rejected.',
  },
  {
    id: 'DT-SIG-04',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'Signature-wrapped requests (root wrapping XSW1/XSW2 patterns, the original inside `samlp:Extensions`, the original inside `ds:Object`, duplicate IDs) are rejected.',
  },
  {
    id: 'DT-SIG-05',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'A signature that breaks the request-signature rule (Reference not `#` + root ID, not a child of the root, more than one SignedInfo or Reference, comments in SignedInfo, WithComments, other transforms) is rejected.',
  },
  {
    id: 'DT-SIG-06',
    level: 'SHOULD',
    source: 'device-token profile v1',
    text: 'Requests signed with RSA-SHA1 or a SHA-1 digest SHOULD be refused.',
  },
  {
    id: 'DT-SIG-07',
    level: 'MUST',
    source: 'device-token profile v1',
    text: "The Assertion is signed with a key from the IdP's metadata, or the Response is signed and covers it (signing both is RECOMMENDED): RSA-SHA256 or stronger, exc-c14n, an enveloped signature whose Reference is `#` + the signed element's ID.",
  },
  {
    id: 'DT-SIG-08',
    level: 'MUST',
    source: 'device-token profile v1',
    text: "Requests signed with any of several signing certificates in the gateway's metadata are accepted (key rollover), and a certificate removed from the metadata no longer works.",
  },
  {
    id: 'DT-TOK-01',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'A valid token with a valid request produces a Success Response for the user ID.',
  },
  {
    id: 'DT-TOK-02',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'No token on a device-token request gets error NoPassive and no UI.',
  },
  {
    id: 'DT-TOK-03',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'An unknown token gets error AuthnFailed (top-level Responder).',
  },
  {
    id: 'DT-TOK-04',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'A deleted token gets error AuthnFailed on the first request after deletion; other tokens keep working.',
  },
  {
    id: 'DT-TOK-05',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'A token of another tenant gets error AuthnFailed or RequestDenied.',
  },
  {
    id: 'DT-TOK-06',
    level: 'MUST',
    source: 'device-token profile v1',
    text: "The token value never appears in any output of the SSO endpoint: Response XML, HTML, headers, error pages, RelayState. (Only the admin API's create call shows it, once.)",
  },
  {
    id: 'DT-TOK-07',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'A malformed Authorization header is refused cleanly (an error, never a 5xx), and a valid login right after succeeds.',
  },
  {
    id: 'DT-TOK-08',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'Admin API: a created token is shown once; listings never show a full value; a 17th live token is refused (409); the password rule is enforced (400).',
  },
  {
    id: 'DT-TOK-09',
    level: 'MUST',
    source: 'device-token profile v1',
    text: '`ForceAuthn="true"` re-validates the token: a ForceAuthn login made at least one second after an earlier login of the same user and device has a later AuthnInstant than that earlier login, and a deleted token fails even if an earlier login from the same client succeeded.',
  },
  {
    id: 'DT-TOK-10',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'A RequestedAuthnContext the device token cannot satisfy gets error NoAuthnContext — no silent downgrade.',
  },
  {
    id: 'DT-TOK-11',
    level: 'SHOULD',
    source: 'device-token profile v1',
    text: 'The IdP SHOULD throttle token guessing as the throttling rule says.',
  },
  {
    id: 'DT-RSP-01',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'A Success Response has `Destination` = ACS, `InResponseTo` = request ID, `Issuer` = IdP entityID, Status Success, exactly one Assertion, signed per DT-SIG-07.',
  },
  {
    id: 'DT-RSP-02',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'NameID Format emailAddress, value = the user ID in lowercase, the same on every login of that user.',
  },
  {
    id: 'DT-RSP-03',
    level: 'MUST',
    source: 'device-token profile v1',
    text: "One bearer SubjectConfirmation with `Recipient` = ACS, `InResponseTo` = request ID, `NotOnOrAfter` ≤ the Assertion's IssueInstant + 5 minutes, no `NotBefore`.",
  },
  {
    id: 'DT-RSP-04',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'Conditions with both `NotBefore` and `NotOnOrAfter`, now inside them within the skew; an AudienceRestriction whose Audience includes the gateway entityID. The validity SHOULD be at most 5 minutes and the gateway SHOULD be the only Audience.',
  },
  {
    id: 'DT-RSP-05',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'One AuthnStatement with the device-token AuthnContextClassRef, an `AuthnInstant` within the skew of now, and a `SessionIndex`.',
  },
  {
    id: 'DT-RSP-06',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'The device attributes equal the signed DeviceContext values exactly; `tokenId` is present, is not the token value, and equals the admin `id` of the token used (when the target has tokenAdmin); no device attribute takes a value from outside the signed request (form fields, extra headers such as `X-Device-Id`).',
  },
  {
    id: 'DT-RSP-07',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'Error Responses contain no Assertion and carry `Destination` and `InResponseTo`.',
  },
  {
    id: 'DT-RSP-08',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'Nothing is ever posted to an ACS URL that is not registered for the requesting gateway: the comparison is exact string equality (look-alike hosts, `@` userinfo, `..` paths, `javascript:` schemes, extra query parameters all fail it); a request without an ACS URL is answered to the registered default ACS.',
  },
  {
    id: 'DT-RSP-09',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'Response and Assertion IDs are unique across all responses of a run.',
  },
  {
    id: 'DT-PROV-01',
    level: 'MUST',
    source: 'device-token profile v1',
    text: "First login of a new user with JIT on: Success, and the user then exists in the IdP's directory (userAdmin); the gateway provisions one user and one device.",
  },
  {
    id: 'DT-PROV-02',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'A repeat login from the same device gives the same NameID and deviceId — no new user or device at the gateway.',
  },
  {
    id: 'DT-PROV-03',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'The same user from a second device: the same NameID, another deviceId — one user, two devices.',
  },
  {
    id: 'DT-PROV-04',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'User IDs differing only in letter case map to one NameID — no duplicate user.',
  },
  {
    id: 'DT-PROV-05',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'With JIT off, an unknown user gets error UnknownPrincipal, and a user present in the directory gets Success with its directory attributes.',
  },
  {
    id: 'DT-PROV-06',
    level: 'MUST',
    source: 'device-token profile v1',
    text: "Eight parallel first logins of one new user from eight devices all succeed, with identical NameIDs and distinct Assertion IDs, and leave exactly one record for the user in the IdP's directory (`GET /users`).",
  },
  {
    id: 'DT-PROV-07',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'A domain outside `allowedDomains` gets error RequestDenied; nothing is provisioned.',
  },
  {
    id: 'DT-PROV-08',
    level: 'MUST',
    source: 'device-token profile v1',
    text: 'A directory attribute changed through `POST /users` shows in the next assertion; an attribute removed is absent from the next assertion (the gateway then removes it too).',
  },
];

export const REQUIREMENTS: readonly Requirement[] = [...BASE_REQUIREMENTS, ...SAML2INT_REQUIREMENTS];

const byId = new Map(REQUIREMENTS.map((r) => [r.id, r]));

export function requirement(id: string): Requirement | undefined {
  return byId.get(id);
}

const OASIS = 'https://docs.oasis-open.org/security/saml/v2.0/';
const SAML2INT = 'https://kantarainitiative.github.io/SAMLprofiles/saml2int.html';
/** The device-token profile document (repository path); its requirement headings are anchors. */
export const DEVICE_TOKEN_DOC = 'docs/profiles/device-token.md';

/** Where a requirement is written: the spec document (and anchor where it has one), or undefined. */
export function requirementUrl(id: string): string | undefined {
  if (/^SAMLCore-/i.test(id)) return `${OASIS}saml-core-2.0-os.pdf`;
  if (/^SAMLBind-/i.test(id)) return `${OASIS}saml-bindings-2.0-os.pdf`;
  if (/^SAMLProf-/i.test(id)) return `${OASIS}saml-profiles-2.0-os.pdf`;
  if (/^SAMLMeta-/i.test(id)) return `${OASIS}saml-metadata-2.0-os.pdf`;
  if (/^SDP-/i.test(id)) return SAML2INT;
  if (/^DT-/i.test(id)) return `${DEVICE_TOKEN_DOC}#${id.toLowerCase()}`;
  if (/^IDPC-SEC-/i.test(id)) return 'https://www.w3.org/TR/xmldsig-bestpractices/';
  return undefined;
}

/**
 * What a check cites, from the catalogue: each requirement's level, sentence, source and link. A check
 * citing a requirement that is not in the catalogue is a harness defect: it throws when the spec loads.
 */
export function citations(ids: readonly string[], checkId: string): Citation[] {
  return ids.map((id) => {
    const r = byId.get(id);
    if (!r)
      throw new Error(
        `check ${checkId} cites ${id}, which is not in the requirement catalogue (src/harness/requirements/index.ts)`,
      );
    const link = requirementUrl(id);
    return { id, level: r.level, text: r.text, source: r.source, ...(link ? { link } : {}) };
  });
}
