/** node:http server and router of the reference IdP; tenants are built once the port is known. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdminApi } from './admin';
import { Reject } from './errors';
import { Faults } from './faults';
import { errorPage } from './html';
import { sendHtml, sendReject, sendText } from './http-util';
import { loadSigningKey } from './keys';
import type { KeyName } from './keys';
import { idpMetadata } from './metadata';
import { singleLogout } from './slo';
import { SsoHandler } from './sso';
import type { IdpContext, PasswordUser, TenantName } from './store';
import { Tenant, TENANT_NAMES, Throttle } from './store';

export interface ReferenceIdpOptions {
  port?: number;
  host?: string;
  faults?: string[];
  /** Conformant but unusual behaviours (MODES in faults.ts). */
  modes?: string[];
  now?: () => number;
  adminKeys?: Partial<Record<TenantName, string>>;
  log?: (line: string) => void;
  throttleWindowMs?: number;
}

export interface TenantInfo {
  name: string;
  entityId: string;
  metadataUrl: string;
  ssoUrl: string;
  adminBaseUrl: string;
  adminKey: string;
  cloudName?: string;
  userDomain?: string;
  /** The seeded users a login form or a device agent can use (test fixtures, not secrets). */
  users: { login: string; userId: string; password: string }[];
  /** Entity IDs of the SPs registered now (the harness registers itself through the admin API). */
  registeredSps(): string[];
}

export interface ReferenceIdp {
  baseUrl: string;
  tenants: Record<TenantName, TenantInfo>;
  faults: string[];
  close(): Promise<void>;
}

interface TenantSpec {
  key: KeyName;
  deviceToken?: { cloudName: string; userDomain: string; allowedDomains: string[] };
  users: {
    login: string;
    userId: string;
    password: string;
    mail: string;
    displayName: string;
    memberOf: string[];
  }[];
}

const seedUsers = (domain: string, withDomainIds: boolean): TenantSpec['users'] => [
  {
    login: 'alice',
    userId: withDomainIds ? `alice@${domain}` : 'alice',
    password: 'alice-pass',
    mail: `alice@${domain}`,
    displayName: 'Alice Example',
    memberOf: ['staff', 'vpn-users'],
  },
  {
    login: 'bob',
    userId: withDomainIds ? `bob@${domain}` : 'bob',
    password: 'bob-pass',
    mail: `bob@${domain}`,
    displayName: 'Bob Example',
    memberOf: ['staff'],
  },
];

const TENANTS: Record<TenantName, TenantSpec> = {
  web: { key: 'idp-acme', users: seedUsers('example.com', false) },
  acme: {
    key: 'idp-acme',
    deviceToken: { cloudName: 'cloud-a', userDomain: 'example.com', allowedDomains: ['example.com'] },
    users: seedUsers('example.com', true),
  },
  globex: {
    key: 'idp-globex',
    deviceToken: { cloudName: 'cloud-b', userDomain: 'globex.test', allowedDomains: ['globex.test'] },
    users: seedUsers('globex.test', true),
  },
};

const DEFAULT_ADMIN_KEYS: Record<TenantName, string> = {
  web: 'web-admin-key',
  acme: 'acme-admin-key',
  globex: 'globex-admin-key',
};

/** Fault dies-mid-run: requests answered before the server closes (past the preflight, a few checks into the web profile, with checks in flight under --jobs 2). */
const DIES_AFTER_REQUESTS = 40;

export async function startReferenceIdp(opts: ReferenceIdpOptions = {}): Promise<ReferenceIdp> {
  const faults = new Faults(opts.faults ?? [], opts.modes ?? []);
  const now = opts.now ?? Date.now;
  const host = opts.host ?? '127.0.0.1';
  // Keys are loaded once, before listening: no per-request key work.
  for (const k of ['idp-acme', 'idp-globex', 'idp-rogue', 'weak'] as const) loadSigningKey(k);

  // Filled in once the port (and so every URL) is known; requests before that get 503.
  const live: { ctx?: IdpContext; sso?: SsoHandler; admin?: AdminApi } = {};
  let answered = 0;
  const server = http.createServer((req, res) => {
    if (faults.has('dies-mid-run') && ++answered > DIES_AFTER_REQUESTS) {
      // Gone: no answer to this request, and nobody listens any more (later connections are refused).
      server.close();
      server.closeAllConnections();
      req.socket.destroy();
      return;
    }
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      if (!opts.log) return;
      const ms = Number((process.hrtime.bigint() - started) / 1000000n);
      opts.log(`${req.method} ${(req.url ?? '').split('?')[0]} ${res.statusCode} ${ms}ms`);
    });
    const { ctx, sso, admin } = live;
    if (!ctx || !sso || !admin) {
      sendText(res, 503, 'text/plain; charset=utf-8', 'starting');
      return;
    }
    route(req, res, ctx, sso, admin).catch((e: unknown) => {
      if (e instanceof Reject) return sendReject(res, e);
      // A bug of ours: never let it take the server down.
      opts.log?.(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent) sendHtml(res, 500, errorPage(500, 'internal error'));
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const tenants = {} as Record<TenantName, Tenant>;
  for (const name of TENANT_NAMES)
    tenants[name] = buildTenant(name, baseUrl, faults, opts.adminKeys?.[name], now());
  const ctx: IdpContext = { tenants, throttle: new Throttle(opts.throttleWindowMs ?? 30000), faults, now };
  live.ctx = ctx;
  live.sso = new SsoHandler(ctx);
  live.admin = new AdminApi(ctx);

  const info = {} as Record<TenantName, TenantInfo>;
  for (const name of TENANT_NAMES) {
    const t = tenants[name];
    info[name] = {
      name,
      entityId: t.urls.entityId,
      metadataUrl: t.urls.metadataUrl,
      ssoUrl: t.urls.ssoUrl,
      adminBaseUrl: t.urls.adminBaseUrl,
      adminKey: t.adminKey,
      ...(t.deviceToken ? { cloudName: t.deviceToken.cloudName, userDomain: t.deviceToken.userDomain } : {}),
      users: TENANTS[name].users.map((u) => ({ login: u.login, userId: u.userId, password: u.password })),
      registeredSps: () => [...t.sps.keys()],
    };
  }
  let closing: Promise<void> | undefined;
  return {
    baseUrl,
    tenants: info,
    faults: faults.list(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function buildTenant(
  name: TenantName,
  baseUrl: string,
  faults: Faults,
  adminKey: string | undefined,
  createdAt: number,
): Tenant {
  const spec = TENANTS[name];
  const root = `${baseUrl}/t/${name}`;
  const metadataUrl = `${root}/metadata`;
  const tenantKey = loadSigningKey(faults.has('metadata-weak-key') ? 'weak' : spec.key);
  const passwords: PasswordUser[] = spec.users.map((u) => ({
    logins: [...new Set([u.login, u.userId.toLowerCase(), u.mail.toLowerCase()])],
    password: u.password,
    userId: u.userId,
  }));
  const tenant = new Tenant(
    name,
    {
      entityId: faults.has('metadata-entityid-relative') ? 'reference-idp' : metadataUrl,
      metadataUrl,
      ssoUrl: `${root}/sso`,
      loginUrl: `${root}/login`,
      adminBaseUrl: `${root}/admin`,
      sloUrl: `${root}/slo`,
    },
    adminKey ?? DEFAULT_ADMIN_KEYS[name],
    tenantKey,
    tenantKey,
    spec.deviceToken
      ? { cloudName: spec.deviceToken.cloudName, userDomain: spec.deviceToken.userDomain }
      : undefined,
    {
      allowedDomains: spec.deviceToken ? [...spec.deviceToken.allowedDomains] : ['*'],
      jitProvisioning: !!spec.deviceToken,
    },
    passwords,
  );
  for (const u of spec.users) {
    tenant.directory.insert({
      userId: u.userId,
      displayName: u.displayName,
      memberOf: [...u.memberOf],
      mail: u.mail,
      uid: u.login,
      createdAt,
    });
  }
  return tenant;
}

const TENANT_PATH = /^\/t\/([^/]+)\/(metadata|sso|login|slo|admin)(\/.*)?$/;

async function route(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  ctx: IdpContext,
  sso: SsoHandler,
  admin: AdminApi,
): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const method = req.method ?? 'GET';
  if (path === '/health') {
    sendText(res, 200, 'text/plain; charset=utf-8', 'ok');
    return;
  }
  const m = TENANT_PATH.exec(path);
  const tenant =
    m && (TENANT_NAMES as readonly string[]).includes(m[1] as string)
      ? ctx.tenants[m[1] as TenantName]
      : undefined;
  if (!m || !tenant) throw new Reject(404, 'not found');
  const [, , endpoint, rest] = m;
  if (endpoint === 'admin') return admin.handle(req, res, tenant, rest ?? '/', query);
  if (rest) throw new Reject(404, 'not found');
  const allowed = endpoint === 'metadata' ? ['GET', 'HEAD'] : ['GET', 'POST'];
  if (!allowed.includes(method)) throw new Reject(405, 'method not allowed', { Allow: allowed.join(', ') });
  if (endpoint === 'metadata') {
    sendText(res, 200, 'application/samlmetadata+xml; charset=utf-8', idpMetadata(tenant, ctx.faults));
    return;
  }
  if (endpoint === 'sso') return sso.sso(req, res, tenant, query);
  if (endpoint === 'slo') return singleLogout(req, res, tenant, query, ctx);
  return sso.login(req, res, tenant, query);
}
