import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exitCodeOf } from '../../src/harness/runner';
import { expiredExpectations } from '../../src/harness/reporting/expectations';
import { junitXml } from '../../src/harness/reporting/junit';
import { formatConsoleSummary } from '../../src/harness/reporting/summary';
import type { CheckResult, RunReport } from '../../src/harness/types';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'idp-conformance.js');

/** A target whose expectations file is `entries`; its IdP is never reached (the file is checked first). */
function target(entries: unknown): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'idpc-exp-'));
  writeFileSync(path.join(dir, 'x.expectations.json'), JSON.stringify(entries));
  const f = path.join(dir, 'x.yaml');
  writeFileSync(
    f,
    `name: x
profiles: [saml-web-sso]
idp:
  metadata: http://127.0.0.1:1/metadata
gateway:
  entityId: https://gateway.test/sp
  acsUrl: http://127.0.0.1:7499/acs
expectations: x.expectations.json
`,
  );
  return f;
}

function run(file: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'idpc-exp-r-'));
  const r = spawnSync(process.execPath, [BIN, 'run', '--target', file, '--report-dir', dir], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stderr: r.stderr.trim() };
}

const pass = (id: string, unexpectedPass = false): CheckResult => ({
  id,
  title: id,
  profile: 'saml-web-sso',
  family: 'response',
  level: 'MUST',
  requirements: ['SDP-IDP09'],
  outcome: 'PASS',
  message: 'conformant',
  durationMs: 1,
  evidence: [],
  ...(unexpectedPass ? { expectation: { expect: 'FAIL', reason: 'bug 12', unexpectedPass: true } } : {}),
});

describe('expectations are checked', function () {
  this.timeout(60_000);

  it('an unknown check ID is exit 2 naming the entry, before anything runs', () => {
    const r = run(target({ 'SDP-IDP09-signed-respnse': { expect: 'FAIL', reason: 'typo' } }));
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr.split('\n'), r.stderr).to.have.length(1);
    expect(r.stderr).to.match(
      /^idp-conformance: ERR_CONFIG_INVALID: expectations\[SDP-IDP09-signed-respnse\]: no such check in .*x\.expectations\.json — /,
    );
  });

  it('an ID of the other profile is known (the catalogue is every profile)', () => {
    const r = run(target({ 'DT-TOK-03-unknown-token': { expect: 'FAIL', reason: 'bug 7' } }));
    // Gets past the expectations check: fails on the unreachable metadata instead.
    expect(r.code).to.equal(2);
    expect(r.stderr).not.to.contain('no such check');
    expect(r.stderr).to.contain('idp.metadata');
  });

  it('a bad expect is exit 2 naming the entry', () => {
    const r = run(target({ 'SDP-IDP09-signed-response': { expect: 'PASS', reason: 'why not' } }));
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr.split('\n')).to.have.length(1);
    expect(r.stderr).to.contain('expectations[SDP-IDP09-signed-response].expect');
  });

  it('an entry past its until is reported', () => {
    const exp = {
      a: { expect: 'FAIL' as const, reason: 'old bug', until: '2020-01-01' },
      b: { expect: 'FAIL' as const, reason: 'current', until: '2999-01-01' },
    };
    const expired = expiredExpectations(exp, new Date('2026-01-02T00:00:00Z'));
    expect(expired).to.deep.equal([{ id: 'a', until: '2020-01-01', reason: 'old bug' }]);
    const report = {
      target: { name: 't' },
      results: [pass('a')],
      summary: { PASS: 1, FAIL: 0, WARN: 0, NOT_APPLICABLE: 0, KNOWN: 0, ERROR: 0 },
      durationMs: 1,
      strict: false,
      exitCode: 0,
      expectations: { expired, unexpectedPasses: [] },
    } as unknown as RunReport;
    expect(formatConsoleSummary(report)).to.match(
      /EXPIRED\s+a\s+the expectation ended 2020-01-01 \(old bug\)/,
    );
  });

  it('--strict: an unexpected pass (XPASS) fails the run, and junit.xml shows it', () => {
    const results = [pass('a'), pass('b', true)];
    expect(exitCodeOf(results, false)).to.equal(0);
    expect(exitCodeOf(results, true)).to.equal(1);
    const report = {
      target: { name: 't' },
      results,
      summary: { PASS: 2, FAIL: 0, WARN: 0, NOT_APPLICABLE: 0, KNOWN: 0, ERROR: 0 },
      startedAt: '2026-01-01T00:00:00Z',
      durationMs: 1,
      strict: true,
      exitCode: 1,
      profiles: ['saml-web-sso'],
    } as unknown as RunReport;
    const xml = junitXml(report);
    expect(xml).to.match(/<failure message="XPASS: UNEXPECTED PASS[^"]*" type="XPASS">/);
    expect(xml).to.match(/<testsuites [^>]*failures="1"/);
    expect(formatConsoleSummary(report)).to.contain('XPASS');
    expect(formatConsoleSummary(report)).to.contain('update the expectations file');
    expect(junitXml({ ...report, strict: false })).not.to.contain('XPASS');
  });
});
