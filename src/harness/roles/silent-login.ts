/**
 * One silent device-token login: the gateway builds and signs the AuthnRequest with the agent's
 * DeviceContext, the agent presents its token to the IdP, the gateway's ACS verifies what comes back and
 * provisions the user it names.
 */
import type { RunContext } from '../run-context';
import { AuthnRequestBuilder, BINDING_POST, NAMEID_EMAIL } from '../messages/authn-request';
import { postFields, signRequestXml, type RequestSignOptions, type SigningKey } from '../messages/bindings';
import { applyDeviceContextEdit, type DeviceContextEdit } from '../messages/device-context';
import { record } from '../evidence/context';
import type { FlowResult, Requested } from './client/browser-flow';
import { throughGateway } from './through-gateway';
import { UserAgent } from './client/user-agent';
import type { VerifyResult } from './gateway/verifier';
import { NotApplicable } from '../checks/verdict';
import { provision } from './gateway/provisioning';
import { CLIENT_SOURCE_ADDRESSES, requireAlone } from './admin';
import { deviceContextXml, newDevice, newUserName, type DeviceFacts } from './client/device-agent';
import { dtTarget } from './tenant';

export interface SilentLoginOptions {
  /** The token presented; undefined = none. */
  token?: string;
  userName?: string;
  /** Defaults to the target tenant's. */
  userDomain?: string;
  cloudName?: string;
  /** Overrides the UserId sent (default userName@userDomain). */
  userId?: string;
  device?: DeviceFacts;
  relayState?: string;
  /** Adjust the known-good request before it is encoded. */
  request?: (b: AuthnRequestBuilder) => void;
  /** A named edit of the DeviceContext XML (after building) — hostile variants; one that changes nothing throws. */
  deviceContext?: DeviceContextEdit;
  xml?: (xml: string) => string;
  afterSigning?: (xml: string) => string;
  /** Sign (default true) and with which key. */
  sign?: boolean;
  signKey?: SigningKey;
  sha1?: boolean;
  signOptions?: RequestSignOptions;
  /**
   * Authorization header value to send instead of `DeviceToken <token>`; null = no header; a list sends
   * the header once per value (a repeated header).
   */
  authorization?: string | string[] | null;
  /** Extra headers (e.g. X-Device-Id) and form fields (e.g. a token in a field). */
  headers?: Record<string, string>;
  extraFields?: Record<string, string>;
  /** Replaces the SAMLRequest field with a raw value made from the final XML (hostile encodings). */
  samlRequest?: (xml: string) => string;
  query?: string;
  /** Which tenant's SSO URL receives it. */
  tenant?: 'main' | 'other';
  localAddress?: string;
}

export interface SilentLogin extends FlowResult {
  request: {
    id: string;
    xml: string;
    relayState?: string;
    userId: string;
    device: DeviceFacts;
    issueInstant?: string;
  };
  /** What the request asked for (judged on every Success). */
  requested: Requested;
  verify?: VerifyResult;
  startedAt: Date;
  /** The raw first answer of the SSO endpoint (status, headers, body) for token-leak checks. */
  ssoStatus?: number;
}

/** One silent device-token login: gateway builds and signs, the agent presents the token, the ACS verifies. */
export async function silentLogin(s: RunContext, opts: SilentLoginOptions = {}): Promise<SilentLogin> {
  // A client.sourceAddresses address exists for throttling: its failure window is shared state.
  if (opts.localAddress !== undefined)
    requireAlone('the throttling window of a client source address', CLIENT_SOURCE_ADDRESSES);
  const t = await dtTarget(s);
  const idp = opts.tenant === 'other' ? t.other?.idp : t.idp;
  if (!idp) throw new NotApplicable('the target config has no deviceToken.otherTenant metadata');
  const ssoUrl = idp.ssoPost;
  if (!ssoUrl)
    throw new NotApplicable('the device-token tenant metadata lists no HTTP-POST SingleSignOnService');
  const userDomain = opts.userDomain ?? t.tenant.userDomain;
  const userName = opts.userName ?? newUserName();
  const userId = opts.userId ?? `${userName}@${userDomain}`;
  const device = opts.device ?? newDevice();
  const b = new AuthnRequestBuilder(s.now())
    .withDestination(ssoUrl)
    .withAcsUrl(s.gateway.acsUrl)
    .withProtocolBinding(BINDING_POST)
    .withIssuer(s.config.gateway.entityId)
    .withIsPassive('true')
    .withNameIdPolicy({ format: NAMEID_EMAIL, allowCreate: 'true' });
  let dc = deviceContextXml({ userId, userDomain, cloudName: opts.cloudName ?? t.tenant.cloudName, device });
  if (opts.deviceContext) dc = applyDeviceContextEdit(dc, opts.deviceContext);
  b.withExtensions(dc);
  opts.request?.(b);
  let xml = b.toXml();
  if (opts.xml) xml = opts.xml(xml);
  if (opts.sign ?? true)
    xml = signRequestXml(xml, b.id, opts.signKey ?? s.gatewayKey, { sha1: opts.sha1, ...opts.signOptions });
  if (opts.afterSigning) xml = opts.afterSigning(xml);
  record({
    kind: 'saml',
    label: 'device-token AuthnRequest',
    at: new Date().toISOString(),
    saml: { messageType: 'AuthnRequest', binding: 'post', xml },
  });

  const ua = new UserAgent({ timeoutMs: s.config.timeouts.exchangeMs, localAddress: opts.localAddress });
  const headers: Record<string, string | string[]> = { ...opts.headers };
  if (opts.authorization !== null) {
    const auth = opts.authorization ?? (opts.token !== undefined ? `DeviceToken ${opts.token}` : undefined);
    if (auth !== undefined) headers.authorization = auth;
  }
  const form = { ...postFields(xml, opts.relayState), ...opts.extraFields };
  if (opts.samlRequest) form.SAMLRequest = opts.samlRequest(xml);
  const url = opts.query ? `${ssoUrl}${ssoUrl.includes('?') ? '&' : '?'}${opts.query}` : ssoUrl;
  const startedAt = s.now();
  let ssoStatus: number | undefined;
  const { flow, verify } = await throughGateway(s.gateway, {
    ua,
    login: {
      requestId: b.id,
      spEntityId: s.config.gateway.entityId,
      idpEntityId: idp.entityId ?? '',
      idpCertsPem: idp.signingCerts,
      requestedNameIdFormat: NAMEID_EMAIL,
    },
    ssoUrl,
    first: async () => {
      const res = await ua.send('POST', url, { form, headers, label: 'device-token AuthnRequest' });
      ssoStatus = res.status;
      return res;
    },
    maxSteps: 3,
  });
  const result: SilentLogin = {
    ...flow,
    request: { id: b.id, xml, relayState: opts.relayState, userId, device, issueInstant: b.issueInstant },
    requested: {
      spEntityId: s.config.gateway.entityId,
      acsUrl: s.gateway.acsUrl,
      idpEntityId: idp.entityId,
      principal: userId,
    },
    verify,
    startedAt,
    ssoStatus,
  };
  if (verify?.accepted && verify.assertion)
    provision(s.deviceToken.directory, idp.entityId ?? '', verify.assertion);
  return result;
}
