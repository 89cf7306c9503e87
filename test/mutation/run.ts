/**
 * `npm run mutation [-- --ci | --force | --mutate <file>[,<file>...] | --concurrency N]`: StrykerJS over
 * the reference IdP's protocol files (stryker.config.json), the conformance specs against the embedded
 * reference IdP as the test suite, then this project's own score and the survivor review:
 *  - a mutant counts as killed only when a check's verdict killed it (its mocha test failed with
 *    "FAIL:" or "WARN:"); a mutant Stryker calls killed for another reason (a hook or an uncaught error),
 *    a timeout (the IdP stopped answering: ERROR for the harness) and a mutant no check reaches all count
 *    as not killed; compile errors (typescript checker) and the fault switches (ignorer) are not mutants;
 *  - every mutant that is not killed must be in test/mutation/survivors.json with a reason.
 * Exit 1 below 90 % or with an unreviewed survivor; 2 when Stryker itself fails.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CONFIG = path.join(ROOT, 'stryker.config.json');
const SURVIVORS = path.join(ROOT, 'test', 'mutation', 'survivors.json');
const REPORT = path.join(ROOT, 'reports', 'mutation', 'mutation.json');
const UNREVIEWED = path.join(ROOT, 'reports', 'mutation', 'unreviewed-survivors.json');
export const GOAL = 90;

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
    mutate: undefined as string | undefined,
    concurrency: undefined as string | undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--ci') o.ci = true;
    else if (a === '--force') o.force = true;
    else if (a === '--mutate' || a === '--concurrency') {
      const v = argv[++i];
      if (!v)
        fail(
          'ERR_USAGE',
          `${a} needs a value`,
          `e.g. ${a} ${a === '--mutate' ? 'src/reference-idp/sso.ts' : '2'}`,
        );
      if (a === '--mutate') o.mutate = v;
      else o.concurrency = v;
    } else fail('ERR_USAGE', `unknown option ${a}`, 'use --ci, --force, --mutate <files> or --concurrency N');
  }
  return o;
}

function main(): void {
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
  if (opts.mutate) args.push('--mutate', opts.mutate);
  if (opts.force) args.push('--force');
  if (opts.concurrency) args.push('--concurrency', opts.concurrency);
  if (opts.ci) args.push('--reporters', 'clear-text,json');
  const t0 = Date.now();
  const stryker = path.join(ROOT, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
  const r = spawnSync(process.execPath, [stryker, ...args], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0)
    fail('ERR_MUTATION', `Stryker exited with ${r.status ?? r.signal}`, 'see its output above');
  const seconds = (Date.now() - t0) / 1000;

  const report = JSON.parse(readFileSync(REPORT, 'utf8')) as Report;
  const reviewed = existsSync(SURVIVORS)
    ? (JSON.parse(readFileSync(SURVIVORS, 'utf8')) as { survivors: Reviewed[] }).survivors
    : [];
  const byKey = new Map(reviewed.map((s) => [s.key, s]));
  const seen = new Set<string>();
  const unreviewed: (Reviewed & { status: string })[] = [];
  const totals = { killed: 0, notKilled: 0, invalid: 0, ignored: 0, timeout: 0, noVerdict: 0 };
  const perFile: string[] = [];
  for (const [file, f] of Object.entries(report.files).sort()) {
    const occurrences = new Map<string, number>();
    let k = 0;
    let n = 0;
    const inOrder = [...f.mutants].sort(
      (a, b) =>
        a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column,
    );
    for (const m of inOrder) {
      if (m.status === 'Ignored') {
        totals.ignored++;
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
      ` not counted: ${totals.invalid} compile errors, ${totals.ignored} fault switches) in ${seconds.toFixed(0)} s`,
  );
  const stale = reviewed.filter((s) => !seen.has(s.key));
  const partial = Boolean(opts.mutate);
  if (stale.length && !partial)
    console.log(`  ${stale.length} reviewed survivor(s) no longer survive (remove them from survivors.json)`);
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

function pct(k: number, n: number): string {
  return `${n ? ((100 * k) / n).toFixed(1) : '0.0'} %`;
}

if (require.main === module) main();
