/**
 * `--jobs N`: the checks' work runs up to N at a time, ahead of mocha; each `it` takes its own check's
 * outcome when mocha reaches it. Results, console lines, evidence folders and Allure results therefore
 * keep mocha's order whatever N is.
 *
 * A check that declares `exclusive` (IdP state other checks of its profile would see: tenant settings,
 * the SP's registered keys, a throttling window, token or provisioning counts) runs alone among the
 * checks of its profile: it starts only when none of them runs, and none starts before it ends. Within a
 * profile, checks start in mocha's order, as with --jobs 1 (an exclusive check is a barrier there). The
 * profiles' checks may run beside each other: each profile reaches the IdP through its own gateway
 * registration, tenant and users, and the one state two profiles could share, a client source address
 * (its throttling window), is only used by a check that declares it (`holds`), which then runs alone
 * among every check holding it too. So an exclusive device-token check (a serial chain of logins)
 * overlaps saml-web-sso checks instead of leaving a core idle. Work starts with the profile mocha reaches
 * last: mocha's current profile fills what is left, and finished work waits to be taken. With N = 1, or
 * outside a planned run (a plain mocha run with the plugin), each `it` runs its check itself, as before.
 *
 * The declaration is enforced, not trusted: the helpers that change or count such state call
 * `requireExclusive` (roles/admin.ts `requireAlone`; every mutating admin call goes through it in
 * `adminCall`), which throws ERR_NOT_EXCLUSIVE when the check calling them is not declared exclusive
 * (or does not hold the shared resource it names) while N > 1.
 */

import type Mocha from 'mocha';
import { HarnessError } from '../types';

interface Planned {
  exclusive?: string;
  /** The check's profile: exclusivity is among the checks of one profile. */
  profile?: string;
  /**
   * State beyond its profile that an exclusive check changes or counts (a client source address): it
   * also runs alone among every check holding the same.
   */
  holds?: readonly string[];
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

/** The checks of one profile, in mocha's order, and how far their work has got. */
interface Lane {
  ids: string[];
  /** The first check not started yet. */
  next: number;
  running: number;
  /** An exclusive check of the lane runs. */
  alone: boolean;
}

export class CheckPool {
  private jobs = 1;
  private readonly defs = new Map<string, Planned>();
  private readonly outcomes = new Map<string, Deferred>();
  /** One lane per profile, the profile mocha reaches last first (the order work is started in). */
  private lanes: Lane[] = [];
  private running = 0;
  /** The `holds` resources an exclusive check holds now. */
  private readonly held = new Set<string>();

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
    this.outcomes.clear();
    this.held.clear();
    const lanes = new Map<string, Lane>();
    ids
      .filter((id) => this.defs.has(id))
      .forEach((id) => {
        this.outcomes.set(id, deferred());
        const profile = this.defs.get(id)?.profile ?? '';
        let lane = lanes.get(profile);
        if (!lane) lanes.set(profile, (lane = { ids: [], next: 0, running: 0, alone: false }));
        lane.ids.push(id);
      });
    this.lanes = [...lanes.values()].reverse();
    this.running = 0;
  }

  /**
   * Throws ERR_NOT_EXCLUSIVE unless check `checkId` may change or count `state` under the current plan:
   * with N > 1 it must declare `exclusive` (on its check or its scenario block), and hold `resource`
   * when the state is one beyond its profile. Outside a check (the run's setup) and with N = 1 nothing
   * runs beside it.
   */
  requireExclusive(checkId: string | undefined, state: string, resource?: string): void {
    if (this.jobs <= 1 || checkId === undefined || !this.defs.has(checkId)) return;
    const def = this.defs.get(checkId) as Planned;
    if (def.exclusive && (resource === undefined || def.holds?.includes(resource))) return;
    const fix = def.exclusive
      ? `declare it in the check's spec: holds: ['${resource}'] beside exclusive`
      : `declare it in the check's spec: exclusive: '${state}'${resource ? `, holds: ['${resource}']` : ''} (h.check({ id: '${checkId}', exclusive, ... }) or the scenario block's option)`;
    throw new HarnessError(
      'ERR_NOT_EXCLUSIVE',
      def.exclusive
        ? `check ${checkId} changes or counts ${state}, shared beyond its profile, but does not hold \`${resource}\`: under --jobs ${this.jobs} a check of another profile running beside it would see that state`
        : `check ${checkId} changes or counts ${state} but does not declare \`exclusive\`: under --jobs ${this.jobs} a check running beside it would see that state`,
      fix,
    );
  }

  /** Forgets the plan (the run ended): later calls run each check in place. */
  reset(): void {
    this.plan([], 1);
  }

  /** The outcome of check `id`'s work (started now, or earlier by the pool). */
  take<T>(id: string, run: () => Promise<T>): Promise<T> {
    const d = this.outcomes.get(id);
    if (this.jobs <= 1 || !d) return run();
    this.pump();
    return d.promise.finally(() => this.outcomes.delete(id)) as Promise<T>;
  }

  /**
   * Starts what N and exclusivity allow: a lane's next check whose exclusive turn has come first (a
   * serial chain started early overlaps the other lanes' work), then the lanes' next checks, the lane
   * mocha reaches last first.
   */
  private pump(): void {
    while (this.running < this.jobs) {
      const lane =
        this.lanes.find((l) => this.startable(l) && this.defs.get(l.ids[l.next] as string)?.exclusive) ??
        this.lanes.find((l) => this.startable(l));
      if (!lane) return;
      this.start(lane);
    }
  }

  /** Whether the lane's next check may start now. */
  private startable(lane: Lane): boolean {
    const id = lane.ids[lane.next];
    if (id === undefined || lane.alone) return false;
    const def = this.defs.get(id) as Planned; // plan() keeps only declared checks
    if (!def.exclusive) return true;
    return lane.running === 0 && !(def.holds ?? []).some((r) => this.held.has(r));
  }

  private start(lane: Lane): void {
    const id = lane.ids[lane.next++] as string;
    // plan() gives each check an outcome, which is forgotten only once taken (after this started it)
    const def = this.defs.get(id) as Planned;
    const d = this.outcomes.get(id) as Deferred;
    const holds = def.exclusive ? (def.holds ?? []) : [];
    this.running++;
    lane.running++;
    if (def.exclusive) lane.alone = true;
    for (const r of holds) this.held.add(r);
    def
      .run()
      .then(d.resolve, d.reject)
      .finally(() => {
        this.running--;
        lane.running--;
        if (def.exclusive) lane.alone = false;
        for (const r of holds) this.held.delete(r);
        this.pump();
      });
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
