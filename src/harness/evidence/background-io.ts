/**
 * Report files written, and the previous run's reports removed, off the main thread. During a run the
 * ~3,000 evidence and Allure files go to libuv's thread pool (fs.writeFile) instead of blocking the
 * checks, and the previous run's folders are renamed away at once (no verdict outlives the start of
 * a run) and deleted there too. The runner awaits settleBackgroundIo() before anything reads the files
 * back (Allure annotations, report.html) and before conformance.json is written; a failed write then
 * fails the run. Outside a run (tests, tools) writes stay synchronous.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

let pending: Set<Promise<void>> | undefined;
let failure: unknown;

/** From now until settleBackgroundIo(), writeReportFile and removeInBackground return at once. */
export function beginBackgroundIo(): void {
  pending ??= new Set();
}

function track(p: Promise<void>): void {
  if (!pending) return;
  const set = pending;
  const t: Promise<void> = p
    .catch((e: unknown) => {
      failure ??= e;
    })
    .finally(() => set.delete(t));
  set.add(t);
}

/** Writes a report file: in the background during a run, synchronously otherwise. */
export function writeReportFile(file: string, data: string | Buffer): void {
  if (!pending) {
    fs.writeFileSync(file, data);
    return;
  }
  track(fs.promises.writeFile(file, data));
}

/** Copies a file into the reports (the same rule as writeReportFile). */
export function copyReportFile(from: string, to: string): void {
  if (!pending) {
    fs.copyFileSync(from, to);
    return;
  }
  track(fs.promises.copyFile(from, to));
}

/**
 * Removes `target` (file or folder) for good: renamed at once to a hidden sibling in `dir`, then deleted
 * in the background during a run (synchronously otherwise). Leftovers of an interrupted removal
 * (`.removing-*` in `dir`) are deleted too.
 */
export function removeInBackground(dir: string, target: string): void {
  if (!fs.existsSync(target)) return;
  if (!pending) {
    fs.rmSync(target, { recursive: true, force: true });
    return;
  }
  const trash = path.join(dir, `.removing-${process.pid}-${Date.now()}-${path.basename(target)}`);
  try {
    fs.renameSync(target, trash);
  } catch {
    fs.rmSync(target, { recursive: true, force: true });
    return;
  }
  track(fs.promises.rm(trash, { recursive: true, force: true }));
}

/** Deletes what earlier interrupted runs left half-removed in `dir` (in the background during a run). */
export function removeLeftovers(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith('.removing-')) continue;
    const p = path.join(dir, n);
    if (pending) track(fs.promises.rm(p, { recursive: true, force: true }));
    else fs.rmSync(p, { recursive: true, force: true });
  }
}

/** Waits for every background write and removal; rethrows the first failure. Writes are synchronous again after. */
export async function settleBackgroundIo(): Promise<void> {
  while (pending && pending.size > 0) await Promise.all([...pending]);
  pending = undefined;
  const f = failure;
  failure = undefined;
  if (f) throw f;
}
