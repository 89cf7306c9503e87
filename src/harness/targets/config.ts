/**
 * Target configuration: load a YAML/JSON file, expand ${VAR}, validate every field with an error that
 * names the field and the fix, fill defaults, resolve relative paths against the config file's folder.
 *
 * Long file: the validation of every config key with its fix hint (issue 8: one zod schema would replace it).
 */
import { repoRoot } from '../paths';

export { repoRoot };
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import { isIPv4 } from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError, OUTCOMES, PROFILES, type Capability, type Outcome, type ProfileId } from '../types';
import { ConfigReader, describe, join, oneLine, type Obj } from './config-check';
import { displayPath, expandEnv, parseConfigText } from './config-parse';
import type {
  AdminApiConfig,
  ContainerPort,
  ContainerStartConfig,
  DeviceTokenConfig,
  Expectation,
  GatewayConfig,
  ProcessStartConfig,
  TargetConfig,
  TenantConfig,
} from './config-types';

export type { TargetConfig, Expectation } from './config-types';

export const CAPABILITIES: readonly Capability[] = [
  'tokenAdmin',
  'userAdmin',
  'settingsAdmin',
  'spAdmin',
  'otherTenant',
];
export const DEFAULT_EXCHANGE_MS = 10000;
export const DEFAULT_READY_TIMEOUT_MS = 30000;
export const DEFAULT_STARTUP_TIMEOUT_MS = 120000;
/** Outcomes an expectations file may name: a deviation is a check that does not pass. */
export const EXPECTABLE_OUTCOMES: readonly Outcome[] = ['FAIL', 'WARN'];

const TOP_KEYS = [
  'name',
  'profiles',
  'idp',
  'start',
  'gateway',
  'login',
  'deviceToken',
  'client',
  'timeouts',
  'capabilities',
  'expectations',
] as const;

/** Reads a target config file (YAML, or JSON by extension or content) and validates it. */
export function loadTargetConfig(file: string, env: NodeJS.ProcessEnv = process.env): TargetConfig {
  const abs = path.resolve(file);
  const text = readText(abs, 'target config', 'check the --target path');
  const raw = parseConfigText(text, abs);
  return validateTargetConfig(raw, path.dirname(abs), env, abs);
}

/** Validates already-parsed config data; relative paths resolve against baseDir. */
export function validateTargetConfig(
  raw: unknown,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
  configFile?: string,
): TargetConfig {
  const hint = configFile ? `in ${displayPath(configFile)}` : undefined;
  try {
    return validate(raw, path.resolve(baseDir), new ConfigReader(env, hint), configFile);
  } catch (e) {
    if (e instanceof HarnessError && e.hint === undefined && hint)
      throw new HarnessError(e.code, e.message, hint);
    throw e;
  }
}

function validate(raw: unknown, baseDir: string, r: ConfigReader, configFile?: string): TargetConfig {
  if (raw === undefined || raw === null)
    r.invalid('', 'the config is empty', 'start from a file in fixtures/targets/');
  const top = r.object('', raw, TOP_KEYS);

  const name = r.string('name', top.name, 'name the target, e.g. name: acme-idp');
  const profiles = readProfiles(r, top.profiles);
  const capabilities = readCapabilities(r, top.capabilities);

  const idpRaw = top.idp;
  if (idpRaw === undefined || idpRaw === null) {
    r.invalid('idp', 'required', 'add idp.metadata: the URL or file of the IdP metadata');
  }
  const idpObj = r.object('idp', idpRaw, ['metadata', 'admin'], 'write idp: { metadata: <URL or file> }');
  const idp: TargetConfig['idp'] = {
    metadata: readMetadata(r, 'idp.metadata', idpObj.metadata, baseDir, true)!,
  };
  const idpAdmin = readAdmin(r, 'idp.admin', idpObj.admin);
  if (idpAdmin) idp.admin = idpAdmin;

  const cfg: TargetConfig = {
    name,
    profiles,
    idp,
    gateway: readGateway(r, top.gateway, baseDir, capabilities),
    client: readClient(r, top.client),
    timeouts: readTimeouts(r, top.timeouts),
    capabilities,
    expectations: {},
  };
  if (configFile) cfg.configFile = path.resolve(configFile);

  const start = readStart(r, top.start, baseDir);
  if (start) cfg.start = start;

  const loginObj = r.optObject('login', top.login, ['form']);
  if (loginObj) {
    const form = r.optObject('login.form', loginObj.form, ['username', 'password']);
    cfg.login = {};
    if (form) {
      cfg.login.form = {
        username: r.string(
          'login.form.username',
          form.username,
          'give the test user the IdP login form accepts',
        ),
        password: r.string('login.form.password', form.password, "give that user's password (or ${VAR})"),
      };
    }
  }

  const deviceToken = readDeviceToken(r, top.deviceToken, baseDir);
  if (deviceToken) cfg.deviceToken = deviceToken;
  if (profiles.includes('device-token')) {
    if (!deviceToken) {
      r.invalid(
        'deviceToken',
        'required when profiles include device-token',
        'add deviceToken.tenant (and admin or tokens), or drop device-token from profiles',
      );
    }
    if (capabilities.otherTenant && !deviceToken!.otherTenant) {
      r.invalid(
        'deviceToken.otherTenant',
        'required when capabilities.otherTenant is true',
        'describe the second tenant, or set capabilities.otherTenant: false',
      );
    }
    if (capabilities.tokenAdmin && !deviceToken!.admin) {
      r.invalid(
        'deviceToken.admin',
        'required when capabilities.tokenAdmin is true',
        'add the profile admin API { baseUrl, apiKey }, or set capabilities.tokenAdmin: false',
      );
    }
  }

  if (top.expectations !== undefined && top.expectations !== null) {
    const rel = r.string('expectations', top.expectations, 'give the path of the expectations JSON file');
    const file = path.resolve(baseDir, rel);
    if (!isFile(file)) {
      r.invalid(
        'expectations',
        `file not found: ${displayPath(file)}`,
        'fix the path (relative to the config file)',
      );
    }
    cfg.expectations = loadExpectations(file);
    cfg.expectationsFile = file;
  }
  return cfg;
}

function readProfiles(r: ConfigReader, v: unknown): ProfileId[] {
  if (v === undefined || v === null) return ['saml-web-sso'];
  const fix = `write a list of ${PROFILES.join(', ')}`;
  const list = typeof v === 'string' ? [v] : r.array('profiles', v, fix);
  if (list.length === 0) r.invalid('profiles', 'must not be empty', fix);
  const out: ProfileId[] = [];
  list.forEach((p, i) => {
    const f = join('profiles', i);
    if (typeof p !== 'string' || !(PROFILES as readonly string[]).includes(p)) {
      r.invalid(f, `unknown profile ${describe(p)}`, `use one of ${PROFILES.join(', ')}`);
    }
    if (out.includes(p as ProfileId)) r.invalid(f, `duplicate profile "${p}"`, 'list each profile once');
    out.push(p as ProfileId);
  });
  return out;
}

function readCapabilities(r: ConfigReader, v: unknown): Record<Capability, boolean> {
  const o = r.optObject('capabilities', v, CAPABILITIES) ?? {};
  const out = {} as Record<Capability, boolean>;
  for (const c of CAPABILITIES) out[c] = r.boolean(join('capabilities', c), o[c], false);
  return out;
}

/** A metadata source: an http(s) URL kept as is, or a file path made absolute (it must exist). */
function readMetadata(r: ConfigReader, field: string, v: unknown, baseDir: string, required: boolean) {
  const fix = 'give an http(s) URL or a file path relative to the config file';
  if (!required && (v === undefined || v === null)) return undefined;
  const s = r.string(field, v, fix).trim();
  if (/^https?:/i.test(s)) return httpUrl(r, field, s, fix);
  let file: string;
  if (/^file:/i.test(s)) {
    try {
      file = fileURLToPath(s);
    } catch {
      return r.invalid(field, `not a usable file URL ${describe(s)}`, fix);
    }
  } else if (/^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(s)) {
    return r.invalid(field, `unsupported URL scheme in ${describe(s)}`, fix);
  } else file = path.resolve(baseDir, s);
  if (!isFile(file)) r.invalid(field, `file not found: ${displayPath(file)}`, fix);
  return file;
}

function httpUrl(r: ConfigReader, field: string, s: string, fix: string): string {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return r.invalid(field, `not a valid URL: ${describe(s)}`, fix);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    r.invalid(field, `expected http or https, got ${describe(s)}`, fix);
  return s;
}

function readAdmin(r: ConfigReader, field: string, v: unknown): AdminApiConfig | undefined {
  const o = r.optObject(field, v, ['baseUrl', 'apiKey'], 'write { baseUrl, apiKey }');
  if (!o) return undefined;
  const urlFix = 'give the base URL of the admin API, e.g. http://127.0.0.1:8080/admin';
  return {
    baseUrl: httpUrl(r, join(field, 'baseUrl'), r.string(join(field, 'baseUrl'), o.baseUrl, urlFix), urlFix),
    apiKey: r.string(join(field, 'apiKey'), o.apiKey, 'give the admin API key, e.g. ${ACME_ADMIN_KEY}'),
  };
}

function readGateway(
  r: ConfigReader,
  v: unknown,
  baseDir: string,
  caps: Record<Capability, boolean>,
): GatewayConfig {
  if (v === undefined || v === null) {
    r.invalid(
      'gateway',
      'required',
      'add gateway.entityId and gateway.acsUrl: the SP identity the IdP knows',
    );
  }
  const o = r.object('gateway', v, ['entityId', 'acsUrl', 'signingKey', 'signingCert', 'signedEntityId']);
  const entityId = absoluteUri(
    r,
    'gateway.entityId',
    o.entityId,
    'add the SP entityID the IdP knows the harness by',
  );
  const gw: GatewayConfig = { entityId, acsUrl: readAcsUrl(r, o.acsUrl, caps) };
  if (o.signedEntityId !== undefined && o.signedEntityId !== null) {
    gw.signedEntityId = absoluteUri(
      r,
      'gateway.signedEntityId',
      o.signedEntityId,
      'add the second SP entityID, registered with AuthnRequestsSigned="true"',
    );
    if (gw.signedEntityId === entityId) {
      r.invalid('gateway.signedEntityId', 'must differ from gateway.entityId', 'register a second SP entity');
    }
  }
  const hasKey = o.signingKey !== undefined && o.signingKey !== null;
  const hasCert = o.signingCert !== undefined && o.signingCert !== null;
  if (hasKey !== hasCert) {
    const missing = hasKey ? 'gateway.signingCert' : 'gateway.signingKey';
    r.invalid(
      missing,
      'required when the other of signingKey/signingCert is set',
      'give both, or neither for the default test key',
    );
  }
  if (hasKey) {
    const keyFile = readExistingFile(
      r,
      'gateway.signingKey',
      o.signingKey,
      baseDir,
      'a PEM private key file',
    );
    const certFile = readExistingFile(
      r,
      'gateway.signingCert',
      o.signingCert,
      baseDir,
      'a PEM certificate file',
    );
    checkKeyPair(r, keyFile, certFile);
    gw.signingKey = keyFile;
    gw.signingCert = certFile;
  } else {
    const keys = defaultGatewayKeys();
    gw.signingKey = keys.signingKey;
    gw.signingCert = keys.signingCert;
  }
  return gw;
}

function readAcsUrl(r: ConfigReader, v: unknown, caps: Record<Capability, boolean>): string {
  const fix =
    'use an http URL on 127.0.0.1 or localhost where the harness listens, e.g. http://127.0.0.1:7400/acs';
  const s = r.string('gateway.acsUrl', v, fix).trim();
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return r.invalid('gateway.acsUrl', `not a valid URL: ${describe(s)}`, fix);
  }
  if (u.protocol !== 'http:')
    r.invalid(
      'gateway.acsUrl',
      `expected http: (the harness listens on plain HTTP), got ${describe(s)}`,
      fix,
    );
  if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost') {
    r.invalid('gateway.acsUrl', `host must be 127.0.0.1 or localhost, got "${u.hostname}"`, fix);
  }
  if (u.port === '0' && !caps.spAdmin) {
    r.invalid(
      'gateway.acsUrl',
      'port 0 (ephemeral) needs capabilities.spAdmin to register the real URL',
      'use a fixed port that is registered at the IdP',
    );
  }
  return s;
}

function absoluteUri(r: ConfigReader, field: string, v: unknown, fix: string): string {
  const s = r.string(field, v, fix).trim();
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/.test(s)) {
    r.invalid(field, `expected an absolute URI, got ${describe(s)}`, `${fix}, e.g. https://gateway.test/sp`);
  }
  return s;
}

function readExistingFile(r: ConfigReader, field: string, v: unknown, baseDir: string, what: string): string {
  const s = r.string(field, v, `give ${what}, relative to the config file`);
  const file = path.resolve(baseDir, s);
  if (!isFile(file))
    r.invalid(field, `file not found: ${displayPath(file)}`, `give ${what}, relative to the config file`);
  return file;
}

function checkKeyPair(r: ConfigReader, keyFile: string, certFile: string): void {
  let key: KeyObject;
  let cert: X509Certificate;
  try {
    key = createPrivateKey(fs.readFileSync(keyFile));
  } catch (e) {
    return r.invalid(
      'gateway.signingKey',
      `not a usable private key (${(e as Error).message})`,
      'give an unencrypted PEM private key',
    );
  }
  try {
    cert = new X509Certificate(fs.readFileSync(certFile));
  } catch (e) {
    return r.invalid(
      'gateway.signingCert',
      `not a usable certificate (${(e as Error).message})`,
      'give a PEM X.509 certificate',
    );
  }
  if (!cert.checkPrivateKey(key)) {
    r.invalid('gateway.signingCert', 'does not match gateway.signingKey', 'give the certificate of that key');
  }
}

export function defaultGatewayKeys(): { signingKey: string; signingCert: string } {
  const dir = path.join(repoRoot(), 'fixtures', 'keys');
  return { signingKey: path.join(dir, 'gateway.key.pem'), signingCert: path.join(dir, 'gateway.cert.pem') };
}

function readStart(r: ConfigReader, v: unknown, baseDir: string): TargetConfig['start'] | undefined {
  const o = r.optObject('start', v, ['process', 'container']);
  if (!o) return undefined;
  const hasP = o.process !== undefined && o.process !== null;
  const hasC = o.container !== undefined && o.container !== null;
  if (hasP && hasC)
    r.invalid('start', 'process and container are exclusive', 'keep one of start.process, start.container');
  if (!hasP && !hasC)
    r.invalid(
      'start',
      'needs process or container',
      'add one, or remove start if the IdP is already running',
    );
  return hasP
    ? { process: readProcess(r, o.process, baseDir) }
    : { container: readContainer(r, o.container) };
}

function readProcess(r: ConfigReader, v: unknown, baseDir: string): ProcessStartConfig {
  const f = 'start.process';
  const o = r.object(f, v, ['command', 'cwd', 'env', 'readyUrl', 'readyTimeoutMs']);
  const readyFix = 'give a URL that answers 2xx/3xx once the IdP is up';
  const p: ProcessStartConfig = {
    command: r.string(`${f}.command`, o.command, 'give the shell command that starts the IdP'),
    readyUrl: httpUrl(r, `${f}.readyUrl`, r.string(`${f}.readyUrl`, o.readyUrl, readyFix), readyFix),
    readyTimeoutMs: r.positiveInt(
      `${f}.readyTimeoutMs`,
      o.readyTimeoutMs,
      DEFAULT_READY_TIMEOUT_MS,
      'write milliseconds, e.g. 30000',
    ),
  };
  const cwd = r.optString(`${f}.cwd`, o.cwd, 'give a folder, relative to the config file');
  if (cwd !== undefined) {
    const dir = path.resolve(baseDir, cwd);
    if (!isDir(dir))
      r.invalid(
        `${f}.cwd`,
        `folder not found: ${displayPath(dir)}`,
        'give a folder, relative to the config file',
      );
    p.cwd = dir;
  }
  const env = r.stringMap(`${f}.env`, o.env);
  if (env) p.env = env;
  return p;
}

function readContainer(r: ConfigReader, v: unknown): ContainerStartConfig {
  const f = 'start.container';
  const o = r.object(f, v, ['image', 'ports', 'env', 'waitFor', 'startupTimeoutMs']);
  const imageFix = 'give a local image name, e.g. local/ssp-idp:1 (bash .ci/docker.sh builds it)';
  const image = r.string(`${f}.image`, o.image, imageFix).trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/.test(image))
    r.invalid(`${f}.image`, `not an image reference: ${describe(image)}`, imageFix);
  const portsFix =
    'list the container ports to publish on 127.0.0.1, e.g. [8080] or [{ container: 8080, host: 18480 }]';
  if (o.ports === undefined || o.ports === null) r.invalid(`${f}.ports`, 'required', portsFix);
  const rawPorts = r.array(`${f}.ports`, o.ports, portsFix);
  if (rawPorts.length === 0) r.invalid(`${f}.ports`, 'must not be empty', portsFix);
  const ports: ContainerPort[] = [];
  rawPorts.forEach((p, i) => {
    const field = join(`${f}.ports`, i);
    const cp = containerPort(r, field, p, portsFix);
    if (ports.some((q) => q.container === cp.container))
      r.invalid(field, `container port ${cp.container} is listed twice`, 'list each port once');
    if (ports.some((q) => q.host === cp.host))
      r.invalid(field, `host port ${cp.host} is published twice`, 'give each port its own host port');
    ports.push(cp);
  });
  const c: ContainerStartConfig = {
    image,
    ports,
    startupTimeoutMs: r.positiveInt(
      `${f}.startupTimeoutMs`,
      o.startupTimeoutMs,
      DEFAULT_STARTUP_TIMEOUT_MS,
      'write milliseconds, e.g. 120000',
    ),
  };
  const env = r.stringMap(`${f}.env`, o.env);
  if (env) c.env = env;
  const w = r.optObject(`${f}.waitFor`, o.waitFor, ['http', 'port']);
  if (w) {
    c.waitFor = {};
    const http = r.optString(`${f}.waitFor.http`, w.http, 'give a path such as /health');
    if (http !== undefined) {
      if (!http.startsWith('/'))
        r.invalid(
          `${f}.waitFor.http`,
          `expected a path starting with /, got ${describe(http)}`,
          'give a path such as /health',
        );
      c.waitFor.http = http;
    }
    if (w.port !== undefined && w.port !== null) {
      const wp = port(r, `${f}.waitFor.port`, w.port);
      if (!ports.some((p) => p.container === wp))
        r.invalid(
          `${f}.waitFor.port`,
          `${wp} is not a container port in ${f}.ports`,
          'wait on a published container port',
        );
      c.waitFor.port = wp;
    }
    if (c.waitFor.http === undefined && c.waitFor.port === undefined)
      r.invalid(
        `${f}.waitFor`,
        'needs http or port',
        'e.g. waitFor: { http: /health, port: 8080 }, or remove it',
      );
  }
  return c;
}

/** `8080` (127.0.0.1:8080 -> 8080), `"18480:8080"` or `{ container: 8080, host: 18480 }`. */
function containerPort(r: ConfigReader, field: string, v: unknown, fix: string): ContainerPort {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = r.object(field, v, ['container', 'host'], fix);
    if (o.container === undefined || o.container === null)
      r.invalid(
        join(field, 'container'),
        'required',
        'give the port the IdP listens on inside the container',
      );
    const container = port(r, join(field, 'container'), o.container);
    const host = o.host === undefined || o.host === null ? container : port(r, join(field, 'host'), o.host);
    return { container, host };
  }
  const s = typeof v === 'string' ? expandEnv(v, field, r.env) : v;
  const m = typeof s === 'string' ? /^\s*(\d+):(\d+)\s*$/.exec(s) : null;
  if (m) return { container: port(r, field, Number(m[2])), host: port(r, field, Number(m[1])) };
  const n = port(r, field, s);
  return { container: n, host: n };
}

function port(r: ConfigReader, field: string, v: unknown): number {
  const n = r.positiveInt(field, v, undefined, 'use a TCP port 1-65535')!;
  if (n > 65535) r.invalid(field, `expected a TCP port 1-65535, got ${n}`);
  return n;
}

function readTenant(r: ConfigReader, field: string, v: unknown): TenantConfig {
  if (v === undefined || v === null) r.invalid(field, 'required', 'add { cloudName, userDomain }');
  const o = r.object(field, v, ['cloudName', 'userDomain']);
  return {
    cloudName: r.string(join(field, 'cloudName'), o.cloudName, 'give the tenant cloud name, e.g. cloud-a'),
    userDomain: r.string(
      join(field, 'userDomain'),
      o.userDomain,
      "give the tenant's user domain, e.g. example.com",
    ),
  };
}

function readDeviceToken(r: ConfigReader, v: unknown, baseDir: string): DeviceTokenConfig | undefined {
  const f = 'deviceToken';
  const o = r.optObject(f, v, ['presentation', 'metadata', 'tenant', 'admin', 'tokens', 'otherTenant']);
  if (!o) return undefined;
  const presentation = o.presentation ?? 'authorization-header';
  if (presentation !== 'authorization-header') {
    r.invalid(`${f}.presentation`, `unknown variant ${describe(presentation)}`, 'use authorization-header');
  }
  const dt: DeviceTokenConfig = {
    presentation: 'authorization-header',
    tenant: readTenant(r, `${f}.tenant`, o.tenant),
  };
  const metadata = readMetadata(r, `${f}.metadata`, o.metadata, baseDir, false);
  if (metadata) dt.metadata = metadata;
  const admin = readAdmin(r, `${f}.admin`, o.admin);
  if (admin) dt.admin = admin;
  const tokens = r.optObject(`${f}.tokens`, o.tokens, ['valid', 'revoked', 'otherTenant']);
  if (tokens) {
    dt.tokens = {};
    for (const k of ['valid', 'revoked', 'otherTenant'] as const) {
      const t = r.optString(`${f}.tokens.${k}`, tokens[k], 'give a device token string (or ${VAR})');
      if (t !== undefined) dt.tokens[k] = t;
    }
  }
  const other = r.optObject(`${f}.otherTenant`, o.otherTenant, ['tenant', 'metadata', 'admin']);
  if (other) {
    const ot: NonNullable<DeviceTokenConfig['otherTenant']> = {
      tenant: readTenant(r, `${f}.otherTenant.tenant`, other.tenant),
    };
    const m = readMetadata(r, `${f}.otherTenant.metadata`, other.metadata, baseDir, false);
    if (m) ot.metadata = m;
    const a = readAdmin(r, `${f}.otherTenant.admin`, other.admin);
    if (a) ot.admin = a;
    dt.otherTenant = ot;
  }
  if (!dt.admin && !dt.tokens) {
    r.invalid(
      f,
      'needs admin or tokens',
      'add deviceToken.admin (admin API) or deviceToken.tokens (static tokens)',
    );
  }
  return dt;
}

function readClient(r: ConfigReader, v: unknown): TargetConfig['client'] {
  const o = r.optObject('client', v, ['sourceAddresses']) ?? {};
  if (o.sourceAddresses === undefined || o.sourceAddresses === null) return { sourceAddresses: [] };
  const fix = 'use loopback addresses such as 127.0.0.2';
  const list = r.array('client.sourceAddresses', o.sourceAddresses, fix);
  return {
    sourceAddresses: list.map((a, i) => {
      const f = join('client.sourceAddresses', i);
      const s = r.string(f, a, fix).trim();
      if (!isIPv4(s) || !s.startsWith('127.'))
        r.invalid(f, `expected a 127.x.x.x address, got ${describe(s)}`, fix);
      return s;
    }),
  };
}

function readTimeouts(r: ConfigReader, v: unknown): TargetConfig['timeouts'] {
  const o = r.optObject('timeouts', v, ['exchangeMs']) ?? {};
  return {
    exchangeMs: r.positiveInt(
      'timeouts.exchangeMs',
      o.exchangeMs,
      DEFAULT_EXCHANGE_MS,
      'write milliseconds, e.g. 10000',
    )!,
  };
}

/**
 * Reads an expectations file: `{ "<checkId>": { "expect": "FAIL"|"WARN", "reason": "...", "until"?: "YYYY-MM-DD" } }`.
 * Every entry needs a reason.
 */
export function loadExpectations(file: string): Record<string, Expectation> {
  const abs = path.resolve(file);
  const text = readText(abs, 'expectations file', 'check the expectations path');
  const raw = parseConfigText(text, abs, 'json');
  const r = new ConfigReader({}, `in ${displayPath(abs)}`);
  const fix = 'write { "<checkId>": { "expect": "FAIL", "reason": "..." } }';
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    r.invalid('expectations', `expected a JSON object, got ${describe(raw)}`, fix);
  }
  const out: Record<string, Expectation> = {};
  for (const [id, entry] of Object.entries(raw as Obj)) {
    const f = `expectations[${id}]`;
    if (!/^[A-Za-z][A-Za-z0-9._-]*$/.test(id))
      r.invalid(f, 'not a check ID', 'use the ID `idp-conformance list` prints');
    const o = r.object(f, entry, ['expect', 'reason', 'until'], fix);
    const expect = o.expect;
    if (typeof expect !== 'string' || !(EXPECTABLE_OUTCOMES as readonly string[]).includes(expect)) {
      const known = (OUTCOMES as readonly string[]).includes(String(expect));
      r.invalid(
        `${f}.expect`,
        expect === undefined
          ? 'required'
          : `${known ? 'cannot expect' : 'unknown outcome'} ${describe(expect)}`,
        `use ${EXPECTABLE_OUTCOMES.join(' or ')} (the outcome the IdP is known to get)`,
      );
    }
    const reason = o.reason;
    if (typeof reason !== 'string' || reason.trim() === '') {
      r.invalid(
        `${f}.reason`,
        reason === undefined ? 'required' : `expected a non-empty string, got ${describe(reason)}`,
        'say why this deviation is accepted',
      );
    }
    const e: Expectation = { expect: expect as Outcome, reason: oneLine((reason as string).trim()) };
    if (o.until !== undefined && o.until !== null) {
      if (typeof o.until !== 'string' || !isIsoDate(o.until)) {
        r.invalid(
          `${f}.until`,
          `expected a date YYYY-MM-DD, got ${describe(o.until)}`,
          'the last day this expectation holds',
        );
      }
      e.until = o.until as string;
    }
    out[id] = e;
  }
  return out;
}

function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function readText(abs: string, what: string, fix: string): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new HarnessError('ERR_CONFIG_NOT_FOUND', `${what} not found: ${displayPath(abs)} — ${fix}`);
  }
  if (!st.isFile())
    throw new HarnessError('ERR_CONFIG_NOT_FOUND', `${what} is not a file: ${displayPath(abs)} — ${fix}`);
  if (st.size > 1024 * 1024) {
    throw new HarnessError(
      'ERR_CONFIG_INVALID',
      `${what} ${displayPath(abs)} is over 1 MiB — is this the right file?`,
    );
  }
  return fs.readFileSync(abs, 'utf8');
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Every secret a config carries (admin keys, static tokens, the login password), for the Redactor. */
export function configSecrets(cfg: TargetConfig): string[] {
  const out = [
    cfg.idp.admin?.apiKey,
    cfg.login?.form?.password,
    cfg.deviceToken?.admin?.apiKey,
    ...Object.values(cfg.deviceToken?.tokens ?? {}),
    cfg.deviceToken?.otherTenant?.admin?.apiKey,
  ];
  return [...new Set(out.filter((s): s is string => typeof s === 'string' && s !== ''))];
}

export interface EmbeddedTenantArgs {
  metadataUrl: string;
  adminBaseUrl: string;
  adminKey: string;
}

/** The config of the embedded reference IdP: every profile, every capability, no known deviations. */
export function embeddedTargetConfig(args: {
  baseUrl: string;
  web: EmbeddedTenantArgs;
  acme: EmbeddedTenantArgs;
  globex: EmbeddedTenantArgs;
}): TargetConfig {
  const admin = (t: EmbeddedTenantArgs): AdminApiConfig => ({ baseUrl: t.adminBaseUrl, apiKey: t.adminKey });
  return {
    name: 'reference-idp',
    profiles: ['saml-web-sso', 'device-token'],
    idp: { metadata: args.web.metadataUrl, admin: admin(args.web) },
    gateway: {
      entityId: 'https://gateway.test/sp',
      signedEntityId: 'https://gateway.test/sp-signed',
      acsUrl: 'http://127.0.0.1:0/acs',
      ...defaultGatewayKeys(),
    },
    login: { form: { username: 'alice', password: 'alice-pass' } },
    deviceToken: {
      presentation: 'authorization-header',
      metadata: args.acme.metadataUrl,
      tenant: { cloudName: 'cloud-a', userDomain: 'example.com' },
      admin: admin(args.acme),
      otherTenant: {
        tenant: { cloudName: 'cloud-b', userDomain: 'globex.test' },
        metadata: args.globex.metadataUrl,
        admin: admin(args.globex),
      },
    },
    client: { sourceAddresses: ['127.0.0.2', '127.0.0.3'] },
    timeouts: { exchangeMs: DEFAULT_EXCHANGE_MS },
    capabilities: {
      tokenAdmin: true,
      userAdmin: true,
      settingsAdmin: true,
      spAdmin: true,
      otherTenant: true,
    },
    expectations: {},
  };
}
