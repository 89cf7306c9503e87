/**
 * The project's score over a Stryker report: what counts as killed, the survivor keys, and the estimate
 * (with its 95 % confidence interval) when the mutants were sampled by units (test/mutation/sample.mjs).
 */

export interface Loc {
  line: number;
  column: number;
}
export interface Span {
  start: Loc;
  end: Loc;
}
export interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  statusReason?: string;
  location: Span;
  killedBy?: string[];
}
export interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}
/** A sample unit (sample.mjs): its location and whether the sample kept it. */
export interface Unit extends Span {
  kept: boolean;
}

/** The reason sample.mjs gives the mutants of a unit it did not keep. */
export const NOT_SAMPLED = /^not in the sample\b/;
const STATIC = /^Static mutant/;
/** The reasons of the two ignorers (message-texts.mjs, fault-switches.mjs); any other: a disable comment. */
const TEXT = /^the wording of an error page/;
const FAULT_SWITCH = /^(a fault switch|code only a reference-IdP fault reaches)/;

/** The text a mutant replaces, from the file's source and the mutant's location (1-based lines and columns). */
export function original(source: string, m: Pick<Mutant, 'location'>): string {
  const lines = source.split('\n');
  const { start, end } = m.location;
  if (start.line === end.line) return (lines[start.line - 1] ?? '').slice(start.column - 1, end.column - 1);
  const parts = [(lines[start.line - 1] ?? '').slice(start.column - 1)];
  for (let l = start.line; l < end.line - 1; l++) parts.push(lines[l] ?? '');
  parts.push((lines[end.line - 1] ?? '').slice(0, end.column - 1));
  return parts.join('\n');
}

export const squash = (s: string, max = 160) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
};

/** A key that survives unrelated edits: file, mutator, the replaced text and its replacement (not the line). */
export function mutantKey(file: string, source: string, m: Mutant): string {
  return `${file} ${m.mutatorName}: ${squash(original(source, m))} → ${squash(m.replacement ?? '')}`;
}

export type Kind = 'killed' | 'not-killed' | 'invalid';

/** A type-checker rejection: not a mutant (it could never run). */
const TYPE_ERROR = /error TS\d+/;

/** This project's reading of a Stryker status (see run.ts's header). */
export function classify(m: Pick<Mutant, 'status' | 'statusReason'>): { kind: Kind; why: string } {
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
    case 'CompileError':
      return TYPE_ERROR.test(m.statusReason ?? '')
        ? { kind: 'invalid', why: 'rejected by the type checker' }
        : { kind: 'not-killed', why: `crashed (compile error): ${squash(m.statusReason ?? '', 120)}` };
    case 'RuntimeError':
      return { kind: 'not-killed', why: `crashed (runtime error): ${squash(m.statusReason ?? '', 120)}` };
    default:
      return { kind: 'invalid', why: m.status };
  }
}

const gte = (a: Loc, b: Loc) => a.line > b.line || (a.line === b.line && a.column >= b.column);
const inside = (inner: Span, outer: Span) => gte(inner.start, outer.start) && gte(outer.end, inner.end);

/** One file's (or the whole scope's) tallies: always-run mutants, and per sampled unit. */
export interface Tally {
  /** Mutants outside every unit (always run), killed and valid. */
  alwaysKilled: number;
  alwaysValid: number;
  /** Per kept unit: killed and valid mutants. */
  kept: { k: number; n: number }[];
  /** Units in all (kept or not). */
  units: number;
  /** Mutants not run because their unit was not kept (fault switches and type errors among them). */
  notSampled: number;
  timeout: number;
  noVerdict: number;
  crashed: number;
  invalid: number;
  faultSwitch: number;
  /** Ignored by the message-texts ignorer: the wording of an error page or StatusMessage. */
  text: number;
  /** Ignored in the source by a `// Stryker disable` comment that gives the reason. */
  comment: number;
  static: number;
}

export const emptyTally = (): Tally => ({
  alwaysKilled: 0,
  alwaysValid: 0,
  kept: [],
  units: 0,
  notSampled: 0,
  timeout: 0,
  noVerdict: 0,
  crashed: 0,
  invalid: 0,
  faultSwitch: 0,
  text: 0,
  comment: 0,
  static: 0,
});

export function merge(a: Tally, b: Tally): Tally {
  const out = emptyTally();
  for (const k of Object.keys(out) as (keyof Tally)[]) {
    if (k === 'kept') out.kept = [...a.kept, ...b.kept];
    else (out[k] as number) = (a[k] as number) + (b[k] as number);
  }
  return out;
}

export interface Scored {
  /** A not-killed mutant, with its key. */
  survivors: { key: string; line: number; why: string; status: string }[];
  /** Keys of the mutants the sample left out (a reviewed survivor among them is not stale). */
  unsampledKeys: Set<string>;
  tally: Tally;
}

/** Tallies one file's mutants; `inScope` filters by line (a `file:from-to` scope). */
export function scoreFile(
  file: string,
  source: string,
  mutants: Mutant[],
  units: Unit[] | undefined,
  inScope: (line: number) => boolean = () => true,
  /** Keys counted as not mutants (e.g. the survivors reviewed equivalent or outside, for the second score). */
  excluded: Set<string> = new Set(),
): Scored {
  const t = emptyTally();
  const survivors: Scored['survivors'] = [];
  const unsampledKeys = new Set<string>();
  const inOrder = [...mutants].sort(
    (a, b) =>
      a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column,
  );
  // A unit without any mutant (an identifier, a plain member access) weighs nothing: left out of M and m.
  const scoped = (units ?? []).filter(
    (u) => inScope(u.start.line) && mutants.some((m) => inside(m.location, u)),
  );
  t.units = scoped.length;
  const perUnit = new Map<Unit, { k: number; n: number }>();
  for (const u of scoped) if (u.kept) perUnit.set(u, { k: 0, n: 0 });
  // The same mutation twice in one file: numbered in source order over all its mutants (#2, #3...).
  const occurrences = new Map<string, number>();
  for (const m of inOrder) {
    let key = mutantKey(file, source, m);
    const nth = (occurrences.get(key) ?? 0) + 1;
    occurrences.set(key, nth);
    if (nth > 1) key = `${key} #${nth}`;
    if (!inScope(m.location.start.line)) continue;
    if (m.status === 'Ignored') {
      if (STATIC.test(m.statusReason ?? '')) t.static++;
      else if (NOT_SAMPLED.test(m.statusReason ?? '')) {
        t.notSampled++;
        unsampledKeys.add(key);
      } else if (TEXT.test(m.statusReason ?? '')) t.text++;
      else if (FAULT_SWITCH.test(m.statusReason ?? '')) t.faultSwitch++;
      else t.comment++;
      continue;
    }
    const c = excluded.has(key) ? { kind: 'invalid' as const, why: 'excluded' } : classify(m);
    if (c.kind === 'invalid') {
      t.invalid++;
      continue;
    }
    const unit = [...perUnit.keys()].find((u) => inside(m.location, u));
    const cell = unit ? perUnit.get(unit) : undefined;
    if (cell) cell.n++;
    else t.alwaysValid++;
    if (c.kind === 'killed') {
      if (cell) cell.k++;
      else t.alwaysKilled++;
      continue;
    }
    if (m.status === 'Timeout') t.timeout++;
    if (m.status === 'Killed') t.noVerdict++;
    if (m.status === 'CompileError' || m.status === 'RuntimeError') t.crashed++;
    survivors.push({ key, line: m.location.start.line, why: c.why, status: m.status });
  }
  t.kept = [...perUnit.values()];
  return { survivors, unsampledKeys, tally: t };
}

export interface Estimate {
  /** Point estimate, percent. */
  score: number;
  /** 95 % confidence interval, percent (equal to the score when nothing was sampled out). */
  low: number;
  high: number;
  /** Mutants run (valid) and the estimated number of valid mutants in all. */
  run: number;
  total: number;
  killed: number;
  /** Kept units of all units. */
  m: number;
  M: number;
}

/**
 * The score with its 95 % confidence interval. The units are a Bernoulli sample (each kept with the
 * same probability), so the unit part is expanded by M/m (a combined ratio estimator) and its variance
 * taken over the kept units (cluster sampling, finite-population corrected); the always-run mutants add
 * no sampling error. Below MIN_UNITS kept units the interval is the whole 0–100 %.
 */
export const MIN_UNITS = 10;

export function estimate(t: Tally): Estimate {
  const m = t.kept.length;
  const M = t.units;
  const sumK = t.kept.reduce((s, u) => s + u.k, 0);
  const sumN = t.kept.reduce((s, u) => s + u.n, 0);
  const run = t.alwaysValid + sumN;
  const killed = t.alwaysKilled + sumK;
  const w = m ? M / m : 0;
  const Y = t.alwaysKilled + w * sumK;
  const X = t.alwaysValid + w * sumN;
  const R = X ? Y / X : 0;
  let half = 0;
  if (m < M) {
    // Too few kept units for the normal approximation: no interval (0–100 %).
    if (m < MIN_UNITS) half = 2;
    else {
      const d = t.kept.map((u) => u.k - R * u.n);
      const mean = d.reduce((s, x) => s + x, 0) / m;
      const s2 = d.reduce((s, x) => s + (x - mean) ** 2, 0) / (m - 1);
      const variance = (M * M * (1 - m / M) * s2) / m / (X * X);
      half = 1.96 * Math.sqrt(variance);
    }
  }
  return {
    score: 100 * R,
    low: 100 * Math.max(0, R - half),
    high: 100 * Math.min(1, R + half),
    run,
    total: Math.round(X),
    killed,
    m,
    M,
  };
}
