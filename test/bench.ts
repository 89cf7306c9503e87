/** `npm run bench`: wall time of the full conformance run against the embedded reference IdP (median of 3). */
import path from 'node:path';
import { ROOT, runCli } from './kill-matrix';

async function main(): Promise<void> {
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const r = await runCli(['run', '--report-dir', path.join(ROOT, 'reports', 'bench')], `bench-${i + 1}`);
    if (!r.report) throw new Error(`run ${i + 1} wrote no report: ${r.stderr}`);
    const ex = r.report.stats?.httpExchanges ?? 0;
    console.log(
      `run ${i + 1}: ${(r.ms / 1000).toFixed(2)} s wall, ${r.report.results.length} checks, ${ex} HTTP exchanges, exit ${r.exitCode}`,
    );
    runs.push({ ms: r.ms, ex, checks: r.report.results.length });
  }
  runs.sort((a, b) => a.ms - b.ms);
  const m = runs[1];
  console.log(`median wall time: ${(m.ms / 1000).toFixed(2)} s for ${m.checks} checks`);
  console.log(`exchanges per second: ${(m.ex / (m.ms / 1000)).toFixed(1)}`);
}

main().catch((e: unknown) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exitCode = 2;
});
