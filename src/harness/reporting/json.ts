/**
 * conformance.json: the source of truth of a run, exactly the RunReport shape.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CheckResult, RunReport } from '../types';

export const CONFORMANCE_JSON = 'conformance.json';

/** The report with exactly the RunReport keys, in a stable order (extra properties are dropped). */
export function toConformanceJson(report: RunReport): RunReport {
  return {
    schemaVersion: 2,
    harness: { name: 'idp-conformance', version: report.harness.version, node: report.harness.node },
    target: pick(report.target, ['name', 'configFile', 'metadataUrl', 'faults']),
    profiles: [...report.profiles],
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    strict: report.strict,
    summary: {
      PASS: report.summary.PASS,
      FAIL: report.summary.FAIL,
      WARN: report.summary.WARN,
      BLOCKED: report.summary.BLOCKED ?? 0,
      NOT_APPLICABLE: report.summary.NOT_APPLICABLE,
      KNOWN: report.summary.KNOWN,
      ERROR: report.summary.ERROR,
    },
    results: report.results.map(resultJson),
    ...(report.stats ? { stats: { httpExchanges: report.stats.httpExchanges } } : {}),
    ...(report.stopped ? { stopped: { reason: report.stopped.reason } } : {}),
    ...(report.interrupted ? { interrupted: true as const } : {}),
    ...(report.shard ? { shard: { ...report.shard } } : {}),
    ...(report.merged ? { merged: { ...report.merged } } : {}),
    ...(report.expectations
      ? {
          expectations: {
            ...(report.expectations.file ? { file: report.expectations.file } : {}),
            expired: report.expectations.expired.map((e) => ({ id: e.id, until: e.until, reason: e.reason })),
            unexpectedPasses: [...report.expectations.unexpectedPasses],
          },
        }
      : {}),
    ...(report.preflight
      ? {
          preflight: report.preflight.map((p) =>
            pick(p, ['profile', 'ok', 'skipped', 'diagnosis', 'note', 'evidence']),
          ),
        }
      : {}),
    exitCode: report.exitCode,
  };
}

function resultJson(r: CheckResult): CheckResult {
  const out = pick(r, [
    'id',
    'title',
    'profile',
    'family',
    'level',
    'requirements',
    'cites',
    'outcome',
    'message',
    'expected',
    'actual',
    'where',
    'blockedBy',
    'blocks',
    'durationMs',
    'evidence',
    'variants',
    'expectation',
  ]);
  out.requirements = [...r.requirements];
  if (r.cites) out.cites = r.cites.map((c) => pick(c, ['id', 'level', 'text', 'source', 'link']));
  out.evidence = [...(r.evidence ?? [])];
  if (r.variants) out.variants = r.variants.map((x) => ({ name: x.name, outcome: x.outcome }));
  if (r.expectation) out.expectation = pick(r.expectation, ['expect', 'reason', 'until', 'unexpectedPass']);
  return out;
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): T {
  const out = {} as T;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Writes `<dir>/conformance.json` (pretty, atomically) and returns its path. */
export function writeConformanceJson(dir: string, report: RunReport): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, CONFORMANCE_JSON);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(toConformanceJson(report), null, 2)}\n`);
  fs.renameSync(tmp, file);
  return file;
}
