import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyExpectations, reconcileExpectations } from '../../src/harness/reporting/expectations';
import { toConformanceJson, writeConformanceJson } from '../../src/harness/reporting/json';
import { junitXml, stripInvalidXmlChars, writeJunit } from '../../src/harness/reporting/junit';
import { formatConsoleSummary, summarize } from '../../src/harness/reporting/summary';
import { exitCodeOf } from '../../src/harness/runner';
import type { Expectation } from '../../src/harness/targets/config-types';
import { emptySummary, type CheckResult, type Outcome, type RunReport } from '../../src/harness/types';

function result(id: string, outcome: Outcome, over: Partial<CheckResult> = {}): CheckResult {
  return {
    id,
    title: `title of ${id}`,
    profile: 'device-token',
    family: 'token',
    level: 'MUST',
    requirements: [id.split('-').slice(0, 3).join('-')],
    outcome,
    message: outcome === 'PASS' ? 'ok' : `${id}: expected a, got b`,
    durationMs: 12,
    evidence: [],
    ...over,
  };
}

function report(results: CheckResult[], over: Partial<RunReport> = {}): RunReport {
  return {
    schemaVersion: 2,
    harness: { name: 'idp-conformance', version: '0.1.0', node: 'v20.0.0' },
    target: { name: 'acme-idp', configFile: '/x/acme.yaml', metadataUrl: 'http://127.0.0.1:8080/metadata' },
    profiles: ['saml-web-sso', 'device-token'],
    startedAt: '2030-01-02T03:04:05.000Z',
    durationMs: 3456,
    strict: false,
    summary: summarize(results),
    results,
    exitCode: exitCodeOf(results),
    ...over,
  };
}

const TODAY = new Date('2030-06-15T12:00:00Z');

describe('reporting', () => {
  describe('applyExpectations', () => {
    const exp: Record<string, Expectation> = {
      'DT-TOK-03-revoked': { expect: 'FAIL', reason: 'revocation is cached for 5 minutes' },
      'SDP-IDP09-signed': { expect: 'WARN', reason: 'signs the assertion only', until: '2030-06-15' },
      'DT-TOK-04-deleted': { expect: 'FAIL', reason: 'fixed upstream', until: '2030-06-14' },
      'DT-RSP-02-nameid': { expect: 'FAIL', reason: 'uppercase NameID' },
      'DT-TOK-05-other-tenant': { expect: 'FAIL', reason: 'n/a here' },
      'DT-NOPE-01-typo': { expect: 'FAIL', reason: 'typo' },
    };
    const input = [
      result('DT-TOK-03-revoked', 'FAIL'),
      result('SDP-IDP09-signed', 'WARN', { level: 'SHOULD' }),
      result('DT-TOK-04-deleted', 'FAIL'),
      result('DT-RSP-02-nameid', 'PASS'),
      result('DT-TOK-05-other-tenant', 'NOT_APPLICABLE'),
      result('DT-TOK-06-unlisted', 'FAIL'),
    ];

    it('turns an expected FAIL/WARN into KNOWN with the expectation', () => {
      const out = applyExpectations(input, exp, TODAY);
      expect(out[0]?.outcome).to.equal('KNOWN');
      expect(out[0]?.expectation).to.deep.equal({
        expect: 'FAIL',
        reason: 'revocation is cached for 5 minutes',
      });
      expect(out[1]?.outcome).to.equal('KNOWN'); // `until` is the last day it holds
      expect(out[1]?.expectation?.until).to.equal('2030-06-15');
      expect(out[5]?.outcome).to.equal('FAIL');
      expect(input[0]?.outcome).to.equal('FAIL'); // input untouched
    });

    it('a SHOULD failure made FAIL by --strict still matches an expected WARN', () => {
      const out = applyExpectations([result('SDP-IDP09-signed', 'FAIL', { level: 'SHOULD' })], exp, TODAY);
      expect(out[0]?.outcome).to.equal('KNOWN');
    });

    it('reports an unexpected pass and keeps it PASS', () => {
      const out = applyExpectations(input, exp, TODAY);
      expect(out[3]?.outcome).to.equal('PASS');
      expect(out[3]?.expectation).to.include({ unexpectedPass: true, expect: 'FAIL' });
      expect(out.unexpectedPasses).to.deep.equal(['DT-RSP-02-nameid']);
    });

    it('ignores and flags an expired expectation', () => {
      const out = applyExpectations(input, exp, TODAY);
      expect(out[2]?.outcome).to.equal('FAIL');
      expect(out[2]?.message).to.include('expired 2030-06-14');
      expect(out.expired).to.deep.equal([{ id: 'DT-TOK-04-deleted', until: '2030-06-14', outcome: 'FAIL' }]);
    });

    it('leaves NOT_APPLICABLE and ERROR alone', () => {
      const out = applyExpectations([...input, result('DT-TOK-03-revoked', 'ERROR')], exp, TODAY);
      expect(out[4]?.outcome).to.equal('NOT_APPLICABLE');
      expect(out[4]?.expectation).to.equal(undefined);
      expect(out[6]?.outcome).to.equal('ERROR');
    });

    it('returns the IDs no check has, against the catalogue when given', () => {
      expect(applyExpectations(input, exp, TODAY).unknownIds).to.deep.equal(['DT-NOPE-01-typo']);
      const rep = reconcileExpectations(input.slice(0, 1), exp, TODAY, [...input.map((r) => r.id)]);
      expect(rep.unknownIds).to.deep.equal(['DT-NOPE-01-typo']);
      expect(applyExpectations(input.slice(0, 1), exp, TODAY).results).to.have.length(1);
    });
  });

  describe('summary and exit code', () => {
    it('counts every outcome', () => {
      const s = summarize([
        result('A-1', 'PASS'),
        result('A-2', 'PASS'),
        result('A-3', 'FAIL'),
        result('A-4', 'KNOWN'),
      ]);
      expect(s).to.deep.equal({ ...emptySummary(), PASS: 2, FAIL: 1, KNOWN: 1 });
    });

    it('exits 1 on any FAIL, else 2 on any ERROR (nothing may be claimed), else 0', () => {
      expect(
        exitCodeOf([result('A-1', 'PASS'), result('A-2', 'KNOWN'), result('A-3', 'NOT_APPLICABLE')]),
      ).to.equal(0);
      expect(exitCodeOf([result('A-1', 'WARN')])).to.equal(0);
      expect(exitCodeOf([result('A-1', 'FAIL'), result('A-2', 'ERROR')])).to.equal(1);
      expect(exitCodeOf([result('A-1', 'ERROR'), result('A-2', 'PASS')])).to.equal(2);
    });

    it('prints counts, then FAIL/ERROR, WARN and unexpected passes, then the reports', () => {
      const rs = [
        result('DT-TOK-01-valid', 'PASS'),
        result('DT-RSP-02-nameid', 'PASS', {
          expectation: { expect: 'FAIL', reason: 'uppercase', unexpectedPass: true },
        }),
        result('SDP-IDP09-signed', 'WARN', {
          requirements: ['SDP-IDP09'],
          message: 'SDP-IDP09: Response not signed',
        }),
        result('DT-TOK-03-revoked', 'FAIL', {
          requirements: ['DT-TOK-03', 'SAMLCore-3.2.2'],
          expected: 'status AuthnFailed',
          actual: 'Success\nwith assertion',
          where: '/samlp:Response/samlp:Status',
        }),
        result('DT-SIG-01-x', 'ERROR', { message: 'ERR_TARGET_UNREACHABLE: connect ECONNREFUSED' }),
      ];
      const text = formatConsoleSummary(report(rs), { reportDir: 'reports' });
      const lines = text.split('\n');
      expect(lines[0])
        .to.include('acme-idp')
        .and.include('5 checks')
        .and.include('PASS 2')
        .and.include('FAIL 1');
      const order = ['FAIL ', 'ERROR', 'WARN ', 'PASS ', 'Reports:'].map((p) =>
        lines.findIndex((l) => l.startsWith(p)),
      );
      expect(
        order.every((v, i) => v > 0 && (i === 0 || v > (order[i - 1] ?? Infinity))),
        text,
      ).to.equal(true);
      const fail = lines.find((l) => l.startsWith('FAIL'))!;
      expect(fail).to.match(
        /^FAIL\s+DT-TOK-03-revoked\s+DT-TOK-03,SAMLCore-3\.2\.2\s+expected status AuthnFailed, got Success with assertion\s+at \/samlp/,
      );
      expect(text).to.include(path.join('reports', 'conformance.json'));
      expect(text).not.to.include('\u001b[');
      expect(formatConsoleSummary(report(rs), { color: true })).to.include('\u001b[31m');
    });
  });

  describe('conformance.json', () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idpc-report-'))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('is exactly the RunReport shape, pretty, schemaVersion 2', () => {
      const r = report([
        result('DT-TOK-03-revoked', 'FAIL', {
          expected: 'x',
          actual: 'y',
          evidence: ['evidence/a/01-x.txt'],
        }),
      ]);
      (r as unknown as Record<string, unknown>).extra = 'dropped';
      (r.results[0] as unknown as Record<string, unknown>).internal = 1;
      const file = writeConformanceJson(dir, r);
      expect(file).to.equal(path.join(dir, 'conformance.json'));
      const text = fs.readFileSync(file, 'utf8');
      expect(text).to.match(/^\{\n {2}"schemaVersion": 2,/);
      const back = JSON.parse(text) as Record<string, unknown>;
      expect(Object.keys(back)).to.deep.equal([
        'schemaVersion',
        'harness',
        'target',
        'profiles',
        'startedAt',
        'durationMs',
        'strict',
        'summary',
        'results',
        'exitCode',
      ]);
      const res = (back.results as Record<string, unknown>[])[0];
      expect(Object.keys(res ?? {})).to.deep.equal([
        'id',
        'title',
        'profile',
        'family',
        'level',
        'requirements',
        'outcome',
        'message',
        'expected',
        'actual',
        'durationMs',
        'evidence',
      ]);
      expect(back).to.deep.equal(toConformanceJson(r));
      expect(fs.readdirSync(dir)).to.deep.equal(['conformance.json']);
    });
  });

  describe('junit.xml', () => {
    it('has a suite per profile+family and a case per result, with the right elements', () => {
      const rs = [
        result('DT-TOK-01-ok', 'PASS'),
        result('DT-TOK-03-revoked', 'FAIL', { expected: 'AuthnFailed', actual: 'Success', where: '/Status' }),
        result('DT-TOK-05-other', 'NOT_APPLICABLE', { message: 'needs otherTenant' }),
        result('DT-TOK-06-warn', 'WARN', { level: 'SHOULD' }),
        result('DT-TOK-07-known', 'KNOWN', { expectation: { expect: 'FAIL', reason: 'cached' } }),
        result('SAMLMeta-2.4.4-x', 'ERROR', {
          profile: 'saml-web-sso',
          family: 'metadata',
          message: 'timeout',
          durationMs: 1500,
        }),
      ];
      const xml = junitXml(report(rs));
      expect(xml).to.match(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
      expect(xml).to.include(
        '<testsuites name="idp-conformance: acme-idp" tests="6" failures="1" errors="1" skipped="1"',
      );
      // saml-web-sso suites come first (PROFILES order)
      expect(xml.indexOf('name="saml-web-sso.metadata"')).to.be.lessThan(
        xml.indexOf('name="device-token.token"'),
      );
      expect(xml).to.include(
        '<testsuite name="device-token.token" tests="5" failures="1" errors="0" skipped="1"',
      );
      expect(xml).to.include(
        '<testcase classname="device-token.token" name="DT-TOK-01-ok title of DT-TOK-01-ok" time="0.012"/>',
      );
      expect(xml).to.match(
        /<failure message="DT-TOK-03-revoked: expected a, got b" type="MUST">expected: AuthnFailed\nactual: Success\nwhere: \/Status\nrequirements: DT-TOK-03 \(MUST\)<\/failure>/,
      );
      expect(xml).to.include('<skipped message="needs otherTenant"/>');
      expect(xml).to.include('<system-out>WARN: DT-TOK-06-warn: expected a, got b');
      expect(xml).to.include('<system-out>KNOWN (expected FAIL): cached');
      expect(xml).to.include('<error message="timeout" type="ERROR">');
      expect(xml).to.include('time="1.500"');
    });

    it('escapes markup and strips characters XML cannot carry', () => {
      const nasty = 'a<b>&"c\'\u0000\u0007\u001b\uFFFE\uD800 "]]></x>\tz\u00e9\u{1F600}';
      const rs = [
        result('DT-TOK-03-x', 'FAIL', {
          title: nasty,
          message: nasty,
          expected: nasty,
          actual: 'line1\nline2',
        }),
      ];
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idpc-junit-'));
      try {
        const file = writeJunit(dir, report(rs));
        const xml = fs.readFileSync(file, 'utf8');
        expect(xml).to.include(
          'name="DT-TOK-03-x a&lt;b&gt;&amp;&quot;c&apos; &quot;]]&gt;&lt;/x&gt;&#9;zé\u{1F600}"',
        );
        expect(xml).to.include('expected: a&lt;b&gt;&amp;"c\' "]]&gt;&lt;/x&gt;\tzé');
        // eslint-disable-next-line no-control-regex -- checking for control characters
        expect(xml).not.to.match(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
        expect(xml).not.to.match(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
        // every tag that opens closes: a cheap well-formedness check without an XML library
        const opens = (xml.match(/<(testsuites|testsuite|testcase|failure|properties)[\s>]/g) ?? []).length;
        const selfClosed = (xml.match(/<testcase [^>]*\/>/g) ?? []).length;
        const closes = (xml.match(/<\/(testsuites|testsuite|testcase|failure|properties)>/g) ?? []).length;
        expect(opens - selfClosed).to.equal(closes);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('stripInvalidXmlChars keeps valid pairs and removes lone surrogates', () => {
      expect(stripInvalidXmlChars('a\u{1F600}b\uDC00c\u0001d\te\n')).to.equal('a\u{1F600}bcd\te\n');
    });
  });
});
