import type { CheckDef, Precondition, VariantOutcome } from '../types';

/** The IdP broke a requirement. Never mixed with HarnessError. */
export class ConformanceFailure extends Error {
  constructor(
    readonly requirement: string,
    readonly what: string,
    readonly expected: string,
    readonly actual: string,
    readonly where?: string,
  ) {
    super(`${requirement}: ${what}: expected ${expected}, got ${actual}`);
    this.name = 'ConformanceFailure';
  }
}

/**
 * The check cannot be judged because a precondition failed elsewhere: `root` is the ID of the check that
 * judges that cause (it FAILs once; this one is BLOCKED by it). `original` is the FAIL this check would
 * have repeated, restored if the root does not fail in the run after all.
 */
export class Blocked extends Error {
  constructor(
    readonly root: string,
    readonly reason: string,
    readonly original?: ConformanceFailure,
  ) {
    super(`blocked by ${root}: ${reason}`);
    this.name = 'Blocked';
  }
}

/** The check cannot run against this target (a capability is missing): never a pass. */
export class NotApplicable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'NotApplicable';
  }
}

export function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  if (v === null) return '(none)';
  if (typeof v === 'string') return JSON.stringify(v.length > 300 ? `${v.slice(0, 300)}…` : v);
  return JSON.stringify(v);
}

/** Collects one check's verdict. The first failed expectation ends the check with FAIL. */
export class Verdict {
  /** How many expectations held: a check that ends with none is an ERROR (fail closed). */
  asserted = 0;
  /** The variant being judged in a check that loops over several (named in the failure). */
  step: string | undefined;
  /** Each judged variant's own outcome (reported per variant; the kill matrix reads it). */
  readonly variantOutcomes: VariantOutcome[] = [];
  /**
   * @param precondition the failed precondition of this check's profile that the run's preflight found
   *   (checks/preconditions.ts), unless this check is its root: answers failing for that cause are BLOCKED.
   */
  constructor(
    readonly def: CheckDef,
    readonly precondition?: Precondition,
  ) {}

  private get req(): string {
    return this.def.requirements[0];
  }

  fail(what: string, expected: string, actual: string, where?: string): never {
    throw this.failure(what, expected, actual, where);
  }

  /** The failure fail() would throw, as a value. */
  failure(what: string, expected: string, actual: string, where?: string): ConformanceFailure {
    return new ConformanceFailure(
      this.req,
      this.step ? `[${this.step}] ${what}` : what,
      expected,
      actual,
      where,
    );
  }

  /** BLOCKED by the check `root` (see Blocked). */
  blocked(root: string, reason: string, original?: ConformanceFailure): never {
    throw new Blocked(root, reason, original);
  }

  equal<T>(what: string, actual: T, expected: T, where?: string): void {
    if (actual !== expected) this.fail(what, show(expected), show(actual), where);
    this.asserted++;
  }

  /** The list's one element: asserts exactly one (as equal(what, list.length, 1)) and returns it. */
  only<T>(what: string, list: readonly T[], where?: string): T {
    this.equal(what, list.length, 1, where);
    return list[0]!; // list.length is 1: equal() threw otherwise
  }

  ok(cond: boolean, what: string, expected: string, actual: string, where?: string): void {
    if (!cond) this.fail(what, expected, actual, where);
    this.asserted++;
  }

  present<T>(what: string, actual: T | undefined | null, where?: string): T {
    if (actual === undefined || actual === null || actual === '') this.fail(what, 'present', 'absent', where);
    this.asserted++;
    return actual as T;
  }

  absent(what: string, actual: unknown, where?: string): void {
    if (actual !== undefined && actual !== null) this.fail(what, 'absent', show(actual), where);
    this.asserted++;
  }

  oneOf<T>(what: string, actual: T, allowed: readonly T[], where?: string): void {
    if (!allowed.includes(actual))
      this.fail(what, `one of ${allowed.map(show).join(', ')}`, show(actual), where);
    this.asserted++;
  }

  /**
   * Judges every variant (one name each) and fails once at the end, naming all that failed, so a
   * vendor sees the whole picture rather than the first broken variant. A variant whose judge throws
   * NotApplicable (nothing of it to judge in this run) is that variant's NOT_APPLICABLE; if no variant
   * passed, failed or was BLOCKED, the first such NotApplicable is the check's.
   */
  async variants<T>(
    cases: readonly (readonly [string, T])[],
    judge: (c: T, name: string) => Promise<void>,
  ): Promise<void> {
    const failed: { name: string; f: ConformanceFailure }[] = [];
    let blocked: Blocked | undefined;
    let notApplicable: NotApplicable | undefined;
    let passed = 0;
    for (const [name, c] of cases) {
      this.step = name;
      try {
        await judge(c, name);
        this.variantOutcomes.push({ name, outcome: 'PASS' });
        passed++;
      } catch (e) {
        if (e instanceof NotApplicable) {
          this.variantOutcomes.push({ name, outcome: 'NOT_APPLICABLE' });
          notApplicable ??= e;
          continue;
        }
        if (e instanceof Blocked) {
          this.variantOutcomes.push({ name, outcome: 'BLOCKED' });
          blocked ??= e;
          continue;
        }
        if (!(e instanceof ConformanceFailure)) throw e;
        this.variantOutcomes.push({ name, outcome: 'FAIL' });
        failed.push({ name, f: e });
      }
    }
    this.step = undefined;
    // A variant that failed on its own is this check's FAIL; only a check with nothing of its own is BLOCKED.
    if (failed.length === 0 && blocked) throw blocked;
    if (failed.length === 0 && passed === 0 && notApplicable) throw notApplicable;
    if (failed.length === 0) return;
    const first = failed[0]!.f; // failed is not empty (returned above)
    // Each failed variant with the expectation it broke (without the step prefix fail() added).
    const names = failed.map((x) => `${x.name}: ${x.f.what.replace(/^\[[^\]]*\] /, '')}`).join('; ');
    throw new ConformanceFailure(
      this.req,
      `${failed.length} of ${cases.length} variants failed (${names}); first: ${first.what}`,
      first.expected,
      first.actual,
      first.where,
    );
  }

  notApplicable(reason: string): never {
    throw new NotApplicable(reason);
  }
}
