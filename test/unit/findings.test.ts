/**
 * The finding-code registry (src/harness/findings.ts) is the whole vocabulary of the verifier: every code
 * a producer uses is registered (tsc enforces it at the call; this test reads the sources too), and every
 * registered code is produced somewhere, so the registry holds no dead meaning.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FINDINGS, FINDING_CODES } from '../../src/harness/findings';
import { ROOT } from '../docs-counts';

/** The .ts files under a folder of the repo. */
function sources(rel: string): string[] {
  return fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true }).flatMap((e) => {
    const r = path.posix.join(rel, e.name);
    return e.isDirectory() ? sources(r) : e.name.endsWith('.ts') ? [r] : [];
  });
}

const CODE = /'((?:S|C|X)-\d{2}|INTERNAL)'/g;

/** Quoted codes per file, comments left out. */
function codesIn(files: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const rel of files) {
    const text = fs
      .readFileSync(path.join(ROOT, rel), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    for (const [, code = ''] of text.matchAll(CODE)) out.set(code, [...(out.get(code) ?? []), rel]);
  }
  return out;
}

describe('finding codes: one typed registry with meanings (src/harness/findings.ts)', () => {
  const producers = sources('src/harness/roles/gateway').filter((f) => /\/verifier[^/]*\.ts$/.test(f));
  const users = [...sources('src/harness'), ...sources('specs')].filter(
    (f) => f !== 'src/harness/findings.ts',
  );

  it('every code the harness or a spec uses is registered', () => {
    const unknown = [...codesIn(users)].filter(([c]) => !(c in FINDINGS)).map(([c, f]) => `${c} in ${f[0]}`);
    expect(unknown).to.deep.equal([]);
  });

  it('every registered code is produced by the verifier', () => {
    const produced = codesIn(producers);
    expect(FINDING_CODES.filter((c) => !produced.has(c))).to.deep.equal([]);
  });

  it('every code has a meaning (one sentence) and a source', () => {
    for (const c of FINDING_CODES) {
      const f = FINDINGS[c];
      expect(f.meaning, c).to.match(/^[A-Z].{20,}\.$/s);
      expect(f.source, c).to.have.length.greaterThan(3);
    }
  });
});
