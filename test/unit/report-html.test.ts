/**
 * report.html: failures first with the requirement's sentence, expected/actual, what they blocked,
 * evidence inline (redacted) and a curl reproduction with $VAR placeholders; everything from the IdP
 * escaped (a hostile Response cannot add markup or script); nothing loaded from the network.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REDACTED, Redactor } from '../../src/harness/evidence/redact';
import { readEvidenceItems, writeEvidence } from '../../src/harness/evidence/transcript';
import { curlReproduction } from '../../src/harness/reporting/curl';
import { anchorId, esc } from '../../src/harness/reporting/html-kit';
import { reportHtml, writeReportHtml } from '../../src/harness/reporting/report-html';
import { summarize } from '../../src/harness/reporting/summary';
import { exitCodeOf } from '../../src/harness/runner';
import type { CheckResult, EvidenceItem, Outcome, RunReport } from '../../src/harness/types';

const PASSWORD = 'hunter2-secret-pass';
const HOSTILE = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"></pre></details><!--`;
const AT = '2030-01-02T03:04:05.000Z';

function result(id: string, outcome: Outcome, over: Partial<CheckResult> = {}): CheckResult {
  return {
    id,
    title: `title of ${id}`,
    profile: 'saml-web-sso',
    family: 'response',
    level: 'MUST',
    requirements: ['SAMLCore-3.2.1'],
    outcome,
    message: outcome === 'PASS' ? 'conformant' : `SAMLCore-3.2.1: expected a, got b`,
    durationMs: 5,
    evidence: [],
    ...over,
  };
}

function report(results: CheckResult[]): RunReport {
  return {
    schemaVersion: 2,
    harness: { name: 'idp-conformance', version: '0.1.0', node: 'v20.0.0' },
    target: { name: 'acme-idp', metadataUrl: 'http://127.0.0.1:8080/metadata', faults: ['f1'] },
    profiles: ['saml-web-sso'],
    startedAt: AT,
    durationMs: 1234,
    strict: false,
    summary: summarize(results),
    results,
    exitCode: exitCodeOf(results),
  };
}

function hostileItems(): EvidenceItem[] {
  return [
    {
      kind: 'http',
      label: `GET /sso ${HOSTILE}`,
      at: AT,
      http: {
        direction: 'client->idp',
        method: 'POST',
        url: `http://127.0.0.1:8080/login?x=${encodeURIComponent(HOSTILE)}`,
        requestHeaders: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'sid=abc123' },
        requestBody: `rid=r1&username=alice&password=${PASSWORD}`,
        status: 200,
        responseHeaders: { 'content-type': 'text/html', 'x-evil': HOSTILE },
        responseBody: `<html><body>${HOSTILE}<form><input name="SAMLResponse" value="abc"></form></body></html>`,
      },
    },
    {
      kind: 'saml',
      label: 'Response received at the ACS',
      at: AT,
      saml: {
        messageType: 'Response',
        binding: 'HTTP-POST',
        xml: `<samlp:Response><saml:Issuer>idp</saml:Issuer><!-- <script>window.__pwned=4</script> --><saml:Attribute Name="x"><![CDATA[</script><script>window.__pwned=3</script>]]></saml:Attribute></samlp:Response>`,
      },
    },
  ];
}

describe('report.html', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idpc-html-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function written(): { html: string; r: RunReport } {
    const evidence = writeEvidence(
      dir,
      'SAMLCore-3.2.1-destination',
      hostileItems(),
      new Redactor([PASSWORD]),
    );
    const r = report([
      result('SAMLCore-1.3.3-pass', 'PASS'),
      result('SAMLCore-3.2.1-destination', 'FAIL', {
        message: `SAMLCore-3.2.1: ${HOSTILE}`,
        expected: 'a non-Success status',
        actual: HOSTILE,
        where: '/samlp:Response/samlp:Status',
        evidence,
      }),
      Object.assign(result('SAMLCore-3.2.2-status', 'BLOCKED' as Outcome), {
        blockedBy: 'SAMLCore-3.2.1-destination',
      }),
      result('SDP-IDP09-signed', 'KNOWN', {
        requirements: ['SDP-IDP09'],
        expectation: { expect: 'FAIL', reason: `vendor ticket ${HOSTILE}` },
      }),
    ]);
    const file = writeReportHtml(dir, r);
    expect(file).to.equal(path.join(dir, 'report.html'));
    return { html: fs.readFileSync(file, 'utf8'), r };
  }

  it('escapes every byte from the IdP: the only script and the only markup are the page’s own', () => {
    const { html } = written();
    expect(html.match(/<script/gi) ?? []).to.have.length(1);
    expect(html).to.not.match(/<img/i);
    expect(html).to.not.include('onerror="');
    expect(html).to.not.include('<!--');
    expect(html).to.not.include('<![CDATA[');
    expect(html).to.include(esc(HOSTILE));
    // Every <pre> opened is closed by the page, not by the IdP's `</pre>`.
    expect((html.match(/<pre/g) ?? []).length).to.equal((html.match(/<\/pre>/g) ?? []).length);
  });

  it('is self-contained: a CSP that allows only its own script by hash, nothing loaded from anywhere', () => {
    const { html } = written();
    expect(html).to.match(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    expect(html).to.match(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    // Markup only (attribute values blanked: escaped IdP text in data-search is text, not an attribute).
    const tags = (html.match(/<[a-z][^>]*>/gi) ?? []).map((t) => t.replace(/"[^"]*"/g, '""'));
    const loads = tags.filter((t) => /^<(?:link|iframe|object|embed|img|base)\b|\s(?:src|srcset)=/i.test(t));
    expect(loads).to.deep.equal([]);
    expect(html).to.not.match(/@import|url\(/i);
    // No inline handlers (the CSP would block them and log an error).
    expect(tags.filter((t) => /\son[a-z]+=/i.test(t))).to.deep.equal([]);
  });

  it('lists failures first, each with the requirement sentence, expected and actual, what it blocked', () => {
    const { html } = written();
    const at = (id: string) => html.indexOf(`id="${anchorId('check', id)}"`);
    expect(at('SAMLCore-3.2.1-destination')).to.be.greaterThan(0);
    expect(at('SAMLCore-3.2.1-destination')).to.be.lessThan(at('SAMLCore-3.2.2-status'));
    expect(at('SAMLCore-3.2.2-status')).to.be.lessThan(at('SDP-IDP09-signed'));
    expect(at('SDP-IDP09-signed')).to.be.lessThan(at('SAMLCore-1.3.3-pass'));
    expect(html).to.include('If it does not, the request MUST be discarded');
    expect(html).to.include('a non-Success status');
    expect(html).to.include('Blocked 1 check:');
    expect(html).to.include(`Blocked by <a href="#${anchorId('check', 'SAMLCore-3.2.1-destination')}">`);
    expect(html).to.include('vendor ticket');
    expect(html).to.match(/<b>1<\/b> FAIL/);
    expect(html).to.match(/<b>1<\/b> BLOCKED/);
    expect(html).to.match(/<b>4<\/b> checks/);
    for (const f of ['data-outcome="FAIL"', 'data-profile="saml-web-sso"', 'data-family="response"'])
      expect(html).to.include(f);
    expect(html).to.include('id="f-profile"');
    expect(html).to.include('id="f-family"');
  });

  it('shows the evidence inline, redacted, with the SAML decoded and indented, and links the files', () => {
    const { html } = written();
    expect(html).to.not.include(PASSWORD);
    expect(html).to.include(`password=${REDACTED}`);
    expect(html).to.include(`cookie: sid=${REDACTED}`);
    expect(html).to.include(
      '&lt;samlp:Response&gt;\n  &lt;saml:Issuer&gt;idp&lt;/saml:Issuer&gt;\n  &lt;!--',
    );
    expect(html).to.include('href="evidence/SAMLCore-3.2.1-destination/transcript.txt"');
    expect(html).to.include('Evidence (2 items)');
  });

  it('stays small: a PASS or BLOCKED links its evidence files, a long base64 body is cut in the page only', () => {
    const b64 = Buffer.from('<samlp:Response>'.repeat(200)).toString('base64');
    const items: EvidenceItem[] = [
      {
        kind: 'http',
        label: 'POST /acs (SAMLResponse to the gateway ACS)',
        at: AT,
        http: {
          direction: 'client->gateway',
          method: 'POST',
          url: 'http://127.0.0.1:7400/acs',
          requestHeaders: { 'content-type': 'application/x-www-form-urlencoded' },
          requestBody: `SAMLResponse=${encodeURIComponent(b64)}`,
          status: 302,
        },
      },
    ];
    const failed = writeEvidence(dir, 'SAMLCore-3.2.1-failed', items, new Redactor());
    const passed = writeEvidence(dir, 'SAMLCore-1.3.3-passed', items, new Redactor());
    const blocked = writeEvidence(dir, 'SAMLCore-3.2.2-blocked', items, new Redactor());
    const html = reportHtml(
      report([
        result('SAMLCore-3.2.1-failed', 'FAIL', { evidence: failed }),
        result('SAMLCore-1.3.3-passed', 'PASS', { evidence: passed }),
        Object.assign(result('SAMLCore-3.2.2-blocked', 'BLOCKED' as Outcome, { evidence: blocked }), {
          blockedBy: 'SAMLCore-3.2.1-failed',
        }),
      ]),
      { evidence: (r) => readEvidenceItems(dir, r.evidence) },
    );
    const section = (id: string) => {
      const from = html.indexOf(`id="${anchorId('check', id)}"`);
      return html.slice(from, html.indexOf('</details>\n<details class="check"', from) >>> 0);
    };
    const fail = section('SAMLCore-3.2.1-failed');
    expect(fail).to.include('<pre class="req">');
    expect(fail).to.match(/SAMLResponse=PHNhbWxw[A-Za-z0-9%]{40}…\[\d+ more characters of base64/);
    expect(fail, 'the curl lines keep the body whole').to.include(encodeURIComponent(b64));
    for (const id of ['SAMLCore-1.3.3-passed', 'SAMLCore-3.2.2-blocked']) {
      const own = section(id);
      expect(own, id).to.include('Evidence (1 item, in files)');
      expect(own, id).to.match(/<li><a href="evidence\/SAMLCore-[^"]+\/transcript\.txt">01 /);
      expect(own, id).to.not.include('<pre class="req">');
      expect(own, id).to.not.include('Reproduce with curl');
      expect(own, id).to.not.include(b64.slice(0, 200));
    }
  });

  it('a green run of 100 checks with 20 kB of evidence each renders in well under 1 kB of evidence per check', () => {
    const items: EvidenceItem[] = [
      {
        kind: 'saml',
        label: 'Response received at the ACS',
        at: AT,
        saml: { messageType: 'Response', xml: `<r>${'<a>x</a>'.repeat(2500)}</r>` },
      },
    ];
    const results = Array.from({ length: 100 }, (_, i) =>
      result(`SAMLCore-1.3.3-pass-${i}`, 'PASS', {
        evidence: writeEvidence(dir, `SAMLCore-1.3.3-pass-${i}`, items, new Redactor()),
      }),
    );
    const bare = reportHtml(report(results)).length;
    const html = reportHtml(report(results), { evidence: (r) => readEvidenceItems(dir, r.evidence) });
    expect((html.length - bare) / results.length).to.be.lessThan(1024);
  });

  it('offers a curl reproduction with $VAR placeholders for the redacted secrets', () => {
    const { html } = written();
    expect(html).to.include('Reproduce with curl (set $PASSWORD first)');
    expect(html).to.include(esc(`'rid=r1&username=alice&password='"$PASSWORD"`));
    expect(html).to.include(esc('curl -sS -i -b "$JAR" -c "$JAR" -X POST'));
    expect(html).to.not.include(esc("-H 'cookie:")); // the cookie jar replaces redacted cookies
  });

  it('curl lines quote hostile bytes for the shell (no command substitution, no breaking out)', () => {
    const repro = curlReproduction([
      {
        kind: 'http',
        label: 'x\n$(touch /tmp/pwned)',
        at: AT,
        http: {
          direction: 'harness->admin',
          method: 'PUT',
          url: "http://127.0.0.1/a?b='$(id)'",
          requestHeaders: { 'x-api-key': REDACTED, 'bad header': 'x' },
          requestBody: `{"apiKey":"${REDACTED}","v":"'; rm -rf / #"}`,
        },
      },
    ])!;
    expect(repro.variables).to.deep.equal(['X_API_KEY', 'APIKEY']);
    expect(repro.text).to.include(`'http://127.0.0.1/a?b='\\''$(id)'\\'''`);
    expect(repro.text).to.include(`-H 'x-api-key: '"$X_API_KEY"`);
    expect(repro.text).to.include(`--data-binary '{"apiKey":"'"$APIKEY"'","v":"'\\''; rm -rf / #"}'`);
    expect(repro.text).to.include('# x $(touch /tmp/pwned)'); // a comment, on one line
    expect(repro.text).to.not.include('bad header');
  });

  it('renders without evidence files, and says so', () => {
    const html = reportHtml(report([result('SAMLCore-3.2.1-x', 'ERROR', { message: 'no answer' })]));
    expect(html).to.include('No evidence recorded.');
    expect(html).to.include('The harness could not complete the run');
  });
});
