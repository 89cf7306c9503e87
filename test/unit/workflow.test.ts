import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inShard, parseShard, shardOf } from '../../src/harness/checks/shard';
import type { RunReport } from '../../src/harness/types';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'idp-conformance.js');
/** A small slice of the suite keeps this test quick; the merge logic does not depend on its size. */
const SELECT = ['--profile', 'saml-web-sso', '--grep', 'SAMLCore'];

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const tmp = (name: string) => mkdtempSync(path.join(os.tmpdir(), `idpc-${name}-`));
const read = (dir: string) =>
  JSON.parse(readFileSync(path.join(dir, 'conformance.json'), 'utf8')) as RunReport;
const outcomes = (r: RunReport) => Object.fromEntries(r.results.map((x) => [x.id, x.outcome]));

describe('shards, merge, diff, rerun', function () {
  this.timeout(300_000);
  const full = tmp('full');
  const faulty = tmp('faulty');
  const shards = [1, 2, 3].map((i) => tmp(`shard${i}`));

  before(async () => {
    const runs = await Promise.all([
      cli(['run', ...SELECT, '--report-dir', full]),
      ...shards.map((d, i) => cli(['run', ...SELECT, '--shard', `${i + 1}/3`, '--report-dir', d])),
    ]);
    for (const r of runs) expect(r.code, r.stderr).to.be.oneOf([0, 1]);
    const f = await cli(['run', ...SELECT, '--fault', 'ignore-version', '--report-dir', faulty]);
    expect(f.code, f.stderr).to.equal(1);
  });

  it('the shard of a check depends on its ID only', () => {
    expect(parseShard('2/3')).to.deep.equal({ index: 2, total: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'x', '1/3/4'])
      expect(() => parseShard(bad), bad).to.throw(/--shard/);
    const ids = read(full).results.map((r) => r.id);
    for (const id of ids) {
      expect(shardOf(id, 3)).to.equal(shardOf(id, 3));
      expect([1, 2, 3].filter((i) => inShard(id, { index: i, total: 3 }))).to.have.length(1);
    }
    // Each shard ran exactly its checks, and says which shard it is, of which harness and target.
    for (const [k, d] of shards.entries()) {
      const r = read(d);
      expect(r.shard).to.include({ index: k + 1, total: 3 });
      expect(r.harness.version).to.be.a('string');
      expect(r.target.name).to.equal('reference-idp');
      for (const x of r.results) expect(shardOf(x.id, 3), x.id).to.equal(k + 1);
    }
  });

  it('shards 1..3 merged equal the full run, check for check', async () => {
    const out = tmp('merged');
    const r = await cli(['report', '--merge', ...shards, '--report-dir', out]);
    expect(r.code, r.stderr).to.equal(0);
    const merged = read(out);
    const whole = read(full);
    expect(merged.results.map((x) => x.id)).to.have.members(whole.results.map((x) => x.id));
    expect(outcomes(merged)).to.deep.equal(outcomes(whole));
    expect(merged.summary).to.deep.equal(whole.summary);
    expect(merged.exitCode).to.equal(whole.exitCode);
    expect(merged.merged?.shards).to.equal(3);
    expect(readFileSync(path.join(out, 'junit.xml'), 'utf8')).to.contain(`tests="${whole.results.length}"`);
    expect(existsSync(path.join(out, 'report.html'))).to.equal(true);
    // The evidence the results point at came along.
    for (const x of merged.results)
      for (const e of x.evidence) expect(existsSync(path.join(out, e)), e).to.equal(true);
  });

  it('merge refuses a missing shard, a doubled one and a non-shard report (exit 2, one line)', async () => {
    const cases: [string[], RegExp][] = [
      [[shards[0]!, shards[2]!], /shard 2\/3 missing/],
      [[shards[0]!, shards[1]!, shards[1]!], /shard 2\/3 given twice/],
      [[full, shards[1]!, shards[2]!], /is not a shard/],
    ];
    // A shard from another harness version, and one against another target.
    for (const [key, change] of [
      ['harness version', (r: RunReport) => (r.harness.version = '0.0.0-other')],
      ['target', (r: RunReport) => (r.target.name = 'another-idp')],
    ] as const) {
      const d = tmp('foreign');
      const r = read(shards[1]!);
      change(r);
      writeFileSync(path.join(d, 'conformance.json'), JSON.stringify(r));
      cases.push([[shards[0]!, d, shards[2]!], new RegExp(`shard 2/3 .* has ${key} `)]);
    }
    for (const [dirs, msg] of cases) {
      const r = await cli(['report', '--merge', ...dirs, '--report-dir', tmp('refused')]);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(/^idp-conformance: ERR_USAGE: report --merge: /);
      expect(r.stderr).to.match(msg);
    }
  });

  it('report --diff finds the fault introduced between two runs (exit 1), and the fix back (exit 0)', async () => {
    const oldF = path.join(full, 'conformance.json');
    const newF = path.join(faulty, 'conformance.json');
    const r = await cli(['report', '--diff', oldF, newF]);
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout).to.match(/NEW FAIL\s+SAMLCore-3\.2\.2\.2-version-mismatch\s+PASS → FAIL/);
    const back = await cli(['report', '--diff', newF, oldF]);
    expect(back.code, back.stderr).to.equal(0);
    expect(back.stdout).to.match(/FIXED\s+SAMLCore-3\.2\.2\.2-version-mismatch\s+FAIL → PASS/);
    expect(back.stdout).to.contain('0 new failures');
  });

  it('run --rerun-failed runs only what failed, errored or was blocked', async () => {
    const dir = tmp('rerun');
    const r = await cli([
      'run',
      '--fault',
      'ignore-version',
      '--rerun-failed',
      path.join(faulty, 'conformance.json'),
      '--report-dir',
      dir,
    ]);
    expect(r.code, r.stderr).to.equal(1);
    const failed = read(faulty).results.filter((x) =>
      ['FAIL', 'WARN', 'ERROR', 'BLOCKED'].includes(x.outcome),
    );
    expect(failed.length).to.be.at.least(1);
    expect(
      read(dir)
        .results.map((x) => x.id)
        .sort(),
    ).to.deep.equal(failed.map((x) => x.id).sort());
  });
});
