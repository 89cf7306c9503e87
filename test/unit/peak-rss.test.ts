import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { peakRss } from '../peak-rss';

/** Runs `node --require <probe> -e <script>` with env and returns the probe's output file. */
function probeRun(probe: string, env: Record<string, string>, file: string): string {
  const r = spawnSync(process.execPath, ['--require', probe, '-e', 'Buffer.alloc(8 << 20, 1)'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).to.equal(0);
  return readFileSync(file, 'utf8');
}

describe('peak RSS: one measurement for both probes (test/peak-rss.ts)', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'idpc-rss-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('measures this process (VmHWM on Linux), in kB', () => {
    const m = peakRss();
    expect(m.source).to.equal(process.platform === 'linux' ? 'VmHWM' : 'getrusage');
    expect(m.maxRssKb).to.be.greaterThan(10_000);
    expect(m.maxRssKb).to.be.at.least(Math.floor(process.memoryUsage().rss / 1024) - 1024);
  });

  it('the hostile rss-probe and the bench probe both write it at exit', () => {
    const rssFile = path.join(dir, 'rss.json');
    const hostile = JSON.parse(
      probeRun(
        path.join(__dirname, '..', 'hostile', 'rss-probe.js'),
        { IDPC_HOSTILE_RSS_FILE: rssFile },
        rssFile,
      ),
    ) as { maxRssKb: number; source: string };
    expect(hostile.source).to.equal(process.platform === 'linux' ? 'VmHWM' : 'getrusage');
    const benchFile = path.join(dir, 'bench.jsonl');
    const bench = JSON.parse(
      probeRun(path.join(__dirname, '..', 'bench', 'probe.js'), { IDPC_BENCH_PROBE: benchFile }, benchFile),
    ) as { maxRssKb: number; cpuS: number };
    // Both saw the 8 MB buffer; each child is measured on its own (not the parent's size).
    for (const kb of [hostile.maxRssKb, bench.maxRssKb]) {
      expect(kb).to.be.greaterThan(8 * 1024);
      expect(kb).to.be.lessThan(200 * 1024);
    }
    expect(bench.cpuS).to.be.greaterThan(0);
  });
});
