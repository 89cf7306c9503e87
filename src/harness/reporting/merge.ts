/**
 * `report --merge DIR...`: the shards of one run (`run --shard i/n` on several CI runners) put back
 * together — one conformance.json, junit.xml and report.html, the evidence folders copied beside them.
 * Refuses (exit 2) a missing, doubled or interrupted shard, and shards of another harness version,
 * target or selection: a merged report must be exactly the run the shards split.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptySummary, HarnessError, type RunReport } from '../types';
import { CONFORMANCE_JSON } from './json';
import { summarize } from './summary';
import { writeRunReports } from './write';

const FIX = 'give every shard of one run exactly once: the report dirs of `run --shard 1/n` … `n/n`';

export function readReport(file: string, what: string): RunReport {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new HarnessError(
      'ERR_USAGE',
      `${what}: cannot read ${file} (${(e as NodeJS.ErrnoException).code})`,
      'give a report dir or the conformance.json a run wrote',
    );
  }
  try {
    const r = JSON.parse(text) as RunReport;
    if (!r || !Array.isArray(r.results) || !r.harness) throw new Error('not a run report');
    return r;
  } catch (e) {
    throw new HarnessError(
      'ERR_USAGE',
      `${what}: ${file} is not a conformance.json (${(e as Error).message})`,
      'give a report dir or the conformance.json a run wrote',
    );
  }
}

/** A report dir or its conformance.json → the conformance.json path. */
export function reportFile(p: string): string {
  return fs.existsSync(p) && fs.statSync(p).isDirectory() ? path.join(p, CONFORMANCE_JSON) : p;
}

/** What must be the same in every shard of one run (the target as the shards saw it). */
function identity(r: RunReport): Record<string, string> {
  const t = r.target;
  return {
    'harness version': r.harness.version,
    target: t.name,
    faults: (t.faults ?? []).join(',') || '(none)',
    // An embedded reference IdP has a fresh port per shard; a configured target has one metadata URL.
    metadata: t.configFile && /^https?:/.test(t.metadataUrl ?? '') ? (t.metadataUrl ?? '') : '(embedded)',
    profiles: r.profiles.join(','),
    strict: String(r.strict),
    selection: JSON.stringify(r.shard?.selection ?? {}),
  };
}

export function mergeShards(dirs: string[], order?: string[]): { report: RunReport; sources: string[] } {
  if (dirs.length === 0)
    throw new HarnessError('ERR_USAGE', 'report --merge needs the report dirs of the shards', FIX);
  const shards = dirs.map((d) => ({ dir: d, report: readReport(reportFile(d), 'report --merge') }));
  const first = shards[0]!;
  for (const s of shards) {
    const sh = s.report.shard;
    if (!sh)
      throw new HarnessError(
        'ERR_USAGE',
        `report --merge: ${s.dir} is not a shard (no shard in its conformance.json)`,
        'run it with --shard i/n',
      );
    if (s.report.interrupted)
      throw new HarnessError(
        'ERR_USAGE',
        `report --merge: shard ${sh.index}/${sh.total} (${s.dir}) was interrupted`,
        'run that shard again to the end',
      );
    if (sh.total !== first.report.shard!.total)
      throw new HarnessError(
        'ERR_USAGE',
        `report --merge: ${s.dir} is shard ${sh.index}/${sh.total}, ${first.dir} is of ${first.report.shard!.total}`,
        FIX,
      );
    const a = identity(first.report);
    const b = identity(s.report);
    for (const k of Object.keys(a)) {
      if (a[k] !== b[k])
        throw new HarnessError(
          'ERR_USAGE',
          `report --merge: shard ${sh.index}/${sh.total} (${s.dir}) has ${k} ${b[k]}, shard ${first.report.shard!.index}/${first.report.shard!.total} has ${a[k]}`,
          'merge the shards of one run only (same harness version, target and selection)',
        );
    }
  }
  const total = first.report.shard!.total;
  const byIndex = new Map<number, string>();
  for (const s of shards) {
    const i = s.report.shard!.index;
    if (byIndex.has(i))
      throw new HarnessError(
        'ERR_USAGE',
        `report --merge: shard ${i}/${total} given twice (${byIndex.get(i)} and ${s.dir})`,
        FIX,
      );
    byIndex.set(i, s.dir);
  }
  const missing = Array.from({ length: total }, (_, k) => k + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    throw new HarnessError(
      'ERR_USAGE',
      `report --merge: shard ${missing.map((i) => `${i}/${total}`).join(', ')} missing`,
      FIX,
    );

  const sorted = [...shards].sort((x, y) => x.report.shard!.index - y.report.shard!.index);
  let results = sorted.flatMap((s) => s.report.results);
  const seen = new Set<string>();
  for (const r of results) {
    if (seen.has(r.id))
      throw new HarnessError(
        'ERR_USAGE',
        `report --merge: check ${r.id} is in two shards`,
        'the shards must come from one harness version (run --shard assigns each check once)',
      );
    seen.add(r.id);
  }
  if (order) {
    const rank = new Map(order.map((id, i) => [id, i]));
    results = [...results].sort((x, y) => (rank.get(x.id) ?? 1e9) - (rank.get(y.id) ?? 1e9));
  }
  const starts = sorted.map((s) => Date.parse(s.report.startedAt));
  const ends = sorted.map((s) => Date.parse(s.report.startedAt) + s.report.durationMs);
  const stopped = sorted
    .filter((s) => s.report.stopped)
    .map((s) => `shard ${s.report.shard!.index}/${total}: ${s.report.stopped!.reason}`);
  const exits = sorted.map((s) => s.report.exitCode);
  const expired = new Map(sorted.flatMap((s) => s.report.expectations?.expired ?? []).map((e) => [e.id, e]));
  const hasExpectations = sorted.some((s) => s.report.expectations);
  const report: RunReport = {
    ...first.report,
    startedAt: new Date(Math.min(...starts)).toISOString(),
    durationMs: Math.max(...ends) - Math.min(...starts),
    summary: { ...emptySummary(), ...summarize(results) },
    results,
    stats: { httpExchanges: sorted.reduce((n, s) => n + (s.report.stats?.httpExchanges ?? 0), 0) },
    ...(stopped.length ? { stopped: { reason: stopped.join('; ') } } : { stopped: undefined }),
    ...(hasExpectations
      ? {
          expectations: {
            file: first.report.expectations?.file,
            expired: [...expired.values()],
            unexpectedPasses: sorted.flatMap((s) => s.report.expectations?.unexpectedPasses ?? []),
          },
        }
      : {}),
    shard: undefined,
    merged: { shards: total, selection: first.report.shard!.selection },
    // The worst shard decides: a FAIL anywhere is 1; otherwise a shard that could not finish is 2.
    exitCode: exits.includes(1) ? 1 : exits.includes(2) ? 2 : 0,
  };
  return { report, sources: sorted.map((s) => s.dir) };
}

/** Writes the merged reports into outDir, with each shard's evidence and allure results beside them. */
export function writeMerged(outDir: string, merged: { report: RunReport; sources: string[] }): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  for (const sub of ['evidence', 'allure-results']) {
    fs.rmSync(path.join(outDir, sub), { recursive: true, force: true });
    for (const src of merged.sources) {
      const from = path.join(src, sub);
      if (fs.existsSync(from) && path.resolve(from) !== path.resolve(outDir, sub))
        fs.cpSync(from, path.join(outDir, sub), { recursive: true });
    }
  }
  return writeRunReports(outDir, merged.report);
}
