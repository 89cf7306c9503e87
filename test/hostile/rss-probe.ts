/**
 * Preloaded into the harness child process (`node --require rss-probe.js bin/idp-conformance.js …`):
 * on exit, writes the process's peak resident set size (test/peak-rss.ts: VmHWM on Linux) in kilobytes
 * to the file named by IDPC_HOSTILE_RSS_FILE. Does nothing without that variable.
 */
import { writeFileSync } from 'node:fs';
import { peakRss, type RssMeasurement } from '../peak-rss';

export type { RssMeasurement };

export const RSS_FILE_ENV = 'IDPC_HOSTILE_RSS_FILE';

const file = process.env[RSS_FILE_ENV];
if (file) {
  process.on('exit', () => {
    try {
      writeFileSync(file, JSON.stringify(peakRss()));
    } catch {
      // The test reports a missing measurement.
    }
  });
}
