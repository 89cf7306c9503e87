/**
 * Real IdPs, not only our own: the saml-web-sso profile against SimpleSAMLphp (native and in a
 * container through testcontainers), samlify and samlp. Each run must have no ERROR and no FAIL
 * outside its expectations file; the comparison matrix is generated from the runs.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunReport } from '../../src/harness/types';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'idp-conformance.js');
const OUT = path.join(ROOT, 'reports', 'interop');

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Why a target cannot run here, or undefined when it can. */
function unavailable(target: string): string | undefined {
  if (target.startsWith('simplesamlphp') && !target.includes('container')) {
    if (!existsSync('/usr/share/simplesamlphp/www') || !has('php')) {
      return 'SimpleSAMLphp is not installed (bash fixtures/targets/simplesamlphp/install.sh)';
    }
  }
  if (target.includes('container')) {
    if (existsSync('/tmp/idpc-docker-unavailable'))
      return readFileSync('/tmp/idpc-docker-unavailable', 'utf8').trim();
    if (spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0)
      return 'no Docker engine answers `docker info`';
    if (spawnSync('docker', ['image', 'inspect', 'local/ssp-idp:1'], { stdio: 'ignore' }).status !== 0) {
      return 'the image local/ssp-idp:1 is not built (bash .ci/docker.sh)';
    }
  }
  return undefined;
}

const TARGETS = [
  'simplesamlphp',
  'simplesamlphp-assertion-only',
  'simplesamlphp-sha512',
  'simplesamlphp-encrypted',
  'simplesamlphp-slo',
  'simplesamlphp-container',
  'samlify',
  'samlp',
];

/**
 * Targets run with a --grep: the encryption variant differs from simplesamlphp.yaml only in the entity
 * with an encryption key, so only the checks of encrypted assertions run (its expectations file still
 * covers a full run). Each with the fewest checks its run must have.
 */
const SELECTED: Record<string, { grep: string; min: number }> = {
  'simplesamlphp-encrypted': { grep: 'SDP-IDP11|SDP-ALG01', min: 5 },
};
const ran: string[] = [];

describe('real IdPs (saml-web-sso)', function () {
  this.timeout(600_000);

  for (const target of TARGETS) {
    it(`${target}: no ERROR and no FAIL outside its expectations file`, function () {
      const file = path.join(ROOT, 'fixtures', 'targets', `${target}.yaml`);
      if (!existsSync(file)) this.skip();
      const why = unavailable(target);
      if (why) {
        // Visible, never silent: the reason goes to the test output.
        console.log(`      ${target} skipped: ${why}`);
        this.skip();
      }
      const dir = path.join(OUT, target);
      const t0 = Date.now();
      const r = spawnSync(
        process.execPath,
        [
          BIN,
          'run',
          '--target',
          file,
          '--profile',
          'saml-web-sso',
          ...(SELECTED[target] ? ['--grep', SELECTED[target].grep] : []),
          '--report-dir',
          dir,
        ],
        {
          cwd: ROOT,
          encoding: 'utf8',
          timeout: 540_000,
        },
      );
      const json = path.join(dir, 'conformance.json');
      if (!existsSync(json)) {
        // The run wrote no report (the target did not start, ...): say what the CLI said, not ENOENT.
        const said = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-8).join('\n');
        expect.fail(
          `${target}: the run wrote no conformance.json (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${said}`,
        );
      }
      const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
      const bad = report.results.filter((x) => x.outcome === 'FAIL' || x.outcome === 'ERROR');
      const s = report.summary;
      console.log(
        `      ${target}: ${report.results.length} checks in ${((Date.now() - t0) / 1000).toFixed(1)} s — ` +
          `PASS ${s.PASS} FAIL ${s.FAIL} WARN ${s.WARN} N/A ${s.NOT_APPLICABLE} KNOWN ${s.KNOWN} ERROR ${s.ERROR}`,
      );
      expect(
        bad.map((x) => `${x.outcome} ${x.id}: ${x.message}`),
        r.stderr,
      ).to.deep.equal([]);
      expect(r.status, r.stderr).to.equal(0);
      expect(report.results.length).to.be.at.least(SELECTED[target]?.min ?? 40);
      ran.push(path.join(dir, 'conformance.json'));
    });
  }

  it('the comparison matrix is generated from those runs', function () {
    if (ran.length === 0) this.skip();
    const r = spawnSync(process.execPath, [BIN, 'report', '--matrix', ...ran, '--report-dir', OUT], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).to.equal(0);
    const md = readFileSync(path.join(OUT, 'matrix.md'), 'utf8');
    const html = readFileSync(path.join(OUT, 'matrix.html'), 'utf8');
    for (const f of ran) {
      const name = (JSON.parse(readFileSync(f, 'utf8')) as RunReport).target.name;
      expect(md).to.contain(name);
      expect(html).to.contain(name);
    }
    expect(md).to.match(/\| `SDP-IDP09-response-signed` \|/);
    expect(html).to.match(/^<!doctype html>/);
  });
});
