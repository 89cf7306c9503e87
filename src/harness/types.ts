/**
 * The harness's shared vocabulary: checks, outcomes, results, the run report.
 * Everything a spec, a reporter or the CLI exchanges is typed here.
 */
import type { FindingCode } from './findings';

export type ProfileId = 'saml-web-sso' | 'device-token';
export const PROFILES: readonly ProfileId[] = ['saml-web-sso', 'device-token'];

export type Family =
  | 'metadata'
  | 'request-parsing'
  | 'signature'
  | 'response'
  | 'encryption'
  | 'subject'
  | 'slo'
  | 'token'
  | 'provisioning';
export const FAMILIES: readonly Family[] = [
  'metadata',
  'request-parsing',
  'signature',
  'response',
  'encryption',
  'subject',
  'slo',
  'token',
  'provisioning',
];

/** From the requirement's own wording (RFC 2119). SHOULD failures are WARN unless --strict. */
export type Level = 'MUST' | 'SHOULD' | 'MAY';

/**
 * BLOCKED: a precondition failed elsewhere (no usable IdP signing key, no trusted Response, a failed
 * control); `blockedBy` names the check that judges it. Never a pass; it makes the exit code non-zero
 * only through its root (see runner.exitCodeOf).
 */
export type Outcome = 'PASS' | 'FAIL' | 'WARN' | 'NOT_APPLICABLE' | 'KNOWN' | 'ERROR' | 'BLOCKED';
export const OUTCOMES: readonly Outcome[] = [
  'PASS',
  'FAIL',
  'WARN',
  'BLOCKED',
  'NOT_APPLICABLE',
  'KNOWN',
  'ERROR',
];

export type Capability =
  | 'tokenAdmin'
  | 'settingsAdmin'
  | 'userAdmin'
  | 'spAdmin'
  | 'spReleasePolicy'
  | 'otherTenant'
  | 'sloPropagation';

/** A check's static description: what `list` prints, what a result carries. */
export interface CheckDef {
  /** Stable; starts with the (first) requirement ID, e.g. `DT-TOK-03-unknown-token`. */
  id: string;
  profile: ProfileId;
  family: Family;
  level: Level;
  /** Requirement IDs verified, e.g. ['SAMLProf-4.1.4.2', 'SDP-IDP09']. */
  requirements: [string, ...string[]];
  title: string;
  /** The requirements as the catalogue has them (level, quoted sentence, source, link), in that order. */
  cites?: Citation[];
}

/** A requirement as a check cites it: from the catalogue (src/harness/requirements), never restated. */
export interface Citation {
  id: string;
  level: Level;
  /** The requirement's sentence. */
  text: string;
  /** The document and section, e.g. `SAML Core §3.2.1`. */
  source: string;
  /** The document's URL, or the repository path and anchor (`docs/profiles/device-token.md#dt-tok-03`). */
  link?: string;
}

/** One piece of evidence: an HTTP exchange or a decoded SAML message, already redacted. */
export interface EvidenceItem {
  kind: 'http' | 'saml' | 'note' | 'log';
  /** Human label, e.g. `GET /t/web/sso (HTTP-Redirect AuthnRequest)`. */
  label: string;
  /** Start time, ISO. */
  at: string;
  http?: {
    /** Who sent it: the client role to the IdP, the client to the gateway, the gateway's ACS receiving. */
    direction: 'client->idp' | 'client->gateway' | 'harness->admin' | 'idp->gateway';
    method: string;
    url: string;
    requestHeaders: Record<string, string>;
    requestBody?: string;
    status?: number;
    responseHeaders?: Record<string, string>;
    responseBody?: string;
    durationMs?: number;
    error?: string;
  };
  saml?: { messageType: string; binding?: string; xml: string };
  text?: string;
}

export interface CheckResult extends CheckDef {
  outcome: Outcome;
  /** One line; for FAIL: `<REQ>: expected <x>, got <y>`. */
  message: string;
  expected?: string;
  actual?: string;
  /** The XPath, field or HTTP element the verdict is about. */
  where?: string;
  durationMs: number;
  /** Relative paths of evidence files under the report dir. */
  evidence: string[];
  /** BLOCKED: the ID of the root check whose failure prevented this one. */
  blockedBy?: string;
  /** A root check: the IDs of the checks its failure BLOCKED in this run. */
  blocks?: string[];
  /**
   * A check that judges several variants (Verdict.variants): each variant's own outcome, in order. The
   * kill matrix requires every variant to be broken alone by some fault.
   */
  variants?: VariantOutcome[];
  /** For KNOWN (or an unexpected pass): the expectation's reason. */
  expectation?: { expect: Outcome; reason: string; until?: string; unexpectedPass?: boolean };
}

export interface VariantOutcome {
  name: string;
  outcome: 'PASS' | 'FAIL' | 'BLOCKED' | 'NOT_APPLICABLE';
}

export type Summary = Record<Outcome, number>;

/** One profile's preflight (preflight.ts): the control login, or why it did not run. */
export interface PreflightResult {
  profile: ProfileId;
  /** The control login worked (or was skipped: see `skipped`). */
  ok: boolean;
  /** Why no control login ran (no token, no SSO endpoint): the checks then run uncalibrated. */
  skipped?: string;
  /** Why the control failed: the likely cause, what the IdP said, the fix. The run stops (exit 2). */
  diagnosis?: string;
  /** What the control showed that the checks must know (e.g. no usable signing key: BLOCKED by …). */
  note?: string;
  /** Relative paths of the control login's evidence files. */
  evidence: string[];
}

/**
 * A precondition the control login found failed for a profile: checks that need it are BLOCKED by
 * `root` (the check that judges it) instead of repeating its FAIL. `codes`: the gateway findings that
 * show it in a check's own answer.
 */
export interface Precondition {
  root: string;
  reason: string;
  codes: FindingCode[];
}

export interface RunReport {
  /** 2: adds the BLOCKED outcome (results[].blockedBy, results[].blocks, summary.BLOCKED) and preflight. */
  schemaVersion: 2;
  harness: { name: 'idp-conformance'; version: string; node: string };
  target: { name: string; configFile?: string; metadataUrl?: string; faults?: string[] };
  profiles: ProfileId[];
  startedAt: string;
  durationMs: number;
  strict: boolean;
  summary: Summary;
  results: CheckResult[];
  /** Run statistics: HTTP exchanges the harness made (client, admin, metadata). */
  stats?: { httpExchanges: number };
  /** Set when the run stopped early: the target stopped answering (the remaining checks are ERROR), or the preflight failed (no check ran). */
  stopped?: { reason: string };
  /**
   * Set when SIGINT/SIGTERM ended the run before it finished: the results are partial, the report is
   * no verdict (junit.xml carries an error), and exitCode is 130/143.
   */
  interrupted?: true;
  /** `run --shard i/n`: this report is one shard of a run (merge them with `report --merge`). */
  shard?: { index: number; total: number; selection: RunSelection };
  /** `report --merge`: this report was put together from `shards` shards. */
  merged?: { shards: number; selection: RunSelection };
  /**
   * The expectations file, checked: entries past their `until` (no longer applied) and checks that
   * passed although a deviation was expected (under --strict such an XPASS fails the run, exit 1).
   */
  expectations?: {
    file?: string;
    expired: { id: string; until: string; reason: string }[];
    unexpectedPasses: string[];
  };
  /** The preflight, one entry per profile (absent with --no-preflight). */
  preflight?: PreflightResult[];
  /** 0, 1 or 2 as the CLI exits; 130/143 for an interrupted run. */
  exitCode: 0 | 1 | 2 | 130 | 143;
}

/** How the checks of a run were chosen (besides the profiles): what every shard of one run shares. */
export interface RunSelection {
  grep?: string;
  requirements?: string[];
  /** `--rerun-failed`: the check IDs taken from an earlier report. */
  checks?: string[];
}

export function emptySummary(): Summary {
  return { PASS: 0, FAIL: 0, WARN: 0, BLOCKED: 0, NOT_APPLICABLE: 0, KNOWN: 0, ERROR: 0 };
}

/** Harness failures: our bug, our config, the environment. Never blamed on the IdP (exit 2). */
export type HarnessErrorCode =
  | 'ERR_CONFIG_INVALID'
  | 'ERR_CONFIG_NOT_FOUND'
  | 'ERR_CONFIG_PARSE'
  | 'ERR_TARGET_UNREACHABLE'
  | 'ERR_TARGET_START'
  | 'ERR_METADATA'
  | 'ERR_USAGE'
  | 'ERR_INTERNAL'
  | 'ERR_TIMEOUT'
  | 'ERR_DOCKER_UNAVAILABLE'
  | 'ERR_INTERRUPTED'
  /** A check changed shared IdP state under --jobs N > 1 without declaring `exclusive` (checks/pool.ts). */
  | 'ERR_NOT_EXCLUSIVE'
  /** The IdP's answer ended where the client cannot tell what it means (a page it could not follow). */
  | 'ERR_UNJUDGEABLE';

export class HarnessError extends Error {
  constructor(
    readonly code: HarnessErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'HarnessError';
  }
  /** One line for a person: what went wrong and how to fix it. */
  oneLine(): string {
    return `${this.code}: ${this.message}${this.hint ? ` — ${this.hint}` : ''}`;
  }
}
