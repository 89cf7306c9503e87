/**
 * `report --matrix`: columns named by target and faults (never `name (2)`), cells with the message and
 * the KNOWN reason and a link into each run's report.html; markup and table syntax from an IdP escaped.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildMatrix, matrixMarkdown, writeMatrix } from '../../src/harness/reporting/matrix';
import { writeConformanceJson } from '../../src/harness/reporting/json';
import { summarize } from '../../src/harness/reporting/summary';
import { exitCodeOf } from '../../src/harness/runner';
import type { CheckResult, Outcome, RunReport } from '../../src/harness/types';

const HOSTILE = '<script>window.__pwned=1</script> | `x`';

function result(id: string, outcome: Outcome, over: Partial<CheckResult> = {}): CheckResult {
  return {
    id,
    title: `title of ${id}`,
    profile: 'saml-web-sso',
    family: 'response',
    level: 'MUST',
    requirements: ['SAMLCore-3.2.1'],
    outcome,
    message: outcome === 'PASS' ? 'conformant' : `SAMLCore-3.2.1: expected refused, got ${HOSTILE}`,
    durationMs: 1,
    evidence: [],
    ...over,
  };
}

function run(dir: string, name: string, faults: string[] | undefined, results: CheckResult[]): string {
  const report: RunReport = {
    schemaVersion: 2,
    harness: { name: 'idp-conformance', version: '0.1.0', node: 'v20' },
    target: { name, ...(faults ? { faults } : {}) },
    profiles: ['saml-web-sso'],
    startedAt: '2030-01-01T00:00:00.000Z',
    durationMs: 1,
    strict: false,
    summary: summarize(results),
    results,
    exitCode: exitCodeOf(results),
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'report.html'), '<!doctype html>');
  return writeConformanceJson(dir, report);
}

describe('report --matrix', () => {
  let root: string;
  let files: string[];
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'idpc-matrix-'));
    files = [
      run(
        path.join(root, 'reports'),
        'reference-idp',
        [],
        [result('A-1-x', 'PASS'), result('A-2-y', 'PASS')],
      ),
      run(
        path.join(root, 'reports', 'kill', 'f1'),
        'reference-idp',
        ['ignore-destination'],
        [result('A-1-x', 'FAIL'), result('A-2-y', 'PASS')],
      ),
      run(path.join(root, 'reports', 'ssp'), 'simplesamlphp', undefined, [
        result('A-1-x', 'KNOWN', { expectation: { expect: 'FAIL', reason: 'vendor ticket 42' } }),
      ]),
      run(path.join(root, 'reports', 'ssp-container'), 'simplesamlphp', undefined, [result('A-1-x', 'PASS')]),
    ];
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('labels columns with the target and its faults, and the run folder only when still ambiguous', () => {
    expect(buildMatrix(files).columns.map((c) => c.name)).to.deep.equal([
      'reference-idp',
      'reference-idp · ignore-destination',
      'simplesamlphp (ssp)',
      'simplesamlphp (ssp-container)',
    ]);
  });

  it('matrix.md: the outcomes, then per column each non-PASS with its message and KNOWN reason', () => {
    const md = matrixMarkdown(buildMatrix(files));
    expect(md).to.include(
      '| check | level | reference-idp | reference-idp · ignore-destination | simplesamlphp (ssp) |',
    );
    expect(md).to.match(/\| `A-1-x` \| MUST \| PASS \| FAIL \| KNOWN \| PASS \|/);
    expect(md).to.include('| `A-2-y` | MUST | PASS | PASS | – | – |');
    expect(md).to.include('## reference-idp · ignore-destination');
    expect(md).to.include('- `A-1-x` FAIL: SAMLCore-3.2.1: expected refused, got &lt;script>');
    expect(md).to.include("\\| 'x'"); // a pipe cannot end the cell, a backtick cannot open code
    expect(md).to.include('expected deviation: vendor ticket 42');
  });

  it('matrix.html: messages, KNOWN reasons and links to each run’s report.html, escaped, self-contained', () => {
    const out = path.join(root, 'reports', 'matrix');
    const [, htmlFile = 'missing'] = writeMatrix(files, out);
    const html = fs.readFileSync(htmlFile, 'utf8');
    expect(html.match(/<script/gi) ?? []).to.have.length(1);
    expect(html).to.include('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    expect(html).to.include('vendor ticket 42');
    expect(html).to.include('<div class="faults">faults: ignore-destination</div>');
    expect(html).to.include('href="../kill/f1/report.html#check-A-1-x"');
    expect(html).to.include('href="../report.html"');
    expect(html).to.match(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    expect(html).to.include('id="f-differs"');
  });

  it('links nothing for a run without report.html', () => {
    fs.rmSync(path.join(root, 'reports', 'ssp', 'report.html'));
    const [, htmlFile = 'missing'] = writeMatrix(files, path.join(root, 'reports', 'matrix'));
    const html = fs.readFileSync(htmlFile, 'utf8');
    expect(html).to.not.include('ssp/report.html');
    expect(html).to.include('ssp-container/report.html');
  });
});
