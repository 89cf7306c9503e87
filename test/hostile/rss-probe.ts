/**
 * Preloaded into the harness child process (`node --require rss-probe.js bin/idp-conformance.js …`):
 * on exit, writes the process's peak resident set size in kilobytes to the file named by
 * IDPC_HOSTILE_RSS_FILE. Does nothing without that variable.
 *
 * Linux: VmHWM from /proc/self/status, the high-water mark of this process's own address space.
 * process.resourceUsage().maxRSS (getrusage) is NOT used there: Linux carries the forked copy of the
 * parent's RSS into ru_maxrss across exec, so a child spawned by a big mocha process reports the
 * parent's size (measured: 311 MB for a child of a 300 MB parent whose own peak was 40 MB).
 * Elsewhere getrusage is the only figure, with that caveat.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export const RSS_FILE_ENV = 'IDPC_HOSTILE_RSS_FILE';

export interface RssMeasurement {
  maxRssKb: number;
  source: 'VmHWM' | 'getrusage';
}

function measure(): RssMeasurement {
  try {
    const hwm = /^VmHWM:\s*(\d+)\s*kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (hwm) return { maxRssKb: Number(hwm), source: 'VmHWM' };
  } catch {
    // not Linux
  }
  return { maxRssKb: process.resourceUsage().maxRSS, source: 'getrusage' };
}

const file = process.env[RSS_FILE_ENV];
if (file) {
  process.on('exit', () => {
    try {
      writeFileSync(file, JSON.stringify(measure()));
    } catch {
      // The test reports a missing measurement.
    }
  });
}
