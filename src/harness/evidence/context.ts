/**
 * Where the transport and the gateway record evidence: the current check's list. The mocha root hook
 * starts a fresh list before each test and takes it after; work started inside `withEvidence` records
 * into its own list even when it outlives the test that started it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EvidenceItem } from '../types';

const scoped = new AsyncLocalStorage<EvidenceItem[]>();
let current: EvidenceItem[] | undefined;

/** Starts a fresh evidence list for the test about to run and returns it. */
export function startEvidence(): EvidenceItem[] {
  current = [];
  return current;
}

/** Ends the current list and returns it (empty if none was started). */
export function takeEvidence(): EvidenceItem[] {
  const items = current ?? [];
  current = undefined;
  return items;
}

/** The list being recorded into now: the async scope's, else the current test's; undefined outside a test. */
export function currentEvidence(): EvidenceItem[] | undefined {
  return scoped.getStore() ?? current;
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
