/** Namespaces, URIs and limits used by the reference IdP (SAML 2.0 and the device-token profile). */

export const NS = {
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  dt: 'urn:idp-conformance:device-token:1.0',
} as const;

export const BINDING = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
} as const;

/** The only SAMLEncoding the Redirect binding defines ([BIND] §3.4.4). */
export const DEFLATE_ENCODING = 'urn:oasis:names:tc:SAML:2.0:bindings:URL-Encoding:DEFLATE';

export const NAMEID = {
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  email: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
  entity: 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity',
} as const;

export const STATUS = {
  Success: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  Requester: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
  Responder: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
  VersionMismatch: 'urn:oasis:names:tc:SAML:2.0:status:VersionMismatch',
  AuthnFailed: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed',
  InvalidNameIDPolicy: 'urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy',
  NoAuthnContext: 'urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext',
  NoPassive: 'urn:oasis:names:tc:SAML:2.0:status:NoPassive',
  RequestDenied: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
  RequestUnsupported: 'urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported',
  RequestVersionTooHigh: 'urn:oasis:names:tc:SAML:2.0:status:RequestVersionTooHigh',
  RequestVersionTooLow: 'urn:oasis:names:tc:SAML:2.0:status:RequestVersionTooLow',
  UnknownPrincipal: 'urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal',
  UnsupportedBinding: 'urn:oasis:names:tc:SAML:2.0:status:UnsupportedBinding',
  PartialLogout: 'urn:oasis:names:tc:SAML:2.0:status:PartialLogout',
} as const;

export type TopStatus = 'Requester' | 'Responder' | 'VersionMismatch';
export type SecondStatus = Exclude<keyof typeof STATUS, 'Success' | TopStatus>;

export const AUTHN_CONTEXT = {
  passwordProtectedTransport: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
  password: 'urn:oasis:names:tc:SAML:2.0:ac:classes:Password',
  unspecified: 'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified',
  /** The profile's class for a device-token login. */
  deviceToken: 'urn:idp-conformance:device-token:1.0:ac:device-token',
} as const;

export const ATTRNAME_FORMAT = {
  uri: 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
  basic: 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
} as const;

export const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

export const ALG = {
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha384: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  rsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  ecdsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  ecdsaSha384: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384',
  ecdsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha384: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
} as const;

/** Device-token profile "Token": the token's characters and its 16–512 length. */
export const TOKEN_SYNTAX = /^[A-Za-z0-9\-._~+/=]{16,512}$/;

export const LIMITS = {
  /** Device-token profile "Size": the form body at most 512 KiB. */
  bodyBytes: 512 * 1024,
  /** Device-token profile "Size": the decoded request at most 256 KiB. */
  requestBytes: 262144,
  /** [BIND] §3.4.3 / §3.5.3: RelayState MUST NOT exceed 80 bytes. */
  relayStateBytes: 80,
  /** Profile "Times": a request older than 10 minutes is refused. */
  requestMaxAgeMs: 10 * 60 * 1000,
  /** Profile "Times": skew tolerance is 3 minutes everywhere. */
  skewMs: 3 * 60 * 1000,
  /** DT-RSP-03 / DT-RSP-04: assertion validity at most 5 minutes. */
  assertionLifetimeMs: 5 * 60 * 1000,
  /** Conditions NotBefore is back-dated by this much to absorb SP clock skew. */
  notBeforeSkewMs: 30 * 1000,
  /** DT-TOK-08: at most 16 live tokens per tenant. */
  liveTokens: 16,
  /** DT-TOK-11: 20 consecutive failed token presentations lock the source address out. */
  throttleFailures: 20,
  sessionMs: 8 * 60 * 60 * 1000,
  pendingLoginMs: 10 * 60 * 1000,
} as const;

export const DEVICE_OS_TYPES = ['windows', 'macos', 'linux', 'ios', 'android', 'chromeos'] as const;

/** The shibmd:Scope of a tenant (metadata) and of its subject-id values. */
export function tenantScope(tenant: string): string {
  return `${tenant}.idp.test`;
}
