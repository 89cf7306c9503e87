/** Root causes after the run (issue 9, item 4): BLOCKED results settled against their roots. */
import type { CheckResult } from './types';
import { blockedOriginals } from './scenario';

/**
 * Root causes, after the run: each BLOCKED check's root must have failed here (FAIL, WARN or KNOWN); the
 * root then lists what it blocked. A BLOCKED whose root passed (or was not applicable) gets its own
 * verdict back: the precondition held after all, so the failure is this check's. A root that did not run
 * (or ended in ERROR) leaves the BLOCKED as is: exitCodeOf makes that run incomplete (exit 2).
 */
export function settleBlocked(results: CheckResult[]): void {
  const byId = new Map(results.map((r) => [r.id, r]));
  for (const r of results) delete r.blocks;
  for (const r of results) {
    if (r.outcome !== 'BLOCKED' || !r.blockedBy) continue;
    const root = byId.get(r.blockedBy);
    if (root && ['FAIL', 'WARN', 'KNOWN'].includes(root.outcome)) {
      (root.blocks ??= []).push(r.id);
      continue;
    }
    const original = blockedOriginals.get(r.id);
    if (root && original && (root.outcome === 'PASS' || root.outcome === 'NOT_APPLICABLE')) {
      r.outcome = original.outcome;
      r.message = `${original.message} (not BLOCKED: ${r.blockedBy} did not fail in this run)`;
      r.expected = original.expected;
      r.actual = original.actual;
      r.where = original.where;
      delete r.blockedBy;
    }
  }
}
