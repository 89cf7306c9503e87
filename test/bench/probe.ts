/**
 * Preloaded into each node process of a benchmarked command (`NODE_OPTIONS=--require probe.js`): on
 * exit, appends one JSON line to the file named by IDPC_BENCH_PROBE: argv, peak RSS (test/peak-rss.ts:
 * VmHWM of this process on Linux) and CPU seconds (user + system).
 */
import { appendFileSync } from 'node:fs';
import { peakRss } from '../peak-rss';

export interface ProbeLine {
  argv: string[];
  maxRssKb: number;
  cpuS: number;
}

const file = process.env.IDPC_BENCH_PROBE;
if (file) {
  process.on('exit', () => {
    const u = process.cpuUsage();
    const line: ProbeLine = {
      argv: process.argv.slice(1),
      maxRssKb: peakRss().maxRssKb,
      cpuS: (u.user + u.system) / 1e6,
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  });
}
