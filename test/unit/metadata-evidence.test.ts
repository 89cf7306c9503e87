/**
 * Metadata checks carry the metadata as evidence: the HTTP exchange that fetched it and the document,
 * pretty-printed — in conformance.json's evidence paths, report.html (inline for a failure) and the
 * Allure attachments; the preflight's evidence starts with it too.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunReport } from '../../src/harness/types';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'idp-conformance.js');

describe('metadata checks keep the metadata as evidence', function () {
  this.timeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idpc-md-evidence-'));
  let report: RunReport;

  before(() => {
    const r = spawnSync(
      process.execPath,
      [
        BIN,
        'run',
        '--fault',
        'metadata-no-signing-key',
        '--requirement',
        'SDP-MD08',
        '--requirement',
        'DT-MD-01',
        '--report-dir',
        dir,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 150_000, env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(r.status, r.stderr).to.equal(1);
    report = JSON.parse(fs.readFileSync(path.join(dir, 'conformance.json'), 'utf8')) as RunReport;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('conformance.json: each metadata check lists the fetch and the document', () => {
    for (const id of ['SDP-MD08-signing-certificate', 'DT-MD-01-idp-metadata']) {
      const r = report.results.find((x) => x.id === id);
      expect(r?.outcome, id).to.equal('FAIL');
      expect(
        r?.evidence.map((f) => path.posix.basename(f)),
        id,
      ).to.deep.equal(['transcript.txt', 'items.json']);
      const [fetch = '', doc = ''] = fs
        .readFileSync(path.join(dir, r?.evidence[0] ?? 'missing'), 'utf8')
        .split(/^=== /m)
        .slice(1);
      expect(fetch, id).to.match(/^01 GET \/t\/[a-z]+\/metadata \(IdP metadata\)/);
      expect(fetch).to.match(/^HTTP 200$/m);
      expect(doc, id).to.match(/^02 IdP metadata document/);
      expect(doc).to.match(/^ {2}<md:IDPSSODescriptor /m); // indented
    }
    for (const p of report.preflight ?? []) {
      const text = fs.readFileSync(path.join(dir, p.evidence[0] ?? 'missing'), 'utf8');
      expect(
        text
          .split(/^=== /m)
          .slice(1, 3)
          .map((x) => x.split('\n')[0]),
        p.profile,
      ).to.deep.equal([
        `01 GET /t/${p.profile === 'device-token' ? 'acme' : 'web'}/metadata (IdP metadata)`,
        '02 IdP metadata document',
      ]);
    }
  });

  it('report.html shows the document inline for the failure', () => {
    const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
    const section = html.slice(html.indexOf('id="check-SDP-MD08-signing-certificate"'));
    const own = section.slice(0, section.indexOf('<details class="check"', 10));
    expect(own).to.include('IdP metadata document');
    expect(own).to.include('&lt;md:EntityDescriptor');
    expect(own).to.include('GET http://127.0.0.1:');
  });

  it('Allure attaches the transcript, the fetch and the document first', () => {
    interface Attachment {
      name: string;
      type: string;
      source: string;
    }
    const results = fs
      .readdirSync(path.join(dir, 'allure-results'))
      .filter((f) => f.endsWith('-result.json'))
      .map(
        (f) =>
          JSON.parse(fs.readFileSync(path.join(dir, 'allure-results', f), 'utf8')) as {
            name: string;
            attachments: Attachment[];
            steps: { attachments: Attachment[] }[];
          },
      );
    const md08 = results.find((r) => r.name.startsWith('SDP-MD08-signing-certificate'));
    const attachments = [...(md08?.attachments ?? []), ...(md08?.steps ?? []).flatMap((x) => x.attachments)];
    expect(attachments.map((a) => [a.name, a.type])).to.deep.equal([['evidence: 2 items', 'text/plain']]);
    const text = fs.readFileSync(
      path.join(dir, 'allure-results', attachments[0]?.source ?? 'missing'),
      'utf8',
    );
    expect(text).to.match(/^=== 01 GET \/t\/web\/metadata \(IdP metadata\)/);
    expect(text).to.match(/^=== 02 IdP metadata document/m);
  });
});
