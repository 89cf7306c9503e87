/**
 * A conformance run: start the target and the gateway, preflight, the checks through mocha (their work
 * through the check pool, --jobs), then the reports. Long file: a run's one life cycle, start to
 * reports, kept in one place so its order (and what an interrupt leaves behind) reads top to bottom.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import type { CheckResult, PreflightResult, ProfileId, RunReport } from './types';
import { HarnessError, emptySummary, PROFILES } from './types';
import type { TargetConfig } from './targets/config-types';
import { setRunContext, loadSigningKey, type RunContext } from './run-context';
import { GatewayServer } from './roles/gateway/gateway';
import { onInterrupt, signalExitCode, startProcess, type StartedTarget } from './targets/process';
import { startContainer } from './targets/container';
import { registerGateway } from './roles/sp-registration';
import { exchangeCount, setExchangeGuard } from './roles/client/http';
import { Liveness } from './liveness';
import { Redactor } from './evidence/redact';
import { summarize } from './reporting/summary';
import { CONFORMANCE_JSON } from './reporting/json';
import { JUNIT_XML } from './reporting/junit';
import { writeRunReports } from './reporting/write';
import { inShard, type Shard } from './checks/shard';
import { REPORT_HTML } from './reporting/report-html';
import { Progress } from './reporting/console';
import { allureReporterOptions, ALLURE_REPORTER, setAllureTarget } from './reporting/allure';
import { repoRoot, harnessVersion } from './paths';
import { configSecrets, defaultGatewayKeys } from './targets/config';
import { allChecks, selectChecks } from './checks/catalogue';
import { checkExpectationIds, expiredExpectations } from './reporting/expectations';
import { blockedOriginals, startedChecks } from './scenario';
import { settleBlocked } from './root-causes';
import { loadTargetMetadata, runPreflight } from './preflight';
import { annotateAllureResults } from './reporting/allure';
import { removeInBackground, removeLeftovers } from './evidence/background-io';
import { checkPool, plannedChecks } from './checks/pool';

export interface RunOptions {
  config: TargetConfig;
  profiles?: ProfileId[];
  grep?: string;
  /** Run only checks that verify one of these requirement IDs. */
  requirements?: string[];
  strict: boolean;
  /** Mutation analysis: see RunContext.mutation. */
  mutation?: boolean;
  reportDir: string;
  /** Faults of the embedded reference IdP (recorded in the report). */
  faults?: string[];
  /** `--shard i/n`: run only the checks whose ID hashes to shard i of n. */
  shard?: Shard;
  /** `--rerun-failed`: run only these check IDs. */
  checks?: string[];
  /**
   * `--jobs N`: how many checks' work may run at once (checks/pool.ts); default 1. Output order and
   * verdicts do not depend on it; checks that declare `exclusive` run alone. Mutation analysis runs 1.
   */
  jobs?: number;
  /** Progress lines (one per check). */
  log?: (line: string) => void;
  /** Colour in the progress lines (the CLI: on a TTY, without NO_COLOR). */
  color?: boolean;
  /**
   * Preflight (preflight.ts) before the checks: the metadata is IdP metadata, and one control login per
   * profile works. Default false here; the CLI and the mocha plugin turn it on (`--no-preflight` off).
   */
  preflight?: boolean;
}

export function specFiles(profiles: readonly ProfileId[]): string[] {
  const root = path.join(repoRoot(), 'dist', 'specs');
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.spec.js')) out.push(p);
    }
  };
  for (const p of profiles) walk(path.join(root, p));
  return out;
}

function clean(reportDir: string): void {
  try {
    mkdirSync(reportDir, { recursive: true });
  } catch (e) {
    throw new HarnessError(
      'ERR_USAGE',
      `--report-dir: cannot create ${reportDir} (${(e as NodeJS.ErrnoException).code})`,
      'choose a writable folder',
    );
  }
  // The previous run's verdict never outlives the start of this one: an interrupted or crashed run
  // leaves no green conformance.json or junit.xml beside the new evidence.
  // Folders are renamed away at once and deleted in the background (evidence/background-io.ts).
  removeLeftovers(reportDir);
  for (const sub of VERDICT_FILES) removeInBackground(reportDir, path.join(reportDir, sub));
}

/** What a run writes under its report dir, removed when the next run starts. */
export const VERDICT_FILES = [
  CONFORMANCE_JSON,
  JUNIT_XML,
  REPORT_HTML,
  'allure-results',
  'evidence',
] as const;

export interface OpenRun {
  session: RunContext;
  /** Why the run stopped before any check (a failed preflight control), if it did. */
  stopped(): string | undefined;
  /** Stops what the run started and writes the reports. Safe to call once. */
  finish(): Promise<RunReport>;
}

/**
 * Opens a conformance run: starts what the config says, the gateway, registers it, loads the IdP
 * metadata, and installs the session specs read. Throws HarnessError when the run cannot happen (exit 2).
 */
export async function openRun(opts: RunOptions): Promise<OpenRun> {
  const { config } = opts;
  const profiles = (opts.profiles ?? config.profiles).filter((p) => PROFILES.includes(p));
  const startedAt = new Date();
  const t0 = Date.now();
  clean(opts.reportDir);

  const redactor = new Redactor();
  for (const secret of configSecrets(config)) redactor.addSecret(secret);

  let target: StartedTarget | undefined;
  let gateway: GatewayServer | undefined;
  const results: CheckResult[] = [];
  const stop = async () => {
    setRunContext(undefined);
    setExchangeGuard(undefined);
    await gateway?.close();
    await target?.stop();
  };
  let s: RunContext;
  let preflight: PreflightResult[] | undefined;
  let stopReason: string | undefined;
  try {
    if (config.start?.process) target = await startProcess(config.start.process);
    if (config.start?.container) target = await startContainer(config.start.container);
    const defaults = defaultGatewayKeys();
    const keyFile = config.gateway.signingKey ?? defaults.signingKey;
    const certFile = config.gateway.signingCert ?? defaults.signingCert;
    gateway = await GatewayServer.start(config.gateway.acsUrl);
    if (config.gateway.encryption)
      gateway.decryptionKeysPem = [readFileSync(config.gateway.encryption.key, 'utf8')];
    const idp = await loadTargetMetadata(config, opts.reportDir, redactor, !!opts.preflight);
    const probeUrl = /^https?:\/\//.test(config.idp.metadata)
      ? config.idp.metadata
      : (idp.ssoRedirect ?? idp.ssoPost);
    const liveness = probeUrl ? new Liveness(probeUrl, config.timeouts.exchangeMs) : undefined;
    setExchangeGuard(liveness);
    s = {
      config,
      strict: opts.strict,
      mutation: opts.mutation,
      reportDir: opts.reportDir,
      now: () => new Date(),
      gateway,
      gatewayKey: loadSigningKey(keyFile, certFile),
      idp,
      redactor,
      results,
      memo: new Map(),
      deviceToken: { directory: new Map(), tokens: {}, ownTokens: new Map() },
      afterCheck: new Map(),
      liveness,
    };
    await registerGateway(s);
    setRunContext(s);
    setAllureTarget({
      name: config.name,
      baseUrl: originOf(config.idp.metadata),
      faults: opts.faults,
      embedded: opts.faults !== undefined,
    });
    if (opts.preflight) {
      const pf = await runPreflight(s, profiles, opts.log);
      preflight = pf.results;
      if (pf.stopReason) {
        // No per-check verdicts after a failed control: every check is "not run", the reports say why.
        stopReason = pf.stopReason;
        s.liveness?.stop(pf.stopReason);
      }
    }
  } catch (e) {
    await stop();
    throw e;
  }
  const ranIds = startedChecks;
  ranIds.clear();
  blockedOriginals.clear();
  const exchangesBefore = exchangeCount();
  const report = (exitCode: RunReport['exitCode'], extra: Partial<RunReport>): RunReport => ({
    schemaVersion: 2,
    harness: { name: 'idp-conformance', version: harnessVersion(), node: process.version },
    target: {
      name: config.name,
      configFile: config.configFile,
      metadataUrl: config.idp.metadata,
      faults: opts.faults,
    },
    profiles,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - t0,
    strict: opts.strict,
    summary: { ...emptySummary(), ...summarize(results) },
    results,
    stats: { httpExchanges: exchangeCount() - exchangesBefore },
    ...(opts.shard
      ? {
          shard: {
            ...opts.shard,
            selection: {
              ...(opts.grep ? { grep: opts.grep } : {}),
              ...(opts.requirements?.length ? { requirements: opts.requirements } : {}),
              ...(opts.checks ? { checks: opts.checks } : {}),
            },
          },
        }
      : {}),
    ...(preflight ? { preflight } : {}),
    ...extra,
    exitCode,
  });
  // SIGINT/SIGTERM: the reports say interrupted (never a verdict), one line says so, exit 130/143.
  const offInterrupt = onInterrupt((signal) => {
    const reason = `interrupted by ${signal} after ${results.length} check${results.length === 1 ? '' : 's'}`;
    writeRunReports(
      opts.reportDir,
      report(signalExitCode(signal), { interrupted: true, stopped: { reason } }),
    );
    const e = new HarnessError(
      'ERR_INTERRUPTED',
      `${reason}: the run is incomplete, no verdict (${path.join(opts.reportDir, CONFORMANCE_JSON)} says interrupted)`,
      `run it again to the end (exit ${signalExitCode(signal)})`,
    );
    process.stderr.write(`idp-conformance: ${e.oneLine()}\n`);
  });
  let finished: Promise<RunReport> | undefined;
  const finish = () =>
    (finished ??= (async () => {
      offInterrupt();
      const gone = stopReason ?? s.liveness?.gone();
      await stop();
      // Defensive: a selected check that recorded nothing is an ERROR, never silently absent.
      const seen = new Set(results.map((r) => r.id));
      for (const def of allChecks()) {
        if (!ranIds.has(def.id) || seen.has(def.id)) continue;
        results.push({
          ...def,
          outcome: 'ERROR',
          message: 'the check started but recorded no outcome',
          durationMs: 0,
          evidence: [],
        });
      }
      settleBlocked(results);
      annotateAllureResults(path.join(opts.reportDir, 'allure-results'), results);
      const expectations = Object.keys(config.expectations).length
        ? {
            file: config.expectationsFile,
            expired: expiredExpectations(config.expectations, s.now()),
            unexpectedPasses: results.filter((r) => r.expectation?.unexpectedPass).map((r) => r.id),
          }
        : undefined;
      // A target that stopped answering leaves the run incomplete: exit 2, whatever came before.
      const r = report(gone ? 2 : exitCodeOf(results, opts.strict), {
        ...(gone ? { stopped: { reason: gone } } : {}),
        ...(expectations ? { expectations } : {}),
      });
      writeRunReports(opts.reportDir, r);
      return r;
    })());
  return { session: s, finish, stopped: () => stopReason };
}

/**
 * FAIL → 1 (the IdP); under --strict an unexpected pass (XPASS: the expectations file is out of date)
 * → 1 too; otherwise any ERROR → 2 (the run is incomplete: nothing may be claimed); else 0.
 * BLOCKED counts only through its root: a root that FAILed already made it 1, a KNOWN root lets it pass;
 * a BLOCKED whose root is not among the results (not selected, or ERROR) is an incomplete run (2).
 */
export function exitCodeOf(results: CheckResult[], strict = false): 0 | 1 | 2 {
  if (results.some((r) => r.outcome === 'FAIL')) return 1;
  if (strict && results.some((r) => r.outcome === 'PASS' && r.expectation?.unexpectedPass)) return 1;
  if (results.some((r) => r.outcome === 'ERROR')) return 2;
  const settled = new Set(results.filter((r) => ['WARN', 'KNOWN'].includes(r.outcome)).map((r) => r.id));
  return results.some((r) => r.outcome === 'BLOCKED' && !settled.has(r.blockedBy ?? '')) ? 2 : 0;
}

/** One conformance run through mocha, programmatically (the CLI's `run`). */
export async function runConformance(opts: RunOptions): Promise<RunReport> {
  const profiles = (opts.profiles ?? opts.config.profiles).filter((p) => PROFILES.includes(p));
  const files = specFiles(profiles);
  if (files.length === 0) {
    throw new HarnessError(
      'ERR_INTERNAL',
      `no spec files for ${profiles.join(', ')} under dist/specs`,
      'run `npm run build`',
    );
  }
  const only = opts.checks ? new Set(opts.checks) : undefined;
  selectChecks(opts.requirements, (def) => inShard(def.id, opts.shard) && (!only || only.has(def.id)));
  const mocha = new Mocha({
    reporter: ALLURE_REPORTER,
    reporterOptions: allureReporterOptions(path.join(opts.reportDir, 'allure-results')),
    // No mocha timeout: a timed-out `it` would vanish from the results. Every exchange is bounded
    // by timeouts.exchangeMs, so every check ends, and ends with a recorded outcome.
    timeout: 0,
    grep: opts.grep,
    color: false,
  });
  // A process may run several times (the kill matrix's workers): a spec file already required declares
  // nothing when required again, so each run loads the specs afresh.
  for (const f of [...files, ...specFiles(PROFILES)]) delete require.cache[f];
  for (const f of files) mocha.addFile(f);
  const loaded = mocha as unknown as { loadFiles(): void; lazyLoadFiles(on: boolean): void };
  loaded.loadFiles();
  loaded.lazyLoadFiles(true); // loaded above: run() must not load them again
  // The other profiles' checks join the catalogue too, so an expectation for one of them is known.
  const others = new Mocha();
  for (const f of specFiles(PROFILES.filter((p) => !profiles.includes(p)))) others.addFile(f);
  (others as unknown as { loadFiles(): void }).loadFiles();
  checkExpectationIds(
    opts.config.expectations,
    allChecks().map((c) => c.id),
    opts.config.expectationsFile,
  );
  checkPool.plan(plannedChecks(mocha), opts.mutation ? 1 : (opts.jobs ?? 1));
  const run = await openRun(opts);
  const { results } = run.session;
  let printed = 0;
  const lines = new Progress({ color: opts.color, reportDir: opts.reportDir });
  const flush = () => {
    for (const r of results.slice(printed)) opts.log?.(lines.line(r));
    printed = results.length;
  };
  const progress = setInterval(flush, 50);
  try {
    // A failed preflight control: no check runs (no per-check verdicts); the reports say why.
    if (run.stopped()) return await run.finish();
    await new Promise<void>((resolve) => {
      lines.total = mocha.run(() => resolve()).total || undefined;
    });
  } finally {
    clearInterval(progress);
    flush();
    checkPool.reset();
  }
  const report = await run.finish();
  if (report.results.length === 0) {
    throw new HarnessError(
      'ERR_USAGE',
      `no check matched${opts.grep ? ` --grep ${opts.grep}` : ''}${opts.requirements ? ` --requirement ${opts.requirements.join(',')}` : ''}`,
      'see `idp-conformance list`',
    );
  }
  return report;
}

/** The origin of a metadata URL (`http://127.0.0.1:8080`), or the path of a metadata file. */
function originOf(location: string): string {
  try {
    return new URL(location).origin;
  } catch {
    return location;
  }
}
