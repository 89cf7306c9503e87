/**
 * The requirement catalogue is live and true: every check cites catalogue entries and carries their
 * sentence and source; the DT entries are the requirements of docs/profiles/device-token.md (IDs, level,
 * sentence), the document's "Checked by" lines name exactly the checks that cite each requirement, and its
 * identifiers are the ones the harness sends and expects.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEVICE_TOKEN_DOC, REQUIREMENTS, citations, requirement } from '../../src/harness/requirements';
import { toConformanceJson } from '../../src/harness/reporting/json';
import { DT_AUTHN_CONTEXT, DT_NS } from '../../src/harness/roles/client/device-agent';
import { repoRoot } from '../../src/harness/paths';
import { emptySummary, type Citation, type Level } from '../../src/harness/types';

const ROOT = repoRoot();
const BIN = path.join(ROOT, 'bin', 'idp-conformance.js');

interface Listed {
  id: string;
  profile: string;
  level: Level;
  requirements: string[];
  cites: Citation[];
}

function list(): Listed[] {
  const r = spawnSync(process.execPath, [BIN, 'list', '--json'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).to.equal(0);
  return JSON.parse(r.stdout) as Listed[];
}

/** Markdown to the catalogue's plain sentence: link text kept, whitespace collapsed. */
const plain = (s: string) =>
  s
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();

interface DocRequirement {
  id: string;
  level: Level;
  text: string;
  checkedBy: string[];
}

/** §4 of the profile document: `#### DT-…`, `**MUST.** sentence…`, `Checked by `check-id`, …`. */
export function docRequirements(doc: string): DocRequirement[] {
  const sec = doc.slice(doc.indexOf('## 4. Requirements'), doc.indexOf('## 5. '));
  return sec
    .split(/^#### /m)
    .slice(1)
    .map((block) => {
      const [head = '', ...rest] = block.split('\n');
      const body = rest
        .join('\n')
        .split(/\n### /)[0]!
        .trim(); // split() returns at least one part
      const m =
        /^\*\*(MUST|SHOULD|MAY)(?:\.\*\*|\*\* \([^)]*\)\.)\s*([\s\S]*?)(?:\nChecked by ([\s\S]*))?$/.exec(
          body,
        );
      expect(m, `${DEVICE_TOKEN_DOC}: cannot read requirement ${head}`).to.not.equal(null);
      const checkedBy = (m![3] ?? '').match(/`[^`]+`/g) ?? [];
      return {
        id: head.trim(),
        level: m![1] as Level,
        text: plain(m![2]!), // group 2 is not optional
        checkedBy: checkedBy
          .map((x) => x.slice(1, -1))
          .filter((x) => /^[A-Z]+(?:-[A-Z0-9.]+)+-[a-z0-9-]+$/.test(x))
          .sort(),
      };
    });
}

describe('requirement catalogue', () => {
  const checks = list();
  const doc = readFileSync(path.join(ROOT, DEVICE_TOKEN_DOC), 'utf8');
  const documented = docRequirements(doc);

  it('every check cites only catalogue requirements, and carries their level, sentence, source and link', () => {
    expect(checks.length).to.be.greaterThan(100);
    for (const c of checks) {
      expect(
        c.cites.map((x) => x.id),
        c.id,
      ).to.deep.equal(c.requirements);
      for (const cite of c.cites) {
        const r = requirement(cite.id);
        expect(r, `${c.id} cites ${cite.id}, which is not in the catalogue`).to.not.equal(undefined);
        expect(cite, c.id).to.deep.include({ level: r!.level, text: r!.text, source: r!.source });
        expect(cite.link, `${c.id}: ${cite.id} has no source link`).to.be.a('string');
      }
    }
  });

  it('a check states no level stronger than its requirement (only the weaker part of one)', () => {
    const rank: Record<Level, number> = { MAY: 0, SHOULD: 1, MUST: 2 };
    // A check without a citation is listed too (the test above names it).
    const stronger = checks
      .filter((c) => c.cites[0] === undefined || rank[c.level] > rank[c.cites[0].level])
      .map((c) => c.id);
    expect(stronger).to.deep.equal([]);
  });

  it(`the DT entries are the requirements of ${DEVICE_TOKEN_DOC} (ID, level, sentence)`, () => {
    const catalogue = REQUIREMENTS.filter((r) => r.id.startsWith('DT-')).map((r) => ({
      id: r.id,
      level: r.level,
      text: plain(r.text),
    }));
    expect(documented.length).to.equal(51);
    expect(catalogue).to.deep.equal(documented.map(({ id, level, text }) => ({ id, level, text })));
    for (const r of REQUIREMENTS.filter((x) => x.id.startsWith('DT-')))
      expect(r.source, r.id).to.equal('device-token profile v1');
  });

  it('its "Checked by" lines name exactly the checks that cite each requirement', () => {
    const wrong = documented.flatMap((d) => {
      const citing = checks
        .filter((c) => c.requirements.includes(d.id))
        .map((c) => c.id)
        .sort();
      return JSON.stringify(citing) === JSON.stringify(d.checkedBy)
        ? []
        : [
            `${d.id}: the document says ${d.checkedBy.join(', ') || 'nothing'}, list says ${citing.join(', ')}`,
          ];
    });
    expect(wrong).to.deep.equal([]);
  });

  it('its identifiers (namespace, AuthnContextClassRef, header scheme) are the ones the harness uses', () => {
    const table = doc.slice(doc.indexOf('### 1.3 Identifiers'), doc.indexOf('### 1.4'));
    const row = (what: string) => {
      const line = table.split('\n').find((l) => l.startsWith(`| ${what}`));
      expect(line, `${DEVICE_TOKEN_DOC} §1.3 has no row "${what}"`).to.be.a('string');
      return (line!.match(/`[^`]+`/g) ?? []).map((x) => x.slice(1, -1));
    };
    expect(row('Extension namespace').slice(-1)).to.deep.equal([DT_NS]);
    expect(row('AuthnContextClassRef')).to.deep.equal([DT_AUTHN_CONTEXT]);
    expect(row('HTTP header and scheme')).to.deep.equal(['Authorization: DeviceToken <token>']);
    const dir = path.join(ROOT, 'specs', 'device-token');
    const specs = readdirSync(dir)
      .filter((f) => f.endsWith('.spec.ts'))
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    for (const name of [
      ...row('Device attributes'),
      ...row('Token attribute'),
      ...row('Directory attributes'),
    ])
      expect(specs, `attribute ${name} of §1.3 is named in no device-token spec`).to.match(
        new RegExp(`\\b${name}\\b`),
      );
  });
});

describe('conformance.json results', () => {
  it('carry the citations of their check', () => {
    const cites = citations(['DT-TOK-03'], 'DT-TOK-03-unknown-token');
    const report = toConformanceJson({
      schemaVersion: 2,
      harness: { name: 'idp-conformance', version: '0', node: process.version },
      target: { name: 't' },
      profiles: ['device-token'],
      startedAt: new Date(0).toISOString(),
      durationMs: 1,
      strict: false,
      summary: emptySummary(),
      results: [
        {
          id: 'DT-TOK-03-unknown-token',
          profile: 'device-token',
          family: 'token',
          level: 'MUST',
          requirements: ['DT-TOK-03'],
          title: 'x',
          cites,
          outcome: 'PASS',
          message: 'ok',
          durationMs: 1,
          evidence: [],
        },
      ],
      exitCode: 0,
    });
    expect(report.results[0]?.cites).to.deep.equal([
      {
        id: 'DT-TOK-03',
        level: 'MUST',
        text: requirement('DT-TOK-03')!.text,
        source: 'device-token profile v1',
        link: 'docs/profiles/device-token.md#dt-tok-03',
      },
    ]);
  });
});
