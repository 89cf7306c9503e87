import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'idp-conformance.js');
const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('replay one check', function () {
  this.timeout(180_000);
  const CHECK = 'SAMLCore-3.2.1-destination-mismatch';

  it("reproduces a failing check's verdict against a reference-IdP fault, exchange beside exchange", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'idpc-replay-'));
    const run = cli([
      'run',
      '--fault',
      'ignore-destination',
      '--profile',
      'saml-web-sso',
      '--grep',
      'SAMLCore-3.2.1',
      '--report-dir',
      dir,
    ]);
    expect(run.code, run.stderr).to.equal(1);
    const r = cli(['replay', dir, CHECK]);
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout).to.contain('(faults: ignore-destination)');
    expect(r.stdout).to.match(/recorded\s+replayed/);
    expect(r.stdout).to.match(/GET \/t\/web\/sso → 200\s+GET \/t\/web\/sso → 200/);
    expect(r.stdout).to.match(/^recorded: FAIL /m);
    expect(r.stdout).to.match(/^replayed: FAIL /m);
    expect(r.stdout).to.contain('Reproduced: FAIL again');
  });

  it('an unknown check or a missing report is exit 2 with one line', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'idpc-replay-none-'));
    const r = cli(['replay', dir, CHECK]);
    expect(r.code).to.equal(2);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/^idp-conformance: ERR_USAGE: replay: cannot read /);
    const u = cli(['replay']);
    expect(u.code).to.equal(2);
    expect(u.stderr).to.match(/^idp-conformance: ERR_USAGE: replay needs <report-dir> <check-id>/);
  });
});
