/**
 * Liveness: is the target still there? An exchange that gets no answer (timeout, refused, reset) is
 * never a verdict about the IdP by itself. When one happens, the target is probed once (its metadata
 * URL: any HTTP answer means it is alive); if the probe gets no answer either, the target is gone:
 * every later exchange fails at once (unsent), the checks still to run are ERROR ("not run: …") and the
 * run stops with exit 2. Installed by the runner as the client's exchange guard.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { httpExchange, type ExchangeFailed, type ExchangeGuard, type HttpRequest } from './roles/client/http';
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
   * Whether check `checkId`, judged (possibly ahead of mocha, under --jobs) and reported now, must be
   * reported "not run" instead: the target is gone and it is not the check during which it went. With
   * --jobs 1 no other check can have run by then; under --jobs N a prefetched verdict (even a PASS from
   * a document fetched before) is dropped the same way, so liveness does not depend on N.
   */
  notRunAtReport(checkId: string): string | undefined {
    if (!this.goneReason || this.goneDuring === checkId) return undefined;
    return this.goneReason;
  }

  /** Stops the run for another reason (a failed preflight): every later exchange and check is "not run". */
  stop(reason: string): void {
    this.goneReason ??= reason;
  }

  failed(_req: HttpRequest, e: ExchangeFailed): Promise<void> {
    if (this.goneReason || e.reason === 'target-gone') return Promise.resolve();
    const checkId = checkScope.getStore();
    this.probing ??= this.probe(checkId, e).finally(() => (this.probing = undefined));
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
      const why = (e as Error).message;
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
