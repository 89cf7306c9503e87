import { expect } from 'chai';
import Mocha from 'mocha';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Redactor } from '../../src/harness/evidence/redact';
import { writeEvidence } from '../../src/harness/evidence/transcript';
import {
  ALLURE_REPORTER,
  allureActive,
  allureReporterOptions,
  PlainWriter,
  annotateAllure,
  attachEvidence,
  requirementUrl,
} from '../../src/harness/reporting/allure';
import type { CheckDef, EvidenceItem } from '../../src/harness/types';

const TOKEN = 'dt_allure_secret_token_0123456789';

const DEF: CheckDef = {
  id: 'DT-TOK-03-revoked-token',
  profile: 'device-token',
  family: 'token',
  level: 'MUST',
  requirements: ['DT-TOK-03', 'SAMLCore-3.2.2.2', 'SDP-IDP09'],
  title: 'A revoked token is refused',
};

const ITEMS: EvidenceItem[] = [
  {
    kind: 'http',
    label: 'GET /t/acme/sso (HTTP-Redirect AuthnRequest)',
    at: '2030-01-01T00:00:00.000Z',
    http: {
      direction: 'client->idp',
      method: 'GET',
      url: 'http://127.0.0.1:8080/t/acme/sso?SAMLRequest=abc',
      requestHeaders: { authorization: `DeviceToken ${TOKEN}` },
      status: 200,
      responseHeaders: { 'content-type': 'text/html' },
      responseBody: '<html/>',
    },
  },
  {
    kind: 'saml',
    label: 'Response received at the ACS',
    at: '2030-01-01T00:00:01.000Z',
    saml: {
      messageType: 'Response',
      binding: 'HTTP-POST',
      xml: `<Response><Token>${TOKEN}</Token></Response>`,
    },
  },
];

interface AllureResult {
  name: string;
  status: string;
  labels: { name: string; value: string }[];
  links: { name?: string; url: string; type?: string }[];
  attachments: AllureAttachment[];
  steps: { name: string; attachments: AllureAttachment[] }[];
}
type AllureAttachment = { name: string; type: string; source: string };

/** allure-js-commons 3 records a runtime attachment as a step holding it; take both places. */
const attachmentsOf = (r: AllureResult) => [...r.attachments, ...r.steps.flatMap((s) => s.attachments)];

/** Runs one test under allure-mocha in this process and returns the result files' content. */
async function runUnderAllure(resultsDir: string, body: () => Promise<void>): Promise<AllureResult[]> {
  const key = 'allureTestRuntime';
  const g = globalThis as Record<string, unknown>;
  const previous = g[key];
  const mocha = new Mocha({ reporter: ALLURE_REPORTER, reporterOptions: allureReporterOptions(resultsDir) });
  const suite = Mocha.Suite.create(mocha.suite, 'allure mapping');
  const test = new Mocha.Test('annotates and attaches', body);
  // allure-mocha derives the test's path from `file`, which mocha only sets for tests loaded from files.
  suite.file = test.file = __filename;
  suite.addTest(test);
  try {
    const failures = await new Promise<number>((resolve) => mocha.run(resolve));
    expect(failures, 'the inner test failed').to.equal(0);
  } finally {
    // The reporter installs a global runtime; give the outer run back what it had.
    if (previous === undefined) delete g[key];
    else g[key] = previous;
  }
  return fs
    .readdirSync(resultsDir)
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(resultsDir, f), 'utf8')) as AllureResult);
}

describe('reporting: allure', () => {
  it('maps requirement IDs to spec links', () => {
    expect(requirementUrl('SAMLCore-3.2.2.2')).to.equal(
      'https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf',
    );
    expect(requirementUrl('SAMLBind-3.5.4')).to.match(/saml-bindings-2\.0-os\.pdf$/);
    expect(requirementUrl('SAMLProf-4.1.4.2')).to.match(/saml-profiles-2\.0-os\.pdf$/);
    expect(requirementUrl('SAMLMeta-2.4.4')).to.match(/saml-metadata-2\.0-os\.pdf$/);
    expect(requirementUrl('SDP-IDP09')).to.equal(
      'https://kantarainitiative.github.io/SAMLprofiles/saml2int.html',
    );
    expect(requirementUrl('DT-TOK-03')).to.equal('docs/profiles/device-token.md#dt-tok-03');
    expect(requirementUrl('XYZ-1')).to.equal(undefined);
  });

  it('names the allure-mocha reporter', () => {
    expect(fs.existsSync(ALLURE_REPORTER)).to.equal(true);
    expect(allureReporterOptions('/tmp/r').resultsDir).to.equal('/tmp/r');
    expect(allureReporterOptions('/tmp/r').writer).to.be.instanceOf(PlainWriter);
  });

  it('is silent outside an allure run', async () => {
    expect(allureActive()).to.equal(false);
    await annotateAllure(DEF);
    await attachEvidence(os.tmpdir(), ['evidence/x/transcript.txt', 'evidence/x/items.json'], 2);
  });

  it('writes labels, links and the redacted transcript, linked, in a real allure-mocha run', async function () {
    this.timeout(20000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idpc-allure-'));
    const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idpc-allure-report-'));
    try {
      const files = writeEvidence(reportDir, DEF.id, ITEMS, new Redactor([TOKEN]));
      const results = await runUnderAllure(dir, async () => {
        expect(allureActive()).to.equal(true);
        await annotateAllure(DEF);
        await attachEvidence(reportDir, files, ITEMS.length);
      });
      expect(results).to.have.length(1);
      const r = results[0]!; // one, as just asserted
      expect(r.status).to.equal('passed');
      const label = (n: string) => r.labels.filter((l) => l.name === n).map((l) => l.value);
      expect(label('severity')).to.deep.equal(['critical']);
      expect(label('epic')).to.deep.equal(['device-token']);
      expect(label('feature')).to.deep.equal(['token']);
      expect(label('story')).to.deep.equal(['DT-TOK-03', 'SAMLCore-3.2.2.2', 'SDP-IDP09']);
      expect(r.links.map((l) => [l.name, l.url])).to.deep.equal([
        ['DT-TOK-03', 'docs/profiles/device-token.md#dt-tok-03'],
        ['SAMLCore-3.2.2.2', 'https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf'],
        ['SDP-IDP09', 'https://kantarainitiative.github.io/SAMLprofiles/saml2int.html'],
      ]);
      expect(attachmentsOf(r).map((a) => [a.name, a.type])).to.deep.equal([
        ['evidence: 2 items', 'text/plain'],
      ]);
      const [source = 'missing'] = attachmentsOf(r).map((a) => a.source);
      const text = fs.readFileSync(path.join(dir, source), 'utf8');
      expect(text).to.equal(fs.readFileSync(path.join(reportDir, files[0] ?? 'missing'), 'utf8'));
      expect(text).to.match(/^=== 01 GET \/t\/acme\/sso \(HTTP-Redirect AuthnRequest\)$/m);
      expect(text).to.include('GET http://127.0.0.1:8080/t/acme/sso?SAMLRequest=abc');
      expect(text).to.include('DeviceToken [REDACTED]');
      expect(text).to.match(/^=== 02 Response received at the ACS$/m);
      expect(text).to.include('<Response>\n  <Token>[REDACTED]</Token>\n</Response>');
      // linked, not copied: the same file
      expect(fs.statSync(path.join(dir, source)).ino).to.equal(
        fs.statSync(path.join(reportDir, files[0] ?? 'missing')).ino,
      );
      for (const f of fs.readdirSync(dir))
        expect(fs.readFileSync(path.join(dir, f), 'utf8')).not.to.include(TOKEN);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(reportDir, { recursive: true, force: true });
    }
    expect(allureActive()).to.equal(false);
  });
});

describe('reporting: allure target parameters', function () {
  this.timeout(90_000);
  const ROOT_DIR = path.resolve(__dirname, '..', '..', '..');
  const runInto = (dir: string, faults: string[]) =>
    spawnSync(
      process.execPath,
      [
        path.join(ROOT_DIR, 'bin', 'idp-conformance.js'),
        'run',
        '--grep',
        'SAMLCore-3.2.1',
        ...faults.flatMap((f) => ['--fault', f]),
        '--report-dir',
        dir,
      ],
      { cwd: ROOT_DIR, encoding: 'utf8' },
    );
  const results = (dir: string) =>
    fs
      .readdirSync(path.join(dir, 'allure-results'))
      .filter((f) => f.endsWith('-result.json'))
      .map(
        (f) =>
          JSON.parse(fs.readFileSync(path.join(dir, 'allure-results', f), 'utf8')) as {
            historyId: string;
            parameters: { name: string; value: string }[];
          },
      );

  it('puts target, baseUrl and faults into the parameters: two targets never share a history ID', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'idpc-allure-target-'));
    try {
      expect(runInto(path.join(root, 'a'), []).status).to.equal(0);
      expect(runInto(path.join(root, 'a2'), []).status).to.equal(0);
      expect(runInto(path.join(root, 'b'), ['ignore-destination']).status).to.equal(1);
      const first = (d: string) => {
        const rs = results(path.join(root, d));
        expect(rs, d).to.have.length.greaterThan(0);
        return rs[0]!; // not empty, as just asserted
      };
      const [a, a2, b] = [first('a'), first('a2'), first('b')];
      const params = (r: typeof a) => Object.fromEntries(r.parameters.map((p) => [p.name, p.value]));
      expect(params(a)).to.include({ target: 'reference-idp', faults: 'none' });
      expect(params(a).baseUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(params(b)).to.include({ target: 'reference-idp', faults: 'ignore-destination' });
      expect(a.historyId).to.not.equal(b.historyId);
      // The same target run again keeps its history (the embedded IdP's free port is not part of it).
      expect(a2.historyId).to.equal(a.historyId);
      // Allure 3's npm CLI renders the results offline (README: `npx allure generate`).
      const out = path.join(root, 'b', 'allure-report');
      const gen = spawnSync(
        process.execPath,
        [
          path.join(ROOT_DIR, 'node_modules', 'allure', 'cli.js'),
          'generate',
          path.join(root, 'b', 'allure-results'),
          '-o',
          out,
        ],
        { cwd: root, encoding: 'utf8', timeout: 60_000 },
      );
      expect(gen.status, `${gen.stdout}${gen.stderr}`).to.equal(0);
      expect(fs.existsSync(path.join(out, 'index.html'))).to.equal(true);
      const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as {
        stats: { total: number };
      };
      expect(summary.stats.total).to.equal(results(path.join(root, 'b')).length);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
