/**
 * The device-token roles: the agent, provisioning, token administration and the DT tenant. Long file: six
 * jobs in one place; the split into roles/client/ and roles/gateway/ is issue 8 work left (a hot file now).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { session, type HarnessSession } from '../session';
import { AuthnRequestBuilder, BINDING_POST, NAMEID_EMAIL, xmlEscape } from '../messages/authn-request';
import { postFields, signRequestXml, type RequestSignOptions, type SigningKey } from '../messages/bindings';
import { applyDeviceContextEdit, type DeviceContextEdit } from '../messages/device-context';
import { record } from '../evidence/context';
import { currentCheckId } from '../liveness';
import type { FlowResult, Requested } from './client/browser-flow';
import { throughGateway } from './through-gateway';
import { UserAgent } from './client/user-agent';
import type { AssertionInfo, VerifyResult } from './gateway/verifier';
import { NotApplicable } from '../checks/verdict';
import { HarnessError } from '../types';
import { loadIdpMetadata } from '../targets/idp-metadata';
import type { AdminApiConfig } from '../targets/config-types';
import type { DtTarget, DtTokenKind } from '../targets/dt-target';
import type { ProvisionedUser } from './gateway/provisioning';
import { adminCall, requireAlone, type AdminChange } from './admin';
import { spMetadataXml } from './gateway/sp-metadata';

export type { DtTarget, ProvisionedUser };

export const DT_NS = 'urn:idp-conformance:device-token:1.0';
export const DT_AUTHN_CONTEXT = 'urn:idp-conformance:device-token:1.0:ac:device-token';

/** Device facts the agent knows and sends in the DeviceContext. */
export interface DeviceFacts {
  deviceId: string;
  hostname: string;
  osType: string;
  osVersion: string;
  clientVersion: string;
}

export function newDevice(overrides: Partial<DeviceFacts> = {}): DeviceFacts {
  return {
    deviceId: randomUUID(),
    hostname: `LAPTOP-${randomBytes(3).toString('hex').toUpperCase()}`,
    osType: 'windows',
    osVersion: '10.0.22631',
    clientVersion: '4.3.0',
    ...overrides,
  };
}

/** A fresh user name for a test (fresh gateway user per test, house style). */
export function newUserName(prefix = 'user'): string {
  return `${prefix}.${randomBytes(4).toString('hex')}`;
}

/** A token no IdP issued: 32 random bytes, base64url (as real tokens look; specs use no crypto). */
export function unissuedToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Values of the DeviceContext as sent; `raw` replaces the whole element (hostile variants). */
export interface DeviceContextValues {
  userId: string;
  userDomain: string;
  cloudName: string;
  device: DeviceFacts;
}

export function deviceContextXml(c: DeviceContextValues): string {
  const d = c.device;
  const el = (name: string, v: string) => `<dt:${name}>${xmlEscape(v)}</dt:${name}>`;
  return (
    `<dt:DeviceContext xmlns:dt="${DT_NS}">` +
    el('UserId', c.userId) +
    el('UserDomain', c.userDomain) +
    el('CloudName', c.cloudName) +
    `<dt:Device>${el('DeviceId', d.deviceId)}${el('Hostname', d.hostname)}${el('OSType', d.osType)}` +
    `${el('OSVersion', d.osVersion)}${el('ClientVersion', d.clientVersion)}</dt:Device>` +
    `</dt:DeviceContext>`
  );
}

/** Loads (once per run) the device-token tenant's metadata and registers the gateway there (spAdmin). */
export async function dtTarget(s: HarnessSession = session()): Promise<DtTarget> {
  const cached = s.deviceToken.target;
  if (cached) return cached;
  const p = (async () => {
    const dt = s.config.deviceToken;
    if (!dt) throw new NotApplicable('the target config has no deviceToken section');
    const idp = dt.metadata ? await loadIdpMetadata(dt.metadata, s.config.timeouts.exchangeMs) : s.idp;
    const t: DtTarget = { idp, tenant: dt.tenant, admin: dt.admin };
    if (dt.otherTenant) {
      const other = dt.otherTenant.metadata
        ? await loadIdpMetadata(dt.otherTenant.metadata, s.config.timeouts.exchangeMs)
        : undefined;
      t.other = { idp: other, tenant: dt.otherTenant.tenant, admin: dt.otherTenant.admin };
    }
    if (s.config.capabilities.spAdmin) {
      // The run's one registration (as setup, not a change a check makes): private to the run.
      const setup = { private: "the run's one registration of the gateway (setup, once)" };
      if (dt.admin) await putGatewayRegistration(s, dt.admin, [s.gatewayKey.certPem], setup);
      if (dt.otherTenant?.admin)
        await putGatewayRegistration(s, dt.otherTenant.admin, [s.gatewayKey.certPem], setup);
    }
    return t;
  })();
  s.deviceToken.target = p;
  return p;
}

/** PUT /service-providers with the gateway's metadata (AuthnRequestsSigned="true"): a check's key change. */
export async function registerDtGateway(
  s: HarnessSession,
  admin: AdminApiConfig,
  certsPem: string[],
): Promise<void> {
  await putGatewayRegistration(s, admin, certsPem, 'the signing certificates registered for the gateway');
}

async function putGatewayRegistration(
  s: HarnessSession,
  admin: AdminApiConfig,
  certsPem: string[],
  changes: AdminChange,
): Promise<void> {
  const xml = spMetadataXml({
    entityId: s.config.gateway.entityId,
    acsUrl: s.gateway.acsUrl,
    certsPem,
    authnRequestsSigned: true,
  });
  let res;
  try {
    res = await adminCall(admin, 'PUT', '/service-providers', {
      xml,
      timeoutMs: s.config.timeouts.exchangeMs,
      changes,
    });
  } catch (e) {
    if (e instanceof HarnessError) throw e; // ERR_NOT_EXCLUSIVE: the check's declaration, not the URL
    throw new HarnessError(
      'ERR_TARGET_UNREACHABLE',
      `deviceToken.admin.baseUrl: ${(e as Error).message}`,
      'check the admin URL',
    );
  }
  if (res.status !== 200 && res.status !== 201) {
    throw new HarnessError(
      'ERR_TARGET_START',
      `deviceToken.admin: registering the gateway answered HTTP ${res.status} ${res.body.slice(0, 200)}`,
      'check deviceToken.admin.apiKey, or register the gateway by hand and set capabilities.spAdmin: false',
    );
  }
}

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
export async function silentLogin(opts: SilentLoginOptions = {}): Promise<SilentLogin> {
  // A client.sourceAddresses address exists for throttling: its failure window is shared state.
  if (opts.localAddress !== undefined) requireAlone('the throttling window of a client source address');
  const s = session();
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
  const { flow, verify } = await throughGateway({
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
  if (verify?.accepted && verify.assertion) provision(s, idp.entityId ?? '', verify.assertion);
  return result;
}

export function directory(s: HarnessSession = session()): Map<string, ProvisionedUser> {
  return s.deviceToken.directory;
}

export function provision(
  s: HarnessSession,
  idpEntityId: string,
  a: AssertionInfo,
): ProvisionedUser | undefined {
  const nameId = a.nameId?.value;
  if (!nameId) return undefined;
  const key = `${idpEntityId}\u0000${nameId}`;
  const dir = directory(s);
  const attrs: Record<string, string[]> = {};
  for (const at of a.attributes) attrs[at.name] = [...at.values];
  const user = dir.get(key) ?? { idp: idpEntityId, nameId, attributes: {}, devices: new Set<string>() };
  // Attributes are replaced on each login: absent ones are removed.
  user.attributes = attrs;
  const deviceId = attrs.deviceId?.[0];
  if (deviceId) user.devices.add(deviceId);
  dir.set(key, user);
  return user;
}

/** The tenant admin API, for lifecycle scenarios. */
export function dtAdmin(t: DtTarget, which: 'main' | 'other' = 'main'): AdminApiConfig {
  const admin = which === 'main' ? t.admin : t.other?.admin;
  if (!admin)
    throw new NotApplicable(
      `the target config has no ${which === 'main' ? 'deviceToken.admin' : 'deviceToken.otherTenant.admin'}`,
    );
  return admin;
}

/**
 * A token for the harness's own use (`changes`: why no other check sees it — freshToken's, deleted after
 * its check; the run's tokens, created once; or the state it changes, for a check that runs alone).
 */
export async function createToken(
  admin: AdminApiConfig,
  changes: AdminChange,
  description = 'idp-conformance',
): Promise<{ id: string; token: string }> {
  const res = await adminCall(admin, 'POST', '/device-tokens', {
    json: { description, password: `Conf0rmance-${randomBytes(4).toString('hex')}` },
    changes,
  });
  const body = res.json as { id?: string; token?: string } | undefined;
  if (res.status !== 201 || !body?.id || !body.token) {
    throw new HarnessError(
      'ERR_TARGET_START',
      `admin POST /device-tokens answered HTTP ${res.status}`,
      'check the admin API and its key',
    );
  }
  session().redactor.addSecret(body.token);
  return { id: body.id, token: body.token };
}

export async function deleteToken(admin: AdminApiConfig, id: string, changes: AdminChange): Promise<number> {
  const res = await adminCall(admin, 'DELETE', `/device-tokens/${encodeURIComponent(id)}`, { changes });
  ownTokens.delete(id);
  return res.status;
}

/** Tokens made by freshToken, by token ID → the check that made them (only it deletes them freely). */
const ownTokens = new Map<string, string>();
function ownToken(id: string): boolean {
  const by = ownTokens.get(id);
  return by !== undefined && by === currentCheckId();
}

/** Work to undo after the current check (created tokens, changed settings), run by scenario.check. */
export function afterCheck(fn: () => Promise<unknown>): void {
  const key = currentCheckId() ?? '';
  const list = session().afterCheck.get(key) ?? [];
  list.push(fn);
  session().afterCheck.set(key, list);
}

/** Runs (last first) and forgets the current check's clean-ups; each check has its own (--jobs). */
export async function runAfterCheck(s: HarnessSession): Promise<void> {
  const key = currentCheckId() ?? '';
  const list = s.afterCheck.get(key) ?? [];
  s.afterCheck.delete(key);
  for (const fn of list.reverse()) await fn().catch(() => undefined);
}

/** A token created for this check only (deleted after it). */
export async function freshToken(which: 'main' | 'other' = 'main'): Promise<{ token: string; id: string }> {
  const s = session();
  const t = await dtTarget(s);
  if (!s.config.capabilities.tokenAdmin)
    throw new NotApplicable('the target does not declare the capability tokenAdmin');
  const admin = dtAdmin(t, which);
  const mine = { private: 'a token for this check only, deleted after it (freshToken)' };
  const created = await createToken(admin, mine);
  const by = currentCheckId();
  if (by !== undefined) ownTokens.set(created.id, by);
  afterCheck(() => deleteToken(admin, created.id, mine));
  return created;
}

/**
 * A token of the given kind: with tokenAdmin, created once per run through the admin API (a revoked
 * one is created and deleted); otherwise the static token of the config; otherwise N/A.
 */
export async function dtToken(kind: DtTokenKind = 'valid'): Promise<{ token: string; id?: string }> {
  const s = session();
  const tokens = s.deviceToken.tokens;
  let p = tokens[kind];
  if (!p) {
    p = tokenOfKind(s, kind);
    tokens[kind] = p;
    p.catch(() => delete tokens[kind]);
  }
  return p;
}

/** The run's tokens (dtToken): made once per run, whichever check asks first; no check counts them. */
const RUN_TOKEN = { private: "the run's own token of one kind, made once (dtToken)" };

async function tokenOfKind(s: HarnessSession, kind: DtTokenKind): Promise<{ token: string; id?: string }> {
  const t = await dtTarget(s);
  const admin = s.config.capabilities.tokenAdmin;
  if (kind === 'valid' && admin && t.admin) return createToken(t.admin, RUN_TOKEN);
  if (kind === 'otherTenant' && admin && s.config.capabilities.otherTenant && t.other?.admin)
    return createToken(t.other.admin, RUN_TOKEN);
  if (kind === 'revoked' && admin && t.admin) {
    const created = await createToken(t.admin, RUN_TOKEN);
    const status = await deleteToken(t.admin, created.id, RUN_TOKEN);
    if (status !== 204)
      throw new HarnessError(
        'ERR_TARGET_START',
        `admin DELETE /device-tokens answered HTTP ${status}`,
        'check the admin API',
      );
    return created;
  }
  const stat = s.config.deviceToken?.tokens?.[kind];
  if (stat) return { token: stat };
  throw new NotApplicable(
    `no ${kind} device token: the target has neither tokenAdmin nor deviceToken.tokens.${kind}`,
  );
}

const TOKEN_COUNT = 'the token count of the admin user';
const DIRECTORY = 'the number of directory entries (provisioning counts)';

/**
 * Admin API calls the lifecycle scenarios use; each returns status and parsed JSON. A call that changes
 * or counts state other checks would see runs only from a check that declares `exclusive` (adminCall
 * refuses every other mutating call; the counting GETs call requireAlone themselves).
 */
export const dtApi = {
  async get(admin: AdminApiConfig, path: string) {
    const res = await adminCall(admin, 'GET', path, {});
    return { status: res.status, json: res.json as unknown, body: res.body };
  },
  async change(
    admin: AdminApiConfig,
    method: 'POST' | 'PUT' | 'DELETE',
    path: string,
    changes: AdminChange,
    json?: unknown,
  ) {
    const res = await adminCall(admin, method, path, { json, changes });
    return { status: res.status, json: res.json as unknown, body: res.body };
  },
  listTokens: (admin: AdminApiConfig) => {
    requireAlone(TOKEN_COUNT);
    return dtApi.get(admin, '/device-tokens');
  },
  /** A token not deleted after the check (freshToken's are): it counts against the admin user's limit. */
  createToken: (admin: AdminApiConfig, body: unknown) =>
    dtApi.change(admin, 'POST', '/device-tokens', TOKEN_COUNT, body),
  /** Deleting a token this check made with freshToken is its own business; any other changes the count. */
  deleteToken: (admin: AdminApiConfig, id: string) =>
    dtApi.change(
      admin,
      'DELETE',
      `/device-tokens/${encodeURIComponent(id)}`,
      ownToken(id) ? { private: 'a token this check created (freshToken)' } : TOKEN_COUNT,
    ),
  getSettings: (admin: AdminApiConfig) => dtApi.get(admin, '/settings'),
  putSettings: (admin: AdminApiConfig, body: unknown) =>
    dtApi.change(admin, 'PUT', '/settings', 'tenant settings', body),
  listUsers: (admin: AdminApiConfig) => {
    requireAlone(DIRECTORY);
    return dtApi.get(admin, '/users');
  },
  getUser: (admin: AdminApiConfig, userId: string) =>
    dtApi.get(admin, `/users/${encodeURIComponent(userId)}`),
  putUser: (
    admin: AdminApiConfig,
    body: { userId: string; displayName?: string; department?: string; memberOf?: string[] },
  ) => dtApi.change(admin, 'POST', '/users', DIRECTORY, body),
  deleteUser: (admin: AdminApiConfig, userId: string) =>
    dtApi.change(admin, 'DELETE', `/users/${encodeURIComponent(userId)}`, DIRECTORY),
};

/** Changes tenant settings for this check and puts the old ones back after it. */
export async function withSettings(
  admin: AdminApiConfig,
  change: { allowedDomains?: string[]; jitProvisioning?: boolean },
): Promise<void> {
  requireAlone('tenant settings');
  const before = await dtApi.getSettings(admin);
  if (before.status !== 200)
    throw new HarnessError(
      'ERR_TARGET_START',
      `admin GET /settings answered HTTP ${before.status}`,
      'check the admin API',
    );
  const old = before.json as { allowedDomains?: string[]; jitProvisioning?: boolean };
  afterCheck(() =>
    dtApi.putSettings(admin, { allowedDomains: old.allowedDomains, jitProvisioning: old.jitProvisioning }),
  );
  const res = await dtApi.putSettings(admin, change);
  if (res.status !== 200)
    throw new HarnessError(
      'ERR_TARGET_START',
      `admin PUT /settings ${JSON.stringify(change)} answered HTTP ${res.status}`,
      'check the admin API (base URL, key) and that it accepts these settings',
    );
}
