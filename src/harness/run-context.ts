import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';
import type { TargetConfig } from './targets/config-types';
import type { CheckResult, Precondition, ProfileId } from './types';
import { HarnessError } from './types';
import type { GatewayServer } from './roles/gateway/gateway';
import type { IdpMetadata } from './targets/idp-metadata';
import type { SigningKey } from './messages/bindings';
import { Redactor } from './evidence/redact';
import type { Liveness } from './liveness';
import type { DtTarget, DtTokenKind } from './targets/dt-target';
import type { ProvisionedUser } from './roles/gateway/provisioning';

/** The device-token profile's per-run state (roles/device-token.ts). */
export interface DeviceTokenRunState {
  /** The tenant metadata loaded and the gateway registered, once per run (dtTarget). */
  target?: Promise<DtTarget>;
  /** The gateway's auto-provisioning directory, keyed by IdP entityID and NameID. */
  directory: Map<string, ProvisionedUser>;
  /** Tokens created once per run, by kind (dtToken). */
  tokens: Partial<Record<DtTokenKind, Promise<{ token: string; id?: string }>>>;
  /** Tokens made by freshToken: token ID → the check that made them (only it deletes them freely). */
  ownTokens: Map<string, string>;
}

/**
 * Everything one conformance run shares: the target config, the gateway (SP) and its key, the IdP metadata,
 * the clock, the device-token tenant state, the results. Made by the runner; handed to each check body and
 * shared flow by the scenario (`check(spec, (v, ctx) => …)`, `shared(name, (ctx) => …)`), and from there
 * as the first argument to every role (webLogin, silentLogin, dtToken, …): no role reads a global.
 */
export interface RunContext {
  config: TargetConfig;
  strict: boolean;
  /**
   * Mutation analysis (`npm run mutation`): a check's mocha test fails on FAIL or WARN only (an ERROR
   * is the harness's, never a kill), and no shared flow outlives a check, so each check runs its own
   * flows and is covered by them as when it runs alone (set-up state such as tokens stays per run).
   */
  mutation?: boolean;
  reportDir: string;
  now: () => Date;
  gateway: GatewayServer;
  gatewayKey: SigningKey;
  /** The IdP metadata of the saml-web-sso target (idp.metadata). */
  idp: IdpMetadata;
  redactor: Redactor;
  results: CheckResult[];
  /** Per-run memo of shared flows, keyed by a name the spec gives. */
  memo: Map<string, Promise<unknown>>;
  /** The device-token profile's per-run state. */
  deviceToken: DeviceTokenRunState;
  /** Work to undo after each check (created tokens, changed settings), by check ID: see afterCheck. */
  afterCheck: Map<string, (() => Promise<unknown>)[]>;
  /** Whether the target still answers (set by the runner; see liveness.ts). */
  liveness?: Liveness;
  /** Preconditions the preflight control login found failed, per profile (checks/preconditions.ts). */
  preconditions?: Partial<Record<ProfileId, Precondition>>;
}

/**
 * The run in progress, handed over from the runner (or the mocha plugin) to mocha's scenarios: mocha gives
 * an `it` no argument to carry it. Read only at that boundary (scenario.ts); everything below it takes the
 * context as an argument.
 */
let current: RunContext | undefined;

export function setRunContext(s: RunContext | undefined): void {
  current = s;
}

export function activeRun(): RunContext {
  if (!current) {
    throw new HarnessError(
      'ERR_USAGE',
      'no conformance run in progress',
      'run the specs through `idp-conformance run` (or mocha with --require dist/src/harness/mocha-plugin.js)',
    );
  }
  return current;
}

export function hasRunContext(): boolean {
  return current !== undefined;
}

export function loadSigningKey(keyFile: string, certFile: string): SigningKey {
  return { keyPem: readFileSync(keyFile, 'utf8'), certPem: readFileSync(certFile, 'utf8') };
}

/** A test key pair from fixtures/keys (gateway, gateway-2, attacker, weak). */
export function fixtureKey(name: 'gateway' | 'gateway-2' | 'attacker' | 'weak'): SigningKey {
  const dir = path.join(repoRoot(), 'fixtures', 'keys');
  return loadSigningKey(path.join(dir, `${name}.key.pem`), path.join(dir, `${name}.cert.pem`));
}
