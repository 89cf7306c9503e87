/**
 * Counts, the exit code, and the console summary a person reads in five seconds.
 */
import * as path from 'node:path';
import {
  emptySummary,
  OUTCOMES,
  type CheckResult,
  type Outcome,
  type RunReport,
  type Summary,
} from '../types';
import { colors, evidenceDir, outcomeColor, plural } from './console';
import { anchorId } from './html-kit';
import { REPORT_HTML } from './report-html';

export function summarize(results: CheckResult[]): Summary {
  const s = emptySummary();
  for (const r of results) s[r.outcome]++;
  return s;
}

export interface ConsoleSummaryOptions {
  color?: boolean;
  /** Report files to list at the end; default: conformance.json, junit.xml and allure-results/ under reportDir. */
  reportFiles?: string[];
  reportDir?: string;
}

type Paint = 'dim' | 'bold' | Outcome | 'XPASS' | 'EXPIRED';

const MAX_FIELD = 160;

export function formatConsoleSummary(report: RunReport, opts: ConsoleSummaryOptions = {}): string {
  const c = colors(!!opts.color);
  const paint = (k: Paint, s: string) =>
    k === 'dim' ? c.dim(s) : k === 'bold' ? c.bold(s) : outcomeColor(c, k)(s);
  const results = report.results;
  const summary = report.summary ?? summarize(results);
  const lines: string[] = [];

  const counts = OUTCOMES.filter((o) => o === 'PASS' || o === 'FAIL' || summary[o] > 0)
    .map((o) => paint(summary[o] > 0 ? o : 'dim', `${o} ${summary[o]}`))
    .join('  ');
  lines.push(
    `${paint('bold', report.target.name)}: ${plural(results.length, 'check')} in ${seconds(report.durationMs)}` +
      `${report.strict ? ' (strict)' : ''} — ${counts}`,
  );

  const fails = results.filter((r) => r.outcome === 'FAIL');
  const errors = results.filter((r) => r.outcome === 'ERROR');
  const warns = results.filter((r) => r.outcome === 'WARN');
  const unexpected = results.filter((r) => r.outcome === 'PASS' && r.expectation?.unexpectedPass);
  const idWidth = Math.min(
    48,
    Math.max(0, ...[...fails, ...errors, ...warns, ...unexpected].map((r) => r.id.length)),
  );
  const label = (o: string, k: Paint) => paint(k, o.padEnd(5));
  // Where to look next: the check's evidence folder and its place in report.html.
  const where = (r: CheckResult) => {
    const ev = evidenceDir(r, opts.reportDir);
    const page = `${opts.reportDir ? path.join(opts.reportDir, REPORT_HTML) : REPORT_HTML}#${anchorId('check', r.id)}`;
    return `${' '.repeat(7)}${paint('dim', `${ev ? `evidence: ${ev}  ` : ''}report: ${page}`)}`;
  };
  const id = (r: CheckResult) => r.id.padEnd(idWidth);

  const expired = report.expectations?.expired.length ?? 0;
  const blocked = results.filter((r) => r.outcome === 'BLOCKED');
  if (fails.length + errors.length + warns.length + unexpected.length + expired + blocked.length > 0)
    lines.push('');
  for (const r of fails) {
    lines.push(
      `${label('FAIL', 'FAIL')}  ${id(r)}  ${r.requirements.join(',')}  ${verdictText(r)}`,
      where(r),
    );
    if (r.blocks?.length) lines.push(blockedLine(r, paint));
  }
  for (const r of errors) {
    lines.push(
      `${label('ERROR', 'ERROR')}  ${id(r)}  ${clip(r.message)}  ${paint('dim', '(harness/environment, not the IdP)')}`,
      where(r),
    );
  }
  for (const r of warns) {
    lines.push(
      `${label('WARN', 'WARN')}  ${id(r)}  ${r.requirements.join(',')}  ${verdictText(r)}`,
      where(r),
    );
    if (r.blocks?.length) lines.push(blockedLine(r, paint));
  }
  // Roots that are KNOWN (or not in this run) still name what they blocked.
  const shown = new Set([...fails, ...warns].map((r) => r.id));
  const orphans = new Map<string, string[]>();
  for (const r of results) {
    if (r.outcome !== 'BLOCKED' || !r.blockedBy || shown.has(r.blockedBy)) continue;
    orphans.set(r.blockedBy, [...(orphans.get(r.blockedBy) ?? []), r.id]);
  }
  for (const [root, ids] of orphans) {
    const rr = results.find((x) => x.id === root);
    const state = rr ? rr.outcome : 'not run here';
    lines.push(
      `${label('BLOCKED', 'BLOCKED')} ${ids.length} checks by ${root} (${state}): ${clip(ids.join(', '))}`,
    );
  }
  for (const r of unexpected) {
    const e = r.expectation!;
    lines.push(
      report.strict
        ? `${label('XPASS', 'FAIL')}  ${id(r)}  passed, but the expectations file says ${e.expect} (${clip(e.reason)}) — under --strict this fails the run; remove the entry`
        : `${label('PASS', 'PASS')}  ${id(r)}  passed, but the expectations file says ${e.expect} (${clip(e.reason)}) — remove the entry`,
    );
  }
  for (const e of report.expectations?.expired ?? []) {
    lines.push(
      `${label('EXPIRED', 'WARN')}  ${e.id}  the expectation ended ${e.until} (${clip(e.reason)}): no longer applied, the real outcome stands — renew or remove the entry`,
    );
  }

  const files =
    opts.reportFiles ??
    (opts.reportDir
      ? [
          path.join(opts.reportDir, REPORT_HTML),
          path.join(opts.reportDir, 'conformance.json'),
          path.join(opts.reportDir, 'junit.xml'),
          `${path.join(opts.reportDir, 'allure-results')}${path.sep}`,
        ]
      : []);
  for (const p of report.preflight ?? []) {
    if (p.note) lines.push('', `Preflight ${p.profile}: ${p.note}`);
  }
  // The whole reason, unclipped: it is the diagnosis a person acts on.
  if (report.stopped) lines.push('', paint('ERROR', `The run stopped: ${report.stopped.reason}`));
  if (files.length > 0) lines.push('', `Reports: ${files.map((f) => paint('dim', f)).join('  ')}`);
  lines.push('', verdictLine(report, paint));
  return lines.join('\n') + '\n';
}

/** Under a root failure: what it blocked, once, instead of a FAIL per blocked check. */
function blockedLine(r: CheckResult, paint: (k: Paint, s: string) => string): string {
  const ids = r.blocks ?? [];
  const list = ids.length > 6 ? `${ids.slice(0, 6).join(', ')}, … (${ids.length - 6} more)` : ids.join(', ');
  return paint(
    'dim',
    `         ↳ blocks ${ids.length} check${ids.length === 1 ? '' : 's'} (BLOCKED, not judged): ${list}`,
  );
}

function verdictText(r: CheckResult): string {
  const core =
    r.expected !== undefined || r.actual !== undefined
      ? `expected ${clip(r.expected ?? '?')}, got ${clip(r.actual ?? '?')}`
      : clip(r.message);
  return r.where ? `${core}  at ${clip(r.where)}` : core;
}

function verdictLine(report: RunReport, paint: (k: Paint, s: string) => string): string {
  switch (report.exitCode) {
    case 0:
      return (
        paint('PASS', 'Every MUST holds.') +
        (report.summary.WARN > 0 ? ' (SHOULD failures are warnings; --strict makes them fail)' : '')
      );
    case 1:
      return report.summary.FAIL > 0
        ? paint('FAIL', 'The IdP failed at least one requirement.')
        : paint(
            'FAIL',
            'An expected deviation now passes (XPASS under --strict): update the expectations file.',
          );
    default:
      return paint(
        'ERROR',
        'The harness could not complete the run — see the ERROR lines; this is not a verdict on the IdP.',
      );
  }
}

function clip(s: string): string {
  const one = String(s).replace(/\s+/g, ' ').trim();
  return one.length > MAX_FIELD ? `${one.slice(0, MAX_FIELD - 1)}…` : one;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
