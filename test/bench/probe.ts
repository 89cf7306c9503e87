/**
 * Preloaded into each node process of a benchmarked command (`NODE_OPTIONS=--require probe.js`): on
 * exit, appends one JSON line to the file named by IDPC_BENCH_PROBE: argv, peak RSS (VmHWM of this
 * process, Linux; see test/hostile/rss-probe.ts for why not getrusage) and CPU seconds (user + system).
 */
import { appendFileSync, readFileSync } from 'node:fs';

export interface ProbeLine {
  argv: string[];
  maxRssKb: number;
  cpuS: number;
}

const file = process.env.IDPC_BENCH_PROBE;
if (file) {
  process.on('exit', () => {
    let maxRssKb = process.resourceUsage().maxRSS;
    try {
      const hwm = /^VmHWM:\s*(\d+)\s*kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
      if (hwm) maxRssKb = Number(hwm);
    } catch {
      // not Linux: getrusage
    }
    const u = process.cpuUsage();
    const line: ProbeLine = { argv: process.argv.slice(1), maxRssKb, cpuS: (u.user + u.system) / 1e6 };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  });
}
