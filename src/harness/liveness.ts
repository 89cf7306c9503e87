/**
 * Liveness: is the target still there? An exchange that gets no answer (timeout, refused, reset) is
 * never a verdict about the IdP by itself. When one happens, the target is probed once (its metadata
 * URL: any HTTP answer means it is alive); if the probe gets no answer either, the target is gone:
 * every later exchange fails at once (unsent), the checks still to run are ERROR ("not run: …") and the
 * run stops with exit 2. Installed by the runner as the client's exchange guard.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ExchangeFailed, httpExchange, type ExchangeGuard, type HttpRequest } from './roles/client/http';
import type { EvidenceItem } from './types';

const checkScope = new AsyncLocalStorage<string>();

/** Runs fn as the named check (so a failure inside it is reported as "during <check>"). */
export function duringCheck<T>(checkId: string, fn: () => T): T {
  return checkScope.run(checkId, fn);
}

/** The ID of the check whose work is running in this async scope (undefined outside one). */
export function currentCheckId(): string | undefined {
  return checkScope.getStore();
}

export class Liveness implements ExchangeGuard {
  private goneReason?: string;
  /** The check during which the target was found gone (undefined: the run setup, or stop()). */
  private goneDuring?: string;
  private probing?: Promise<void>;
  /** Probes made (for tests and the report). */
  probes = 0;

  constructor(
    readonly probeUrl: string,
    private readonly timeoutMs: number,
  ) {}

  gone(): string | undefined {
    return this.goneReason;
  }

  /**
   * What check `checkId` reports instead of its own verdict, given whether its work had finished (with
   * its verdict) before the target was found gone: nothing (undefined) when it had — that verdict was
   * earned on answers the target gave —, else the reason, and whether the target went during this very
   * check. A check in flight at that moment, or started later, has no verdict to give, with --jobs 1 as
   * with --jobs N (under N a check may be reported after the death and still keep its verdict: it was
   * judged ahead of mocha, before the target went).
   */
  lostVerdict(checkId: string, finishedAlive: boolean): { reason: string; during: boolean } | undefined {
    if (!this.goneReason || finishedAlive) return undefined;
    return { reason: this.goneReason, during: this.goneDuring === checkId };
  }

  /** Stops the run for another reason (a failed preflight): every later exchange and check is "not run". */
  stop(reason: string): void {
    this.goneReason ??= reason;
  }

  failed(_req: HttpRequest, e: ExchangeFailed): Promise<void> {
    if (this.goneReason || e.reason === 'target-gone') return Promise.resolve();
    this.probing ??= this.probe(currentCheckId(), e).finally(() => (this.probing = undefined));
    return this.probing;
  }

  private async probe(checkId: string | undefined, first: ExchangeFailed): Promise<void> {
    const during = checkId ?? 'the run setup';
    this.probes++;
    try {
      await httpExchange({
        method: 'GET',
        url: this.probeUrl,
        timeoutMs: this.timeoutMs,
        direction: 'harness->admin',
        label: 'liveness probe',
        probe: true,
      });
    } catch (e) {
      // Only no answer to the probe means the target is gone; anything else is the harness's own failure.
      if (!(e instanceof ExchangeFailed)) throw e;
      const why = e.message;
      this.goneDuring = checkId;
      this.goneReason =
        `the target stopped answering during ${during} ` +
        `(${first.message}; probe GET ${this.probeUrl}: ${why})`;
    }
  }
}

/** The first exchange of a check's evidence that got no answer (the transport recorded its error). */
export function noAnswerIn(evidence: readonly EvidenceItem[]): EvidenceItem | undefined {
  return evidence.find((e) => e.http?.error !== undefined);
}
