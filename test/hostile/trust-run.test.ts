/**
 * Verdicts you can trust (issue 9, items 1, 3, 4): the CLI, run as a child process against the
 * scriptable hostile IdP, for targets that stop answering (liveness), setup mistakes (preflight) and
 * one root cause behind many failures (BLOCKED).
 *
 * - An IdP killed mid-run: exit 2, no PASS after the check during which it died, the remaining checks
 *   ERROR "not run: the target stopped answering during <check>", conformance.json says why.
 * - An IdP that stops answering (every socket left open): exit 2 within 3 × exchangeMs after the
 *   preflight.
 * - Wrong password, an SP the IdP does not know, HTML metadata...: exit 2 with a one-line diagnosis.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startHostileIdp, type HostileIdpOptions, type HostileMode } from './hostile-idp';

function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'bin', 'idp-conformance.js'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`bin/idp-conformance.js not found above ${__dirname}`);
  }
}

const ROOT = repoRoot();
const BIN = path.join(ROOT, 'bin', 'idp-conformance.js');
const GREP = 'saml-web-sso · Response|SDP-IDP02-redirect-login';
const EXCHANGE_MS = 2000;
const KEEP = process.env.IDPC_HOSTILE_KEEP === '1';

interface Result {
  id: string;
  outcome: string;
  message: string;
  blockedBy?: string;
}
interface Report {
  exitCode: number;
  summary: Record<string, number>;
  results: Result[];
  stopped?: { reason: string };
  preflight?: { profile: string; ok: boolean; diagnosis?: string }[];
}
interface Run {
  code: number | null;
  ms: number;
  stdout: string;
  stderr: string;
  report?: Report;
  /** ms from spawn to the "preflight passed" line of the last profile (undefined: never printed). */
  preflightDoneMs?: number;
  dir: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function runAgainst(
  mode: HostileMode,
  options: HostileIdpOptions,
  extra: { password?: string; args?: string[]; grep?: string } = {},
): Promise<Run> {
  const idp = await startHostileIdp(mode, options);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'idpc-trust-'));
  try {
    const q = (s: string) => JSON.stringify(s);
    const target = path.join(dir, 'target.yaml');
    writeFileSync(
      target,
      [
        'name: trust-run',
        'profiles: [saml-web-sso]',
        'idp:',
        `  metadata: ${q(idp.metadataUrl)}`,
        'gateway:',
        '  entityId: https://gateway.test/sp',
        `  acsUrl: ${q(`http://127.0.0.1:${await freePort()}/acs`)}`,
        'login:',
        `  form: { username: alice, password: ${q(extra.password ?? 'alice-pass')} }`,
        `timeouts: { exchangeMs: ${EXCHANGE_MS} }`,
        'capabilities: { tokenAdmin: false, userAdmin: false, settingsAdmin: false, spAdmin: false, otherTenant: false }',
        '',
      ].join('\n'),
    );
    const reportDir = path.join(dir, 'report');
    const t0 = Date.now();
    const child = spawn(
      process.execPath,
      [
        BIN,
        'run',
        '--target',
        target,
        '--report-dir',
        reportDir,
        '--grep',
        extra.grep ?? GREP,
        ...(extra.args ?? []),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let preflightDoneMs: number | undefined;
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (/preflight .*: passed/.test(stdout) && preflightDoneMs === undefined)
        preflightDoneMs = Date.now() - t0;
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(timer);
    const run: Run = { code, ms: Date.now() - t0, stdout, stderr, dir, preflightDoneMs };
    const file = path.join(reportDir, 'conformance.json');
    if (existsSync(file)) run.report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    return run;
  } finally {
    await idp.close();
    if (!KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

const show = (r: Run) =>
  `exit ${r.code} in ${r.ms} ms\n--- stderr ---\n${r.stderr}\n--- stdout ---\n${r.stdout}`;

describe('verdicts you can trust: liveness, preflight, root causes (CLI against the hostile IdP)', function () {
  this.timeout(120_000);

  describe('liveness: the IdP dies mid-run (connections refused)', function () {
    let run: Run;
    before(async () => {
      run = await runAgainst('honest', { dieAfterRequests: 5 });
    });

    it('exits 2 and writes conformance.json saying the target stopped answering', () => {
      expect(run.code, show(run)).to.equal(2);
      expect(run.report, show(run)).to.not.equal(undefined);
      expect(run.report!.exitCode).to.equal(2);
      expect(run.report!.stopped?.reason, show(run)).to.match(/^the target stopped answering during \S+/);
      expect(run.stdout).to.match(/The run stopped: the target stopped answering during/);
    });

    it('no check PASSes from the check during which the IdP died on; the rest are "not run"', () => {
      const results = run.report!.results;
      const during = /during (\S+)/.exec(run.report!.stopped!.reason)![1];
      const at = results.findIndex((r) => r.id === during);
      expect(at, `${during} in the results`).to.be.at.least(0);
      const after = results.slice(at);
      expect(after.filter((r) => r.outcome === 'PASS').map((r) => r.id)).to.deep.equal([]);
      expect(after.filter((r) => r.outcome === 'FAIL').map((r) => r.id)).to.deep.equal([]);
      for (const r of results.slice(at + 1)) {
        expect(r.outcome, r.id).to.equal('ERROR');
        expect(r.message).to.match(/^not run: the target stopped answering during /);
      }
    });

    it('no message carries a stack frame', () => {
      for (const r of run.report!.results) expect(r.message, r.id).to.not.match(/\bat \S+ \(|\.js:\d+:\d+/);
      expect(run.stderr).to.not.match(/\n\s+at /);
    });
  });

  describe('preflight: the metadata URL serves no IdP metadata → exit 2, one line with what came back and the fix', function () {
    const cases: [NonNullable<HostileIdpOptions['metadataAs']>, RegExp][] = [
      [
        'html',
        /answered an HTML page \(text\/html\) titled "Welcome": "Acme portal Please sign in\.", not SAML metadata/,
      ],
      ['not-found', /answered HTTP 404: "not found"/],
      ['no-idp-descriptor', /without an md:IDPSSODescriptor/],
    ];
    for (const [metadataAs, what] of cases) {
      it(`metadata ${metadataAs}`, async () => {
        const run = await runAgainst('honest', { metadataAs });
        expect(run.code, show(run)).to.equal(2);
        const lines = run.stderr.trim().split('\n');
        expect(lines, show(run)).to.have.length(1);
        expect(lines[0]).to.match(
          /^idp-conformance: ERR_METADATA: idp\.metadata: http:\/\/127\.0\.0\.1:\d+\/metadata /,
        );
        expect(lines[0]).to.match(what);
        expect(lines[0]).to.match(
          / — point idp\.metadata at the IdP's SAML 2\.0 metadata document|— point it at the IdP's SAML 2\.0 metadata/,
        );
        expect(run.stdout, show(run)).to.not.match(/\bFAIL\b|\bPASS\b/);
      });
    }

    it('--no-preflight: the raw run judges the HTML as metadata (the metadata check FAILs)', async () => {
      const run = await runAgainst(
        'honest',
        { metadataAs: 'html' },
        {
          args: ['--no-preflight'],
          grep: 'SAMLMeta-2.4.3',
        },
      );
      expect(run.code, show(run)).to.equal(1);
      const r = run.report!.results.find((x) => x.id === 'SAMLMeta-2.4.3-idpsso-post-endpoint');
      expect(r?.outcome, show(run)).to.equal('FAIL');
    });
  });
});
