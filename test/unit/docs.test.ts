/**
 * Docs that do not rot: every check count in the docs comes from `list --json` (a count marker, rewritten
 * by `npm run docs`), a bare count is only allowed as a dated measurement, and the interop results table
 * adds up to the count it was measured with. The check lists of the profile documents (device-token.md's
 * "Checked by" lines, saml-web-sso.md's coverage table) are generated too (test/docs-lists.ts); what they
 * must say is also checked by catalogue.test.ts and coverage-table.test.ts.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COUNT_MARKER, ROOT, countOf, docFiles, listChecks, type ListedCheck } from '../docs-counts';
import { DEVICE_TOKEN_MD, SAML_WEB_SSO_MD, withCheckLists } from '../docs-lists';
import { FINDINGS_DOC } from '../write-docs';
import { findingsMarkdown } from '../../src/harness/findings';

const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

describe('docs stay true to the catalogue', function () {
  this.timeout(60_000);
  let checks: ListedCheck[];
  before(() => (checks = listChecks()));

  it('every count marker holds the count `list --json` gives (npm run docs rewrites them)', () => {
    const stale: string[] = [];
    let markers = 0;
    for (const rel of docFiles()) {
      const text = read(rel);
      for (const [, key = '', said] of text.matchAll(COUNT_MARKER)) {
        markers++;
        const n = countOf(key, checks);
        if (n === undefined) stale.push(`${rel}: unknown count key ${key}`);
        else if (String(n) !== said) stale.push(`${rel}: count:${key} says ${said}, list gives ${n}`);
      }
    }
    expect(stale, 'run `npm run docs`').to.deep.equal([]);
    expect(markers).to.be.greaterThan(0);
  });

  for (const rel of [DEVICE_TOKEN_MD, SAML_WEB_SSO_MD])
    it(`${rel}: its check lists name the checks citing each requirement (npm run docs rewrites them)`, () => {
      const text = read(rel);
      expect(withCheckLists(rel, text, checks), 'run `npm run docs`').to.equal(text);
    });

  it('docs/findings.md lists every finding code with its meaning, as the registry says (npm run docs)', () => {
    expect(read(FINDINGS_DOC), 'run `npm run docs`').to.equal(findingsMarkdown());
  });

  it('the catalogue table in docs/README.md has a column for every family', () => {
    const text = read('docs/README.md');
    for (const profile of new Set(checks.map((c) => c.profile))) {
      const families = new Set(
        [...text.matchAll(COUNT_MARKER)].map((m) => m[1] ?? '').filter((k) => k.startsWith(`${profile}/`)),
      );
      const missing = [...new Set(checks.filter((c) => c.profile === profile).map((c) => c.family))].filter(
        (f) => !families.has(`${profile}/${f}`),
      );
      expect(missing, `${profile}: add a column (and run npm run docs)`).to.deep.equal([]);
    }
  });

  it('states no other number of checks, except a dated measurement', () => {
    const bare: string[] = [];
    for (const rel of docFiles()) {
      read(rel)
        .split('\n')
        .forEach((line, i) => {
          const plain = line.replace(COUNT_MARKER, 'COUNTED');
          if (
            /(?<![\w/.-])\d+ (?:[a-z-]+ )?checks\b/.test(plain) &&
            !/measured \d{4}-\d{2}-\d{2}/i.test(plain)
          )
            bare.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(
      bare,
      'write the count as <!-- count:KEY -->N<!-- /count --> (see test/docs-counts.ts)',
    ).to.deep.equal([]);
  });

  it('the interop results table adds up to the number of checks it was measured with', () => {
    const text = read('fixtures/targets/README.md');
    const section = text.slice(text.indexOf('## Current results'));
    const measured = /(\d+) checks \(measured \d{4}-\d{2}-\d{2}/.exec(section);
    expect(measured, 'the measured count').to.not.equal(null);
    const table = section.slice(0, section.indexOf('\n## ')).split('\n');
    const header = table.find((l) => l.startsWith('| target'))!;
    const cols = header.split('|').map((c) => c.trim());
    const counted = ['PASS', 'FAIL', 'WARN', 'KNOWN', 'N/A', 'ERROR', 'BLOCKED'].filter((c) =>
      cols.includes(c),
    );
    const rows = table.filter((l) => l.startsWith('| ') && !l.startsWith('| target'));
    expect(rows.length).to.be.greaterThan(0);
    for (const row of rows) {
      const cells = row.split(/(?<!\\)\|/).map((c) => c.trim());
      const sum = counted.reduce((a, c) => a + Number(cells[cols.indexOf(c)]), 0);
      // A row measured apart says so in its first cell: `(…, 6 checks, measured 2026-12-07)`.
      const own = /(\d+) checks, measured \d{4}-\d{2}-\d{2}/.exec(cells[1] ?? '');
      expect(sum, row.slice(0, 60)).to.equal(Number(own?.[1] ?? measured![1]));
    }
  });
});

describe('docs-lists: a "Checked by" line keeps its hand-written tail', () => {
  const doc = (line: string) =>
    `## 4. Requirements\n\n#### DT-X-01\n\n**MUST.** A sentence.\n${line}\n\n## 5. Next\n`;
  const cite = (...ids: string[]) =>
    ids.map((id) => ({ id, requirements: ['DT-X-01'] }) as unknown as ListedCheck);

  it('no check left: the line stays as "no check" with its tail; checks back: the tail follows them', () => {
    const none = withCheckLists(DEVICE_TOKEN_MD, doc('Checked by `DT-X-01-a`. Rule: [Replay](#replay).'), []);
    expect(none).to.equal(doc('Checked by no check. Rule: [Replay](#replay).'));
    expect(withCheckLists(DEVICE_TOKEN_MD, none, [])).to.equal(none);
    expect(withCheckLists(DEVICE_TOKEN_MD, none, cite('DT-X-01-b'))).to.equal(
      doc('Checked by `DT-X-01-b`. Rule: [Replay](#replay).'),
    );
  });

  it('no check left and only a full stop after the list: the line goes', () => {
    expect(withCheckLists(DEVICE_TOKEN_MD, doc('Checked by `DT-X-01-a`.'), [])).to.equal(
      '## 4. Requirements\n\n#### DT-X-01\n\n**MUST.** A sentence.\n\n## 5. Next\n',
    );
  });
});
