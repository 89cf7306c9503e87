/**
 * `npm run mutation [-- --ci | --force | --score-only | --mutate <file>[,<file>...] | --concurrency N |
 * --max-minutes N]`:
 * StrykerJS over the reference IdP's protocol files (stryker.config.json), the conformance specs against
 * the embedded reference IdP as the test suite, then this project's own score and the survivor review.
 * `--ci` (npm test runs it): incremental against the committed results, never rewriting them, stopped
 * after CI_MINUTES (exit 2 ERR_MUTATION_BUDGET: the committed results are stale).
 *  - a mutant counts as killed only when a check's verdict killed it (its mocha test failed with
 *    "FAIL:" or "WARN:"); a mutant Stryker calls killed for another reason (a hook or an uncaught error),
 *    a timeout (the IdP stopped answering: ERROR for the harness) and a mutant no check reaches all count
 *    as not killed; compile errors (typescript checker) and the fault switches (ignorer) are not mutants;
 *  - every mutant that is not killed must be in test/mutation/survivors.json with a reason.
 * Exit 1 below 90 % or with an unreviewed survivor; 2 when Stryker itself fails.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CONFIG = path.join(ROOT, 'stryker.config.json');
const SURVIVORS = path.join(ROOT, 'test', 'mutation', 'survivors.json');
const REPORT = path.join(ROOT, 'reports', 'mutation', 'mutation.json');
const UNREVIEWED = path.join(ROOT, 'reports', 'mutation', 'unreviewed-survivors.json');
export const GOAL = 90;
/** The reference IdP's protocol files; stryker.config.json "mutate" holds the part measured so far. */
export const PROTOCOL_FILES = [
  'src/reference-idp/authn-request.ts',
  'src/reference-idp/request-signature.ts',
  'src/reference-idp/response.ts',
  'src/reference-idp/sso.ts',
  'src/reference-idp/web-sso.ts',
  'src/reference-idp/device-token.ts',
  'src/reference-idp/device-context.ts',
];
/** The CI bound (`--ci`): an incremental run re-tests only changed mutants and fits in it. */
export const CI_MINUTES = 15;

interface Loc {
  line: number;
  column: number;
}
interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  statusReason?: string;
  location: { start: Loc; end: Loc };
  killedBy?: string[];
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}
export interface Reviewed {
  key: string;
  line?: number;
  /** equivalent: no behaviour changes; outside: a behaviour no requirement governs; gap: a requirement
   * the checks do not yet hold the IdP to (the reason names the check that would kill it). */
  kind?: 'equivalent' | 'outside' | 'gap';
  reason: string;
}

function fail(code: string, what: string, fix: string): never {
  process.stderr.write(`idp-conformance: ${code}: ${what} — ${fix}\n`);
  process.exit(2);
}

/** The text a mutant replaces, from the file's source and the mutant's location (1-based lines, 0-based columns). */
function original(source: string, m: Mutant): string {
  const lines = source.split('\n');
  const { start, end } = m.location;
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  const parts = [lines[start.line - 1].slice(start.column - 1)];
  for (let l = start.line; l < end.line - 1; l++) parts.push(lines[l]);
  parts.push(lines[end.line - 1].slice(0, end.column - 1));
  return parts.join('\n');
}

const squash = (s: string, max = 160) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
};

/** A key that survives unrelated edits: file, mutator, the replaced text and its replacement (not the line). */
export function mutantKey(file: string, source: string, m: Mutant): string {
  return `${file} ${m.mutatorName}: ${squash(original(source, m))} → ${squash(m.replacement ?? '')}`;
}

export type Kind = 'killed' | 'not-killed' | 'invalid';

/** This project's reading of a Stryker status (see the header). */
export function classify(m: Mutant): { kind: Kind; why: string } {
  switch (m.status) {
    case 'Killed':
      return /^(FAIL|WARN): /.test(m.statusReason ?? '')
        ? { kind: 'killed', why: 'a check FAILed' }
        : { kind: 'not-killed', why: `killed without a verdict: ${squash(m.statusReason ?? '', 120)}` };
    case 'Timeout':
      return { kind: 'not-killed', why: 'timeout (no answer is not a verdict)' };
    case 'Survived':
      return { kind: 'not-killed', why: 'survived' };
    case 'NoCoverage':
      return { kind: 'not-killed', why: 'no check reaches it' };
    default:
      return { kind: 'invalid', why: m.status };
  }
}

function parseArgs(argv: string[]) {
  const o = {
    ci: false,
    force: false,
    scoreOnly: false,
    mutate: undefined as string | undefined,
    concurrency: undefined as string | undefined,
    maxMinutes: undefined as number | undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--ci') o.ci = true;
    else if (a === '--force') o.force = true;
    else if (a === '--score-only') o.scoreOnly = true;
    else if (a === '--max-minutes') {
      const v = Number(argv[++i]);
      if (!(v > 0)) fail('ERR_USAGE', '--max-minutes needs a positive number', 'e.g. --max-minutes 15');
      o.maxMinutes = v;
    } else if (a === '--mutate' || a === '--concurrency') {
      const v = argv[++i];
      if (!v)
        fail(
          'ERR_USAGE',
          `${a} needs a value`,
          `e.g. ${a} ${a === '--mutate' ? 'src/reference-idp/sso.ts' : '2'}`,
        );
      if (a === '--mutate') o.mutate = v;
      else o.concurrency = v;
    } else
      fail(
        'ERR_USAGE',
        `unknown option ${a}`,
        'use --ci, --force, --score-only, --mutate <files>, --concurrency N or --max-minutes N',
      );
  }
  return o;
}

/** Stryker in its own process group, stopped (group and all) after `minutes`; resolves to its exit. */
function runStryker(
  args: string[],
  minutes: number | undefined,
): Promise<{ code: number | null; late: boolean }> {
  const stryker = path.join(ROOT, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
  const child = spawn(process.execPath, [stryker, ...args], { cwd: ROOT, stdio: 'inherit', detached: true });
  let late = false;
  const stop = () => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  // Interrupted: Stryker and its workers (their own process group) go too.
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      stop();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  const timer =
    minutes === undefined
      ? undefined
      : setTimeout(() => {
          late = true;
          stop();
        }, minutes * 60_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, late });
    }),
  );
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const config = JSON.parse(readFileSync(CONFIG, 'utf8')) as { mutate: string[]; incrementalFile: string };
  const committed = path.join(ROOT, config.incrementalFile);
  const args = ['run', CONFIG];
  // A partial (--mutate) or CI run must not rewrite the committed incremental file.
  if (opts.mutate || opts.ci) {
    const scratch = path.join(ROOT, 'reports', 'mutation', 'stryker-incremental.json');
    mkdirSync(path.dirname(scratch), { recursive: true });
    if (existsSync(committed)) copyFileSync(committed, scratch);
    args.push('--incrementalFile', scratch);
  }
  const mutate = opts.mutate;
  if (mutate) args.push('--mutate', mutate);
  if (opts.force) args.push('--force');
  if (opts.concurrency) args.push('--concurrency', opts.concurrency);
  if (opts.ci) args.push('--reporters', 'clear-text,json');
  const t0 = Date.now();
  const minutes = opts.maxMinutes ?? (opts.ci ? CI_MINUTES : undefined);
  // --score-only: score the last report again (after editing survivors.json) without running Stryker.
  const r = opts.scoreOnly ? { code: 0, late: false } : await runStryker(args, minutes);
  if (r.late) {
    rmSync(path.join(ROOT, '.stryker-tmp'), { recursive: true, force: true });
    fail(
      'ERR_MUTATION_BUDGET',
      `Stryker did not finish within ${minutes} min (too many mutants changed since the committed results)`,
      `run \`npm run mutation\` and commit ${path.relative(ROOT, committed)}`,
    );
  }
  if (r.code !== 0) fail('ERR_MUTATION', `Stryker exited with ${r.code}`, 'see its output above');
  const seconds = (Date.now() - t0) / 1000;

  const report = JSON.parse(readFileSync(REPORT, 'utf8')) as Report;
  const reviewed = existsSync(SURVIVORS)
    ? (JSON.parse(readFileSync(SURVIVORS, 'utf8')) as { survivors: Reviewed[] }).survivors
    : [];
  const byKey = new Map(reviewed.map((s) => [s.key, s]));
  const seen = new Set<string>();
  const unreviewed: (Reviewed & { status: string })[] = [];
  const totals = { killed: 0, notKilled: 0, invalid: 0, ignored: 0, static: 0, timeout: 0, noVerdict: 0 };
  const perFile: string[] = [];
  const scope = opts.mutate ? opts.mutate.split(',') : config.mutate;
  for (const [file, f] of Object.entries(report.files).sort()) {
    const occurrences = new Map<string, number>();
    let k = 0;
    let n = 0;
    const inOrder = [...f.mutants].sort(
      (a, b) =>
        a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column,
    );
    for (const m of inOrder) {
      if (!inScope(scope, file, m.location.start.line)) continue; // reused results outside a range
      if (m.status === 'Ignored') {
        if (/^Static mutant/.test(m.statusReason ?? '')) totals.static++;
        else totals.ignored++;
        continue;
      }
      const c = classify(m);
      if (c.kind === 'invalid') {
        totals.invalid++;
        continue;
      }
      n++;
      if (c.kind === 'killed') {
        k++;
        totals.killed++;
        continue;
      }
      totals.notKilled++;
      if (m.status === 'Timeout') totals.timeout++;
      if (m.status === 'Killed') totals.noVerdict++;
      // The same mutation twice in one file: numbered in source order (#2, #3...).
      let key = mutantKey(file, f.source, m);
      const nth = (occurrences.get(key) ?? 0) + 1;
      occurrences.set(key, nth);
      if (nth > 1) key = `${key} #${nth}`;
      seen.add(key);
      if (!byKey.get(key)?.reason?.trim()) {
        unreviewed.push({ key, line: m.location.start.line, status: c.why, reason: '' });
      }
    }
    perFile.push(`  ${file.padEnd(40)} ${pct(k, n).padStart(7)}  ${k}/${n}`);
  }
  const valid = totals.killed + totals.notKilled;
  const score = valid ? (100 * totals.killed) / valid : 0;
  console.log('\nmutation analysis (killed = a check FAILed; README "Mutation analysis"):');
  for (const l of perFile) console.log(l);
  console.log(
    `  score ${pct(totals.killed, valid)}: ${totals.killed} of ${valid} mutants killed by a verdict` +
      ` (not killed: ${totals.notKilled}, of which timeouts ${totals.timeout}, killed without a verdict ${totals.noVerdict};` +
      ` not counted: ${totals.invalid} compile errors, ${totals.ignored} fault switches,` +
      ` ${totals.static} static mutants) in ${seconds.toFixed(0)} s`,
  );
  const files = Object.keys(report.files);
  const whole = PROTOCOL_FILES.filter((f) => scope.includes(f));
  const part = scope.filter((m) => !PROTOCOL_FILES.includes(m));
  const none = PROTOCOL_FILES.filter((f) => !scope.some((m) => m === f || m.startsWith(`${f}:`)));
  console.log(
    `  scope: ${whole.length} whole file(s)${part.length ? `, part(s) ${part.join(', ')}` : ''}` +
      (none.length ? `; not mutated yet: ${none.map((f) => path.basename(f)).join(', ')}` : ''),
  );
  // Stale: reviewed for a file mutated whole that no longer survives (a range leaves the rest untested).
  const stale = reviewed.filter(
    (s) => !seen.has(s.key) && files.some((f) => scope.includes(f) && s.key.startsWith(`${f} `)),
  );
  const partial = Boolean(opts.mutate);
  if (stale.length)
    console.log(`  ${stale.length} reviewed survivor(s) no longer survive (remove them from survivors.json)`);
  const kinds = new Map<string, number>();
  for (const r of reviewed.filter((x) => seen.has(x.key)))
    kinds.set(r.kind ?? 'unclassified', (kinds.get(r.kind ?? 'unclassified') ?? 0) + 1);
  if (kinds.size)
    console.log(
      `  reviewed survivors: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}` +
        (kinds.get('gap') ? ' (gap: a requirement no check holds the IdP to yet; see survivors.json)' : ''),
    );
  writeFileSync(UNREVIEWED, `${JSON.stringify(unreviewed, null, 2)}\n`);
  let bad = false;
  if (unreviewed.length) {
    console.log(
      `  ${unreviewed.length} survivor(s) not reviewed in test/mutation/survivors.json (listed in ${path.relative(ROOT, UNREVIEWED)}):`,
    );
    for (const u of unreviewed.slice(0, 30)) console.log(`    ${u.key}  (line ${u.line}, ${u.status})`);
    bad = true;
  }
  if (!partial && score < GOAL) {
    console.log(`  below the goal of ${GOAL} %`);
    bad = true;
  }
  process.exitCode = bad ? 1 : 0;
}

/** Whether a line of a file is in the mutate scope (`file` whole, or `file:from-to`). */
function inScope(scope: string[], file: string, line: number): boolean {
  return scope.some((m) => {
    if (m === file) return true;
    const r = /^(.*):(\d+)-(\d+)$/.exec(m);
    return r !== null && r[1] === file && line >= Number(r[2]) && line <= Number(r[3]);
  });
}

function pct(k: number, n: number): string {
  return `${n ? ((100 * k) / n).toFixed(1) : '0.0'} %`;
}

if (require.main === module) void main();
