/**
 * Harness self-safety (attack catalogue §1, §3, §5; "Self" rows): the harness CLI, run as a child
 * process against a malicious IdP (hostile-idp.ts), must report FAIL (never PASS) on the checks that
 * consume the Response, never accept a login for anyone (the victim is admin@example.com), exit 1 (not
 * 0, not 2; an IdP that does not answer at all is ERROR and exit 2 instead), write conformance.json, finish in bounded time and keep its peak RSS bounded.
 *
 * Every mode runs the Response checks plus SDP-IDP02-redirect-login (31 checks, three logins and one
 * IsPassive request) with timeouts.exchangeMs 2000, and also feeds one hostile SAMLResponse straight to
 * the strict verifier. Peak RSS is measured inside the child by rss-probe (VmHWM on Linux; it agreed
 * with /usr/bin/time -v). A run that outlives KILL_AFTER_MS gets SIGUSR2 first, so Node writes a
 * diagnostic report (open handles, JS stack) that the failure message summarizes; its files are kept.
 *
 * Measured on the development machine (2 vCPU, Node 20.20, often under load 7-11 from other work),
 * CLI wall time / peak RSS over 8 full runs:
 *   honest 1.1-7.2 s / 86 MB, xsw-other-user 1.1-6.0 s / 86 MB, xsw-wrapped-response 1.0-5.6 s / 84 MB,
 *   attacker-key 1.2-6.7 s / 86 MB, doctype 1.0-6.7 s / 82 MB, entity-expansion 1.0-5.2 s / 82 MB
 *   (one early run was killed at 60 s with no diagnosis; not reproduced in 30 runs since),
 *   huge-response (20 MB) 3.5-10.9 s / 95-97 MB (377-393 MB while the client still cut pages at 4 MB),
 *   huge-response (40 MB) 4.7-15.0 s / 84-97 MB, never-answers 7.1-10.0 s / 79 MB,
 *   invalid-utf8 1.2-4.5 s / 81 MB, comment-split-nameid 1.5-5.8 s / 86 MB.
 * The whole file takes 40-70 s. Set IDPC_HOSTILE_KEEP=1 to keep the temporary targets and reports.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import http from 'node:http';
import * as zlib from 'node:zlib';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { verifySamlResponse } from '../../src/harness/roles/gateway/verifier';
import {
  COMMENT_SPLIT_SIGNED,
  startHostileIdp,
  USER,
  VICTIM,
  type HostileIdp,
  type HostileIdpOptions,
  type HostileMode,
} from './hostile-idp';
import { RSS_FILE_ENV, type RssMeasurement } from './rss-probe';

function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'bin', 'idp-conformance.js'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`bin/idp-conformance.js not found above ${__dirname}`);
  }
}

const ROOT = repoRoot();
const BIN = path.join(ROOT, 'bin', 'idp-conformance.js');
const PROBE = path.join(__dirname, 'rss-probe.js');
/** Mocha's grep is a regular expression: the Response describe block plus the Redirect login check. */
const GREP = 'saml-web-sso · Response|SDP-IDP02-redirect-login';
const CHECKS_RUN = 32;
const EXCHANGE_MS = 2000;
const HUGE_EXCHANGE_MS = 10_000;
/** Per mode, from spawn to exit. The slowest mode (never-answers) needs about 3 × exchangeMs + 2 s. */
const TIME_BOUND_MS = 20_000;
/** A run still going after this is killed and reported as a hang. */
const KILL_AFTER_MS = 60_000;
const MB = 1024; // maxRSS is in kilobytes
const RSS_LIMIT_KB = 512 * MB;
/** Entity modes: a parser that expanded billion laughs would need gigabytes; allow GC noise only. */
const RSS_ENTITY_MARGIN_KB = 64 * MB;
/** huge-response at 40 MB against 20 MB: memory must not grow with what the IdP sends. */
const RSS_SCALING_MARGIN_KB = 100 * MB;
const KEEP = process.env.IDPC_HOSTILE_KEEP === '1';

const GATEWAY_ACCEPTS = 'SAMLProf-4.1.4.3-gateway-accepts';
/** Checks whose evidence is a login with credentials (not the IsPassive flow). */
const LOGIN_CHECKS = [GATEWAY_ACCEPTS, 'SDP-IDP02-redirect-login'];
/** MUST checks that read the Assertion from verified signed bytes (expectSuccess). */
const IDENTITY_MUST = [
  'SDP-IDP02-redirect-login',
  'SAMLProf-4.1.4.2-assertion-issuer',
  'SAMLProf-4.1.4.2-subject-nameid',
  'SAMLProf-4.1.4.2-bearer-recipient',
  'SAMLProf-4.1.4.2-bearer-inresponseto',
  'SAMLProf-4.1.4.2-bearer-no-notbefore',
  'SAMLProf-4.1.4.2-audience',
  'SAMLCore-2.5.1.2-conditions-window',
  'SDP-IDP10-one-authnstatement',
  'SAMLProf-4.1.4.2-authninstant',
  'SDP-IDP20-multivalued-attributes',
  'SAMLCore-1.3.3-utc-timestamps',
  'SAMLCore-1.3.3-issueinstant-now',
  'SAMLCore-1.3.4-unique-ids',
  'SAMLCore-1.3.4-id-randomness',
  'SAMLProf-4.1.4.2-sessionindex',
];
/** SHOULD checks that read the verified Assertion: WARN (not PASS) when there is none. */
const IDENTITY_SHOULD = ['SDP-IDP19-attributes-unique'];

interface Result {
  id: string;
  outcome: string;
  message: string;
  level: string;
}

interface Report {
  exitCode: number;
  summary: Record<string, number>;
  results: Result[];
}

/** One answer of the gateway's ACS to the client, read back from the evidence files. */
interface AcsAnswer {
  file: string;
  /** The check whose evidence folder holds it. */
  check: string;
  status?: number;
  body: string;
}

interface Run {
  label: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  killed: boolean;
  ms: number;
  maxRssKb?: number;
  rssSource?: RssMeasurement['source'];
  stdout: string;
  stderr: string;
  report?: Report;
  reportError?: string;
  acs: AcsAnswer[];
  idpStats: HostileIdp['stats'];
  dir: string;
  /** When the run was killed: what the child was doing (from its Node diagnostic report). */
  hang?: string;
}

interface ModeCase {
  mode: HostileMode;
  label: string;
  what: string;
  options?: HostileIdpOptions;
  /** Further checks that must be FAIL for this attack. */
  mustFail: string[];
  /** The Response's verified Assertion is unusable, so every identity check must fail. */
  noVerifiedAssertion: boolean;
  /** What the FAIL of the gateway-accepts check must name. */
  gatewayMessage: RegExp;
  /** Whether the hostile Response reaches the gateway's ACS. */
  reachesAcs: 'yes' | 'no' | 'maybe';
  rss: 'plain' | 'entity' | 'huge';
  /** The finding the strict verifier must give when fed the hostile SAMLResponse directly (no Response: none). */
  verifierFinding?: RegExp;
  /**
   * The IdP gives no answer (never-answers): nothing can be judged, so the checks that needed the
   * answer are ERROR (never PASS, never FAIL) and the run exits 2 — a missing answer is not a verdict.
   */
  noAnswer?: boolean;
  /**
   * timeouts.exchangeMs for this mode when it is not EXCHANGE_MS: the huge modes judge memory, and on a
   * loaded machine a 40 MB page can take longer than 2 s to cross loopback (then every check is ERROR).
   */
  exchangeMs?: number;
}

const CASES: ModeCase[] = [
  {
    mode: 'xsw-other-user',
    label: 'xsw-other-user',
    verifierFinding: /^S-07 /,
    what: 'XSW3: evil unsigned Assertion for admin before the genuine signed one for alice',
    mustFail: ['SDP-IDP10-one-assertion', 'SDP-IDP09-response-signed', 'SAMLProf-4.1.4.5-signatures-verify'],
    noVerifiedAssertion: true,
    gatewayMessage: /S-07/,
    reachesAcs: 'yes',
    rss: 'plain',
  },
  {
    mode: 'xsw-wrapped-response',
    label: 'xsw-wrapped-response',
    verifierFinding: /^S-07 /,
    what: 'XSW1: new root Response for admin, the genuine signed Response moved into ds:Signature',
    mustFail: [
      'SDP-IDP10-one-assertion',
      'SDP-IDP09-response-signed',
      'SAMLProf-4.1.4.5-signatures-verify',
      'SAMLCore-5.4.2-signature-reference',
    ],
    noVerifiedAssertion: true,
    gatewayMessage: /S-07|S-10/,
    reachesAcs: 'yes',
    rss: 'plain',
  },
  {
    mode: 'attacker-key',
    label: 'attacker-key',
    verifierFinding: /^S-15 /,
    what: 'Response for admin re-signed with the attacker key, its certificate in KeyInfo',
    mustFail: ['SDP-IDP09-response-signed', 'SAMLProf-4.1.4.5-signatures-verify'],
    noVerifiedAssertion: true,
    gatewayMessage: /S-15/,
    reachesAcs: 'yes',
    rss: 'plain',
  },
  {
    mode: 'doctype',
    label: 'doctype',
    verifierFinding: /^S-02 /,
    what: 'DOCTYPE whose internal entity puts admin in the NameID',
    mustFail: ['SDP-G03-no-dtd'],
    noVerifiedAssertion: true,
    gatewayMessage: /S-02/,
    reachesAcs: 'yes',
    rss: 'entity',
  },
  {
    mode: 'entity-expansion',
    label: 'entity-expansion',
    verifierFinding: /^S-02 /,
    what: 'billion laughs (10 levels of 10) in the NameID',
    mustFail: ['SDP-G03-no-dtd'],
    noVerifiedAssertion: true,
    gatewayMessage: /S-02/,
    reachesAcs: 'yes',
    rss: 'entity',
  },
  {
    mode: 'huge-response',
    label: 'huge-response',
    verifierFinding: /^S-01 /,
    what: 'a 20 MB SAMLResponse in the auto-POST form (a valid signed Response padded after the root)',
    exchangeMs: HUGE_EXCHANGE_MS,
    mustFail: ['SAMLProf-4.1.2-post-delivery'],
    noVerifiedAssertion: true,
    gatewayMessage: /./,
    reachesAcs: 'maybe',
    rss: 'huge',
  },
  {
    mode: 'huge-response',
    label: 'huge-response-40mb',
    verifierFinding: /^S-01 /,
    what: 'the same with 40 MB: memory must not grow with the size the IdP sends',
    options: { hugeResponseBytes: 40 * 1024 * 1024 },
    exchangeMs: HUGE_EXCHANGE_MS,
    mustFail: ['SAMLProf-4.1.2-post-delivery'],
    noVerifiedAssertion: true,
    gatewayMessage: /./,
    reachesAcs: 'maybe',
    rss: 'huge',
  },
  {
    mode: 'never-answers',
    label: 'never-answers',
    what: 'after the login form is posted the IdP never answers and keeps the socket open',
    mustFail: ['SAMLProf-4.1.2-post-delivery'],
    noVerifiedAssertion: true,
    gatewayMessage: /no answer within 2000 ms/,
    reachesAcs: 'no',
    rss: 'plain',
    noAnswer: true,
  },
  {
    mode: 'invalid-utf8',
    label: 'invalid-utf8',
    verifierFinding: /^S-01 /,
    what: 'the SAMLResponse decodes to invalid UTF-8 (C0 AF in the NameID; signed over the lenient decoding)',
    mustFail: [],
    noVerifiedAssertion: true,
    gatewayMessage: /S-01.*UTF-8/,
    reachesAcs: 'yes',
    rss: 'plain',
  },
  {
    mode: 'comment-split-nameid',
    label: 'comment-split-nameid',
    verifierFinding: /^C-15 /,
    what: 'validly signed NameID admin@example.com<!---->.evil.test (exc-c14n drops the comment)',
    mustFail: [],
    // The signed canonical bytes hold the attacker's own full account name: the identity read from
    // them is authentic, so the field checks may pass; the gateway must still refuse the Response.
    noVerifiedAssertion: false,
    gatewayMessage: /C-15/,
    reachesAcs: 'yes',
    rss: 'plain',
  },
];

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

function targetYaml(name: string, metadataUrl: string, acsPort: number, exchangeMs = EXCHANGE_MS): string {
  const q = (s: string) => JSON.stringify(s);
  return [
    `name: ${q(name)}`,
    'profiles: [saml-web-sso]',
    'idp:',
    `  metadata: ${q(metadataUrl)}`,
    'gateway:',
    '  entityId: https://gateway.test/sp',
    `  acsUrl: ${q(`http://127.0.0.1:${acsPort}/acs`)}`,
    'login:',
    '  form: { username: alice, password: alice-pass }',
    `timeouts: { exchangeMs: ${exchangeMs} }`,
    'capabilities: { tokenAdmin: false, userAdmin: false, settingsAdmin: false, spAdmin: false, otherTenant: false }',
    '',
  ].join('\n');
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Every answer of the gateway's ACS that the evidence records (items.json: status and body). */
function acsAnswers(reportDir: string): AcsAnswer[] {
  const out: AcsAnswer[] = [];
  for (const file of filesUnder(path.join(reportDir, 'evidence'))) {
    if (path.basename(file) !== 'items.json') continue;
    const items = JSON.parse(readFileSync(file, 'utf8')) as {
      label?: string;
      http?: { status?: number; responseBody?: string };
    }[];
    items.forEach((item, i) => {
      if (!item.label?.includes('(SAMLResponse to the gateway ACS)')) return;
      out.push({
        file: `${file}#${i + 1}`,
        check: path.basename(path.dirname(file)),
        status: item.http?.status,
        body: (item.http?.responseBody ?? '').trim(),
      });
    });
  }
  return out;
}

function bounded(buf: string, chunk: Buffer): string {
  return buf.length > 1_000_000 ? buf : buf + chunk.toString('utf8');
}

async function runHarness(
  label: string,
  mode: HostileMode,
  options?: HostileIdpOptions,
  exchangeMs?: number,
): Promise<Run> {
  const idp = await startHostileIdp(mode, options);
  const dir = mkdtempSync(path.join(os.tmpdir(), `idpc-hostile-${label}-`));
  try {
    const target = path.join(dir, 'target.yaml');
    writeFileSync(target, targetYaml(`hostile-${label}`, idp.metadataUrl, await freePort(), exchangeMs));
    const reportDir = path.join(dir, 'report');
    const rssFile = path.join(dir, 'rss.json');
    const nodeReports = path.join(dir, 'node-report');
    mkdirSync(nodeReports);
    const args = [
      // On a hang the child gets SIGUSR2 first: Node writes a diagnostic report (JS stack, open handles).
      '--report-on-signal',
      '--report-signal=SIGUSR2',
      `--report-directory=${nodeReports}`,
      '--require',
      PROBE,
      BIN,
      'run',
      '--target',
      target,
      '--report-dir',
      reportDir,
      '--grep',
      GREP,
      // Self-safety of the checks themselves: the preflight (tested on its own in trust-run) would stop first.
      '--no-preflight',
    ];
    const t0 = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, [RSS_FILE_ENV]: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout = bounded(stdout, c)));
    child.stderr.on('data', (c: Buffer) => (stderr = bounded(stderr, c)));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGUSR2');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    }, KILL_AFTER_MS);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (c, s) => resolve([c, s])),
    );
    clearTimeout(timer);
    const ms = Math.round(performance.now() - t0);
    const run: Run = {
      label,
      code,
      signal,
      killed,
      ms,
      stdout,
      stderr,
      acs: acsAnswers(reportDir),
      idpStats: { ...idp.stats },
      dir,
    };
    if (killed) run.hang = hangDiagnosis(nodeReports);
    if (existsSync(rssFile)) {
      const m = JSON.parse(readFileSync(rssFile, 'utf8')) as RssMeasurement;
      run.maxRssKb = m.maxRssKb;
      run.rssSource = m.source;
    }
    try {
      run.report = JSON.parse(readFileSync(path.join(reportDir, 'conformance.json'), 'utf8')) as Report;
    } catch (e) {
      run.reportError = (e as Error).message;
    }
    return run;
  } finally {
    await idp.close();
  }
}

function httpText(
  method: 'GET' | 'POST',
  url: string,
  form?: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const req = http.request(
      url,
      {
        method,
        agent: false,
        headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** One Redirect login at the hostile IdP without the harness: the SAMLResponse field it posts after login. */
async function hostileSamlResponse(
  idp: HostileIdp,
  acsUrl: string,
): Promise<{ samlResponse: string; requestId: string }> {
  const requestId = `_hostile${Date.now()}`;
  const req =
    `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"` +
    ` ID="${requestId}" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${idp.baseUrl}/sso"` +
    ` AssertionConsumerServiceURL="${acsUrl}"><saml:Issuer>https://gateway.test/sp</saml:Issuer></samlp:AuthnRequest>`;
  const q = encodeURIComponent(zlib.deflateRawSync(Buffer.from(req, 'utf8')).toString('base64'));
  const form = await httpText('GET', `${idp.baseUrl}/sso?SAMLRequest=${q}`);
  const rid = /name="rid" value="([^"]+)"/.exec(form.body)?.[1];
  if (!rid) throw new Error(`no login form: HTTP ${form.status}`);
  const page = await httpText('POST', `${idp.baseUrl}/login`, {
    rid,
    username: USER.username,
    password: USER.password,
  });
  const samlResponse = /name="SAMLResponse" value="([^"]*)"/.exec(page.body)?.[1];
  if (samlResponse === undefined) throw new Error(`no SAMLResponse after login: HTTP ${page.status}`);
  return { samlResponse, requestId };
}

/** Active libuv handles and the JS stack from the Node diagnostic report a hung child wrote on SIGUSR2. */
function hangDiagnosis(dir: string): string {
  const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.json')) : undefined;
  if (!file) return 'no Node diagnostic report was written';
  try {
    const r = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
      javascriptStack?: { message?: string; stack?: string[] };
      libuv?: { type: string; is_active?: boolean; localEndpoint?: unknown; remoteEndpoint?: unknown }[];
    };
    const handles = (r.libuv ?? [])
      .filter((h) => h.is_active)
      .map(
        (h) =>
          `${h.type}${h.localEndpoint ? ` ${JSON.stringify(h.localEndpoint)}` : ''}` +
          `${h.remoteEndpoint ? ` -> ${JSON.stringify(h.remoteEndpoint)}` : ''}`,
      );
    const stack = [r.javascriptStack?.message ?? '', ...(r.javascriptStack?.stack ?? [])].slice(0, 12);
    return `report ${path.join(dir, file)}\nactive handles:\n  ${handles.join('\n  ')}\nJS stack:\n  ${stack.join('\n  ')}`;
  } catch (e) {
    return `unreadable Node diagnostic report ${file}: ${(e as Error).message}`;
  }
}

function describeRun(r: Run): string {
  const tail = (s: string) => s.slice(-1500);
  return (
    `exit ${r.code}${r.signal ? ` signal ${r.signal}` : ''}${r.killed ? ` (killed after ${KILL_AFTER_MS} ms)` : ''}, ` +
    `${r.ms} ms${r.hang ? `\n--- hang ---\n${r.hang}` : ''}\n--- stderr ---\n${tail(r.stderr)}\n--- stdout ---\n${tail(r.stdout)}` +
    (KEEP || r.killed ? `\n(files kept in ${r.dir})` : '\n(IDPC_HOSTILE_KEEP=1 keeps the report)')
  );
}

function reportOf(r: Run): Report {
  if (!r.report) throw new Error(`${r.label}: no conformance.json (${r.reportError}); ${describeRun(r)}`);
  return r.report;
}

function result(r: Run, id: string): Result {
  const x = reportOf(r).results.find((y) => y.id === id);
  if (!x)
    throw new Error(`${r.label}: no result for ${id} in conformance.json (${r.reportError ?? 'not run'})`);
  return x;
}

function expectOutcome(r: Run, id: string, outcomes: string[]): void {
  const x = result(r, id);
  expect(outcomes, `${r.label}: ${id} is ${x.outcome}: ${x.message}`).to.include(x.outcome);
}

const mb = (kb: number | undefined) => (kb === undefined ? '?' : `${Math.round(kb / 1024)} MB`);
const rss = (r: Run) => `${mb(r.maxRssKb)}${r.rssSource === 'getrusage' ? ' by getrusage' : ''}`;

describe('hostile IdP: the harness stays safe (harness self-safety)', function () {
  this.timeout(KILL_AFTER_MS + 30_000);
  const runs = new Map<string, Run>();

  after(function () {
    const rows = [...runs.values()].map(
      (r) =>
        `  ${r.label.padEnd(22)} exit ${String(r.code).padEnd(4)} ${String(r.ms).padStart(6)} ms  ${rss(r)}`,
    );
    if (rows.length) console.log(`    hostile IdP runs (CLI wall time, peak RSS):\n${rows.join('\n')}`);
    // A hung run's files (report, Node diagnostic report) are kept for the owner to read.
    for (const r of runs.values()) if (!KEEP && !r.killed) rmSync(r.dir, { recursive: true, force: true });
  });

  describe('control: honest IdP', function () {
    let run: Run;
    before(async function () {
      run = await runHarness('honest', 'honest');
      runs.set('honest', run);
    });

    it('exits 0 with every check PASS (so the FAILs below come from the attacks)', function () {
      expect(run.code, describeRun(run)).to.equal(0);
      expect(run.report, run.reportError).to.not.equal(undefined);
      expect(reportOf(run).results).to.have.length(CHECKS_RUN);
      const notPass = reportOf(run).results.filter((x) => x.outcome !== 'PASS');
      expect(notPass.map((x) => `${x.id} ${x.outcome} ${x.message}`)).to.deep.equal([]);
    });

    it('the gateway answered "accepted" at its ACS (the evidence reader sees acceptance)', function () {
      expect(run.acs.length).to.be.greaterThan(0);
      expect(run.acs.some((a) => a.status === 200 && a.body === 'accepted')).to.equal(true);
    });

    it('peak RSS is measured', function () {
      expect(run.maxRssKb, 'rss-probe wrote no measurement').to.be.a('number');
      this.test!.title += ` (${rss(run)}, ${run.ms} ms)`;
    });
  });

  for (const c of CASES) {
    describe(`${c.label}: ${c.what}`, function () {
      let run: Run;
      before(async function () {
        run = await runHarness(c.label, c.mode, c.options, c.exchangeMs);
        runs.set(c.label, run);
      });

      const exit = c.noAnswer ? 2 : 1;
      it(`exits ${exit} (never 0${c.noAnswer ? ', never 1' : ', never 2'}), without an internal error, and writes conformance.json`, function () {
        expect(run.killed, `hung: ${describeRun(run)}`).to.equal(false);
        expect(run.code, describeRun(run)).to.equal(exit);
        expect(run.stderr).to.not.match(/idp-conformance: ERR_/);
        expect(run.report, `conformance.json: ${run.reportError}`).to.not.equal(undefined);
        expect(run.report!.exitCode).to.equal(exit);
        expect(reportOf(run).results).to.have.length(CHECKS_RUN);
      });

      it('the hostile IdP got as far as the attack', function () {
        expect(run.idpStats.logins, 'logins at the hostile IdP').to.be.greaterThan(0);
        if (c.mode === 'never-answers') expect(run.idpStats.hung).to.be.greaterThan(0);
        else expect(run.idpStats.responses, 'hostile Responses sent').to.be.greaterThan(0);
        // The logins with credentials (the IsPassive flow of the error checks stays honest in every mode).
        const afterLogin = run.acs.filter((a) => LOGIN_CHECKS.includes(a.check));
        if (c.reachesAcs === 'yes')
          expect(afterLogin.length, 'POSTs to the gateway ACS').to.be.greaterThan(0);
        if (c.reachesAcs === 'no') expect(afterLogin).to.deep.equal([]);
      });

      if (c.noAnswer) {
        it('no check FAILs; the gateway-accepts check is ERROR naming the missing answer', function () {
          const fails = reportOf(run).results.filter((x) => x.outcome === 'FAIL');
          expect(fails.map((x) => `${x.id}: ${x.message}`)).to.deep.equal([]);
          const g = result(run, GATEWAY_ACCEPTS);
          expect(g.outcome, g.message).to.equal('ERROR');
          expect(g.message).to.match(c.gatewayMessage);
        });

        it(`the checks that needed the answer are ERROR (not PASS, not FAIL)`, function () {
          for (const id of [...c.mustFail, ...IDENTITY_MUST, ...IDENTITY_SHOULD])
            expectOutcome(run, id, ['ERROR']);
        });
      } else {
        it('no check is ERROR; the gateway-accepts check FAILs naming the attack', function () {
          const errors = reportOf(run).results.filter((x) => x.outcome === 'ERROR');
          expect(errors.map((x) => `${x.id}: ${x.message}`)).to.deep.equal([]);
          const g = result(run, GATEWAY_ACCEPTS);
          expect(g.outcome, g.message).to.equal('FAIL');
          expect(g.message).to.match(c.gatewayMessage);
        });

        it(`the checks that consume the Response FAIL (not PASS, not ERROR)`, function () {
          for (const id of c.mustFail) expectOutcome(run, id, ['FAIL']);
          if (c.noVerifiedAssertion) {
            for (const id of IDENTITY_MUST) expectOutcome(run, id, ['FAIL']);
            for (const id of IDENTITY_SHOULD) expectOutcome(run, id, ['WARN']);
          }
        });
      }

      it(`never accepts a login: no ACS answer "accepted", no identity of ${VICTIM} taken`, function () {
        for (const a of run.acs) {
          expect(a.status, `${a.file}: ${a.body}`).to.not.equal(200);
          expect(a.body).to.not.equal('accepted');
          if (a.status !== undefined && a.status !== 413) expect(a.body).to.match(/^rejected: /);
        }
        if (c.noVerifiedAssertion) {
          // No check may PASS on an Assertion read from this Response (subject-nameid would name admin).
          const passed = [...IDENTITY_MUST, ...IDENTITY_SHOULD].filter(
            (id) => result(run, id).outcome === 'PASS',
          );
          expect(passed).to.deep.equal([]);
        }
      });

      it(`finishes within ${TIME_BOUND_MS / 1000} s`, function () {
        this.test!.title += ` (measured ${run.ms} ms)`;
        expect(run.killed, describeRun(run)).to.equal(false);
        expect(run.ms).to.be.below(TIME_BOUND_MS);
      });

      it(`keeps peak RSS bounded (< ${RSS_LIMIT_KB / MB} MB${c.rss === 'entity' ? ', within 64 MB of the control' : ''})`, function () {
        expect(run.maxRssKb, 'rss-probe wrote no measurement').to.be.a('number');
        this.test!.title += ` (measured ${rss(run)})`;
        expect(run.maxRssKb!).to.be.below(RSS_LIMIT_KB);
        if (c.rss === 'entity') {
          const control = runs.get('honest')?.maxRssKb;
          expect(control, 'the control run measured no RSS').to.be.a('number');
          expect(run.maxRssKb!).to.be.below(control! + RSS_ENTITY_MARGIN_KB);
        }
        if (c.label === 'huge-response-40mb') {
          const at20 = runs.get('huge-response')?.maxRssKb;
          expect(at20, 'the 20 MB run measured no RSS').to.be.a('number');
          expect(run.maxRssKb!).to.be.below(at20! + RSS_SCALING_MARGIN_KB);
        }
      });

      const finding = c.verifierFinding;
      if (finding) {
        it(`the strict verifier, fed this SAMLResponse directly, rejects it (${finding.source.slice(1, -1)}) and never names ${VICTIM}`, async function () {
          const idp = await startHostileIdp(c.mode, c.options);
          try {
            const acsUrl = 'http://127.0.0.1:9/acs';
            const { samlResponse, requestId } = await hostileSamlResponse(idp, acsUrl);
            const cert = readFileSync(path.join(ROOT, 'fixtures', 'keys', 'idp-acme.cert.pem'), 'utf8');
            const t0 = performance.now();
            const v = verifySamlResponse(samlResponse, {
              idpEntityId: idp.entityId,
              idpCertsPem: [cert],
              spEntityId: 'https://gateway.test/sp',
              acsUrl,
              expectedInResponseTo: requestId,
              now: new Date(),
            });
            const ms = performance.now() - t0;
            const codes = v.findings
              .filter((f) => f.severity === 'reject')
              .map((f) => `${f.code} ${f.message}`);
            expect(v.accepted, codes.join('; ')).to.equal(false);
            expect(
              codes.some((x) => finding.test(x)),
              codes.join('; '),
            ).to.equal(true);
            expect(v.assertion?.nameId?.value).to.not.equal(VICTIM);
            if (c.noVerifiedAssertion)
              expect(v.assertion, 'an Assertion read as verified').to.equal(undefined);
            // The verified bytes carry the attacker's own full account name, the comment dropped.
            else expect(v.assertion?.nameId?.value).to.equal(COMMENT_SPLIT_SIGNED);
            expect(ms, 'verifier time (ms)').to.be.below(2000);
          } finally {
            await idp.close();
          }
        });
      }

      if (c.label === 'huge-response') {
        it('the FAIL says the answer was too large (not "a login form")', function () {
          // The client cuts IdP pages at 4 MB; what the checks report must say so, not blame a login form.
          // Known harness defect (reported): the flow parses the cut page as if complete, finds no form,
          // and describe() falls back to the login form shown one step earlier.
          const g = result(run, GATEWAY_ACCEPTS);
          const says = `${GATEWAY_ACCEPTS} says: ${g.message}`;
          expect(g.message, says).to.not.match(/login form/);
          expect(g.message, says).to.match(/too large|truncated|exceed|limit|bytes/i);
        });
      }
    });
  }
});
