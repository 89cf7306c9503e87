/**
 * Checks as named conditions (issue 8): one normative rule, one judge, shared by every check and helper
 * that needs it, in either profile. A condition names the catalogue requirement(s) whose sentence it
 * judges (level, text and source stay in the catalogue: requirements/) and judges a typed input
 * into expectations — values with what, expected, actual and where — that verify() feeds to the check's
 * Verdict (the first that does not hold ends the check with FAIL; an expectation that holds counts).
 *
 * The families live beside this file (conditions-response.ts: the Response envelope and what a Success
 * assertion must be for); a spec composes them: `verify(v, received(v, r), [RESPONSE_DESTINATION])`.
 */
import { show, type Verdict } from './verdict';

/** One judged fact: whether it holds, and the words a FAIL says (expected, actual, where). */
export interface Expectation {
  what: string;
  holds: boolean;
  expected: string;
  actual: string;
  where?: string;
}

export interface Condition<I> {
  /** A stable name (kebab-case), unique among conditions. */
  readonly id: string;
  /** The catalogue IDs of the sentences this condition judges (tested: all in the catalogue). */
  readonly requirements: readonly string[];
  /** Pure: the expectations this input meets or breaks, in the order a FAIL should name them. */
  judge(input: I): Expectation[];
}

const registry = new Map<string, Condition<never>>();

/** Declares a condition (its id must be new). */
export function condition<I>(c: Condition<I>): Condition<I> {
  if (registry.has(c.id)) throw new Error(`condition ${c.id} is declared twice`);
  registry.set(c.id, c as Condition<never>);
  return c;
}

/** Every condition declared by the families loaded so far. */
export function allConditions(): readonly Condition<never>[] {
  return [...registry.values()];
}

/** Judges `input` by each condition in turn into the check's verdict. */
export function verify<I>(v: Verdict, input: I, conditions: readonly Condition<I>[]): void {
  for (const c of conditions) {
    for (const e of c.judge(input)) {
      if (!e.holds) v.fail(e.what, e.expected, e.actual, e.where);
      v.asserted++;
    }
  }
}

/** actual === expected. */
export function equals<T>(what: string, actual: T, expected: T, where?: string): Expectation {
  return { what, holds: actual === expected, expected: show(expected), actual: show(actual), where };
}

/** A fact with its own words for expected and actual. */
export function holds(
  holds: boolean,
  what: string,
  expected: string,
  actual: string,
  where?: string,
): Expectation {
  return { what, holds, expected, actual, where };
}

/** actual is one of the allowed values. */
export function oneOf<T>(what: string, actual: T, allowed: readonly T[], where?: string): Expectation {
  return {
    what,
    holds: allowed.includes(actual),
    expected: `one of ${allowed.map(show).join(', ')}`,
    actual: show(actual),
    where,
  };
}
