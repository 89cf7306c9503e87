/**
 * The target config as one zod schema: every key once, its fix hint as its description (shown by editors
 * through the derived JSON Schema, schema/target.schema.json). TargetConfig is inferred from it
 * (config-types.ts). Rules that need the file system (files that exist, the key pair) run after it, in
 * config.ts; formatting a zod issue into one `field: problem — fix` line lives in config-check.ts.
 *
 * Long file: the whole config format in one place (each key once, with its rule and fix hint), so the
 * reader and editors see one schema.
 */
import { isIPv4 } from 'node:net';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { OUTCOMES, PROFILES } from '../types';
import { describe } from './config-check';

export const DEFAULT_EXCHANGE_MS = 10000;
export const DEFAULT_READY_TIMEOUT_MS = 30000;
export const DEFAULT_STARTUP_TIMEOUT_MS = 120000;
/** Outcomes an expectations file may name: a deviation is a check that does not pass. */
export const EXPECTABLE_OUTCOMES = ['FAIL', 'WARN'] as const;

/** "<what>, got <value>" for a schema's own error message (a missing value is left to "required"). */
const got =
  (what: string) =>
  (iss: { input?: unknown }): string | undefined =>
    iss.input === undefined ? undefined : `${what}, got ${describe(iss.input)}`;

/** A cross-field rule: runs only when the fields themselves are valid (zod runs refinements regardless). */
function whenValid<T>(fn: (v: T, ctx: z.RefinementCtx<T>) => void) {
  return (v: T, ctx: z.RefinementCtx<T>): void => {
    if (ctx.issues.length === 0) fn(v, ctx);
  };
}

/** A string that is not empty or blank. */
function text(fix: string) {
  return z
    .string()
    .min(1)
    .refine((s) => s.trim() !== '', 'must not be empty')
    .meta({ description: fix });
}

/** "<what> <value>" for a schema's own error message. */
const named =
  (what: string) =>
  (iss: { input?: unknown }): string | undefined =>
    iss.input === undefined ? undefined : `${what} ${describe(iss.input)}`;

const POSITIVE = got('expected a positive integer');
const PORT = got('expected a TCP port 1-65535');

/** A positive integer; a string of digits (from ${VAR}, or quoted) is accepted too. */
function positiveInt(fix: string) {
  return z
    .union(
      [
        z.int({ error: POSITIVE }).positive({ error: POSITIVE }),
        z
          .string()
          .regex(/^\s*\d+\s*$/, { error: POSITIVE })
          .transform(Number)
          .pipe(z.int({ error: POSITIVE }).positive({ error: POSITIVE })),
      ],
      { error: POSITIVE },
    )
    .meta({ description: fix });
}

function tcpPort(fix: string) {
  return positiveInt(fix)
    .refine((n) => n <= 65535, { error: (iss) => PORT({ input: iss.input }) })
    .meta({ description: fix });
}

/** An http(s) URL. */
function httpUrl(fix: string) {
  return z
    .string()
    .superRefine((s, ctx) => {
      const problem = httpUrlProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: s });
    })
    .meta({ description: fix });
}

function httpUrlProblem(s: string): string | undefined {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return `not a valid URL: ${describe(s)}`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `expected http or https, got ${describe(s)}`;
  return undefined;
}

/** An http(s) URL kept as is, or a file path (made absolute, and checked to exist, in config.ts). */
function metadata() {
  return z
    .string()
    .trim()
    .superRefine((s, ctx) => {
      let problem: string | undefined;
      if (/^https?:/i.test(s)) problem = httpUrlProblem(s);
      else if (/^file:/i.test(s)) {
        try {
          fileURLToPath(s);
        } catch {
          problem = `not a usable file URL ${describe(s)}`;
        }
      } else if (/^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(s))
        problem = `unsupported URL scheme in ${describe(s)}`;
      if (s === '') problem = 'must not be empty';
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: s });
    })
    .meta({ description: 'give an http(s) URL or a file path relative to the config file' });
}

/** True when a metadata value is a URL to fetch (else it is a file). */
export const isMetadataUrl = (s: string): boolean => /^https?:/i.test(s);

function absoluteUri(fix: string) {
  return z
    .string()
    .trim()
    .regex(/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/, {
      error: (iss) =>
        `expected an absolute URI, got ${describe(iss.input)} — ${fix}, e.g. https://gateway.test/sp`,
    })
    .meta({ description: fix });
}

const envMap = z
  .record(
    z.string(),
    z.union([z.string(), z.number(), z.boolean()], { error: got('expected a string') }).transform(String),
  )
  .meta({ description: 'a mapping of NAME: value; quote values that are not plain strings' });

const adminApi = z
  .strictObject({
    baseUrl: httpUrl('give the base URL of the admin API, e.g. http://127.0.0.1:8080/admin'),
    apiKey: text('give the admin API key, e.g. ${ACME_ADMIN_KEY}'),
  })
  .meta({ description: 'write { baseUrl, apiKey }' });

const processStart = z
  .strictObject({
    command: text('give the shell command that starts the IdP'),
    cwd: text('give a folder, relative to the config file').optional(),
    env: envMap.optional(),
    readyUrl: httpUrl('give a URL that answers 2xx/3xx once the IdP is up'),
    readyTimeoutMs: positiveInt('write milliseconds, e.g. 30000').default(DEFAULT_READY_TIMEOUT_MS),
  })
  .meta({ description: 'write { command, readyUrl }: the shell command that starts the IdP' });

const PORTS_FIX =
  'list the container ports to publish on 127.0.0.1, e.g. [8080] or [{ container: 8080, host: 18480 }]';

/** `8080` (127.0.0.1:8080 -> 8080), `"18480:8080"` or `{ container: 8080, host: 18480 }`. */
const containerPort = z.union(
  [
    z
      .int({ error: POSITIVE })
      .positive({ error: POSITIVE })
      .max(65535, { error: PORT })
      .transform((n) => ({ container: n, host: n })),
    z.string().transform((s, ctx) => {
      const m = /^\s*(?:(\d+):)?(\d+)\s*$/.exec(s);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: POSITIVE({ input: s }), input: s });
        return z.NEVER;
      }
      const container = Number(m[2]);
      const host = m[1] === undefined ? container : Number(m[1]);
      for (const n of [host, container]) {
        if (n < 1 || n > 65535) {
          ctx.addIssue({ code: 'custom', message: PORT({ input: n }), input: s });
          return z.NEVER;
        }
      }
      return { container, host };
    }),
    z
      .strictObject({
        container: tcpPort('give the port the IdP listens on inside the container'),
        host: tcpPort('give the port on 127.0.0.1 (default: the container port)').optional(),
      })
      .transform(({ container, host }) => ({ container, host: host ?? container })),
  ],
  { error: got('expected a port, "HOST:CONTAINER" or { container, host }') },
);

const containerStart = z
  .strictObject({
    image: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/, { error: named('not an image reference:') })
      .meta({ description: 'give a local image name, e.g. local/ssp-idp:1 (bash .ci/docker.sh builds it)' }),
    ports: z.array(containerPort).min(1).meta({ description: PORTS_FIX }),
    env: envMap.optional(),
    waitFor: z
      .strictObject({
        http: z
          .string()
          .startsWith('/', { error: got('expected a path starting with /') })
          .meta({ description: 'give a path such as /health' })
          .optional(),
        port: tcpPort('wait on a published container port').optional(),
      })
      .refine((w) => w.http !== undefined || w.port !== undefined, 'needs http or port')
      .meta({ description: 'e.g. waitFor: { http: /health, port: 8080 }, or remove it' })
      .optional(),
    startupTimeoutMs: positiveInt('write milliseconds, e.g. 120000').default(DEFAULT_STARTUP_TIMEOUT_MS),
  })
  .superRefine(
    whenValid((c, ctx) => {
      if (!Array.isArray(c.ports)) return;
      c.ports.forEach((p, i) => {
        const before = c.ports.slice(0, i);
        if (before.some((q) => q.container === p.container))
          ctx.addIssue({
            code: 'custom',
            path: ['ports', i],
            message: `container port ${p.container} is listed twice — list each port once`,
          });
        else if (before.some((q) => q.host === p.host))
          ctx.addIssue({
            code: 'custom',
            path: ['ports', i],
            message: `host port ${p.host} is published twice — give each port its own host port`,
          });
      });
      const wp = c.waitFor?.port;
      if (wp !== undefined && !c.ports.some((p) => p.container === wp))
        ctx.addIssue({
          code: 'custom',
          path: ['waitFor', 'port'],
          message: `${wp} is not a container port in start.container.ports`,
        });
    }),
  )
  .meta({ description: 'write { image, ports }: a local image the harness starts with Docker' });

const start = z
  .strictObject({ process: processStart.optional(), container: containerStart.optional() })
  .superRefine(
    whenValid((s, ctx) => {
      if (s.process && s.container)
        ctx.addIssue({
          code: 'custom',
          message: 'process and container are exclusive — keep one of start.process, start.container',
        });
      else if (!s.process && !s.container)
        ctx.addIssue({
          code: 'custom',
          message: 'needs process or container — add one, or remove start if the IdP is already running',
        });
    }),
  )
  .meta({ description: 'how the harness starts the IdP: process or container (omit if it is running)' });

const ACS_FIX =
  'use an http URL on 127.0.0.1 or localhost where the harness listens, e.g. http://127.0.0.1:7400/acs';

const gateway = z
  .strictObject({
    entityId: absoluteUri('add the SP entityID the IdP knows the harness by'),
    acsUrl: z
      .string()
      .trim()
      .superRefine((s, ctx) => {
        let u: URL;
        try {
          u = new URL(s);
        } catch {
          ctx.addIssue({ code: 'custom', message: `not a valid URL: ${describe(s)}` });
          return;
        }
        if (u.protocol !== 'http:')
          ctx.addIssue({
            code: 'custom',
            message: `expected http: (the harness listens on plain HTTP), got ${describe(s)}`,
          });
        else if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost')
          ctx.addIssue({
            code: 'custom',
            message: `host must be 127.0.0.1 or localhost, got "${u.hostname}"`,
          });
      })
      .meta({ description: ACS_FIX }),
    signingKey: text('give a PEM private key file, relative to the config file').optional(),
    signingCert: text('give a PEM certificate file, relative to the config file').optional(),
    signedEntityId: absoluteUri(
      'add the second SP entityID, registered with AuthnRequestsSigned="true"',
    ).optional(),
    encryption: z
      .union([
        z.literal(true),
        z.strictObject({
          entityId: absoluteUri('give the SP entityID that publishes the encryption key').optional(),
          key: text('give a PEM private key file, relative to the config file').optional(),
          cert: text('give a PEM certificate file, relative to the config file').optional(),
        }),
      ])
      .optional()
      .meta({
        description:
          'publish an encryption key (SDP-IDP11): true, or { entityId, key, cert } (default gateway.entityId, fixtures/keys/gateway-enc.*)',
      }),
  })
  .superRefine(
    whenValid((g, ctx) => {
      if ((g.signingKey === undefined) !== (g.signingCert === undefined))
        ctx.addIssue({
          code: 'custom',
          path: [g.signingKey === undefined ? 'signingKey' : 'signingCert'],
          message:
            'required when the other of signingKey/signingCert is set — give both, or neither for the default test key',
        });
      const enc = g.encryption === true ? {} : g.encryption;
      if (enc && (enc.key === undefined) !== (enc.cert === undefined))
        ctx.addIssue({
          code: 'custom',
          path: ['encryption', enc.key === undefined ? 'key' : 'cert'],
          message:
            'required when the other of key/cert is set — give both, or neither for fixtures/keys/gateway-enc.*',
        });
      if (g.signedEntityId !== undefined && g.signedEntityId === g.entityId)
        ctx.addIssue({
          code: 'custom',
          path: ['signedEntityId'],
          message: 'must differ from gateway.entityId — register a second SP entity',
        });
    }),
  )
  .meta({ description: 'add gateway.entityId and gateway.acsUrl: the SP identity the IdP knows' });

const tenant = z
  .strictObject({
    cloudName: text('give the tenant cloud name, e.g. cloud-a'),
    userDomain: text("give the tenant's user domain, e.g. example.com"),
  })
  .meta({ description: 'add { cloudName, userDomain }' });

const deviceToken = z
  .strictObject({
    presentation: z
      .literal('authorization-header', { error: named('unknown variant') })
      .meta({ description: 'use authorization-header' })
      .default('authorization-header'),
    metadata: metadata().optional(),
    tenant,
    admin: adminApi.optional(),
    tokens: z
      .strictObject({
        valid: text('give a device token string (or ${VAR})').optional(),
        revoked: text('give a device token string (or ${VAR})').optional(),
        otherTenant: text('give a device token string (or ${VAR})').optional(),
      })
      .meta({ description: 'static device tokens: { valid, revoked, otherTenant }' })
      .optional(),
    otherTenant: z
      .strictObject({ tenant, metadata: metadata().optional(), admin: adminApi.optional() })
      .meta({ description: 'the second tenant: { tenant, metadata, admin }' })
      .optional(),
  })
  .refine((d) => d.admin !== undefined || d.tokens !== undefined, 'needs admin or tokens')
  .meta({ description: 'add deviceToken.admin (admin API) or deviceToken.tokens (static tokens)' });

const capability = z.boolean({ error: got('expected true or false') }).default(false);
export const capabilitiesSchema = z
  .strictObject({
    tokenAdmin: capability,
    userAdmin: capability,
    settingsAdmin: capability,
    spAdmin: capability,
    spReleasePolicy: capability.meta({
      description:
        'with spAdmin: the admin API takes a release policy, PUT /service-providers?releaseIdentifiers=subject-id,pairwise-id (empty for none), as the reference IdP does; SDP-IDP16-withheld-not-released and SDP-IDP16-error-status then register an SP the IdP will not satisfy (an SP requiring an identifier the policy withholds)',
    }),
    otherTenant: capability,
    sloPropagation: capability.meta({
      description:
        'the IdP propagates Single Logout to the other session participants (saml2int SDP-IDP23): the harness then expects it',
    }),
  })
  .meta({
    description:
      'what the harness may do at the IdP, or what it declares: tokenAdmin, userAdmin, settingsAdmin, spAdmin, spReleasePolicy, otherTenant, sloPropagation',
  });

const profileId = z
  .enum(PROFILES, { error: named('unknown profile') })
  .meta({ description: `use one of ${PROFILES.join(', ')}` });

const profiles = z
  .union([
    profileId.transform((p) => [p]),
    z
      .array(profileId)
      .min(1)
      .superRefine((list, ctx) =>
        list.forEach((p, i) => {
          if (list.indexOf(p) < i)
            ctx.addIssue({
              code: 'custom',
              path: [i],
              message: `duplicate profile "${p}" — list each profile once`,
            });
        }),
      ),
  ])
  .meta({ description: `write a list of ${PROFILES.join(', ')}` });

const loopbackAddress = z
  .string()
  .trim()
  .refine((s) => isIPv4(s) && s.startsWith('127.'), { error: got('expected a 127.x.x.x address') })
  .meta({ description: 'use loopback addresses such as 127.0.0.2' });

/** The target config file (before paths are resolved and the expectations file is read). */
export const targetFileSchema = z
  .strictObject({
    name: text('name the target, e.g. name: acme-idp'),
    profiles: profiles.default(['saml-web-sso']),
    idp: z
      .strictObject({
        metadata: metadata(),
        admin: adminApi
          .meta({ description: 'the admin API of the IdP (SP registration): { baseUrl, apiKey }' })
          .optional(),
      })
      .meta({ description: 'add idp.metadata: the URL or file of the IdP metadata' }),
    start: start.optional(),
    gateway,
    login: z
      .strictObject({
        form: z
          .strictObject({
            username: text('give the test user the IdP login form accepts'),
            password: text("give that user's password (or ${VAR})"),
          })
          .meta({ description: 'the test user: { username, password }' })
          .optional(),
      })
      .meta({ description: 'how the harness logs in at the IdP: { form: { username, password } }' })
      .optional(),
    deviceToken: deviceToken.optional(),
    client: z
      .strictObject({
        sourceAddresses: z
          .array(loopbackAddress)
          .meta({ description: 'use loopback addresses such as 127.0.0.2' })
          .default([]),
      })
      .meta({ description: 'the device agent: { sourceAddresses: [127.0.0.2, ...] }' })
      .prefault({}),
    timeouts: z
      .strictObject({
        exchangeMs: positiveInt('write milliseconds, e.g. 10000').default(DEFAULT_EXCHANGE_MS),
      })
      .meta({ description: 'timeouts: { exchangeMs }' })
      .prefault({}),
    capabilities: capabilitiesSchema.prefault({}),
    expectations: text('give the path of the expectations JSON file, relative to the config file').optional(),
  })
  .superRefine(
    whenValid((c, ctx) => {
      const issue = (path: string[], message: string) => ctx.addIssue({ code: 'custom', path, message });
      const caps = c.capabilities;
      if (new URL(c.gateway.acsUrl).port === '0' && !caps.spAdmin)
        issue(
          ['gateway', 'acsUrl'],
          'port 0 (ephemeral) needs capabilities.spAdmin to register the real URL — use a fixed port that is registered at the IdP',
        );
      if (caps.spReleasePolicy && !(caps.spAdmin && c.idp.admin))
        issue(
          ['capabilities', 'spReleasePolicy'],
          'a release policy is set through the admin API — declare capabilities.spAdmin and idp.admin, or set capabilities.spReleasePolicy: false',
        );
      if (!c.profiles.includes('device-token')) return;
      if (!c.deviceToken)
        issue(
          ['deviceToken'],
          'required when profiles include device-token — add deviceToken.tenant (and admin or tokens), or drop device-token from profiles',
        );
      else if (caps.otherTenant && !c.deviceToken.otherTenant)
        issue(
          ['deviceToken', 'otherTenant'],
          'required when capabilities.otherTenant is true — describe the second tenant, or set capabilities.otherTenant: false',
        );
      else if (caps.tokenAdmin && !c.deviceToken.admin)
        issue(
          ['deviceToken', 'admin'],
          'required when capabilities.tokenAdmin is true — add the profile admin API { baseUrl, apiKey }, or set capabilities.tokenAdmin: false',
        );
    }),
  )
  .meta({
    title: 'idp-conformance target config',
    description: 'start from a file in fixtures/targets/',
  });

/** One entry of an expectations file: `{ "expect": "FAIL"|"WARN", "reason": "...", "until"?: "YYYY-MM-DD" }`. */
export const expectationSchema = z
  .strictObject({
    expect: z
      .enum(EXPECTABLE_OUTCOMES, {
        error: (iss) =>
          iss.input === undefined
            ? 'required'
            : `${(OUTCOMES as readonly unknown[]).includes(iss.input) ? 'cannot expect' : 'unknown outcome'} ${describe(iss.input)}`,
      })
      .meta({ description: `use ${EXPECTABLE_OUTCOMES.join(' or ')} (the outcome the IdP is known to get)` }),
    reason: z
      .string({ error: got('expected a non-empty string') })
      .refine((s) => s.trim() !== '', { error: got('expected a non-empty string') })
      .transform((s) => s.trim().replace(/[\r\n]+\s*/g, ' '))
      .meta({ description: 'say why this deviation is accepted' }),
    until: z
      .string({ error: got('expected a date YYYY-MM-DD') })
      .refine(isIsoDate, { error: got('expected a date YYYY-MM-DD') })
      .meta({ description: 'the last day this expectation holds' })
      .optional(),
  })
  .meta({ description: 'write { "<checkId>": { "expect": "FAIL", "reason": "..." } }' });

function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export type TargetFile = z.output<typeof targetFileSchema>;

/** The JSON Schema of a target config file (what a human writes), committed as schema/target.schema.json. */
export function targetJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(targetFileSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' });
}
