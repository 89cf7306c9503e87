import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'idp-conformance.js');

/** Starts `run`, waits for `after` progress lines, sends `signal`; resolves with the exit and output. */
function interruptedRun(
  reportDir: string,
  signal: NodeJS.Signals,
  after: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [BIN, 'run', '--profile', 'saml-web-sso', '--report-dir', reportDir],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      const lines = stdout
        .split('\n')
        // Progress lines: `  12/74 PASS    <id>  [12 pass]`.
        .filter((l) => /^\s+\d+(?:\/\d+)? (PASS|FAIL|WARN|ERROR|KNOWN|N\/A|BLOCKED)\s/.test(l));
      if (!sent && lines.length >= after) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The previous run's verdict: green files a CI would read if they survived. */
function seedGreen(dir: string): void {
  writeFileSync(
    path.join(dir, 'conformance.json'),
    JSON.stringify({ summary: { PASS: 99, FAIL: 0, ERROR: 0 }, results: [], exitCode: 0 }),
  );
  writeFileSync(path.join(dir, 'junit.xml'), '<testsuites tests="99" failures="0" errors="0"/>\n');
  writeFileSync(path.join(dir, 'report.html'), '<p>all green</p>\n');
}

function expectNoGreen(dir: string, exitCode: number): void {
  const json = path.join(dir, 'conformance.json');
  if (existsSync(json)) {
    const r = JSON.parse(readFileSync(json, 'utf8')) as { interrupted?: boolean; exitCode: number };
    expect(r.interrupted).to.equal(true);
    expect(r.exitCode).to.equal(exitCode);
  }
  const junit = path.join(dir, 'junit.xml');
  if (existsSync(junit)) {
    const xml = readFileSync(junit, 'utf8');
    expect(xml).to.match(/<error [^>]*type="INTERRUPTED"/);
    expect(xml).not.to.contain('tests="99"');
  }
  const html = path.join(dir, 'report.html');
  if (existsSync(html)) expect(readFileSync(html, 'utf8')).not.to.contain('all green');
}

describe('interrupted runs are never green', function () {
  this.timeout(120_000);

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`${signal} mid-run: exit ${code}, one line, and the reports say interrupted`, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'idpc-interrupt-'));
      seedGreen(dir);
      const r = await interruptedRun(dir, signal, 3);
      expect(r.code, r.stderr).to.equal(code);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).to.have.length(1);
      expect(lines[0]).to.match(
        new RegExp(`^idp-conformance: ERR_INTERRUPTED: interrupted by ${signal} after \\d+ checks?: `),
      );
      expectNoGreen(dir, code);
      // This run was interrupted after checks had results: it wrote its own, marked, reports.
      expect(existsSync(path.join(dir, 'conformance.json'))).to.equal(true);
      const report = JSON.parse(readFileSync(path.join(dir, 'conformance.json'), 'utf8')) as {
        results: unknown[];
        stopped: { reason: string };
      };
      expect(report.results.length).to.be.at.least(3);
      expect(report.stopped.reason).to.contain(signal);
    });
  }
});
