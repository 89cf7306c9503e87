/**
 * Where the transport and the gateway record evidence: the current check's list. A scenario runs its
 * work inside `withEvidence`, so work records into that check's own list even when it outlives it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EvidenceItem } from '../types';

const scoped = new AsyncLocalStorage<EvidenceItem[]>();
/** The list being recorded into now (the async scope's); undefined outside a check. */
export function currentEvidence(): EvidenceItem[] | undefined {
  return scoped.getStore();
}

/**
 * Records one item by reference (an HTTP item is completed when its response arrives) into `into`, or
 * the current list. Outside any test it is dropped.
 */
export function record(item: EvidenceItem, into?: EvidenceItem[]): void {
  const list = into ?? currentEvidence();
  if (list) list.push(item);
}

/** Runs fn with its own evidence list (for async work that must not mix with another test's). */
export function withEvidence<T>(items: EvidenceItem[], fn: () => T): T {
  return scoped.run(items, fn);
}
