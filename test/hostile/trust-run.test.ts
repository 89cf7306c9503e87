/**
 * Verdicts you can trust (issue 9, items 1, 3, 4): the CLI, run as a child process against the
 * scriptable hostile IdP, for targets that stop answering (liveness), setup mistakes (preflight) and
 * one root cause behind many failures (BLOCKED).
 *
 * - An IdP killed mid-run (the hostile IdP, and the reference IdP's fault dies-mid-run): exit 2, no
 *   PASS from a check whose work ended after the death, earlier verdicts kept, the remaining checks
 *   ERROR "not run: the target stopped answering during <check>", conformance.json says why — with
 *   --jobs 1 and --jobs 2 alike.
 * - An IdP that stops answering (every socket left open): exit 2 within 3 × exchangeMs after the
 *   preflight.
 * - Wrong password, an SP the IdP does not know, HTML metadata...: exit 2 with a one-line diagnosis.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startHostileIdp, type HostileIdpOptions, type HostileMode } from './hostile-idp';
import { startReferenceIdp } from '../../src/reference-idp';

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
  blocks?: string[];
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
  /** The text files of evidence/preflight-metadata/ (what the metadata URL answered), when written. */
  metadataEvidence?: string;
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

interface Extra {
  password?: string;
  args?: string[];
  grep?: string;
  entityId?: string;
}

async function runAgainst(mode: HostileMode, options: HostileIdpOptions, extra: Extra = {}): Promise<Run> {
  const idp = await startHostileIdp(mode, options);
  try {
    return await runCliAt(idp.metadataUrl, extra);
  } finally {
    await idp.close();
  }
}

/** The CLI `run` against the IdP whose metadata is at metadataUrl (saml-web-sso, spAdmin off). */
async function runCliAt(metadataUrl: string, extra: Extra = {}): Promise<Run> {
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
        `  metadata: ${q(metadataUrl)}`,
        'gateway:',
        `  entityId: ${q(extra.entityId ?? 'https://gateway.test/sp')}`,
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
    const mdDir = path.join(reportDir, 'evidence', 'preflight-metadata');
    if (existsSync(mdDir))
      run.metadataEvidence = readdirSync(mdDir)
        .filter((f) => f.endsWith('.txt'))
        .sort()
        .map((f) => readFileSync(path.join(mdDir, f), 'utf8'))
        .join('\n');
    return run;
  } finally {
    if (!KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

/** The CLI `run` against the embedded reference IdP (with --fault …). */
async function runEmbedded(args: string[]): Promise<Run> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'idpc-trust-'));
  try {
    const reportDir = path.join(dir, 'report');
    const t0 = Date.now();
    const child = spawn(process.execPath, [BIN, 'run', '--report-dir', reportDir, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    const run: Run = { code, ms: Date.now() - t0, stdout, stderr, dir };
    const file = path.join(reportDir, 'conformance.json');
    if (existsSync(file)) run.report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    return run;
  } finally {
    if (!KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

const show = (r: Run) =>
  `exit ${r.code} in ${r.ms} ms\n--- stderr ---\n${r.stderr}\n--- stdout ---\n${r.stdout}`;

describe('verdicts you can trust: liveness, preflight, root causes (CLI against the hostile IdP)', function () {
  this.timeout(120_000);

  // Liveness does not depend on --jobs: a check whose work ended before the target was found gone keeps
  // its verdict (with 2, also when it is reported after the death); one in flight then or started later
  // is "not run" — exactly as with 1.
  for (const jobs of [1, 2]) {
    describe(`liveness: the IdP dies mid-run (connections refused), --jobs ${jobs}`, function () {
      let run: Run;
      before(async () => {
        run = await runAgainst('honest', { dieAfterRequests: 5 }, { args: ['--jobs', String(jobs)] });
      });

      it('exits 2 and writes conformance.json saying the target stopped answering', () => {
        expect(run.code, show(run)).to.equal(2);
        expect(run.report, show(run)).to.not.equal(undefined);
        expect(run.report!.exitCode).to.equal(2);
        expect(run.report!.stopped?.reason, show(run)).to.match(/^the target stopped answering during \S+/);
        expect(run.stdout).to.match(/The run stopped: the target stopped answering during/);
      });

      it('no check PASSes from the check during which the IdP died on (but one judged ahead of mocha before the death); every later one is "not run"', () => {
        const results = run.report!.results;
        const during = /during (\S+)/.exec(run.report!.stopped!.reason)![1];
        const at = results.findIndex((r) => r.id === during);
        expect(at, `${during} in the results`).to.be.at.least(0);
        expect(results[at]!.outcome).to.equal('ERROR');
        expect(
          results
            .slice(at)
            .filter((r) => r.outcome === 'FAIL')
            .map((r) => r.id),
        ).to.deep.equal([]);
        expect(results.length - at - 1, 'checks after it').to.be.greaterThan(0);
        // --jobs 2: a check the pool judged ahead of mocha (within its window) before the death keeps it
        const window = jobs === 1 ? 0 : 2 * jobs + 2;
        results.slice(at + 1).forEach((r, i) => {
          if (r.outcome === 'PASS' && i < window) return;
          expect(r.outcome, r.id).to.equal('ERROR');
          expect(r.message, r.id).to.match(
            new RegExp(`^not run: the target stopped answering during ${during} `),
          );
        });
      });

      it('no message carries a stack frame', () => {
        for (const r of run.report!.results) expect(r.message, r.id).to.not.match(/\bat \S+ \(|\.js:\d+:\d+/);
        expect(run.stderr).to.not.match(/\n\s+at /);
      });
    });
  }

  // The reference IdP's fault dies-mid-run (it closes its server after 40 requests, a few checks into
  // the web profile): the earlier checks keep their PASS — under --jobs 2 also those judged ahead of
  // mocha and reported after the death —, no check whose work ended after the death PASSes, and nothing
  // is a FAIL blamed on the IdP.
  for (const jobs of [1, 2]) {
    describe(`liveness: the reference IdP with fault dies-mid-run, --jobs ${jobs}`, function () {
      let run: Run;
      before(async () => {
        run = await runEmbedded(['--fault', 'dies-mid-run', '--jobs', String(jobs)]);
      });

      it('exits 2; conformance.json and the console say the target stopped answering', () => {
        expect(run.code, show(run)).to.equal(2);
        expect(run.report?.stopped?.reason, show(run)).to.match(/^the target stopped answering during \S+ /);
        expect(run.stdout).to.match(/The run stopped: the target stopped answering during/);
      });

      it('checks before the death keep their PASS; the check it died in and every later one is ERROR naming it; no FAIL', () => {
        const results = run.report!.results;
        const during = /during (\S+)/.exec(run.report!.stopped!.reason)![1]!;
        const at = results.findIndex((r) => r.id === during);
        expect(at, `${during} in the results`).to.be.greaterThan(0);
        expect(results[at]!.outcome).to.equal('ERROR');
        // nothing blamed on the IdP: the faultless part PASSes, the rest is ERROR
        const blamed = results.filter((r) => !['PASS', 'ERROR'].includes(r.outcome));
        expect(blamed.map((r) => `${r.outcome} ${r.id}`)).to.deep.equal([]);
        // every check reported before the one it died in was judged before the death: PASS (--jobs 1), or
        // ERROR "not run" if it was still in flight then (--jobs 2)
        for (const r of results.slice(0, at)) {
          if (r.outcome === 'PASS') continue;
          expect(jobs, `${r.id}: ${r.message}`).to.equal(2);
          expect(r.message, r.id).to.match(
            new RegExp(`^not run: the target stopped answering during ${during} `),
          );
        }
        expect(results.slice(0, at).filter((r) => r.outcome === 'PASS').length).to.be.greaterThan(0);
        // after it: "not run" — but a check the pool had judged ahead of mocha before the death (within
        // its window of 2 × jobs + 2 checks) keeps its verdict
        const window = jobs === 1 ? 0 : 2 * jobs + 2;
        results.slice(at + 1).forEach((r, i) => {
          if (r.outcome === 'PASS' && i < window) return;
          expect(r.outcome, r.id).to.equal('ERROR');
          expect(r.message, r.id).to.match(
            new RegExp(`^not run: the target stopped answering during ${during} `),
          );
        });
        expect(results.length - at - 1, 'checks after it').to.be.greaterThan(50);
      });

      it('no message carries a stack frame', () => {
        for (const r of run.report!.results) expect(r.message, r.id).to.not.match(/\bat \S+ \(|\.js:\d+:\d+/);
      });
    });
  }

  describe('preflight: a failed control login → exit 2 with the diagnosis, no per-check verdict, reports written', function () {
    /** The run stopped before any check, saying why, in the console and in conformance.json. */
    const expectStopped = (run: Run, diagnosis: RegExp) => {
      expect(run.code, show(run)).to.equal(2);
      expect(run.report, show(run)).to.not.equal(undefined);
      const rep = run.report!;
      expect(rep.exitCode).to.equal(2);
      expect(rep.results, 'no per-check verdicts').to.deep.equal([]);
      expect(rep.stopped?.reason, show(run)).to.match(
        /^preflight saml-web-sso: the control login \(HTTP-Redirect login as alice\) failed: /,
      );
      expect(rep.stopped!.reason).to.match(diagnosis);
      expect(rep.preflight?.[0]).to.include({ profile: 'saml-web-sso', ok: false });
      expect(rep.preflight?.[0]?.diagnosis).to.match(diagnosis);
      expect(run.stdout).to.match(/\npreflight saml-web-sso: FAILED — /);
      expect(run.stdout).to.match(/The run stopped: preflight saml-web-sso: /);
      expect(run.stdout, 'no check ran').to.not.match(/^ {2}(PASS|FAIL|WARN|ERROR|BLOCKED) /m);
      expect(run.stderr).to.equal('');
    };

    it('wrong form password: "wrong credentials", quoting the login page shown again', async () => {
      const run = await runAgainst('honest', {}, { password: 'not-the-password' });
      expectStopped(
        run,
        /wrong credentials: .*the IdP showed the login form again ".*Wrong username or password.*" — check login\.form/,
      );
    });

    it('an SP the IdP does not know: its error page, quoted, and "not registered"', async () => {
      const run = await runAgainst('honest', { unknownIssuer: true });
      expectStopped(
        run,
        /with HTTP 403 and no SAMLResponse "Unknown service provider The Issuer https:\/\/gateway\.test\/sp is not registered at this IdP.*" — likely cause: the SP https:\/\/gateway\.test\/sp or its ACS \S+ is not registered at the IdP/,
      );
    });

    it('an SP not registered at the reference IdP (spAdmin off, an entityID it never saw)', async () => {
      const ref = await startReferenceIdp({});
      try {
        const run = await runCliAt(ref.tenants.web.metadataUrl, { entityId: 'https://unregistered.test/sp' });
        expectStopped(
          run,
          /with HTTP 400 and no SAMLResponse ".*unknown Issuer.*" — likely cause: the SP https:\/\/unregistered\.test\/sp or its ACS \S+ is not registered at the IdP/,
        );
      } finally {
        await ref.close();
      }
    });

    it('an error Response after the login: its status and StatusMessage', async () => {
      const run = await runAgainst('honest', { errorStatusAfterLogin: 'RequestDenied' });
      expectStopped(
        run,
        /\(after the form login\) with an error Response: Responder\/RequestDenied, StatusMessage "Access to this application is not allowed for alice" — likely cause: the IdP refuses this SP or this user/,
      );
    });

    it("clock skew: the IdP's clock two hours ahead", async () => {
      const run = await runAgainst('honest', { clockOffsetMs: 2 * 3600_000 });
      expectStopped(
        run,
        /clock skew: the IdP's clock is about 2 h 0 min ahead of this machine's .* sync both clocks \(NTP\)/,
      );
    });

    it('--no-preflight: the same wrong password is the raw run (checks judged, no preflight in the report)', async () => {
      const run = await runAgainst('honest', {}, { password: 'not-the-password', args: ['--no-preflight'] });
      expect(run.report, show(run)).to.not.equal(undefined);
      expect(run.report!.preflight).to.equal(undefined);
      expect(run.report!.results.length).to.be.greaterThan(0);
      expect(run.stdout).to.not.match(/preflight/);
    });
  });

  describe('liveness after the preflight: an IdP that stops answering (sockets left open)', function () {
    let run: Run;
    before(async () => {
      run = await runAgainst('honest', { hangAfterLogins: 1 });
    });

    it(`exits 2 within 3 × exchangeMs (${3 * EXCHANGE_MS} ms) after the preflight passed`, () => {
      expect(run.code, show(run)).to.equal(2);
      expect(run.preflightDoneMs, show(run)).to.not.equal(undefined);
      expect(run.ms - run.preflightDoneMs!, show(run)).to.be.below(3 * EXCHANGE_MS);
      expect(run.report?.stopped?.reason, show(run)).to.match(/^the target stopped answering during \S+/);
      expect(run.report!.results.filter((r) => r.outcome === 'PASS' || r.outcome === 'FAIL')).to.deep.equal(
        [],
      );
    });
  });

  describe('root causes: --fault metadata-weak-key --fault drop-relaystate (one cause, one FAIL)', function () {
    const ARGS = [
      '--fault',
      'metadata-weak-key',
      '--fault',
      'drop-relaystate',
      '--profile',
      'saml-web-sso',
      ...['SDP-MD06', 'SAMLBind-3.5.3', 'SAMLProf-4.1.4.2', 'SAMLProf-4.1.4.5', 'SDP-IDP09'].flatMap((r) => [
        '--requirement',
        r,
      ]),
    ];
    let run: Run;
    let raw: Run;
    before(async () => {
      [run, raw] = await Promise.all([runEmbedded(ARGS), runEmbedded([...ARGS, '--no-preflight'])]);
    });

    it('the weak key FAILs once, the RelayState failures stay visible, everything else that needs the key is BLOCKED by it', () => {
      expect(run.code, show(run)).to.equal(1);
      const results = run.report!.results;
      const fails = results.filter((r) => r.outcome === 'FAIL').map((r) => r.id);
      expect(fails.sort(), show(run)).to.deep.equal(
        [
          'SDP-MD06-key-size',
          'SAMLBind-3.4.3-relaystate-redirect',
          'SAMLBind-3.5.3-relaystate-post',
          'SAMLBind-3.5.3-relaystate-markup',
          'SAMLBind-3.4.3-relaystate-error-response',
        ].sort(),
      );
      for (const r of results.filter((x) => x.id.includes('relaystate')))
        expect(r.message, r.id).to.match(/RelayState: expected .*, got \(absent\)/);
      const blocked = results.filter((r) => r.outcome === 'BLOCKED');
      expect(blocked.length, show(run)).to.be.at.least(8);
      for (const r of blocked) {
        expect(r.blockedBy, r.id).to.equal('SDP-MD06-key-size');
        expect(r.message, r.id).to.match(/^blocked by SDP-MD06-key-size: no usable IdP signing key/);
      }
      const root = results.find((r) => r.id === 'SDP-MD06-key-size')!;
      expect(root.blocks?.sort()).to.deep.equal(blocked.map((r) => r.id).sort());
      expect(
        results.filter((r) => r.outcome !== 'PASS' && r.outcome !== 'FAIL' && r.outcome !== 'BLOCKED'),
      ).to.deep.equal([]);
      expect(
        results.some((r) => r.outcome === 'FAIL' && /S-13/.test(r.message)),
        'no copy of the S-13 failure',
      ).to.equal(false);
      expect(run.stdout).to.match(
        /FAIL\s+SDP-MD06-key-size [^\n]*\n([^\n]*\n)?\s+↳ blocks \d+ checks \(BLOCKED, not judged\)/,
      );
    });

    it('--no-preflight (raw, uncalibrated): nothing BLOCKED — the S-13 failure repeated as before', () => {
      const results = raw.report!.results;
      expect(results.filter((r) => r.outcome === 'BLOCKED')).to.deep.equal([]);
      expect(
        results.filter((r) => r.outcome === 'FAIL' && /S-13/.test(r.message)).length,
        show(raw),
      ).to.be.at.least(8);
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
        // What came back is kept as evidence, and the line says where.
        expect(lines[0]).to.match(/\(what came back: \S+preflight-metadata\/\)/);
        expect(run.metadataEvidence, show(run)).to.match(/^GET http:\/\/127\.0\.0\.1:\d+\/metadata$/m);
        expect(run.metadataEvidence).to.match(metadataAs === 'not-found' ? /^HTTP 404$/m : /^HTTP 200$/m);
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
