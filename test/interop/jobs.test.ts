/**
 * `--jobs N` changes how long a run takes, never what it says: the same checks, in the same order, with
 * the same outcomes and messages as `--jobs 1` — against the reference IdP as an external process (both
 * profiles: the device-token tenant settings, key rollover, token limit, throttling and provisioning
 * checks declare their IdP state and run alone among their profile, beside saml-web-sso checks; the
 * logout checks run alone among theirs) and against the embedded one with faults that those exclusive
 * checks exist to catch.
 */
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunReport } from '../../src/harness/types';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'idp-conformance.js');
const FAULTS = [
  'jit-ignores-setting',
  'ignore-allowed-domains',
  'sp-certs-accumulate',
  'token-limit-unenforced',
  'duplicate-user-on-race',
  'throttle-per-tenant',
  'throttle-success-no-reset',
];

function run(args: string[], reportDir: string): { code: number | null; report: RunReport } {
  const r = spawnSync(process.execPath, [BIN, 'run', ...args, '--report-dir', reportDir], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  const report = JSON.parse(readFileSync(path.join(reportDir, 'conformance.json'), 'utf8')) as RunReport;
  return { code: r.status, report };
}

/**
 * What a run says, check by check, in order — fresh random names and counts aside (the race fault
 * duplicates a user a varying number of times, with --jobs 1 too).
 */
function verdicts(r: RunReport): string[] {
  return r.results.map((x) => `${x.id} ${x.outcome} ${x.message.replace(/\b[0-9a-f]{8,}\b|\d+/g, '#')}`);
}

/** The reference IdP as its own process, with a target YAML for it; killed after the test. */
async function startExternal(target: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'reference-idp', '--port', '0', '--write-target', target], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('\n')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`reference-idp exited ${code}`)));
  });
  return child;
}

describe('--jobs N gives the verdicts of --jobs 1', function () {
  this.timeout(600_000);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'idpc-jobs-'));
  const children: ChildProcess[] = [];

  after(() => {
    for (const c of children) c.kill('SIGTERM');
  });

  it('against the reference IdP as an external process (both profiles)', async () => {
    // One IdP process per run: a second run inside the first one's 30 s throttling window would see
    // the guessing address locked from before (DT-TOK-11), whatever --jobs is.
    const ran: ReturnType<typeof run>[] = [];
    for (const jobs of ['1', '4']) {
      const target = path.join(tmp, `target-${jobs}.yaml`);
      children.push(await startExternal(target));
      const args = ['--target', target, '--jobs', jobs];
      ran.push(run(args, path.join(tmp, `ext-${jobs}`)));
    }
    const [one, four] = ran as [ReturnType<typeof run>, ReturnType<typeof run>];
    expect(one.report.results.length).to.be.greaterThan(150);
    expect(verdicts(four.report)).to.deep.equal(verdicts(one.report));
    expect(four.code).to.equal(one.code);
  });
  it('against the embedded reference IdP with the faults the exclusive checks catch', () => {
    const args = FAULTS.flatMap((f) => ['--fault', f]);
    const one = run([...args, '--jobs', '1'], path.join(tmp, 'faults-1'));
    const four = run([...args, '--jobs', '4'], path.join(tmp, 'faults-4'));
    // FAIL, or WARN for DT-TOK-11 (a SHOULD)
    const failed = one.report.results.filter((r) => ['FAIL', 'WARN'].includes(r.outcome)).map((r) => r.id);
    for (const id of [
      'DT-PROV-05-jit-off',
      'DT-PROV-07-domain-not-allowed',
      'DT-SIG-08-key-rollover',
      'DT-TOK-11-throttling',
    ])
      expect(failed).to.include(id);
    expect(verdicts(four.report)).to.deep.equal(verdicts(one.report));
    expect(four.code).to.equal(one.code);
  });
});
