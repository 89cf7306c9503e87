/**
 * The device-token tenant as the harness administers it through its admin API: loaded and the gateway
 * registered once per run (dtTarget), the run's tokens (dtToken) and a check's own (freshToken), tenant
 * settings changed for one check (withSettings), and the clean-ups each check leaves (afterCheck).
 * It lives in roles/ with the admin API it calls: targets/ describes the target (config, metadata) and is
 * imported by the run context, so it acts on nothing.
 */
import { randomBytes } from 'node:crypto';
import type { RunContext } from '../run-context';
import { currentCheckId } from '../liveness';
import { NotApplicable } from '../checks/verdict';
import { HarnessError } from '../types';
import { loadIdpMetadata } from '../targets/idp-metadata';
import type { AdminApiConfig } from '../targets/config-types';
import type { DtTarget, DtTokenKind } from '../targets/dt-target';
import { adminCall, requireAlone, type AdminChange } from './admin';
import { spMetadataXml } from './gateway/sp-metadata';

export type { DtTarget };

/** Loads (once per run) the device-token tenant's metadata and registers the gateway there (spAdmin). */
export async function dtTarget(s: RunContext): Promise<DtTarget> {
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
  s: RunContext,
  admin: AdminApiConfig,
  certsPem: string[],
): Promise<void> {
  await putGatewayRegistration(s, admin, certsPem, 'the signing certificates registered for the gateway');
}

async function putGatewayRegistration(
  s: RunContext,
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
  ctx: RunContext,
  admin: AdminApiConfig,
  changes: AdminChange,
  description = 'idp-conformance',
): Promise<{ id: string; token: string }> {
  const res = await adminCall(admin, 'POST', '/device-tokens', {
    json: { description, password: `Conf0rmance-${randomBytes(4).toString('hex')}` },
    changes,
    timeoutMs: ctx.config.timeouts.exchangeMs,
  });
  const body = res.json as { id?: string; token?: string } | undefined;
  if (res.status !== 201 || !body?.id || !body.token) {
    throw new HarnessError(
      'ERR_TARGET_START',
      `admin POST /device-tokens answered HTTP ${res.status}`,
      'check the admin API and its key',
    );
  }
  ctx.redactor.addSecret(body.token);
  return { id: body.id, token: body.token };
}

export async function deleteToken(
  ctx: RunContext,
  admin: AdminApiConfig,
  id: string,
  changes: AdminChange,
): Promise<number> {
  const res = await adminCall(admin, 'DELETE', `/device-tokens/${encodeURIComponent(id)}`, {
    changes,
    timeoutMs: ctx.config.timeouts.exchangeMs,
  });
  ctx.deviceToken.ownTokens.delete(id);
  return res.status;
}

/** Whether the current check made this token with freshToken (only it deletes it freely). */
function ownToken(ctx: RunContext, id: string): boolean {
  const by = ctx.deviceToken.ownTokens.get(id);
  return by !== undefined && by === currentCheckId();
}

/** Work to undo after the current check (created tokens, changed settings), run by scenario.check. */
export function afterCheck(ctx: RunContext, fn: () => Promise<unknown>): void {
  const key = currentCheckId() ?? '';
  const list = ctx.afterCheck.get(key) ?? [];
  list.push(fn);
  ctx.afterCheck.set(key, list);
}

/** Runs (last first) and forgets the current check's clean-ups; each check has its own (--jobs). */
export async function runAfterCheck(s: RunContext): Promise<void> {
  const key = currentCheckId() ?? '';
  const list = s.afterCheck.get(key) ?? [];
  s.afterCheck.delete(key);
  for (const fn of list.reverse()) await fn().catch(() => undefined);
}

/** A token created for this check only (deleted after it). */
export async function freshToken(
  s: RunContext,
  which: 'main' | 'other' = 'main',
): Promise<{ token: string; id: string }> {
  const t = await dtTarget(s);
  if (!s.config.capabilities.tokenAdmin)
    throw new NotApplicable('the target does not declare the capability tokenAdmin');
  const admin = dtAdmin(t, which);
  const mine = { private: 'a token for this check only, deleted after it (freshToken)' };
  const created = await createToken(s, admin, mine);
  const by = currentCheckId();
  if (by !== undefined) s.deviceToken.ownTokens.set(created.id, by);
  afterCheck(s, () => deleteToken(s, admin, created.id, mine));
  return created;
}

/**
 * A token of the given kind: with tokenAdmin, created once per run through the admin API (a revoked
 * one is created and deleted); otherwise the static token of the config; otherwise N/A.
 */
export async function dtToken(
  s: RunContext,
  kind: DtTokenKind = 'valid',
): Promise<{ token: string; id?: string }> {
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

async function tokenOfKind(s: RunContext, kind: DtTokenKind): Promise<{ token: string; id?: string }> {
  const t = await dtTarget(s);
  const admin = s.config.capabilities.tokenAdmin;
  if (kind === 'valid' && admin && t.admin) return createToken(s, t.admin, RUN_TOKEN);
  if (kind === 'otherTenant' && admin && s.config.capabilities.otherTenant && t.other?.admin)
    return createToken(s, t.other.admin, RUN_TOKEN);
  if (kind === 'revoked' && admin && t.admin) {
    const created = await createToken(s, t.admin, RUN_TOKEN);
    const status = await deleteToken(s, t.admin, created.id, RUN_TOKEN);
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
  async get(ctx: RunContext, admin: AdminApiConfig, path: string) {
    const res = await adminCall(admin, 'GET', path, { timeoutMs: ctx.config.timeouts.exchangeMs });
    return { status: res.status, json: res.json as unknown, body: res.body };
  },
  async change(
    ctx: RunContext,
    admin: AdminApiConfig,
    method: 'POST' | 'PUT' | 'DELETE',
    path: string,
    changes: AdminChange,
    json?: unknown,
  ) {
    const res = await adminCall(admin, method, path, {
      json,
      changes,
      timeoutMs: ctx.config.timeouts.exchangeMs,
    });
    return { status: res.status, json: res.json as unknown, body: res.body };
  },
  listTokens: (ctx: RunContext, admin: AdminApiConfig) => {
    requireAlone(TOKEN_COUNT);
    return dtApi.get(ctx, admin, '/device-tokens');
  },
  /** A token not deleted after the check (freshToken's are): it counts against the admin user's limit. */
  createToken: (ctx: RunContext, admin: AdminApiConfig, body: unknown) =>
    dtApi.change(ctx, admin, 'POST', '/device-tokens', TOKEN_COUNT, body),
  /** Deleting a token this check made with freshToken is its own business; any other changes the count. */
  deleteToken: (ctx: RunContext, admin: AdminApiConfig, id: string) =>
    dtApi.change(
      ctx,
      admin,
      'DELETE',
      `/device-tokens/${encodeURIComponent(id)}`,
      ownToken(ctx, id) ? { private: 'a token this check created (freshToken)' } : TOKEN_COUNT,
    ),
  getSettings: (ctx: RunContext, admin: AdminApiConfig) => dtApi.get(ctx, admin, '/settings'),
  putSettings: (ctx: RunContext, admin: AdminApiConfig, body: unknown) =>
    dtApi.change(ctx, admin, 'PUT', '/settings', 'tenant settings', body),
  listUsers: (ctx: RunContext, admin: AdminApiConfig) => {
    requireAlone(DIRECTORY);
    return dtApi.get(ctx, admin, '/users');
  },
  getUser: (ctx: RunContext, admin: AdminApiConfig, userId: string) =>
    dtApi.get(ctx, admin, `/users/${encodeURIComponent(userId)}`),
  putUser: (
    ctx: RunContext,
    admin: AdminApiConfig,
    body: { userId: string; displayName?: string; department?: string; memberOf?: string[] },
  ) => dtApi.change(ctx, admin, 'POST', '/users', DIRECTORY, body),
  deleteUser: (ctx: RunContext, admin: AdminApiConfig, userId: string) =>
    dtApi.change(ctx, admin, 'DELETE', `/users/${encodeURIComponent(userId)}`, DIRECTORY),
};

/** Changes tenant settings for this check and puts the old ones back after it. */
export async function withSettings(
  ctx: RunContext,
  admin: AdminApiConfig,
  change: { allowedDomains?: string[]; jitProvisioning?: boolean },
): Promise<void> {
  requireAlone('tenant settings');
  const before = await dtApi.getSettings(ctx, admin);
  if (before.status !== 200)
    throw new HarnessError(
      'ERR_TARGET_START',
      `admin GET /settings answered HTTP ${before.status}`,
      'check the admin API',
    );
  const old = before.json as { allowedDomains?: string[]; jitProvisioning?: boolean };
  afterCheck(ctx, () =>
    dtApi.putSettings(ctx, admin, {
      allowedDomains: old.allowedDomains,
      jitProvisioning: old.jitProvisioning,
    }),
  );
  const res = await dtApi.putSettings(ctx, admin, change);
  if (res.status !== 200)
    throw new HarnessError(
      'ERR_TARGET_START',
      `admin PUT /settings ${JSON.stringify(change)} answered HTTP ${res.status}`,
      'check the admin API (base URL, key) and that it accepts these settings',
    );
}
