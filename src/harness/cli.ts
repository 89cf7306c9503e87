/**
 * The idp-conformance commands: run, list, sp-metadata, reference-idp, report, replay.
 * Long file: the CLI is the one harness file allowed to start the reference IdP, so every command that
 * starts it (run, replay, reference-idp) lives here; flags are parsed in cli-args.ts, the reports are
 * built in reporting/ (merge, diff, replay).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Mocha from 'mocha';
import type { ProfileId, RunReport } from './types';
import { HarnessError, PROFILES } from './types';
import { allChecks } from './checks/catalogue';
import { runConformance, specFiles } from './runner';
import { defaultGatewayKeys, embeddedTargetConfig, loadTargetConfig } from './targets/config';
import type { GatewayConfig, TargetConfig } from './targets/config-types';
import { formatConsoleSummary } from './reporting/summary';
import { colorEnabled } from './reporting/console';
import { writeMatrix } from './reporting/matrix';
import { spMetadataXml } from './roles/gateway/sp-metadata';
import { sloName } from './roles/gateway/gateway';
import { loadSigningKey } from './run-context';
import { harnessVersion } from './paths';
import { onExitStop } from './targets/process';
import { COMMANDS, flag, intFlag, parseArgs, type Args } from './cli-args';
import { referenceIdpInfo, writeReferenceTarget, type RunningReferenceIdp } from './reference-target';
import { untilParentGoneOrSignal } from './parent-watch';
import { parseShard } from './checks/shard';
import { mergeShards, readReport, reportFile, writeMerged } from './reporting/merge';
import { diffRuns, formatDiff } from './reporting/diff';
import { sideBySide } from './reporting/replay';
import { readEvidenceItems } from './evidence/transcript';

export { parseArgs };

const HELP = `idp-conformance — conformance test harness for SAML identity providers

Usage:
  idp-conformance run [--target FILE] [--profile P]... [--grep TEXT] [--requirement ID]... [--strict] [--report-dir DIR] [--fault NAME]... [--mode NAME]... [--no-preflight]
                    [--shard I/N] [--rerun-failed FILE] [--jobs N]
  idp-conformance list [--profile P] [--json]
  idp-conformance sp-metadata [--target FILE] [--signed | --encrypted] [--profile device-token]
  idp-conformance reference-idp [--port N] [--fault NAME]... [--mode NAME]... [--write-target FILE] [--list-faults]
  idp-conformance report --matrix FILE... [--report-dir DIR]
  idp-conformance report --merge DIR... [--report-dir DIR]
  idp-conformance report --diff OLD NEW
  idp-conformance replay <report-dir> <check-id> [--report-dir DIR]
  idp-conformance --help | --version

Commands:
  run            run the conformance checks against a target (default: the embedded reference IdP)
  list           print the check catalogue (id, profile, family, level, requirements, title)
  sp-metadata    print the gateway's SP metadata, to register the harness at an IdP
  reference-idp  run the reference IdP on 127.0.0.1 until a signal or its parent ends (prints pid, endpoints,
                 users and passwords, tenants and registered SPs as one JSON line)
  replay         re-run one check of a recorded run against the same target, each exchange beside the recorded one
  report         --matrix: compare conformance.json files, one column per IdP (matrix.md + matrix.html);
                 --merge: put the shards of one run together; --diff: new failures, fixes, changes (exit 1 on a new failure)

Options:
  --target FILE      target config (YAML or JSON); without it, run starts the embedded reference IdP
  --profile P        saml-web-sso or device-token; repeatable; default: the target's profiles
  --grep TEXT        run only checks whose ID or title contains TEXT (e.g. DT-TOK, SAMLProf-4.1.4.2)
  --requirement ID   run only checks that verify this requirement (repeatable), e.g. SDP-IDP05
  --strict           SHOULD failures count as FAIL (exit 1) instead of WARN
  --report-dir DIR   where reports go (default: reports)
  --matrix FILE...   report: the conformance.json files to compare (all following arguments)
  --fault NAME       embedded reference IdP only: switch on a named fault (see reference-idp --list-faults)
  --mode NAME        embedded reference IdP only: a conformant but unusual behaviour (listed with the faults)
  --no-preflight     run: skip the preflight (metadata is IdP metadata, one control login per profile)
  --shard I/N        run: only the checks of shard I of N (stable hash of the check ID)
  --jobs N           run: checks whose work may run at once (default: 2 per core, at most 16); the output
                     order and the verdicts do not depend on it; checks that change shared IdP state run
                     alone among their profile's checks
  --rerun-failed F   run: only the checks that failed, errored or were blocked in conformance.json F
  --merge DIR...     report: the report dirs of the shards of one run (all following arguments)
  --diff OLD NEW     report: compare two conformance.json files
  --json             list: print JSON
  --signed           sp-metadata: the entity registered with AuthnRequestsSigned="true"
                     (sp-metadata --profile device-token: gateway.entityId, always AuthnRequestsSigned="true")
  --encrypted        sp-metadata: the entity with the encryption key (gateway.encryption.entityId)
  --port N           reference-idp: port to listen on (default 0 = any free port)
  --list-faults      reference-idp: print the named faults and exit
  --write-target F   reference-idp: write a ready target YAML for it to F (then: run --target F)

Exit codes: 0 every MUST holds; 1 the IdP failed at least one requirement; 2 the harness could not run
(a failed preflight, or a check ended in ERROR).`;

function profilesOf(args: Args): ProfileId[] | undefined {
  const ps = args.flags.get('--profile');
  if (!ps) return undefined;
  for (const p of ps) {
    if (!PROFILES.includes(p as ProfileId)) {
      throw new HarnessError(
        'ERR_USAGE',
        `--profile ${p}: unknown profile`,
        `use one of: ${PROFILES.join(', ')}`,
      );
    }
  }
  return ps as ProfileId[];
}

/** Loads the spec files (without running them) so their checks register in the catalogue. */
export function loadCatalogue(profiles: readonly ProfileId[]): void {
  const mocha = new Mocha();
  for (const f of specFiles(profiles)) mocha.addFile(f);
  (mocha as unknown as { loadFiles(): void }).loadFiles();
}

async function cmdList(args: Args, out: (s: string) => void): Promise<number> {
  const profiles = profilesOf(args) ?? [...PROFILES];
  loadCatalogue(profiles);
  const checks = allChecks()
    .filter((c) => profiles.includes(c.profile))
    .map(({ id, profile, family, level, requirements, title, cites }) => ({
      id,
      profile,
      family,
      level,
      requirements,
      title,
      cites,
    }));
  if (args.flags.has('--json')) out(JSON.stringify(checks, null, 2));
  else {
    for (const c of checks)
      out(`${c.id.padEnd(48)} ${c.level.padEnd(6)} ${c.profile}/${c.family}  ${c.title}`);
    out(`${checks.length} checks`);
  }
  return 0;
}

type EmbeddedIdp = {
  baseUrl: string;
  close(): Promise<void>;
  tenants: Record<string, { metadataUrl: string; adminBaseUrl: string; adminKey: string }>;
};

/** The target config of a started embedded reference IdP, stopped when the process exits. */
function embeddedConfig(embedded: EmbeddedIdp): TargetConfig {
  onExitStop(() => embedded.close());
  const t = embedded.tenants;
  return embeddedTargetConfig({
    baseUrl: embedded.baseUrl,
    web: t.web,
    acme: t.acme,
    globex: t.globex,
  } as never);
}

/**
 * Starts the embedded reference IdP. The CLI may start it; nothing else in the harness imports it. By
 * default it runs in a worker thread (src/reference-idp/worker.ts), so its CPU goes to another core as
 * an external IdP's would; `inProcess` keeps it in this isolate (the mocha plugin: Stryker switches
 * mutants through a global of this isolate only).
 */
export async function startEmbedded(
  faults: string[],
  modes: string[] = [],
  opts: { inProcess?: boolean } = {},
): Promise<EmbeddedIdp> {
  let started: EmbeddedIdp;
  try {
    started = opts.inProcess ? await startInProcess(faults, modes) : await startWorker(faults, modes);
  } catch (e) {
    const msg = (e as Error).message;
    throw new HarnessError(
      'ERR_USAGE',
      `${msg.startsWith('unknown mode') ? '--mode' : '--fault'}: ${msg}`,
      'see `idp-conformance reference-idp --list-faults`',
    );
  }
  return started;
}

async function startInProcess(faults: string[], modes: string[]): Promise<EmbeddedIdp> {
  const ref = (await import('../reference-idp')) as unknown as {
    startReferenceIdp(o: { faults?: string[]; modes?: string[] }): Promise<EmbeddedIdp>;
  };
  return ref.startReferenceIdp({ faults, modes });
}

function startWorker(faults: string[], modes: string[]): Promise<EmbeddedIdp> {
  const worker = new Worker(path.join(__dirname, '..', 'reference-idp', 'worker.js'), {
    workerData: { faults, modes },
    // V8's default young generation (48 MB here) fills with the IdP's short-lived strings before a
    // scavenge; 8 MB keeps a full run's peak RSS ~28 MB lower at no measurable cost in time.
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      const done = (): void => {
        void worker.terminate().then(() => resolve());
      };
      worker.once('message', done);
      worker.once('exit', () => resolve());
      worker.once('error', done);
      worker.postMessage('close');
    }));
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the reference IdP worker exited (${code})`)));
    worker.once('message', (m: { ok?: Omit<EmbeddedIdp, 'close'>; error?: string }) => {
      if (m.error !== undefined || !m.ok) {
        void worker.terminate();
        reject(new Error(m.error ?? 'the reference IdP did not start'));
        return;
      }
      worker.removeAllListeners('error');
      worker.removeAllListeners('exit');
      resolve({ ...m.ok, close });
    });
  });
}

/**
 * `--jobs`' default: two checks per core, at most 16. A check mostly waits for the IdP (a login is a
 * chain of exchanges), so two per core keep the cores busy: on 2 cores a full run took 5.2 s at 4,
 * 5.5 s at 3, 5.5 s at 6 and 8 (medians of 5–8 interleaved runs, 2026-12-08).
 */
export function defaultJobs(): number {
  return Math.min(16, 2 * availableParallelism());
}

/** What `run --rerun-failed` runs again: every check that did not pass for a reason worth a second look. */
const RERUN: readonly string[] = ['FAIL', 'WARN', 'ERROR', 'BLOCKED'];

async function cmdRun(args: Args, out: (s: string) => void, color = false): Promise<number> {
  const shard = flag(args, '--shard');
  if (shard) parseShard(shard); // a bad --shard is a usage error before anything starts
  const jobs = intFlag(args, '--jobs', 1, 64) ?? defaultJobs();
  const rerunFile = flag(args, '--rerun-failed');
  let rerun: { profiles: ProfileId[]; checks: string[] } | undefined;
  if (rerunFile) {
    const prior = readReport(reportFile(path.resolve(rerunFile)), '--rerun-failed');
    const checks = prior.results.filter((r) => RERUN.includes(r.outcome)).map((r) => r.id);
    if (checks.length === 0) {
      out(`nothing to rerun: no check failed, errored or was blocked in ${rerunFile}`);
      return 0;
    }
    rerun = { profiles: prior.profiles, checks };
  }
  const reportDir = path.resolve(args.flags.get('--report-dir')?.[0] ?? 'reports');
  const faults = args.flags.get('--fault') ?? [];
  const modes = args.flags.get('--mode') ?? [];
  const targetFile = args.flags.get('--target')?.[0];
  let config: TargetConfig;
  let embedded: EmbeddedIdp | undefined;
  if (targetFile) {
    if (faults.length > 0 || modes.length > 0)
      throw new HarnessError(
        'ERR_USAGE',
        `${faults.length > 0 ? '--fault' : '--mode'} applies to the embedded reference IdP only`,
        `drop --target or ${faults.length > 0 ? '--fault' : '--mode'}`,
      );
    config = loadTargetConfig(path.resolve(targetFile));
  } else {
    embedded = await startEmbedded(faults, modes);
    config = embeddedConfig(embedded);
  }
  let report: RunReport;
  try {
    out(
      `idp-conformance ${harnessVersion()}: ${config.name}${faults.length ? ` (faults: ${faults.join(', ')})` : ''}${modes.length ? ` (modes: ${modes.join(', ')})` : ''}`,
    );
    report = await runConformance({
      config,
      profiles: profilesOf(args) ?? rerun?.profiles,
      grep: args.flags.get('--grep')?.[0],
      shard: shard ? parseShard(shard) : undefined,
      jobs,
      checks: rerun?.checks,
      requirements: args.flags.get('--requirement'),
      strict: args.flags.has('--strict'),
      preflight: !args.flags.has('--no-preflight'),
      reportDir,
      faults: embedded ? faults : undefined,
      log: out,
      color,
    });
  } finally {
    await embedded?.close();
  }
  out('');
  out(formatConsoleSummary(report, { reportDir, color }));
  return report.exitCode;
}

async function cmdSpMetadata(args: Args, out: (s: string) => void): Promise<number> {
  const targetFile = args.flags.get('--target')?.[0];
  const signed = args.flags.has('--signed');
  const encrypted = args.flags.has('--encrypted');
  const gw: GatewayConfig = targetFile
    ? loadTargetConfig(path.resolve(targetFile)).gateway
    : {
        entityId: 'https://gateway.test/sp',
        signedEntityId: 'https://gateway.test/sp-signed',
        acsUrl: 'http://127.0.0.1:7400/acs',
      };
  const key = loadSigningKey(
    gw.signingKey ?? defaultGatewayKeys().signingKey,
    gw.signingCert ?? defaultGatewayKeys().signingCert,
  );
  // A device-token tenant only accepts signed requests: the gateway entity is registered as signing.
  const dt = profilesOf(args)?.includes('device-token') ?? false;
  if (encrypted && !gw.encryption)
    throw new HarnessError(
      'ERR_USAGE',
      '--encrypted: the target config has no gateway.encryption',
      'add gateway.encryption (see README) or drop --encrypted',
    );
  const entityId = encrypted ? gw.encryption?.entityId : signed && !dt ? gw.signedEntityId : gw.entityId;
  if (!entityId)
    throw new HarnessError(
      'ERR_USAGE',
      '--signed: the target config has no gateway.signedEntityId',
      'add one or drop --signed',
    );
  out(
    spMetadataXml({
      entityId,
      acsUrl: gw.acsUrl,
      certsPem: [key.certPem],
      authnRequestsSigned: entityId === gw.signedEntityId || dt,
      sloUrl: `${new URL(gw.acsUrl).origin}/slo/${sloName(entityId)}`,
      encryptionCertPem:
        gw.encryption?.entityId === entityId ? readFileSync(gw.encryption.cert, 'utf8') : undefined,
    }).trimEnd(),
  );
  return 0;
}

async function cmdReport(args: Args, out: (s: string) => void): Promise<number> {
  const modes = ['--matrix', '--merge', '--diff'].filter((m) => args.flags.has(m));
  const files = args.positionals;
  if (modes.length !== 1 || files.length === 0) {
    throw new HarnessError(
      'ERR_USAGE',
      modes.length > 1
        ? `report takes one of ${modes.join(', ')}`
        : 'report needs --matrix FILE..., --merge DIR... or --diff OLD NEW',
      'e.g. `idp-conformance report --matrix reports/a/conformance.json reports/b/conformance.json`',
    );
  }
  const dir = path.resolve(flag(args, '--report-dir') ?? 'reports');
  if (modes[0] === '--diff') {
    if (files.length !== 2)
      throw new HarnessError(
        'ERR_USAGE',
        `report --diff needs two conformance.json files, got ${files.length}`,
        'e.g. `idp-conformance report --diff reports/v1/conformance.json reports/v2/conformance.json`',
      );
    const [a, b] = files.map((f) => reportFile(path.resolve(f)));
    const d = diffRuns(readReport(a!, 'report --diff'), readReport(b!, 'report --diff'));
    out(formatDiff(d, files[0]!, files[1]!));
    return d.newFailures.length > 0 ? 1 : 0;
  }
  if (modes[0] === '--merge') {
    loadCatalogue([...PROFILES]);
    const merged = mergeShards(
      files.map((f) => path.resolve(f)),
      allChecks().map((c) => c.id),
    );
    for (const f of writeMerged(dir, merged)) out(`wrote ${f}`);
    out(
      `merged ${merged.sources.length} shards: ${merged.report.results.length} checks — ` +
        Object.entries(merged.report.summary)
          .map(([k, v]) => `${k} ${v}`)
          .join('  '),
    );
    return merged.report.exitCode;
  }
  for (const f of writeMatrix(
    files.map((f) => path.resolve(f)),
    dir,
  ))
    out(`wrote ${f}`);
  return 0;
}

async function cmdReplay(args: Args, out: (s: string) => void): Promise<number> {
  const [dirArg, id] = args.positionals;
  if (!dirArg || !id || args.positionals.length !== 2)
    throw new HarnessError(
      'ERR_USAGE',
      'replay needs <report-dir> <check-id>',
      'e.g. `idp-conformance replay reports SAMLCore-3.2.1-destination-mismatch`',
    );
  const dir = path.resolve(dirArg);
  const recorded = readReport(reportFile(dir), 'replay');
  const was = recorded.results.find((r) => r.id === id);
  if (!was)
    throw new HarnessError(
      'ERR_USAGE',
      `replay: no check ${id} in ${reportFile(dir)}`,
      'use a check ID of that run',
    );
  const outDir = path.resolve(
    flag(args, '--report-dir') ?? path.join(dir, 'replay', id.replace(/[^\w.-]+/g, '_')),
  );
  const faults = recorded.target.faults ?? [];
  let config: TargetConfig;
  let embedded: EmbeddedIdp | undefined;
  if (recorded.target.configFile) {
    // The same target: the config file the run recorded (its IdP must be running, or `start` starts it).
    config = loadTargetConfig(recorded.target.configFile);
  } else {
    embedded = await startEmbedded(faults);
    config = embeddedConfig(embedded);
  }
  let report: RunReport;
  try {
    out(`replay ${id} against ${config.name}${faults.length ? ` (faults: ${faults.join(', ')})` : ''}`);
    report = await runConformance({
      config,
      profiles: [was.profile],
      checks: [id],
      strict: recorded.strict,
      reportDir: outDir,
      faults: embedded ? faults : undefined,
      log: out,
    });
  } finally {
    await embedded?.close();
  }
  const now = report.results.find((r) => r.id === id);
  const before = readEvidenceItems(dir, was.evidence ?? []) ?? [];
  const after = now ? (readEvidenceItems(outDir, now.evidence ?? []) ?? []) : [];
  for (const line of sideBySide(before, after)) out(line);
  out('');
  out(`recorded: ${was.outcome}  ${was.message}`);
  out(`replayed: ${now?.outcome ?? '(none)'}  ${now?.message ?? ''}`);
  out(
    now?.outcome === was.outcome
      ? `Reproduced: ${was.outcome} again (evidence: ${path.join(outDir, 'evidence')})`
      : `Not reproduced: ${was.outcome} then, ${now?.outcome ?? 'nothing'} now (evidence: ${path.join(outDir, 'evidence')})`,
  );
  return report.exitCode;
}

async function cmdReferenceIdp(args: Args): Promise<number> {
  const ref = (await import('../reference-idp')) as unknown as {
    startReferenceIdp(o: {
      port?: number;
      faults?: string[];
      modes?: string[];
      log?: (line: string) => void;
    }): Promise<RunningReferenceIdp & { close(): Promise<void> }>;
    FAULTS: { name: string; description: string; requirements: string[] }[];
    MODES: { name: string; description: string; requirements: string[] }[];
  };
  if (args.flags.has('--list-faults')) {
    for (const f of ref.FAULTS)
      process.stdout.write(`${f.name.padEnd(44)} ${f.requirements.join(',').padEnd(28)} ${f.description}\n`);
    process.stdout.write('\nmodes (conformant but unusual; --mode NAME):\n');
    for (const m of ref.MODES)
      process.stdout.write(`${m.name.padEnd(44)} ${m.requirements.join(',').padEnd(28)} ${m.description}\n`);
    return 0;
  }
  const port = intFlag(args, '--port', 0, 65535) ?? 0;
  const faults = (args.flags.get('--fault') ?? []).flatMap((f) => f.split(',')).filter(Boolean);
  const known = new Set(ref.FAULTS.map((f) => f.name));
  const unknown = faults.find((f) => !known.has(f));
  if (unknown)
    throw new HarnessError(
      'ERR_USAGE',
      `--fault ${unknown}: no such fault`,
      'see `idp-conformance reference-idp --list-faults`',
    );
  const modes = (args.flags.get('--mode') ?? []).flatMap((f) => f.split(',')).filter(Boolean);
  const knownModes = new Set(ref.MODES.map((m) => m.name));
  const unknownMode = modes.find((m) => !knownModes.has(m));
  if (unknownMode)
    throw new HarnessError(
      'ERR_USAGE',
      `--mode ${unknownMode}: no such mode`,
      'see `idp-conformance reference-idp --list-faults` (modes are listed last)',
    );
  let idp: RunningReferenceIdp & { close(): Promise<void> };
  try {
    idp = await ref.startReferenceIdp({
      port,
      faults,
      modes,
      log: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES')
      throw new HarnessError(
        'ERR_USAGE',
        `--port ${port}: 127.0.0.1:${port} ${code === 'EADDRINUSE' ? 'is already in use' : 'is not allowed'}`,
        'choose another port, or --port 0 for any free one',
      );
    throw e;
  }
  try {
    const writeTo = flag(args, '--write-target');
    const target = writeTo ? writeReferenceTarget(writeTo, idp) : undefined;
    process.stdout.write(`${JSON.stringify(referenceIdpInfo(idp, target))}\n`);
    // Serves until a signal, or until its parent (npx, a shell, a CI step) is gone: never an orphan.
    await untilParentGoneOrSignal();
  } finally {
    await idp.close();
  }
  return 0;
}

const toStdout = (s: string): void => void process.stdout.write(`${s}\n`);

export async function runCli(argv: string[], out: (s: string) => void = toStdout): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    out(HELP);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version') {
    out(harnessVersion());
    return 0;
  }
  const args = parseArgs(argv);
  if (args.flags.has('--help')) {
    out(HELP);
    return 0;
  }
  switch (args.command) {
    case 'run':
      // Colour only for a person at a terminal (not a pipe, not NO_COLOR, not a caller's capture).
      return cmdRun(args, out, out === toStdout && colorEnabled());
    case 'list':
      return cmdList(args, out);
    case 'sp-metadata':
      return cmdSpMetadata(args, out);
    case 'reference-idp':
      return cmdReferenceIdp(args);
    case 'report':
      return cmdReport(args, out);
    case 'replay':
      return cmdReplay(args, out);
    default:
      throw new HarnessError(
        'ERR_USAGE',
        `unknown command ${args.command}`,
        `use one of: ${COMMANDS.join(', ')}`,
      );
  }
}

/** The bin entry: never a stack trace at a user; exit 2 for anything that is not the IdP's fault. */
export function main(argv: string[]): void {
  runCli(argv).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (e: unknown) => {
      if (e instanceof HarnessError) process.stderr.write(`idp-conformance: ${e.oneLine()}\n`);
      else {
        // Our bug, not the IdP's: one line for the user, the stack only when asked for.
        const detail = process.env.IDPC_DEBUG
          ? `\n${(e as Error)?.stack}`
          : ' (set IDPC_DEBUG=1 for the stack)';
        process.stderr.write(
          `idp-conformance: ERR_INTERNAL: ${(e as Error)?.message ?? String(e)}${detail}\n`,
        );
      }
      process.exitCode = 2;
    },
  );
}
