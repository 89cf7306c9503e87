/** The public surface specs use: scenario(), flows, builders, outcome checks. No XPath, no HTTP here. */
export { scenario } from './scenario';
export type { CheckSpec } from './scenario';
export { POLICY, ENCRYPTION_POLICY } from './checks/policy';
export { idRandomBits } from './checks/id-bits';
export { Verdict, ConformanceFailure, NotApplicable, Blocked, show } from './checks/verdict';
export { blockIfUntrusted } from './checks/preconditions';
export {
  expectSuccess,
  expectAccepted,
  expectRejected,
  expectRefused,
  expectRefusal,
  expectRefusalAgainst,
  expectControlRefused,
  variantsAgainstControl,
  type ControlVariant,
  expectErrorStatus,
  answeredWithError,
  expectNoFinding,
  finding,
  receivedResponse,
  received,
  succeeded,
  verifySuccess,
  statusName,
  describe as describeAnswer,
  type RefusalKind,
} from './checks/outcomes';
export { verify, type Condition, type Expectation } from './checks/conditions';
export {
  RESPONSE_DESTINATION,
  RESPONSE_DESTINATION_REQUIRED,
  RESPONSE_IN_RESPONSE_TO,
  RESPONSE_ISSUER,
  RESPONSE_ISSUER_REQUIRED,
  RESPONSE_ISSUER_FORMAT,
  STATUS_SUCCESS,
  STATUS_ERROR,
  ONE_ASSERTION,
  ERROR_NO_ASSERTION,
  ASSERTION_SIGNED,
  AUDIENCE_IS_REQUESTER,
  RECIPIENT_IS_ACS,
  BEARER_IN_RESPONSE_TO,
  BEARER_NO_NOT_BEFORE,
  NAMEID_IS_PRINCIPAL,
  acsBearers,
  type Received,
  type Succeeded,
} from './checks/conditions-response';
export {
  ASSERTION_ENCRYPTED,
  ENCRYPTED_FOR_SP_KEY,
  keyTransportRefused,
  NO_INNER_ENCRYPTION,
  BLOCK_ENCRYPTION,
  KEY_TRANSPORT,
} from './checks/conditions-encryption';
export {
  METADATA_DOCUMENT,
  SAML2_PROTOCOL_SUPPORT,
  POST_SSO_ENDPOINT,
  SIGNING_CERTIFICATE,
  SIGNING_KEYS_STRONG,
  RSA_SIGNING_KEYS,
} from './checks/conditions-metadata';
export {
  signedBy,
  SIGNATURE_PRESENT,
  SIGNATURES_VERIFY,
  SIGNATURE_ALGORITHMS,
  SIGNATURE_REFERENCE,
  ENVELOPED_SIGNATURE,
  EXCLUSIVE_C14N,
  EXC_C14N_SIGNED_INFO,
} from './checks/conditions-signature';
export {
  CONDITIONS_WINDOW,
  CONDITIONS_BOUNDED,
  SESSION_INDEX,
  IDS_DISTINCT,
  AUTHN_INSTANT,
  ISSUE_INSTANTS,
} from './checks/conditions-assertion';
export { WHERE } from './roles/gateway/verifier-types';
export { HarnessError } from './types';
export { webLogin, webRequest, newBrowser, type WebLogin, type WebLoginOptions } from './roles/web-login';
export {
  AuthnRequestBuilder,
  NAMEID_EMAIL,
  NAMEID_PERSISTENT,
  NAMEID_TRANSIENT,
  NAMEID_UNSPECIFIED,
  NAMEID_KERBEROS,
  BINDING_POST,
  BINDING_REDIRECT,
  samlTime,
  newId,
} from './messages/authn-request';
export { signedOctets, redirectUrl, redirectEncode, type RedirectParams } from './messages/bindings';
export { fixtureKey, type RunContext } from './run-context';
export { certKeyInfo } from './xml';
export type { AssertionInfo, ResponseInfo } from './roles/gateway/verifier';
export { isSuccess } from './roles/gateway/verifier-content';
export { silentLogin, type SilentLogin, type SilentLoginOptions } from './roles/silent-login';
export {
  newDevice,
  newUserName,
  unissuedToken,
  deviceContextXml,
  DT_NS,
  DT_AUTHN_CONTEXT,
  type DeviceFacts,
} from './roles/client/device-agent';
export {
  dtTarget,
  dtToken,
  freshToken,
  dtApi,
  withSettings,
  afterCheck,
  dtAdmin,
  createToken,
  deleteToken,
  registerDtGateway,
} from './roles/tenant';
export { adminCall, CLIENT_SOURCE_ADDRESSES } from './roles/admin';
export { isNoAnswer } from './roles/client/http';
export { registerExtraEntity, type ExtraEntity } from './roles/sp-registration';
export { wrapRequest, type XswVariant } from './messages/xsw';
export { Canary } from './roles/canary';
export { hostileXml, hostileSignature, hostileEncoding, redirectHmacWithCert } from './messages/hostile';
export { deviceContextEdits, editDeviceContext, type DeviceContextEdit } from './messages/device-context';
export { signRedirectParams, lowercaseEscapes } from './messages/bindings';
export { requestEdits, editRequest, type RequestEdit } from './messages/request-edits';
export { editSignatureStructure, type SignatureStructureEdit } from './messages/signature-structure';
export {
  webLogout,
  passiveLogin,
  idpSlo,
  gatewaySloUrl,
  type WebLogout,
  type WebLogoutOptions,
  type LogoutMessage,
} from './roles/slo';
