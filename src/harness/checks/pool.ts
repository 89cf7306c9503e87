/**
 * `--jobs N`: the checks' work runs up to N at a time, in the order mocha will run their `it`s, a few
 * checks ahead of mocha; each `it` takes its own check's outcome when mocha reaches it. Results, console
 * lines, evidence folders and Allure results therefore keep mocha's order whatever N is.
 *
 * A check that declares `exclusive` (IdP state other checks would see: tenant settings, the SP's
 * registered keys, a throttling window, token or provisioning counts) runs alone: it starts only when
 * nothing else runs, and nothing starts before it ends. With N = 1, or outside a planned run (a plain
 * mocha run with the plugin), each `it` runs its check itself, as before.
 *
 * The declaration is enforced, not trusted: the helpers that change or count such state call
 * `requireExclusive` (roles/admin.ts `requireAlone`; every mutating admin call goes through it in
 * `adminCall`), which throws ERR_NOT_EXCLUSIVE when the check calling them is not declared exclusive
 * while N > 1.
 */

import type Mocha from 'mocha';
import { HarnessError } from '../types';

interface Planned {
  exclusive?: string;
  run: () => Promise<unknown>;
}

interface Deferred {
  promise: Promise<unknown>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

function deferred(): Deferred {
  let resolve!: (v: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<unknown>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A prefetched check mocha never takes (the run was interrupted) must not be an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export class CheckPool {
  private jobs = 1;
  private order: string[] = [];
  private readonly position = new Map<string, number>();
  private readonly defs = new Map<string, Planned>();
  private readonly outcomes = new Map<string, Deferred>();
  private next = 0;
  private horizon = 0;
  private running = 0;
  private alone = false;

  /** Called by each check as it is declared (spec load time). */
  define(id: string, def: Planned): void {
    this.defs.set(id, def);
  }

  /**
   * The checks mocha will run, in its order, and how many may run at once. Called by the runner after
   * the spec files are loaded, before mocha runs.
   */
  plan(ids: readonly string[], jobs: number): void {
    this.jobs = Math.max(1, Math.floor(jobs));
    this.order = ids.filter((id) => this.defs.has(id));
    this.position.clear();
    this.outcomes.clear();
    this.order.forEach((id, i) => {
      this.position.set(id, i);
      this.outcomes.set(id, deferred());
    });
    this.next = 0;
    this.horizon = 0;
    this.running = 0;
    this.alone = false;
  }

  /**
   * Throws ERR_NOT_EXCLUSIVE unless check `checkId` may change or count `state` under the current plan:
   * with N > 1 it must declare `exclusive` (on its check or its scenario block). Outside a check (the
   * run's setup) and with N = 1 nothing runs beside it.
   */
  requireExclusive(checkId: string | undefined, state: string): void {
    if (this.jobs <= 1 || checkId === undefined || !this.defs.has(checkId)) return;
    if (this.defs.get(checkId)?.exclusive) return;
    throw new HarnessError(
      'ERR_NOT_EXCLUSIVE',
      `check ${checkId} changes or counts ${state} but does not declare \`exclusive\`: under --jobs ${this.jobs} a check running beside it would see that state`,
      `declare it in the check's spec: exclusive: '${state}' (h.check({ id: '${checkId}', exclusive, ... }) or the scenario block's option)`,
    );
  }

  /** Forgets the plan (the run ended): later calls run each check in place. */
  reset(): void {
    this.plan([], 1);
  }

  /** The outcome of check `id`'s work (started now, or earlier by the pool). */
  take<T>(id: string, run: () => Promise<T>): Promise<T> {
    const at = this.position.get(id);
    const d = this.outcomes.get(id);
    if (this.jobs <= 1 || at === undefined || !d) return run();
    // Work may start up to a window beyond the check mocha is on; finished work waits to be taken.
    this.horizon = Math.max(this.horizon, at + 2 * this.jobs + 2);
    this.pump();
    return d.promise.finally(() => this.outcomes.delete(id)) as Promise<T>;
  }

  /** Starts what the plan, the window, N and exclusivity allow. */
  private pump(): void {
    while (this.next < this.order.length && this.next < this.horizon && !this.alone) {
      const id = this.order[this.next] as string;
      // plan() keeps only declared checks and gives each an outcome, which is forgotten only once taken
      // (after this loop started its work): both are there.
      const def = this.defs.get(id) as Planned;
      const d = this.outcomes.get(id) as Deferred;
      if (def.exclusive && this.running > 0) return;
      if (this.running >= this.jobs) return;
      this.next++;
      this.running++;
      if (def.exclusive) this.alone = true;
      def
        .run()
        .then(d.resolve, d.reject)
        .finally(() => {
          this.running--;
          if (def.exclusive) this.alone = false;
          this.pump();
        });
    }
  }
}

/** The run's pool (one run per process at a time, like the session). */
export const checkPool = new CheckPool();

/**
 * The check IDs mocha will run, in its order (a suite's tests, then its child suites), after its grep —
 * the order the pool starts checks in. An `it` title starts with its check ID (scenario.check).
 */
export function plannedChecks(mocha: Mocha): string[] {
  const grep = mocha.options.grep instanceof RegExp ? mocha.options.grep : undefined;
  const invert = Boolean(mocha.options.invert);
  const out: string[] = [];
  const visit = (suite: Mocha.Suite) => {
    for (const t of suite.tests) {
      if (t.isPending()) continue;
      if (grep && grep.test(t.fullTitle()) === invert) continue;
      out.push(t.title.split(' ')[0] as string);
    }
    for (const child of suite.suites) visit(child);
  };
  visit(mocha.suite);
  return out;
}
