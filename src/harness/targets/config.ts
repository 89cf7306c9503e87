/**
 * Target configuration: load a YAML/JSON file, expand ${VAR}, validate it against the schema
 * (config-schema.ts: every key, its rules and its fix hint), then resolve relative paths against the config
 * file's folder and check the files it names. Every error is one line naming the field and the fix.
 */
import { repoRoot } from '../paths';

export { repoRoot };
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError, type Capability } from '../types';
import { configErrorMap, describe, fieldOf, fixAt, invalid, issueLine, join } from './config-check';
import { displayPath, expandEnv, parseConfigText } from './config-parse';
import {
  DEFAULT_EXCHANGE_MS,
  capabilitiesSchema,
  expectationSchema,
  isMetadataUrl,
  targetFileSchema,
  type TargetFile,
} from './config-schema';
import type { AdminApiConfig, Expectation, TargetConfig } from './config-types';

export type { TargetConfig, Expectation } from './config-types';
export {
  DEFAULT_EXCHANGE_MS,
  DEFAULT_READY_TIMEOUT_MS,
  DEFAULT_STARTUP_TIMEOUT_MS,
  EXPECTABLE_OUTCOMES,
} from './config-schema';

export const CAPABILITIES = Object.keys(capabilitiesSchema.shape) as Capability[];

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
    if (raw === undefined || raw === null)
      invalid('', 'the config is empty', 'start from a file in fixtures/targets/');
    const parsed = targetFileSchema.safeParse(prepare(raw, '', env), { error: configErrorMap });
    if (!parsed.success)
      throw new HarnessError('ERR_CONFIG_INVALID', issueLine(targetFileSchema, parsed.error.issues));
    return resolve(parsed.data, path.resolve(baseDir), configFile);
  } catch (e) {
    if (e instanceof HarnessError && e.hint === undefined && hint)
      throw new HarnessError(e.code, e.message, hint);
    throw e;
  }
}

/**
 * Before the schema: `${VAR}` expanded in every string (an unset one names its field), and a key with no
 * value (`key:` in YAML, null) counts as absent.
 */
function prepare(v: unknown, field: string, env: NodeJS.ProcessEnv): unknown {
  if (typeof v === 'string') return expandEnv(v, field, env);
  if (Array.isArray(v)) return v.map((x, i) => prepare(x, join(field, i), env));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>))
      if (x !== null && x !== undefined) out[k] = prepare(x, join(field, k), env);
    return out;
  }
  return v;
}

/** A failed file rule at a path: the fix is the field's own hint unless one is given. */
function fail(at: PropertyKey[], problem: string, fix = fixAt(targetFileSchema, at)): never {
  return invalid(fieldOf(at), problem, fix);
}

/** The rules that need the file system: paths resolved against baseDir, and the files they name exist. */
function resolve(file: TargetFile, baseDir: string, configFile?: string): TargetConfig {
  const { expectations: expectationsPath, gateway: gwFile, ...rest } = file;
  const { encryption, ...gwRest } = gwFile;
  const cfg: TargetConfig = { ...rest, gateway: gwRest, expectations: {} };
  if (configFile) cfg.configFile = path.resolve(configFile);
  cfg.idp.metadata = metadataSource(['idp', 'metadata'], cfg.idp.metadata, baseDir);
  const dt = cfg.deviceToken;
  if (dt?.metadata) dt.metadata = metadataSource(['deviceToken', 'metadata'], dt.metadata, baseDir);
  if (dt?.otherTenant?.metadata)
    dt.otherTenant.metadata = metadataSource(
      ['deviceToken', 'otherTenant', 'metadata'],
      dt.otherTenant.metadata,
      baseDir,
    );

  const gw = cfg.gateway;
  if (gw.signingKey !== undefined && gw.signingCert !== undefined) {
    gw.signingKey = existingFile(['gateway', 'signingKey'], gw.signingKey, baseDir);
    gw.signingCert = existingFile(['gateway', 'signingCert'], gw.signingCert, baseDir);
    checkKeyPair(gw.signingKey, gw.signingCert);
  } else Object.assign(gw, defaultGatewayKeys());
  if (encryption !== undefined) {
    const e = encryption === true ? {} : encryption;
    const keys = { key: defaultEncryptionKeys().key, cert: defaultEncryptionKeys().cert };
    if (e.key !== undefined && e.cert !== undefined) {
      keys.key = existingFile(['gateway', 'encryption', 'key'], e.key, baseDir);
      keys.cert = existingFile(['gateway', 'encryption', 'cert'], e.cert, baseDir);
      checkKeyPair(keys.key, keys.cert, ['gateway', 'encryption', 'key'], ['gateway', 'encryption', 'cert']);
    }
    gw.encryption = { entityId: e.entityId ?? gw.entityId, ...keys };
  }

  const proc = cfg.start?.process;
  if (proc?.cwd !== undefined) {
    const dir = path.resolve(baseDir, proc.cwd);
    if (!isDir(dir)) fail(['start', 'process', 'cwd'], `folder not found: ${displayPath(dir)}`);
    proc.cwd = dir;
  }

  if (expectationsPath !== undefined) {
    const f = path.resolve(baseDir, expectationsPath);
    if (!isFile(f))
      fail(
        ['expectations'],
        `file not found: ${displayPath(f)}`,
        'fix the path (relative to the config file)',
      );
    cfg.expectations = loadExpectations(f);
    cfg.expectationsFile = f;
  }
  return cfg;
}

/** A metadata source: an http(s) URL kept as is, or a file path made absolute (it must exist). */
function metadataSource(at: PropertyKey[], s: string, baseDir: string): string {
  if (isMetadataUrl(s)) return s;
  const file = /^file:/i.test(s) ? fileURLToPath(s) : path.resolve(baseDir, s);
  if (!isFile(file)) fail(at, `file not found: ${displayPath(file)}`);
  return file;
}

function existingFile(at: PropertyKey[], s: string, baseDir: string): string {
  const file = path.resolve(baseDir, s);
  if (!isFile(file)) fail(at, `file not found: ${displayPath(file)}`);
  return file;
}

function checkKeyPair(
  keyFile: string,
  certFile: string,
  keyAt: PropertyKey[] = ['gateway', 'signingKey'],
  certAt: PropertyKey[] = ['gateway', 'signingCert'],
): void {
  let key: KeyObject;
  let cert: X509Certificate;
  try {
    key = createPrivateKey(fs.readFileSync(keyFile));
  } catch (e) {
    return fail(
      keyAt,
      `not a usable private key (${(e as Error).message})`,
      'give an unencrypted PEM private key',
    );
  }
  try {
    cert = new X509Certificate(fs.readFileSync(certFile));
  } catch (e) {
    return fail(certAt, `not a usable certificate (${(e as Error).message})`, 'give a PEM X.509 certificate');
  }
  if (!cert.checkPrivateKey(key))
    fail(certAt, `does not match ${fieldOf(keyAt)}`, 'give the certificate of that key');
}

/** fixtures/keys/gateway-enc.*: the default gateway.encryption key pair. */
export function defaultEncryptionKeys(): { key: string; cert: string } {
  const dir = path.join(repoRoot(), 'fixtures', 'keys');
  return { key: path.join(dir, 'gateway-enc.key.pem'), cert: path.join(dir, 'gateway-enc.cert.pem') };
}

export function defaultGatewayKeys(): { signingKey: string; signingCert: string } {
  const dir = path.join(repoRoot(), 'fixtures', 'keys');
  return { signingKey: path.join(dir, 'gateway.key.pem'), signingCert: path.join(dir, 'gateway.cert.pem') };
}

/**
 * Reads an expectations file: `{ "<checkId>": { "expect": "FAIL"|"WARN", "reason": "...", "until"?: "YYYY-MM-DD" } }`.
 * Every entry needs a reason.
 */
export function loadExpectations(file: string): Record<string, Expectation> {
  const abs = path.resolve(file);
  const text = readText(abs, 'expectations file', 'check the expectations path');
  const raw = parseConfigText(text, abs, 'json');
  const hint = `in ${displayPath(abs)}`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    invalid(
      'expectations',
      `expected a JSON object, got ${describe(raw)}`,
      fixAt(expectationSchema, []),
      hint,
    );
  const out: Record<string, Expectation> = {};
  for (const [id, entry] of Object.entries(raw as Record<string, unknown>)) {
    const f = `expectations[${id}]`;
    if (!/^[A-Za-z][A-Za-z0-9._-]*$/.test(id))
      invalid(f, 'not a check ID', 'use the ID `idp-conformance list` prints', hint);
    const parsed = expectationSchema.safeParse(entry, { error: configErrorMap });
    if (!parsed.success)
      throw new HarnessError(
        'ERR_CONFIG_INVALID',
        issueLine(expectationSchema, parsed.error.issues, [], f),
        hint,
      );
    out[id] = parsed.data;
  }
  return out;
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
      // A third entity publishes an encryption key, so only the encryption checks get EncryptedAssertions.
      encryption: { entityId: 'https://gateway.test/sp-enc', ...defaultEncryptionKeys() },
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
      spReleasePolicy: true,
      otherTenant: true,
      sloPropagation: true,
    },
    expectations: {},
  };
}
