/**
 * The finding codes of the gateway's Response verifier (roles/gateway/verifier*.ts), with their meaning:
 * the one registry. A finding is what the verifier says about a Response it received: `reject` (the
 * gateway refuses the Response) or `flag` (recorded, not refused). Codes are typed (`FindingCode`): tsc
 * refuses a code that is not here. `S-` codes are the SP-side rules a Response must pass at the gateway,
 * `C-` codes known attacks (CVE classes) the verifier also refuses by name; each entry says where its
 * rule comes from.
 * The list with meanings is docs/findings.md (`npm run docs` writes it; docs.test keeps it true), and
 * test/unit/findings.test.ts fails on a code used but not here or here but never produced.
 */

export interface FindingInfo {
  /** What the verifier judged when it reports this code, as one sentence. */
  meaning: string;
  /** Where the rule comes from ([CORE], [PROF], [BIND] sections, a CVE), for a reader who wants more. */
  source: string;
}

export const FINDINGS = {
  'S-01': {
    meaning:
      'The SAMLResponse is refused before parsing: over the size limit, not strict base64, not UTF-8, or not text.',
    source: 'CVE-2025-54572, CVE-2025-25293 (limits checked after decoding)',
  },
  'S-02': {
    meaning:
      'The Response is not acceptable XML: a DOCTYPE, a processing instruction, more than one root, or any parse error.',
    source: 'CVE-2022-39299, CVE-2025-25291, XXE',
  },
  'S-03': {
    meaning:
      'The root is not a samlp:Response (exact namespace URI) of Version 2.0 with an xs:ID ID and an IssueInstant, or its children break the schema (text, unknown elements, wrong order).',
    source: '[CORE] §3.2.2',
  },
  'S-04': {
    meaning: 'Destination is absent or not byte-equal to the ACS URL that received the Response.',
    source: '[BIND] §3.5.5.2, [CORE] §3.2.2',
  },
  'S-05': {
    meaning:
      "The Response's InResponseTo does not name the request outstanding in this browser session (absent only when unsolicited Responses are allowed).",
    source: '[PROF] §4.1.4.3, §4.1.5',
  },
  'S-06': {
    meaning: 'The top-level StatusCode is not Success: the Response reports an error and logs nobody in.',
    source: '[PROF] §4.1.4.2',
  },
  'S-07': {
    meaning:
      'Not exactly one Assertion (or EncryptedAssertion) as a direct child of the Response, counted over the whole document.',
    source: 'XML signature wrapping (XSW3–XSW8), CVE-2022-41912',
  },
  'S-08': {
    meaning: 'An ID-like attribute value (ID, Id, id, any namespace) appears on more than one element.',
    source: 'XML signature wrapping with duplicate IDs (XSW7, XSW8)',
  },
  'S-09': {
    meaning:
      'A ds:Signature outside its one allowed position: a direct child of the Response or Assertion, right after Issuer.',
    source: 'CVE-2025-25292, CVE-2024-8698',
  },
  'S-10': {
    meaning:
      'A signature is not one SignedInfo with one Reference whose URI is "#" + its parent\'s ID, with a strict base64 digest of the declared length.',
    source: '[CORE] §5.4.2, CVE-2025-29774',
  },
  'S-11': {
    meaning:
      'Transforms other than enveloped-signature and exclusive c14n (at most two), or a CanonicalizationMethod that is not exclusive c14n.',
    source: '[CORE] §5.4.3, §5.4.4, CVE-2021-39171',
  },
  'S-12': {
    meaning:
      'SignatureMethod or DigestMethod outside the policy (RSA or ECDSA with SHA-256/384/512; never SHA-1 or HMAC).',
    source: '[XMLDSIG11] §6, saml2int, CVE-2018-7644',
  },
  'S-13': {
    meaning:
      'The signing key is not usable from the IdP metadata: a weak or unreadable metadata certificate (flag), none usable (reject), or a KeyInfo certificate that is not the metadata key (flag, never trusted).',
    source: 'CVE-2024-32962; RSA ≥ 2048 or EC ≥ 256 bits (harness policy)',
  },
  'S-14': {
    meaning:
      'No signature in an allowed position, or the Assertion is unsigned while the policy requires signed assertions.',
    source: '[PROF] §4.1.4.5, [META] §2.4.4',
  },
  'S-15': {
    meaning:
      'A signature (Response, Assertion or decrypted Assertion) does not verify with the IdP metadata key.',
    source: '[CORE] §5.4, [PROF] §4.1.4.5',
  },
  'S-16': {
    meaning:
      'The assertion cannot be read from the verified signed bytes: the signed reference is not the element with that ID, or nothing verified holds it.',
    source: 'CVE-2025-47949, CVE-2025-54419',
  },
  'S-17': {
    meaning: "The Response Issuer is not the IdP's entityID, or its Format is not entity.",
    source: '[PROF] §4.1.4.2',
  },
  'S-18': {
    meaning:
      "The Assertion's ID, Version, IssueInstant (within the clock skew) or Issuer (the IdP's entityID) is missing or wrong.",
    source: '[PROF] §4.1.4.2, [CORE] §2.3.3',
  },
  'S-19': {
    meaning: 'The Response or Assertion ID looks shorter than 128 bits of randomness (flag).',
    source: '[CORE] §1.3.4',
  },
  'S-20': {
    meaning: 'A time is not an xs:dateTime in UTC with a literal Z.',
    source: '[CORE] §1.3.3',
  },
  'S-21': {
    meaning:
      'The Subject does not hold exactly one NameID (or EncryptedID) with a single text child, or carries an identifier the gateway does not accept.',
    source: 'CVE-2017-11427 (comment truncation)',
  },
  'S-22': {
    meaning:
      'The NameID Format is not the one requested in NameIDPolicy, or its SPNameQualifier / NameQualifier names another entity.',
    source: '[CORE] §2.2.2, §3.4.1.1',
  },
  'S-23': {
    meaning:
      'No bearer SubjectConfirmation whose data has Recipient = the ACS URL, a future NotOnOrAfter, the request ID as InResponseTo and no NotBefore.',
    source: '[PROF] §4.1.4.2, §4.1.4.3',
  },
  'S-24': {
    meaning: 'SubjectConfirmationData Address is not the client address (flag).',
    source: '[PROF] §4.1.4.3',
  },
  'S-25': {
    meaning:
      'Conditions outside the validity window: NotBefore in the future, NotOnOrAfter passed, NotBefore not before NotOnOrAfter; a window longer than the policy maximum is flagged.',
    source: '[CORE] §2.5.1.2',
  },
  'S-26': {
    meaning: 'An AudienceRestriction does not name this SP (every AudienceRestriction must).',
    source: '[CORE] §2.5.1.4, [PROF] §4.1.4.2',
  },
  'S-27': {
    meaning:
      'A Condition the gateway cannot evaluate (unknown type: Indeterminate), or OneTimeUse / ProxyRestriction more than once; OneTimeUse without a replay cache is flagged.',
    source: '[CORE] §2.5.1.1, §2.5.1.5, §2.5.1.6',
  },
  'S-28': {
    meaning:
      'No AuthnStatement, an AuthnInstant in the future, or (with ForceAuthn) an AuthnInstant before the request.',
    source: '[PROF] §4.1.4.2',
  },
  'S-29': {
    meaning: 'The AuthnStatement SessionNotOnOrAfter has already passed (flag).',
    source: '[PROF] §4.1.4.2, §4.1.4.3',
  },
  'S-30': {
    meaning:
      'The AuthnContextClassRef does not satisfy the RequestedAuthnContext sent (exact, minimum, better).',
    source: '[CORE] §3.4.1.4',
  },
  'S-31': {
    meaning: 'Replay: the Assertion ID or the Response ID was already consumed.',
    source: '[PROF] §4.1.4.5',
  },
  'S-32': {
    meaning:
      'Attributes the gateway cannot take as identity: an Attribute without Name, a duplicate Name, values that are not plain text; an EncryptedAttribute it cannot decrypt is flagged.',
    source: 'ruby-saml validate_no_duplicated_attributes',
  },
  'S-33': {
    meaning:
      'An EncryptedAssertion that cannot be decrypted with the gateway key under the allowed algorithms, or whose decrypted Assertion fails the checks above.',
    source: '[CORE] §6, CVE-2024-4985',
  },
  'S-36': {
    meaning: 'An error Response (not Success) carries an assertion (flag: the IdP does not conform).',
    source: '[PROF] §4.1.4.2',
  },
  'S-37': {
    meaning:
      'The Response signature references the Assertion (a signature placed for the Assertion outside it): refused.',
    source: '[CORE] §5.4.1, CVE-2024-8698',
  },
  'S-38': {
    meaning: 'A signed Response without Destination.',
    source: '[BIND] §3.5.5.2',
  },
  'S-39': {
    meaning:
      'Character data inside an element whose schema content is element-only: of the Assertion (Assertion, Subject, SubjectConfirmation, Conditions, AudienceRestriction, AuthnStatement, AuthnContext, AttributeStatement, Attribute, …) or of the status (samlp:Status, samlp:StatusCode): the message is not schema-valid.',
    source: '[CORE] §2 (saml-schema-assertion-2.0), §3.2.2.1–3.2.2.2 (saml-schema-protocol-2.0)',
  },
  'C-01': {
    meaning: 'A ds:Signature holds more than one ds:SignedInfo (SAMLStorm).',
    source: 'CVE-2025-29774',
  },
  'C-02': {
    meaning: 'A comment or processing instruction inside ds:SignedInfo (DigestValue comment trick).',
    source: 'CVE-2025-29775',
  },
  'C-04': {
    meaning: 'An HMAC SignatureMethod (keyed with public material): refused.',
    source: 'CVE-2018-7644, GHSA-c27r-x354-4m68',
  },
  'C-08': {
    meaning: 'A transform chain longer than enveloped-signature + exclusive c14n (transform DoS).',
    source: 'CVE-2021-39171',
  },
  'C-12': {
    meaning: 'A DigestValue equal to the digest of the empty string (void canonicalization).',
    source: 'CVE-2025-66568',
  },
  'C-15': {
    meaning:
      'A comment inside NameID, Issuer or an AttributeValue, splitting the value for first-text-node readers.',
    source: 'CVE-2017-11427 and related (comment truncation)',
  },
  'C-22': {
    meaning:
      'Neither the Response nor the decrypted Assertion carries a verified signature (encryption is not authentication).',
    source: 'CVE-2026-2092, CVE-2024-4985',
  },
  INTERNAL: {
    meaning: 'The verifier itself failed on this Response; it is refused (fail closed), never accepted.',
    source: 'the harness: fail closed',
  },
} as const satisfies Record<string, FindingInfo>;

/** A finding code of the verifier: one of FINDINGS. */
export type FindingCode = keyof typeof FINDINGS;

export const FINDING_CODES = Object.keys(FINDINGS) as FindingCode[];

/** docs/findings.md, as `npm run docs` writes it. */
export function findingsMarkdown(): string {
  const rows = FINDING_CODES.map((c) => {
    const f: FindingInfo = FINDINGS[c];
    const cell = (s: string) => s.replace(/\|/g, '\\|');
    return `| ${c} | ${cell(f.meaning)} | ${cell(f.source)} |`;
  });
  return [
    '# Finding codes of the gateway verifier',
    '',
    '<!-- Generated from src/harness/findings.ts by `npm run docs`; docs.test fails when it is stale. -->',
    '',
    'Every Response the gateway receives is judged by its verifier (`src/harness/roles/gateway/`); what it',
    'finds is a list of findings, each with a code below, a message, and where, expected and actual when',
    'known. A `reject` finding makes the gateway refuse the Response; a `flag` finding is recorded only.',
    "The codes show in the ACS answer recorded in each check's evidence (`rejected: S-04,S-15`) and in",
    'check messages that quote a finding (`(S-21: …)`).',
    '',
    'Sources: [CORE] SAML 2.0 Core, [PROF] Profiles, [BIND] Bindings, [META] Metadata (OASIS, 2005),',
    '[XMLDSIG11] XML Signature 1.1, saml2int the SAML2Int deployment profile; a CVE names the attack the',
    'code refuses.',
    '',
    '| Code | Meaning | Source |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
