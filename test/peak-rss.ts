/**
 * The peak resident set size of this process, shared by the probes preloaded into measured processes
 * (test/hostile/rss-probe.ts for the hostile-input tests, test/bench/probe.ts for `npm run bench`).
 *
 * Linux: VmHWM from /proc/self/status, the high-water mark of this process's own address space.
 * process.resourceUsage().maxRSS (getrusage) is NOT used there: Linux carries the forked copy of the
 * parent's RSS into ru_maxrss across exec, so a child spawned by a big mocha process reports the
 * parent's size (measured: 311 MB for a child of a 300 MB parent whose own peak was 40 MB).
 * Elsewhere getrusage is the only figure, with that caveat.
 */
import { readFileSync } from 'node:fs';

export interface RssMeasurement {
  maxRssKb: number;
  source: 'VmHWM' | 'getrusage';
}

export function peakRss(): RssMeasurement {
  try {
    const hwm = /^VmHWM:\s*(\d+)\s*kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (hwm) return { maxRssKb: Number(hwm), source: 'VmHWM' };
  } catch {
    // not Linux
  }
  return { maxRssKb: process.resourceUsage().maxRSS, source: 'getrusage' };
}
