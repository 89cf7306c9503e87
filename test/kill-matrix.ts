/**
 * Proving the checks bite: run the conformance suite against the faultless reference IdP and against
 * each named fault (in parallel processes), then require every check to be killed by some fault.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunReport } from '../src/harness/types';

export const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'idp-conformance.js');

export interface RunOutcome {
  name: string;
  exitCode: number;
  report?: RunReport;
  stderr: string;
  ms: number;
  /** The kill-worker running it died (KillWorker): a harness error naming the fault, never a verdict. */
  died?: string;
}

export function runCli(args: string[], name: string): Promise<RunOutcome> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('exit', (code) => {
      const dir = args[args.indexOf('--report-dir') + 1] ?? '';
      const file = path.join(dir, 'conformance.json');
      const report = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunReport) : undefined;
      resolve({ name, exitCode: code ?? -1, report, stderr, ms: Date.now() - t0 });
    });
  });
}

/**
 * A long-lived kill-worker.js process running one CLI invocation at a time (node's start-up and
 * module loading paid once per worker, not once per fault).
 *
 * A worker that dies (crash, kill, out of memory) or whose pipes break (EPIPE) is no unhandled 'error':
 * the run it was doing resolves with `died` (a harness error naming the fault, the exit and the last
 * stderr line), and the next run starts a fresh process.
 */
export class KillWorker {
  private child!: ChildProcessWithoutNullStreams;
  private pending?: { name: string; reply: (line: string | undefined, why?: string) => void };
  private stderr = '';
  private buffered = '';
  private dead = true;

  constructor(private readonly script = path.join(ROOT, 'dist', 'test', 'kill-worker.js')) {
    this.spawn();
  }

  private spawn(): void {
    const child = spawn(process.execPath, [this.script], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.dead = false;
    this.buffered = '';
    child.stderr.on('data', (b: Buffer) => (this.stderr += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      if (child !== this.child) return;
      this.buffered += b.toString();
      for (let nl = this.buffered.indexOf('\n'); nl >= 0; nl = this.buffered.indexOf('\n')) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        this.settle(line);
      }
    });
    const died = (why: string) => {
      if (child !== this.child) return;
      this.dead = true;
      this.settle(undefined, why);
    };
    // EPIPE (the worker is gone) on any of its pipes, or a failed spawn: the worker's death, reported.
    child.stdin.on('error', (e) => died(`its stdin: ${e.message}`));
    child.stdout.on('error', (e) => died(`its stdout: ${e.message}`));
    child.stderr.on('error', () => undefined);
    child.on('error', (e) => died(e.message));
    // 'close', not 'exit': an answer written just before the end is read first.
    child.on('close', (code, signal) => died(signal ? `killed by ${signal}` : `exit ${code}`));
  }

  private settle(line: string | undefined, why?: string): void {
    const p = this.pending;
    this.pending = undefined;
    p?.reply(line, why);
  }

  run(args: string[], name: string): Promise<RunOutcome> {
    const t0 = Date.now();
    if (this.dead) this.spawn();
    this.stderr = '';
    return new Promise((resolve) => {
      this.pending = {
        name,
        reply: (line, why) => {
          const ms = Date.now() - t0;
          let exitCode: number | undefined;
          try {
            exitCode = line === undefined ? undefined : (JSON.parse(line) as { exitCode: number }).exitCode;
          } catch {
            why = `an answer that is not the protocol's: ${line?.slice(0, 200)}`;
          }
          if (exitCode === undefined) {
            const last = this.stderr.trim().split('\n').pop() ?? '';
            const died = `harness error: the kill-worker died during fault ${name} (${why ?? 'no answer'})${last ? `: ${last}` : ''}`;
            resolve({ name, exitCode: -1, stderr: this.stderr, ms, died });
            return;
          }
          resolve({ name, exitCode, report: readRunReport(args), stderr: this.stderr, ms });
        },
      };
      this.child.stdin.write(`${JSON.stringify({ args })}\n`);
    });
  }

  close(): void {
    if (!this.dead) this.child.stdin.end();
  }
}

function readRunReport(args: string[]): RunReport | undefined {
  const file = path.join(args[args.indexOf('--report-dir') + 1] ?? '', 'conformance.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunReport) : undefined;
}

async function pool<T, R>(items: T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!); // i < items.length
      }
    }),
  );
  return out;
}

export interface VariantKills {
  name: string;
  /** Faults under which this variant failed (possibly with others of the same check). */
  killedBy: string[];
  /** Faults under which this variant was the only failed variant of its check: the proof it bites. */
  killedAloneBy: string[];
  unkillableReason?: string;
}

export interface KillMatrix {
  faults: string[];
  checks: { id: string; killedBy: string[]; unkillableReason?: string; variants?: VariantKills[] }[];
}

/** The profiles a fault can touch, from the requirements it breaks (DT-* → device-token). */
function profilesFor(requirements: string[]): string[] {
  const has = (p: string) => existsSync(path.join(ROOT, 'dist', 'specs', p));
  const dt = has('device-token') && requirements.some((r) => r.startsWith('DT-'));
  const web = requirements.some((r) => !r.startsWith('DT-')) || !dt;
  return [...(web ? ['--profile', 'saml-web-sso'] : []), ...(dt ? ['--profile', 'device-token'] : [])];
}

/**
 * How the fault and mode runs share the machine: `workers` long-lived worker processes, each run with an
 * explicit `--jobs` so that workers × jobs ≤ cores (a run's default --jobs is two per core; at the core count, three
 * workers at that default on 2 cores kept six checks' work in flight beside the faultless run and the
 * unit tests).
 */
export function killMatrixSizing(cores: number): { workers: number; jobs: number } {
  const c = Math.max(1, Math.floor(cores));
  const workers = Math.max(1, Math.min(4, c));
  return { workers, jobs: Math.max(1, Math.floor(c / workers)) };
}

/**
 * test/kill-matrix-exceptions.json: "<check id>" or "<check id>#<variant>" → why no fault kills it (alone);
 * "fault:<name>" → why that fault is not run by the kill matrix at all.
 */
function readExceptions(): Record<string, string> {
  const file = path.join(ROOT, 'test', 'kill-matrix-exceptions.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
}

export async function buildKillMatrix(
  allFaults: { name: string; requirements: string[] }[],
  log: (s: string) => void,
  modeInfo: { name: string; requirements: string[] }[] = [],
): Promise<{ matrix: KillMatrix; problems: string[] }> {
  const base = path.join(ROOT, 'reports', 'kill');
  mkdirSync(base, { recursive: true });
  const problems: string[] = [];
  const { workers: width, jobs: perRun } = killMatrixSizing(os.availableParallelism());

  // The faultless run and the fault runs at once; the fault runs in `width` long-lived workers.
  // The faultless run (the longest, one process) keeps --jobs' default: its work overlaps its own waits.
  const cleanRun = runCli(['run', '--report-dir', path.join(base, '_none')], '(none)');
  const workers = Array.from({ length: width }, () => new KillWorker());
  const free = [...workers];

  const exceptions = readExceptions();
  // A fault listed as "fault:<name>" cannot be a normal kill (the IdP stops answering: every check it
  // reaches is ERROR by liveness, never a verdict): it is not run here; its own test proves what it shows.
  const skipped = allFaults.filter((f) => exceptions[`fault:${f.name}`] !== undefined);
  for (const f of skipped) log(`fault ${f.name}: not run (${exceptions[`fault:${f.name}`]})`);
  const faultInfo = allFaults.filter((f) => !skipped.includes(f));
  const faults = faultInfo.map((f) => f.name);
  const jobs = [
    ...faultInfo.map((f) => ({ ...f, flag: '--fault', dir: f.name })),
    ...modeInfo.map((m) => ({ ...m, flag: '--mode', dir: `mode-${m.name}` })),
  ];
  const all = await pool(jobs, width, async (f) => {
    const worker = free.pop() as KillWorker;
    const outcome = await worker.run(
      [
        'run',
        '--jobs',
        String(perRun),
        f.flag,
        f.name,
        ...profilesFor(f.requirements),
        // Each fault runs against the checks of the requirements it breaks (house style); the faultless
        // run above covers every check.
        ...f.requirements.flatMap((r) => ['--requirement', r]),
        '--report-dir',
        path.join(base, f.dir),
      ],
      f.name,
    );
    free.push(worker);
    return outcome;
  });
  for (const w of workers) w.close();
  const clean = await cleanRun;
  if (!clean.report) throw new Error(`faultless run wrote no report: ${clean.stderr}`);
  const runs = all.slice(0, faultInfo.length);
  // A check of a behaviour the faultless IdP never shows (it refuses no subject-id:req signal, so
  // SDP-IDP16's error status has nothing to judge) may be N/A there only if a conformant mode that shows
  // the behaviour PASSes it: every check still PASSes against some conformant reference IdP.
  const passedInMode = new Set(
    all
      .slice(faultInfo.length)
      .flatMap((run) => run.report?.results.filter((r) => r.outcome === 'PASS').map((r) => r.id) ?? []),
  );
  const bad = clean.report.results.filter(
    (r) => r.outcome !== 'PASS' && !(r.outcome === 'NOT_APPLICABLE' && passedInMode.has(r.id)),
  );
  for (const r of bad) problems.push(`faultless reference IdP: ${r.outcome} ${r.id}: ${r.message}`);
  log(`faultless run: ${clean.report.results.length} checks, exit ${clean.exitCode}, ${clean.ms} ms`);

  // A mode is conformant but unusual: against it, every check of the requirements it exercises must hold.
  for (const run of all.slice(faultInfo.length)) {
    if (run.died) {
      problems.push(run.died);
      continue;
    }
    if (!run.report) {
      problems.push(
        `mode ${run.name}: no report (exit ${run.exitCode}) ${run.stderr.trim().split('\n').pop()}`,
      );
      continue;
    }
    for (const r of run.report.results) {
      if (r.outcome !== 'PASS' && r.outcome !== 'NOT_APPLICABLE')
        problems.push(`mode ${run.name} (conformant): ${r.outcome} ${r.id}: ${r.message}`);
    }
    if (!run.report.results.some((r) => r.outcome === 'PASS'))
      problems.push(`mode ${run.name}: no check ran against it`);
  }
  if (modeInfo.length)
    log(`modes: ${modeInfo.length} conformant modes run (${modeInfo.map((m) => m.name).join(', ')})`);
  const killedBy = new Map<string, string[]>(clean.report.results.map((r) => [r.id, []]));
  // Multi-variant checks (Verdict.variants): the faultless run names every variant of each.
  const variantKills = new Map<string, Map<string, VariantKills>>();
  for (const r of clean.report.results) {
    if (!r.variants || r.variants.length < 2) continue;
    variantKills.set(
      r.id,
      new Map(r.variants.map((x) => [x.name, { name: x.name, killedBy: [], killedAloneBy: [] }])),
    );
  }
  for (const run of runs) {
    if (run.died) {
      problems.push(run.died);
      continue;
    }
    if (!run.report) {
      problems.push(
        `fault ${run.name}: no report (exit ${run.exitCode}) ${run.stderr.trim().split('\n').pop()}`,
      );
      continue;
    }
    for (const r of run.report.results) {
      if (r.outcome === 'FAIL' || r.outcome === 'WARN') {
        killedBy.get(r.id)?.push(run.name);
        const failed = (r.variants ?? []).filter((x) => x.outcome === 'FAIL').map((x) => x.name);
        for (const name of failed) {
          const kills = variantKills.get(r.id)?.get(name);
          kills?.killedBy.push(run.name);
          if (failed.length === 1) kills?.killedAloneBy.push(run.name);
        }
      }
      if (r.outcome === 'ERROR')
        problems.push(
          `fault ${run.name}: ERROR in ${r.id} (the harness must judge, not crash): ${r.message}`,
        );
    }
  }
  const matrix: KillMatrix = {
    faults,
    checks: [...killedBy].map(([id, by]) => {
      const variants = variantKills.get(id);
      return {
        id,
        killedBy: by,
        ...(by.length === 0 && exceptions[id] ? { unkillableReason: exceptions[id] } : {}),
        ...(variants
          ? {
              variants: [...variants.values()].map((x) => {
                // Exceptions name a variant as "<check id>#<variant name>".
                const reason = exceptions[`${id}#${x.name}`];
                return x.killedAloneBy.length === 0 && reason ? { ...x, unkillableReason: reason } : x;
              }),
            }
          : {}),
      };
    }),
  };
  for (const c of matrix.checks) {
    if (c.killedBy.length === 0 && !c.unkillableReason) problems.push(`check ${c.id} is killed by no fault`);
    for (const x of c.variants ?? []) {
      if (x.killedAloneBy.length === 0 && !x.unkillableReason)
        problems.push(
          `variant ${c.id}#${x.name} is broken alone by no fault` +
            (x.killedBy.length ? ` (only together with other variants: ${x.killedBy.join(', ')})` : ''),
        );
    }
  }
  const idle = runs.filter(
    (run) => run.report && !run.report.results.some((r) => r.outcome === 'FAIL' || r.outcome === 'WARN'),
  );
  // A fault that kills nothing proves nothing: it is a defect of the checks (or of the fault).
  for (const run of idle) problems.push(`fault ${run.name} kills no check`);
  writeFileSync(path.join(ROOT, 'reports', 'kill-matrix.json'), `${JSON.stringify(matrix, null, 2)}\n`);
  return { matrix, problems };
}

export function formatKillMatrix(m: KillMatrix): string {
  const lines = m.checks.flatMap((c) => [
    `  ${c.id.padEnd(52)} ${c.killedBy.length ? c.killedBy.join(', ') : `(unkillable: ${c.unkillableReason ?? 'NONE'})`}`,
    ...(c.variants ?? []).map(
      (x) =>
        `    # ${x.name.padEnd(48)} ${x.killedAloneBy.length ? `alone: ${x.killedAloneBy.join(', ')}` : `(not alone: ${x.unkillableReason ?? 'NONE'})`}`,
    ),
  ]);
  const variants = m.checks.flatMap((c) => c.variants ?? []);
  const alone = variants.filter((x) => x.killedAloneBy.length > 0).length;
  return [
    `kill matrix: ${m.checks.length} checks × ${m.faults.length} faults; ${alone}/${variants.length} variants of multi-variant checks broken alone by some fault`,
    ...lines,
  ].join('\n');
}
