/**
 * A verdict's own texts are redacted like its evidence: a check that quotes a secret (the login password,
 * the admin API key, a device token created during the run) in its message, expected, actual or where —
 * directly, or through a BLOCKED check's restored original failure — leaves it in no report file
 * (conformance.json, junit.xml, report.html, allure-results, evidence) and not on the console.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REDACTED } from '../../src/harness/evidence/redact';
import type { RunReport } from '../../src/harness/types';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const HARNESS = path.join(ROOT, 'dist', 'src', 'harness', 'index.js');
const PLUGIN = path.join(ROOT, 'dist', 'src', 'harness', 'mocha-plugin.js');
const MOCHA = path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');

/** A spec whose checks put the run's secrets into their verdicts (and write them aside for the test). */
function probeSpec(side: string): string {
  return `
const fs = require('node:fs');
const h0 = require(${JSON.stringify(HARNESS)});
describe('redaction probe', function () {
  const h = h0.scenario(this, { profile: 'saml-web-sso', family: 'response' });
  const secretsOf = async (s) => {
    const { token } = await h0.dtToken(s, 'valid');
    const secrets = { password: s.config.login.form.password, apiKey: s.config.idp.admin.apiKey, token };
    fs.writeFileSync(${JSON.stringify(side)}, JSON.stringify(secrets));
    return secrets;
  };
  h.check(
    { id: 'SAMLCore-3.2.1-redaction-probe-fail', requirements: ['SAMLCore-3.2.1'], title: 'secrets in a failure' },
    async (v, s) => {
      const x = await secretsOf(s);
      v.fail('the echoed ' + x.apiKey, 'password ' + x.password + ' and key ' + x.apiKey,
        'token ' + x.token + ' and ' + encodeURIComponent(x.password), 'header x-echo: ' + x.token);
    },
  );
  h.check(
    { id: 'SAMLCore-3.2.1-redaction-probe-root', requirements: ['SAMLCore-3.2.1'], title: 'a root that holds' },
    async (v) => v.ok(true, 'root', 'holds', 'holds'),
  );
  h.check(
    { id: 'SAMLCore-3.2.1-redaction-probe-blocked', requirements: ['SAMLCore-3.2.1'], title: 'secrets in a restored original' },
    async (v, s) => {
      const x = await secretsOf(s);
      v.blocked('SAMLCore-3.2.1-redaction-probe-root', 'probe',
        v.failure('original ' + x.token, 'expected ' + x.password, 'actual ' + x.apiKey, 'where ' + x.token));
    },
  );
});
`;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

describe('redaction of verdicts (message, expected, actual, where)', function () {
  this.timeout(180_000);

  it('puts no secret quoted by a check into any report file or the console', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'idpc-redact-verdict-'));
    const spec = path.join(tmp, 'probe.spec.js');
    const side = path.join(tmp, 'secrets.json');
    const reportDir = path.join(tmp, 'report');
    fs.writeFileSync(spec, probeSpec(side));
    const r = spawnSync(
      process.execPath,
      [
        MOCHA,
        '--no-config',
        '--timeout',
        '60000',
        '--require',
        PLUGIN,
        // As `run` does: allure-mocha writes allure-results (the verdicts' texts as status details).
        '--reporter',
        'allure-mocha',
        '--reporter-option',
        `resultsDir=${path.join(reportDir, 'allure-results')}`,
        spec,
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 150_000,
        env: { ...process.env, IDPC_REPORT_DIR: reportDir, IDPC_NO_PREFLIGHT: '1', NO_COLOR: '1' },
      },
    );
    const secrets = JSON.parse(fs.readFileSync(side, 'utf8')) as Record<string, string>;
    expect(Object.values(secrets).every((x) => typeof x === 'string' && x.length >= 8)).to.equal(true);

    const report = JSON.parse(fs.readFileSync(path.join(reportDir, 'conformance.json'), 'utf8')) as RunReport;
    const byId = new Map(report.results.map((x) => [x.id, x]));
    const failed = byId.get('SAMLCore-3.2.1-redaction-probe-fail');
    expect(failed?.outcome).to.equal('FAIL');
    expect(failed?.expected).to.equal(`password ${REDACTED} and key ${REDACTED}`);
    expect(failed?.actual).to.equal(`token ${REDACTED} and ${REDACTED}`);
    expect(failed?.where).to.equal(`header x-echo: ${REDACTED}`);
    const restored = byId.get('SAMLCore-3.2.1-redaction-probe-blocked');
    expect(restored?.outcome, 'the root passed: the original failure is restored').to.equal('FAIL');
    expect(restored?.expected).to.equal(`expected ${REDACTED}`);
    expect(restored?.actual).to.equal(`actual ${REDACTED}`);

    const forms = Object.values(secrets).flatMap((x) => [
      x,
      encodeURIComponent(x),
      Buffer.from(x).toString('base64').replace(/=+$/, ''),
    ]);
    const files = filesUnder(reportDir);
    for (const want of ['conformance.json', 'junit.xml', 'report.html'])
      expect(files.map((f) => path.basename(f))).to.include(want);
    expect(files.some((f) => f.includes(`${path.sep}allure-results${path.sep}`))).to.equal(true);
    const leaks: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f, 'latin1');
      for (const form of forms)
        if (text.includes(form)) leaks.push(`${path.relative(reportDir, f)}: ${form}`);
    }
    for (const [name, text] of [
      ['stdout', r.stdout],
      ['stderr', r.stderr],
    ] as const)
      for (const form of forms) if (text.includes(form)) leaks.push(`${name}: ${form}`);
    expect(leaks).to.deep.equal([]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});
