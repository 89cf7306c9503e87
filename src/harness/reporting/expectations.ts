/**
 * Known deviations: a target's expectations file turns an expected FAIL/WARN into KNOWN (with the
 * reason), reports a pass where a deviation was expected, and ignores (and flags) expired entries.
 */
import type { Expectation } from '../targets/config-types';
import type { CheckResult, Outcome } from '../types';
import { HarnessError } from '../types';

/** FAIL and WARN both mean "the check does not pass"; which one a SHOULD failure shows depends on --strict. */
const DEVIATIONS: readonly Outcome[] = ['FAIL', 'WARN'];

export interface ExpectationReport {
  results: CheckResult[];
  /** IDs in the expectations file that are not known checks (typos, renamed checks): warn about them. */
  unknownIds: string[];
  /** Expectations past their `until` date, ignored: the real outcome stands. */
  expired: { id: string; until: string; outcome: Outcome }[];
  /** Checks that passed although a deviation was expected: the expectation can go. */
  unexpectedPasses: string[];
}

/** The new results (an array), carrying the report's fields too: `.results`, `.unknownIds`, `.expired`, `.unexpectedPasses`. */
export type AppliedExpectations = CheckResult[] & ExpectationReport;

/**
 * Applies expectations and returns the new results (the input is not modified). The returned array also
 * carries what the CLI should warn about (unknown IDs, expired entries, unexpected passes).
 */
export function applyExpectations(
  results: CheckResult[],
  expectations: Record<string, Expectation>,
  today: Date,
  knownIds?: Iterable<string>,
): AppliedExpectations {
  const rep = reconcileExpectations(results, expectations, today, knownIds);
  return Object.assign([...rep.results], rep);
}

/**
 * As applyExpectations, and says what the CLI should warn about. `knownIds` is the catalogue (so an
 * expectation for a check not selected by --grep is not "unknown"); without it, the results' IDs.
 */
export function reconcileExpectations(
  results: CheckResult[],
  expectations: Record<string, Expectation>,
  today: Date,
  knownIds?: Iterable<string>,
): ExpectationReport {
  const day = isoDay(today);
  const expired: ExpectationReport['expired'] = [];
  const unexpectedPasses: string[] = [];
  const out = results.map((r): CheckResult => {
    const e = Object.prototype.hasOwnProperty.call(expectations, r.id) ? expectations[r.id] : undefined;
    if (!e) return r;
    if (e.until !== undefined && day > e.until) {
      // Expired: the real outcome stands; a deviation says so in its message.
      expired.push({ id: r.id, until: e.until, outcome: r.outcome });
      return DEVIATIONS.includes(r.outcome)
        ? { ...r, message: `${r.message} (expected deviation expired ${e.until}: ${e.reason})` }
        : r;
    }
    const expectation = { expect: e.expect, reason: e.reason, ...(e.until ? { until: e.until } : {}) };
    if (DEVIATIONS.includes(r.outcome) && DEVIATIONS.includes(e.expect)) {
      return { ...r, outcome: 'KNOWN', expectation };
    }
    if (r.outcome === 'PASS') {
      unexpectedPasses.push(r.id);
      return { ...r, expectation: { ...expectation, unexpectedPass: true } };
    }
    return r; // NOT_APPLICABLE and ERROR say nothing about the deviation
  });
  const known = new Set(knownIds ?? results.map((r) => r.id));
  const unknownIds = Object.keys(expectations).filter((id) => !known.has(id));
  return { results: out, unknownIds, expired, unexpectedPasses };
}

/** The UTC calendar day, YYYY-MM-DD; `until` is the last day an expectation holds. */
function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * Before a run: every entry of the expectations file must name a check of the catalogue (all profiles).
 * A misspelled or renamed ID would otherwise be silently ignored — exit 2 naming the entry.
 */
export function checkExpectationIds(
  expectations: Record<string, Expectation>,
  knownIds: Iterable<string>,
  file: string | undefined,
): void {
  const known = new Set(knownIds);
  const unknown = Object.keys(expectations).filter((id) => !known.has(id));
  if (unknown.length === 0) return;
  const others =
    unknown.length > 1 ? ` (and ${unknown.length - 1} more: ${unknown.slice(1).join(', ')})` : '';
  throw new HarnessError(
    'ERR_CONFIG_INVALID',
    `expectations[${unknown[0]}]: no such check${file ? ` in ${file}` : ''}${others}`,
    'use the check ID `idp-conformance list` prints (fix the spelling, or rename the entry after a renamed check)',
  );
}

/** Entries past their `until` day (they no longer apply: the real outcome stands). */
export function expiredExpectations(
  expectations: Record<string, Expectation>,
  today: Date,
): { id: string; until: string; reason: string }[] {
  const day = isoDay(today);
  return Object.entries(expectations)
    .filter(([, e]) => e.until !== undefined && day > e.until)
    .map(([id, e]) => ({ id, until: e.until!, reason: e.reason }));
}
