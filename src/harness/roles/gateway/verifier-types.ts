/**
 * What the gateway verifier reads and returns (its context, the fields read from a Response, the result),
 * and the replay cache. Apart from verifier.ts so that verifier-content.ts can use them without a cycle.
 */
import type { Finding } from './verifier-findings';

export interface VerifyContext {
  /** Trust ONLY these (from IdP metadata). */
  idpEntityId: string;
  idpCertsPem: string[];
  /** The gateway's private keys (PEM) for EncryptedAssertion (gateway.encryption); none = cannot decrypt (S-33). */
  decryptionKeysPem?: string[];
  spEntityId: string;
  /** The ACS that received the POST. */
  acsUrl: string;
  /** null = no request outstanding (then only an unsolicited Response can pass, and only with allowUnsolicited). */
  expectedInResponseTo: string | null;
  now: Date;
  /** Default 180. */
  skewSeconds?: number;
  replayCache?: ReplayCache;
  /** Default false: a Response signature covering the Assertion suffices; both present → both must verify. */
  requireAssertionSigned?: boolean;
  requestedNameIdFormat?: string;
  /** Conditions window cap (flag only) and IssueInstant staleness bound; default 3600. */
  maxLifetimeSeconds?: number;
  /** IdP-initiated (unsolicited, no InResponseTo) Responses are refused unless this is true. */
  allowUnsolicited?: boolean;
  /** When known, compared with SubjectConfirmationData/@Address (flag S-24). */
  clientAddress?: string;
  /** AuthnInstant older than this is refused (S-28); default 86400. */
  maxAuthnAgeSeconds?: number;
  /** ForceAuthn was requested at this time: AuthnInstant must not predate it (S-28). */
  forceAuthnSince?: Date;
  /** The RequestedAuthnContext sent (S-30). `ranking` orders class refs weakest to strongest. */
  requestedAuthnContext?: {
    comparison?: 'exact' | 'minimum' | 'better' | 'maximum';
    classRefs: string[];
    ranking?: string[];
  };
}

export interface NameIdInfo {
  value: string;
  format?: string;
  spNameQualifier?: string;
  nameQualifier?: string;
}

export interface SignatureSummary {
  valid: boolean;
  signatureAlgorithm?: string;
  digestAlgorithm?: string;
  canonicalization?: string;
  transforms: string[];
  referenceUri?: string;
  error?: string;
}

/** One ds:Signature of the Response or its Assertion, judged whether or not the gateway trusted it. */
export interface SignatureReport extends SignatureSummary {
  on: 'response' | 'assertion';
  /** The ID of the element the signature is enveloped in. */
  parentId: string;
  /** Refused by the gateway's signature policy before cryptographic verification. */
  policyRefused: boolean;
  /** Made with a metadata key: verified, or (policy-refused) checked for the report only. */
  verifiesWithMetadataKey: boolean;
}

export interface AssertionInfo {
  id: string;
  version?: string;
  issueInstant?: string;
  issuer?: string;
  nameId?: NameIdInfo;
  subjectConfirmations: {
    method?: string;
    recipient?: string;
    notOnOrAfter?: string;
    notBefore?: string;
    inResponseTo?: string;
    address?: string;
  }[];
  conditions?: { notBefore?: string; notOnOrAfter?: string; audienceRestrictions: string[][] };
  authnStatements: {
    authnInstant?: string;
    sessionIndex?: string;
    sessionNotOnOrAfter?: string;
    classRef?: string;
  }[];
  attributeStatements: number;
  attributes: {
    name: string;
    nameFormat?: string;
    friendlyName?: string;
    values: string[];
    /** SDP-IDP19: every AttributeValue is empty or one text node (no element, comment, CDATA or split text). */
    singleTextValues?: boolean;
  }[];
  /** The Assertion carries its own ds:Signature. */
  signed: boolean;
  signature?: SignatureSummary;
}

export interface ResponseInfo {
  id?: string;
  version?: string;
  issueInstant?: string;
  destination?: string;
  inResponseTo?: string;
  issuer?: string;
  issuerFormat?: string;
  statusCode?: string;
  statusSubCode?: string;
  statusMessage?: string;
  /** saml:Assertion elements anywhere in the document. */
  assertionCount: number;
  /** saml:EncryptedAssertion elements anywhere in the document. */
  encryptedAssertionCount: number;
  /** The Response carries a ds:Signature child. */
  signed: boolean;
  signature?: SignatureSummary;
  /** The fields above were read from the verified signed Response bytes. */
  trusted: boolean;
  hasDoctype: boolean;
}

/** How an EncryptedAssertion was opened (S-33, SDP-IDP11, SDP-ALG01). */
export interface EncryptionInfo {
  /** 'decrypted', or why nothing of the assertion was read. */
  outcome: 'decrypted' | 'no-key' | 'structure' | 'algorithm-refused' | 'decrypt-failed' | 'not-an-assertion';
  /** EncryptedData EncryptionMethod (block encryption). */
  dataAlgorithm?: string;
  /** EncryptedKey EncryptionMethod (key transport) and its DigestMethod. */
  keyAlgorithm?: string;
  keyDigest?: string;
  /**
   * The EncryptedKey unwrapped with the gateway's key: true when decrypted, or when an allowed key
   * transport unwrapped although the content algorithm was refused; false when it did not unwrap;
   * absent when it was not tried (no key, structure, or a refused key transport).
   */
  keyUnwrapped?: boolean;
  /** Encrypted* elements inside the decrypted Assertion (SDP-IDP11: none). */
  innerEncrypted: string[];
  error?: string;
}

export interface VerifyResult {
  accepted: boolean;
  /** Present when the Response carried an EncryptedAssertion. */
  encryption?: EncryptionInfo;
  findings: Finding[];
  response?: ResponseInfo;
  /** Every ds:Signature directly in the Response or its Assertion, trusted or not (for the checks). */
  signatures?: SignatureReport[];
  /** ONLY from verified signed bytes (the Assertion's own signed reference, or the signed Response's). */
  assertion?: AssertionInfo;
  /** Decoded text, for evidence. */
  xml?: string;
}

/** Assertion/Response IDs already consumed, kept until their validity has passed (S-31, OneTimeUse). */
export class ReplayCache {
  private readonly seen = new Map<string, number>();

  has(id: string): boolean {
    return this.seen.has(id);
  }

  add(id: string, until: Date): void {
    this.seen.set(id, Math.max(until.getTime(), this.seen.get(id) ?? 0));
  }

  /** Forgets IDs whose validity ended before `now`. */
  prune(now: Date): void {
    for (const [id, t] of this.seen) if (t < now.getTime()) this.seen.delete(id);
  }

  get size(): number {
    return this.seen.size;
  }
}

/** SAMLCore §8.3.6: the entity NameID format, the only Format an Issuer may name (SAMLProf §4.1.4.2). */
export const ENTITY_FORMAT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity';

/**
 * Where each field the reader gives sits in the Response (the `where` of a verdict), so that no check
 * types an XPath: `WHERE.response.destination` is the Destination of ResponseInfo, and so on. Assertion
 * paths are relative to the Assertion (plain or decrypted), signature paths to the ds:Signature; the
 * metadata, logout and attribute entries are where the metadata and SLO readers' fields sit.
 */
export const WHERE = {
  /** Where the binding carries it: the ACS form the client posted. */
  delivery: {
    relayState: 'form input RelayState',
  },
  response: {
    id: '/samlp:Response/@ID',
    destination: '/samlp:Response/@Destination',
    inResponseTo: '/samlp:Response/@InResponseTo',
    issuer: '/samlp:Response/saml:Issuer',
    issuerFormat: '/samlp:Response/saml:Issuer/@Format',
    statusCode: '/samlp:Response/samlp:Status/samlp:StatusCode/@Value',
    statusSubCode: '/samlp:Response/samlp:Status/samlp:StatusCode/samlp:StatusCode/@Value',
    assertionCount: '/samlp:Response/saml:Assertion',
    encryptedAssertionCount: '/samlp:Response/saml:EncryptedAssertion',
    signed: '/samlp:Response/ds:Signature',
    issueInstant: '/samlp:Response/@IssueInstant',
  },
  assertion: {
    issuer: 'saml:Assertion/saml:Issuer',
    nameId: 'saml:Subject/saml:NameID',
    nameIdFormat: 'saml:Subject/saml:NameID/@Format',
    recipient: 'saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData/@Recipient',
    subjectConfirmationNotBefore: 'saml:SubjectConfirmationData/@NotBefore',
    subjectConfirmationInResponseTo: 'saml:SubjectConfirmationData/@InResponseTo',
    audienceRestrictions: 'saml:Conditions/saml:AudienceRestriction/saml:Audience',
    conditionsNotBefore: 'saml:Conditions/@NotBefore',
    conditionsNotOnOrAfter: 'saml:Conditions/@NotOnOrAfter',
    authnStatements: 'saml:Assertion/saml:AuthnStatement',
    sessionIndex: 'saml:AuthnStatement/@SessionIndex',
    authnInstant: 'saml:AuthnStatement/@AuthnInstant',
    issueInstant: 'saml:Assertion/@IssueInstant',
    authnContextClassRef: 'saml:AuthnStatement/saml:AuthnContext/saml:AuthnContextClassRef',
    attributeName: 'saml:AttributeStatement/saml:Attribute/@Name',
    id: '@ID',
    subjectNameId: '/saml:Assertion/saml:Subject/saml:NameID',
  },
  attribute: {
    attributes: 'saml:AttributeStatement/saml:Attribute',
    nameFormat: 'saml:Attribute/@NameFormat',
    values: 'saml:Attribute/saml:AttributeValue',
    value: 'saml:AttributeValue',
    pairwiseIdValue:
      'saml:Attribute[@Name="urn:oasis:names:tc:SAML:attribute:pairwise-id"]/saml:AttributeValue',
  },
  metadata: {
    entityId: '/md:EntityDescriptor/@entityID',
    idpSsoDescriptor: 'md:IDPSSODescriptor',
    idpSsoDescriptorPath: '/md:EntityDescriptor/md:IDPSSODescriptor',
    singleSignOnService: 'md:SingleSignOnService',
    singleSignOnServices: 'md:IDPSSODescriptor/md:SingleSignOnService',
    keyDescriptor: 'md:KeyDescriptor',
    keyDescriptors: 'md:IDPSSODescriptor/md:KeyDescriptor',
    wantAuthnRequestsSigned: 'md:IDPSSODescriptor/@WantAuthnRequestsSigned',
    errorUrl: 'md:IDPSSODescriptor/@errorURL',
    uiInfo: 'mdui:UIInfo',
    uiInfoPath: 'md:IDPSSODescriptor/md:Extensions/mdui:UIInfo',
    displayName: 'mdui:DisplayName',
    logo: 'mdui:Logo',
    scope: 'shibmd:Scope',
    scopes: 'md:Extensions/shibmd:Scope',
    scopeRegexp: 'shibmd:Scope/@regexp',
    technicalContact: 'md:ContactPerson[@contactType="technical"]/md:EmailAddress',
    singleLogoutService: 'md:SingleLogoutService',
    singleLogoutServices: '/md:EntityDescriptor/md:IDPSSODescriptor/md:SingleLogoutService',
    singleLogoutServiceBinding: '/md:EntityDescriptor/md:IDPSSODescriptor/md:SingleLogoutService/@Binding',
  },
  logoutRequest: {
    destination: '/samlp:LogoutRequest/@Destination',
    notOnOrAfter: '/samlp:LogoutRequest/@NotOnOrAfter',
    issuer: '/samlp:LogoutRequest/saml:Issuer',
    nameId: '/samlp:LogoutRequest/saml:NameID',
    nameIdFormat: '/samlp:LogoutRequest/saml:NameID/@Format',
    nameQualifier: '/samlp:LogoutRequest/saml:NameID/@NameQualifier',
    spNameQualifier: '/samlp:LogoutRequest/saml:NameID/@SPNameQualifier',
    encryptedId: '/samlp:LogoutRequest/saml:EncryptedID',
    nameIdElement: 'saml:NameID',
    encryptedIdElement: 'saml:EncryptedID',
  },
  logoutResponse: {
    destination: '/samlp:LogoutResponse/@Destination',
    inResponseTo: '/samlp:LogoutResponse/@InResponseTo',
    version: '/samlp:LogoutResponse/@Version',
    issuer: '/samlp:LogoutResponse/saml:Issuer',
    statusCode: '/samlp:LogoutResponse/samlp:Status/samlp:StatusCode/@Value',
    statusSubCode: '/samlp:LogoutResponse/samlp:Status/samlp:StatusCode/samlp:StatusCode/@Value',
  },
  signature: {
    signatureAlgorithm: 'ds:SignedInfo/ds:SignatureMethod/@Algorithm',
    digestAlgorithm: 'ds:Reference/ds:DigestMethod/@Algorithm',
    referenceUri: 'ds:Reference/@URI',
    canonicalization: 'ds:SignedInfo/ds:CanonicalizationMethod/@Algorithm',
    transforms: 'ds:Reference/ds:Transforms',
  },
  encryption: {
    encryptedAssertion: '/samlp:Response/saml:EncryptedAssertion',
    dataAlgorithm: 'saml:EncryptedAssertion/xenc:EncryptedData/xenc:EncryptionMethod/@Algorithm',
    keyAlgorithm: 'saml:EncryptedAssertion//xenc:EncryptedKey/xenc:EncryptionMethod/@Algorithm',
    innerEncrypted: 'saml:Assertion//saml:Encrypted*',
  },
} as const;
