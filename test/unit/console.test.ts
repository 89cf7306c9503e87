/**
 * The console: a progress line per check with running counts, colour only on a terminal (never with
 * NO_COLOR, never into a pipe), each FAIL with the path of its evidence and of report.html, "1 check".
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { colorEnabled, plural, Progress } from '../../src/harness/reporting/console';
import { formatConsoleSummary, summarize } from '../../src/harness/reporting/summary';
import { exitCodeOf } from '../../src/harness/runner';
import type { CheckResult, Outcome, RunReport } from '../../src/harness/types';
import { ROOT } from '../fixtures-build/responses';

const ESC = '\u001b[';

function result(id: string, outcome: Outcome, over: Partial<CheckResult> = {}): CheckResult {
  return {
    id,
    title: `title of ${id}`,
    profile: 'saml-web-sso',
    family: 'response',
    level: 'MUST',
    requirements: ['SAMLCore-3.2.1'],
    outcome,
    message: outcome === 'PASS' ? 'conformant' : 'SAMLCore-3.2.1: expected refused, got Success',
    durationMs: 1,
    evidence: outcome === 'PASS' ? [] : [`evidence/${id}/01-get-sso.txt`],
    ...over,
  };
}

function report(results: CheckResult[]): RunReport {
  return {
    schemaVersion: 2,
    harness: { name: 'idp-conformance', version: '0.1.0', node: 'v20' },
    target: { name: 'acme' },
    profiles: ['saml-web-sso'],
    startedAt: '2030-01-01T00:00:00.000Z',
    durationMs: 1000,
    strict: false,
    summary: summarize(results),
    results,
    exitCode: exitCodeOf(results),
  };
}

describe('console', () => {
  it('colour: on a TTY only; NO_COLOR wins; FORCE_COLOR forces; TERM=dumb is plain', () => {
    expect(colorEnabled({ isTTY: true }, {})).to.equal(true);
    expect(colorEnabled({ isTTY: false }, {})).to.equal(false);
    expect(colorEnabled({}, { CI: 'true' })).to.equal(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).to.equal(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' })).to.equal(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).to.equal(true);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '0' })).to.equal(false);
    expect(colorEnabled({ isTTY: true }, { TERM: 'dumb' })).to.equal(false);
  });

  it('plural agrees with the number', () => {
    expect([0, 1, 2].map((n) => plural(n, 'check'))).to.deep.equal(['0 checks', '1 check', '2 checks']);
  });

  it('a progress line per check: n/total, the outcome, the running counts; a FAIL says where its evidence is', () => {
    const p = new Progress({ reportDir: path.join('reports', 'x'), total: 3 });
    expect(p.line(result('A-1-a', 'PASS'))).to.equal('  1/3 PASS    A-1-a  [1 pass]');
    const fail = p.line(result('A-2-b', 'FAIL')).split('\n');
    expect(fail[0]).to.equal(
      '  2/3 FAIL    A-2-b  SAMLCore-3.2.1: expected refused, got Success  [1 pass, 1 fail]',
    );
    expect(fail[1]).to.equal(`      evidence: ${path.join('reports', 'x', 'evidence', 'A-2-b')}${path.sep}`);
    expect(p.line(result('A-3-c', 'NOT_APPLICABLE', { message: 'no spAdmin' }))).to.equal(
      '  3/3 N/A     A-3-c  no spAdmin  [1 pass, 1 fail, 1 n/a]',
    );
    expect(new Progress({ color: true }).line(result('A-1-a', 'PASS'))).to.include(`${ESC}32m`);
    expect(new Progress().line(result('A-1-a', 'FAIL'))).to.not.include(ESC);
  });

  it('the summary: "1 check", each FAIL with its evidence folder and its anchor in report.html', () => {
    const one = formatConsoleSummary(report([result('A-1-a', 'PASS')]), { reportDir: 'reports' });
    expect(one.split('\n')[0]).to.include('acme: 1 check in 1.0 s');
    const text = formatConsoleSummary(report([result('A-1-a', 'PASS'), result('A-2-b', 'FAIL')]), {
      reportDir: 'reports',
    });
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('FAIL'));
    expect(lines[at + 1]).to.equal(
      `       evidence: ${path.join('reports', 'evidence', 'A-2-b')}${path.sep}  report: ${path.join('reports', 'report.html')}#check-A-2-b`,
    );
    expect(text).to.include(`Reports: ${path.join('reports', 'report.html')}  `);
    expect(text).to.include('2 checks in');
  });

  describe('the CLI', function () {
    this.timeout(60_000);
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idpc-console-'))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const run = (env: Record<string, string>) =>
      spawnSync(
        process.execPath,
        [
          path.join(ROOT, 'bin', 'idp-conformance.js'),
          'run',
          '--grep',
          'SAMLCore-3.2.1',
          '--fault',
          'ignore-destination',
          '--report-dir',
          dir,
        ],
        { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env } },
      );

    it('into a pipe: plain text, progress with counts, the FAIL with its evidence and report.html', () => {
      const r = run({});
      expect(r.status, r.stderr).to.equal(1);
      expect(r.stdout).to.not.include(ESC);
      expect(r.stdout).to.match(/^ {2}1\/1 FAIL {4}SAMLCore-3\.2\.1-destination-mismatch .*\[1 fail\]$/m);
      expect(r.stdout).to.include(
        `evidence: ${path.join(dir, 'evidence', 'SAMLCore-3.2.1-destination-mismatch')}`,
      );
      expect(r.stdout).to.include(
        `report: ${path.join(dir, 'report.html')}#check-SAMLCore-3_2_1-destination-mismatch`,
      );
      expect(r.stdout).to.include('reference-idp: 1 check in');
    });

    it('colour when forced (as on a TTY), none with NO_COLOR', () => {
      expect(run({ FORCE_COLOR: '1' }).stdout).to.include(`${ESC}31m`);
      expect(run({ FORCE_COLOR: '1', NO_COLOR: '1' }).stdout).to.not.include(ESC);
    });
  });
});
