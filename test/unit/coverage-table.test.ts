/**
 * docs/profiles/saml-web-sso.md lists every IdP-side saml2int v2.0 requirement with the checks that cover
 * it, or a reason; this keeps the table, the requirement catalogue and the check catalogue in agreement.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { requirement } from '../../src/harness/requirements';
import { covering } from '../docs-lists';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DOC = path.join(ROOT, 'docs', 'profiles', 'saml-web-sso.md');

const pad = (n: number) => String(n).padStart(2, '0');
const IDP_SIDE = [
  ...[1, 2, 3, 4].map((n) => `SDP-G${pad(n)}`),
  ...Array.from({ length: 12 }, (_, i) => `SDP-MD${pad(i + 1)}`),
  'SDP-ALG01',
  ...Array.from({ length: 33 }, (_, i) => `SDP-IDP${pad(i + 1)}`),
];

interface Row {
  id: string;
  level: string;
  checks: string[];
  note: string;
}

function rows(): Row[] {
  return readFileSync(DOC, 'utf8')
    .split('\n')
    .filter((l) => /^\| SDP-/.test(l))
    .map((l) => {
      const [id, level, checks, note] = l
        .split('|')
        .slice(1, 5)
        .map((c) => c.trim());
      return {
        id: id!,
        level: level!,
        checks: checks!.match(/`[^`]+`/g)?.map((c) => c.slice(1, -1)) ?? [],
        note: note!,
      };
    });
}

describe('docs/profiles/saml-web-sso.md: the saml2int coverage table', function () {
  this.timeout(60000);
  const table = rows();
  const list = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'idp-conformance.js'), 'list', '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const checks = JSON.parse(list.stdout) as { id: string; profile: string; requirements: string[] }[];

  it('has one row per IdP-side requirement, in order, and nothing else', () => {
    expect(table.map((r) => r.id)).to.deep.equal(IDP_SIDE);
  });

  it('gives each requirement the level of the catalogue, which quotes its sentence', () => {
    for (const r of table) {
      const req = requirement(r.id);
      expect(req, `${r.id} is not in the requirement catalogue`).to.not.equal(undefined);
      expect(r.level, r.id).to.equal(req!.level);
    }
  });

  it('lists exactly the checks that cite each requirement or one of its sub-entries', () => {
    for (const r of table) expect([...r.checks].sort(), r.id).to.deep.equal(covering(r.id, checks));
    // SDP-IDP16-error-status (the SHOULD of SDP-IDP16's sentence) is a sub-entry: its check is in SDP-IDP16's row.
    expect(table.find((r) => r.id === 'SDP-IDP16')?.checks).to.include('SDP-IDP16-error-status');
  });

  it('counts a sub-entry to its requirement only (SDP-IDP1 is not SDP-IDP16)', () => {
    const listed = [
      { id: 'a', profile: 'p', requirements: ['SDP-IDP16-error-status'] },
      { id: 'b', profile: 'p', requirements: ['SDP-IDP16'] },
      { id: 'c', profile: 'p', requirements: ['SDP-IDP1'] },
    ];
    expect(covering('SDP-IDP16', listed)).to.deep.equal(['a', 'b']);
    expect(covering('SDP-IDP1', listed)).to.deep.equal(['c']);
  });

  it('says why, where no check covers a requirement', () => {
    for (const r of table.filter((x) => x.checks.length === 0))
      expect(r.note.length, `${r.id} has no check and no reason`).to.be.greaterThan(20);
  });
});
