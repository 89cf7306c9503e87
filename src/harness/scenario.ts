import type {
  CheckDef,
  CheckResult,
  EvidenceItem,
  Family,
  Level,
  Outcome,
  ProfileId,
  Capability,
} from './types';
import { HarnessError } from './types';
import { Blocked, ConformanceFailure, NotApplicable, Verdict } from './checks/verdict';
import { isSelected, registerCheck } from './checks/catalogue';
import { currentEvidence, withEvidence } from './evidence/context';
import { activeRun, type RunContext } from './run-context';
import { writeEvidenceAsync } from './evidence/transcript';
import type { Redactor } from './evidence/redact';
import { applyExpectations } from './reporting/expectations';
import { annotateAllure, attachEvidence } from './reporting/allure';
import { runAfterCheck } from './roles/tenant';
import { duringCheck, noAnswerIn, type Liveness } from './liveness';
import { citations } from './requirements';
import { checkPool } from './checks/pool';

export interface CheckSpec {
  id: string;
  /** Default: the level of the first requirement in the catalogue; state it only to check a weaker part. */
  level?: Level;
  requirements: [string, ...string[]];
  title: string;
  /** Defaults to the scenario's family. */
  family?: Family;
  /**
   * Only for a requirement about answering at all: why a missing answer is this check's own verdict.
   * Without it, any exchange of the check that got no answer (timeout, refused, reset) makes it ERROR.
   */
  judgesNoAnswer?: string;
  /**
   * The IdP state this check changes or counts, which other checks of its profile would see (tenant
   * settings, the SP's registered keys, a throttling window, token or provisioning counts): under
   * --jobs N it runs alone among them (checks/pool.ts). Say which state, e.g. 'tenant settings
   * (jitProvisioning)'.
   */
  exclusive?: string;
  /**
   * With `exclusive`: state beyond the profile that it changes or counts too, e.g. CLIENT_SOURCE_ADDRESSES
   * (a source address's throttling window): it also runs alone among every check holding the same.
   */
  holds?: readonly string[];
}

/** BLOCKED checks' own would-be FAILs, by check ID: the runner restores one whose root did not fail. */
export const blockedOriginals = new Map<
  string,
  { outcome: Outcome; message: string; expected?: string; actual?: string; where?: string }
>();

/** IDs of checks whose `it` started in this process (the runner reports any without an outcome). */
export const startedChecks = new Set<string>();

export type CheckBody = (v: Verdict, s: RunContext) => Promise<void>;

interface Judged {
  outcome: Outcome;
  message: string;
  expected?: string;
  actual?: string;
  where?: string;
  blockedBy?: string;
  /** BLOCKED: the FAIL this check would have given (restored by the runner if its root does not fail). */
  original?: Judged;
}

function judge(def: CheckDef, v: Verdict, error: unknown, strict: boolean): Judged {
  if (error === undefined) {
    if (v.asserted === 0)
      return { outcome: 'ERROR', message: 'the check ended without a verdict (fail closed)' };
    return { outcome: 'PASS', message: 'conformant' };
  }
  if (error instanceof ConformanceFailure) {
    const outcome: Outcome = def.level === 'MUST' || strict ? 'FAIL' : 'WARN';
    return {
      outcome,
      message: error.message,
      expected: error.expected,
      actual: error.actual,
      where: error.where,
    };
  }
  if (error instanceof NotApplicable) return { outcome: 'NOT_APPLICABLE', message: error.reason };
  if (error instanceof Blocked) {
    return {
      outcome: 'BLOCKED',
      message: error.message,
      blockedBy: error.root,
      original: error.original && judge(def, v, error.original, strict),
    };
  }
  if (error instanceof HarnessError) return { outcome: 'ERROR', message: error.oneLine() };
  const e = error as Error;
  // No stack frame in a message a person reads: the stack goes to stderr, and only with IDPC_DEBUG=1.
  if (process.env.IDPC_DEBUG) process.stderr.write(`idp-conformance: ${def.id}: ${e?.stack ?? String(e)}\n`);
  return { outcome: 'ERROR', message: `internal error: ${e?.message ?? String(error)}` };
}

/** The texts of a verdict (message, expected, actual, where) with every secret the run knows redacted. */
function redactJudged<T extends { message: string; expected?: string; actual?: string; where?: string }>(
  j: T,
  redactor: Redactor,
): T {
  const r = (x: string | undefined) => (x === undefined ? undefined : redactor.redact(x));
  return {
    ...j,
    message: redactor.redact(j.message),
    ...(j.expected !== undefined ? { expected: r(j.expected) } : {}),
    ...(j.actual !== undefined ? { actual: r(j.actual) } : {}),
    ...(j.where !== undefined ? { where: r(j.where) } : {}),
  };
}

/**
 * A check of the metadata family judges the profile's metadata document: the fetch and the document are
 * its evidence (first, before anything the check itself exchanged), in every report that shows evidence.
 */
async function metadataEvidence(profile: ProfileId, s: RunContext): Promise<EvidenceItem[]> {
  if (profile !== 'device-token') return s.idp.evidence;
  const t = await s.deviceToken.target?.catch(() => undefined);
  return t?.idp.evidence ?? [];
}

/**
 * Fail closed on missing answers, for every check in one place: an exchange that got no answer is
 * never PASS and never by itself FAIL (the IdP may be down, the network may be at fault) — ERROR,
 * unless the check's requirement is about answering at all (judgesNoAnswer).
 */
function noAnswerVerdict(spec: CheckSpec, j: Judged, evidence: readonly EvidenceItem[]): Judged {
  if (spec.judgesNoAnswer || j.outcome === 'ERROR' || j.outcome === 'NOT_APPLICABLE') return j;
  const item = noAnswerIn(evidence);
  if (!item) return j;
  const was = j.outcome === 'PASS' ? '' : `; the check would have said ${j.outcome}: ${j.message}`;
  return {
    outcome: 'ERROR',
    message: `no answer from the target (${item.label}: ${item.http?.error}): nothing can be judged${was}`,
  };
}

/** A check's work, judged but not yet reported (scenario.check). */
export interface Worked {
  j: Judged;
  variants: NonNullable<CheckResult['variants']>;
  durationMs: number;
  evidence: EvidenceItem[];
  /** The work ended (verdict judged) while the target was still answering (Liveness.lostVerdict). */
  finishedAlive: boolean;
}

/** Not run: the target is gone (or the run was stopped) — no verdict, no evidence. */
function notRun(reason: string): Worked {
  return {
    j: { outcome: 'ERROR', message: `not run: ${reason}` },
    variants: [],
    durationMs: 0,
    evidence: [],
    finishedAlive: false,
  };
}

/**
 * The check during which the target was found gone: ERROR with its own no-answer message (scenario's
 * noAnswerVerdict), or — if its judge said something else (a requirement about answering, a verdict on
 * what came before) — ERROR saying so; never PASS, never a FAIL blamed on a target that went away.
 */
function diedDuring(w: Worked, reason: string): Worked {
  if (w.j.outcome === 'ERROR') return w;
  return {
    ...w,
    j: {
      outcome: 'ERROR',
      message: `${reason}: nothing can be judged; the check would have said ${w.j.outcome}: ${w.j.message}`,
    },
  };
}

/**
 * The work of check `checkId` as reported, given the run's liveness: its own verdict if it ended before
 * the target was found gone, else ERROR naming the death (diedDuring for the check it went in).
 */
export function asReported(checkId: string, w: Worked, liveness: Liveness | undefined): Worked {
  const lost = liveness?.lostVerdict(checkId, w.finishedAlive);
  if (!lost) return w;
  if (lost.during) return diedDuring(w, lost.reason);
  return w.j.message.startsWith('not run: ') ? w : notRun(lost.reason);
}

/**
 * A describe block's handle on the run: `check()` declares one conformance check (one `it`),
 * `shared()` memoizes a flow several checks read, `requires()` turns a missing capability into N/A.
 */
export function scenario(
  _suite: Mocha.Suite,
  /** `exclusive`: the default of every check of the block (CheckSpec.exclusive). */
  opts: { profile: ProfileId; family: Family; exclusive?: string },
) {
  return {
    check(spec: CheckSpec, body: CheckBody): void {
      const def: CheckDef = {
        id: spec.id,
        profile: opts.profile,
        family: spec.family ?? opts.family,
        level: spec.level ?? citations(spec.requirements, spec.id)[0]?.level ?? 'MUST',
        requirements: spec.requirements,
        title: spec.title,
        cites: citations(spec.requirements, spec.id),
      };
      if (!def.id.startsWith(def.requirements[0] ?? '\u0000') && !/^[A-Z]+-/.test(def.id)) {
        throw new Error(`check ${def.id}: the ID must start with a requirement ID`);
      }
      registerCheck(def);
      if (!isSelected(def)) return;
      // The check's own work (its flows and verdict): run by the pool, possibly ahead of mocha and beside
      // other checks (--jobs); the result is made when mocha reports it (report below).
      const work = async (): Promise<Worked> => {
        const s = activeRun();
        if (s.mutation) s.memo.clear();
        const evidence: EvidenceItem[] = [];
        const started = Date.now();
        const v = new Verdict(def, s.preconditions?.[def.profile]);
        let error: unknown;
        const gone = s.liveness?.gone();
        if (gone) return notRun(gone);
        try {
          await duringCheck(def.id, () => withEvidence(evidence, () => body(v, s)));
        } catch (e) {
          error = e;
        }
        await duringCheck(def.id, () => withEvidence(evidence, () => runAfterCheck(s)));
        if (def.family === 'metadata') evidence.unshift(...(await metadataEvidence(def.profile, s)));
        return {
          j: noAnswerVerdict(spec, judge(def, v, error, s.strict), evidence),
          variants: [...v.variantOutcomes],
          durationMs: Date.now() - started,
          evidence,
          // Read as the work ends: a verdict judged before the target was found gone stands.
          finishedAlive: s.liveness?.gone() === undefined,
        };
      };
      // The result as reported, in mocha's order. A check whose work ended with its verdict before the
      // target was found gone keeps it, even when reported later (--jobs N judges ahead of mocha); one in
      // flight then, or started after, is ERROR naming the death (Liveness.lostVerdict) — the same with
      // --jobs 1 and N. Then expectations, redaction and its evidence files.
      const report = (s: RunContext, w: Worked): { result: CheckResult; items: EvidenceItem[] } => {
        w = asReported(def.id, w, s.liveness);
        const { j } = w;
        let result: CheckResult = {
          ...def,
          outcome: j.outcome,
          message: j.message,
          expected: j.expected,
          actual: j.actual,
          where: j.where,
          ...(j.blockedBy ? { blockedBy: j.blockedBy } : {}),
          ...(w.variants.length > 0 ? { variants: w.variants } : {}),
          durationMs: w.durationMs,
          evidence: [],
        };
        if (j.original) blockedOriginals.set(def.id, redactJudged(j.original, s.redactor));
        result = applyExpectations([result], s.config.expectations, s.now())[0] ?? result;
        // Every text of a verdict passes the redactor before any report sees it: a check may quote what
        // the IdP echoed (a password, a token) in its message, expected or actual.
        Object.assign(result, redactJudged(result, s.redactor));
        return { result, items: w.evidence };
      };
      checkPool.define(def.id, {
        exclusive: spec.exclusive ?? opts.exclusive,
        profile: def.profile,
        ...(spec.holds ? { holds: spec.holds } : {}),
        run: work,
      });
      it(`${def.id} ${def.title}`, async function () {
        const s = activeRun();
        this.timeout(0);
        startedChecks.add(def.id);
        const { result, items } = report(s, await checkPool.take(def.id, work));
        // Its files are written off the main thread; the result is recorded once they are there.
        result.evidence = await writeEvidenceAsync(s.reportDir, def.id, items, s.redactor);
        await annotateAllure(def);
        await attachEvidence(s.reportDir, result.evidence, items.length);
        s.results.push(result);
        if (result.outcome === 'NOT_APPLICABLE' || result.outcome === 'BLOCKED') this.skip();
        // Under mutation analysis only a verdict against the IdP kills a mutant: an ERROR is not one.
        const failsTest = s.mutation ? ['FAIL', 'WARN'] : ['FAIL', 'ERROR'];
        if (failsTest.includes(result.outcome)) {
          const err = new Error(`${result.outcome}: ${result.message}`);
          err.stack = err.message;
          throw err;
        }
      });
    },

    /** A flow run once per run and read by several checks; its evidence goes to each of them. */
    shared<T>(name: string, fn: (ctx: RunContext) => Promise<T>): () => Promise<T> {
      return async () => {
        const s = activeRun();
        const key = `${opts.profile}:${name}`;
        let entry = s.memo.get(key) as { evidence: EvidenceItem[]; value: Promise<T> } | undefined;
        if (!entry) {
          const ev: EvidenceItem[] = [];
          entry = { evidence: ev, value: withEvidence(ev, () => fn(s)) };
          s.memo.set(key, entry as unknown as Promise<unknown>);
        }
        try {
          return await entry.value;
        } finally {
          currentEvidence()?.push(...entry.evidence);
        }
      };
    },

    requires(cap: Capability): void {
      if (!activeRun().config.capabilities[cap]) {
        throw new NotApplicable(`the target does not declare the capability ${cap}`);
      }
    },
  };
}
