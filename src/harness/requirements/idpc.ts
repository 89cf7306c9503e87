/**
 * The project's own requirements (IDPC-*): rules a demanding SP holds an IdP to where no SAML sentence
 * carries them. Each entry's source says why, and what it rests on.
 */
import type { Requirement } from './types';

export const IDPC_REQUIREMENTS: readonly Requirement[] = [
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
    id: 'IDPC-REQ-05',
    level: 'SHOULD',
    source:
      'idp-conformance optional Destination (SAMLCore \u00a73.2.1: "Destination [Optional] [\u2026] If it is present, the actual recipient MUST check that the URI reference identifies the location at which the message was received"; SAML Bindings \u00a73.4.5.2 and \u00a73.5.5.2 require it only "If the message is signed"; no sentence says a receiver serves a request that omits it)',
    text: 'An unsigned AuthnRequest without a Destination attribute (optional in SAMLCore \u00a73.2.1, required by SAML Bindings \u00a73.4.5.2/\u00a73.5.5.2 only on signed messages) SHOULD be served like the same request with it: refusing it refuses conformant SPs.',
  },
  {
    id: 'IDPC-SEC-02',
    level: 'SHOULD',
    source:
      'idp-conformance signature structure (W3C XML Signature \u00a74: Signature is (SignedInfo, SignatureValue, KeyInfo?, Object*), SignedInfo has exactly one CanonicalizationMethod and one SignatureMethod, a Reference exactly one DigestMethod; no SAML sentence says a verifier refuses a signature that breaks the schema)',
    text: 'A signed request whose ds:Signature is not schema-valid XML Signature (SignedInfo not its first child, two CanonicalizationMethod or two SignatureMethod in SignedInfo, two DigestMethod in a Reference) SHOULD be refused even when its SignatureValue verifies: verifiers read an ambiguous signature differently (the signature-confusion class of CVE-2025-29774).',
  },
  {
    id: 'IDPC-SEC-03',
    level: 'SHOULD',
    source:
      'idp-conformance algorithm policy (saml2int SDP-ALG01: deployments "MUST support, and use" digest sha256 and signature rsa-sha256 or ecdsa-sha256 "when communicating with peers" — it fixes what a deployment uses, and no sentence says a receiver refuses a SHA-1 signature; the device-token profile states it as DT-SIG-06; attack catalogue S-12, P-39)',
    text: 'A signed request whose signature uses SHA-1 (a SHA-1 DigestMethod, even under an RSA-SHA256 SignatureMethod) SHOULD be refused: SHA-1 collisions are practical, and a digest the IdP would not use itself is not one to act on.',
  },
  {
    id: 'IDPC-SEC-01',
    level: 'MUST',
    source: 'idp-conformance security baseline (attack catalogue §3; W3C XML Signature Best Practices)',
    text: 'Hostile XML in a request (DOCTYPE or entities, external references, XSLT transforms, deflate or base64 bombs, invalid UTF-8, oversize) MUST be rejected quickly without the IdP fetching anything, and the IdP keeps serving valid logins.',
  },
];
