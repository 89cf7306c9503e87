/**
 * `report --diff old.json new.json`: the regression gate between two runs (two releases of an IdP):
 * new failures, fixes and other outcome changes, check by check.
 */
import type { CheckResult, Outcome, RunReport } from '../types';

/** Outcomes that say the IdP does not meet the check (KNOWN is an accepted deviation). */
const FAILING: readonly Outcome[] = ['FAIL', 'WARN'];

export interface OutcomeChange {
  id: string;
  /** undefined: the check is not in the old run. */
  from?: Outcome;
  /** undefined: the check is not in the new run. */
  to?: Outcome;
  message?: string;
}

export interface RunDiff {
  /** Failing now (FAIL/WARN), not failing before (or not run before). */
  newFailures: OutcomeChange[];
  /** Failing or KNOWN before, PASS now. */
  fixes: OutcomeChange[];
  /** Every other outcome change, and checks run in only one of the two. */
  changes: OutcomeChange[];
  compared: number;
}

export function diffRuns(older: RunReport, newer: RunReport): RunDiff {
  const before = new Map<string, CheckResult>(older.results.map((r) => [r.id, r]));
  const after = new Map<string, CheckResult>(newer.results.map((r) => [r.id, r]));
  const out: RunDiff = { newFailures: [], fixes: [], changes: [], compared: 0 };
  for (const [id, n] of after) {
    const o = before.get(id);
    if (o) out.compared++;
    if (o?.outcome === n.outcome) continue;
    const change: OutcomeChange = { id, from: o?.outcome, to: n.outcome, message: n.message };
    if (FAILING.includes(n.outcome) && !(o && FAILING.includes(o.outcome))) out.newFailures.push(change);
    else if (o && n.outcome === 'PASS' && [...FAILING, 'KNOWN'].includes(o.outcome)) out.fixes.push(change);
    else out.changes.push(change);
  }
  for (const [id, o] of before)
    if (!after.has(id))
      out.changes.push({ id, from: o.outcome, to: undefined, message: 'not in the new run' });
  return out;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function formatDiff(d: RunDiff, oldName: string, newName: string): string {
  const lines = [
    `${oldName} → ${newName}: ${plural(d.newFailures.length, 'new failure')}, ${plural(d.fixes.length, 'fix', 'fixes')}, ` +
      `${plural(d.changes.length, 'other change')} (${plural(d.compared, 'check')} in both)`,
  ];
  const width = Math.min(
    48,
    Math.max(0, ...[...d.newFailures, ...d.fixes, ...d.changes].map((c) => c.id.length)),
  );
  const line = (label: string, c: OutcomeChange) =>
    `${label.padEnd(9)} ${c.id.padEnd(width)}  ${c.from ?? '(absent)'} → ${c.to ?? '(absent)'}` +
    (c.message && c.to !== 'PASS' ? `  ${c.message.replace(/\s+/g, ' ').slice(0, 160)}` : '');
  for (const c of d.newFailures) lines.push(line('NEW FAIL', c));
  for (const c of d.fixes) lines.push(line('FIXED', c));
  for (const c of d.changes) lines.push(line('CHANGED', c));
  lines.push(
    d.newFailures.length > 0 ? 'A check that did not fail before fails now (exit 1).' : 'No new failure.',
  );
  return lines.join('\n');
}
