import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { changed, fingerprint } from '../mutation/fingerprint';
import { classify, estimate, emptyTally, mutantKey, scoreFile } from '../mutation/score';

const at = (line: number, column: number, endColumn: number) => ({
  start: { line, column },
  end: { line, column: endColumn },
});

describe('npm run mutation: what counts as killed', () => {
  const m = (status: string, statusReason?: string) => ({
    id: '1',
    mutatorName: 'ConditionalExpression',
    replacement: 'false',
    status,
    statusReason,
    location: at(1, 1, 2),
  });

  it('a check verdict (FAIL, WARN) is a kill', () => {
    expect(classify(m('Killed', 'FAIL: SDP-IDP02: the Response: expected Success, got none')).kind).to.equal(
      'killed',
    );
    expect(classify(m('Killed', 'WARN: SAMLCore-1.3.4: ...')).kind).to.equal('killed');
  });

  it('a harness ERROR, a hook failure, a timeout or no coverage is not a kill', () => {
    expect(classify(m('Killed', 'ERROR: ERR_TARGET_START: ...')).kind).to.equal('not-killed');
    expect(classify(m('Killed', 'idp-conformance: ERR_METADATA: the IdP metadata ...')).kind).to.equal(
      'not-killed',
    );
    expect(classify(m('Timeout')).kind).to.equal('not-killed');
    expect(classify(m('Survived')).kind).to.equal('not-killed');
    expect(classify(m('NoCoverage')).kind).to.equal('not-killed');
  });

  it('a type-checker rejection is not a mutant; a crash is a mutant not killed', () => {
    expect(
      classify(m('CompileError', "src/x.ts(1,2): error TS2322: Type '{}' is not assignable")).kind,
    ).to.equal('invalid');
    expect(classify(m('CompileError', 'SyntaxError: Unexpected token')).kind).to.equal('not-killed');
    expect(classify(m('RuntimeError', 'TypeError: x is not a function')).kind).to.equal('not-killed');
  });

  it('the survivor key names the replaced text, not the line', () => {
    const src = 'const a = 1;\nif (s.length > 127) return false;\n';
    const mut = {
      id: '7',
      mutatorName: 'EqualityOperator',
      replacement: 's.length >= 127',
      status: 'Survived',
      location: at(2, 5, 19),
    };
    expect(mutantKey('src/x.ts', src, mut)).to.equal(
      'src/x.ts EqualityOperator: s.length > 127 → s.length >= 127',
    );
    const shifted = { ...mut, location: at(3, 5, 19) };
    expect(mutantKey('src/x.ts', `// new line\n${src}`, shifted)).to.equal(mutantKey('src/x.ts', src, mut));
  });
});

describe('npm run mutation: the sampled score', () => {
  const unit = (line: number, kept: boolean) => ({ ...at(line, 1, 40), kept });
  const mut = (line: number, status: string, statusReason?: string) => ({
    id: String(line),
    mutatorName: 'ConditionalExpression',
    replacement: 'false',
    status,
    statusReason,
    location: at(line, 5, 9),
  });
  const src = Array.from({ length: 10 }, (_, i) => `line ${i} of the source`).join('\n');

  it('with every unit kept the score is exact (no interval)', () => {
    const r = scoreFile(
      'f.ts',
      src,
      [mut(1, 'Killed', 'FAIL: x'), mut(2, 'Survived')],
      [unit(1, true), unit(2, true)],
    );
    const e = estimate(r.tally);
    expect(e.score).to.equal(50);
    expect([e.low, e.high]).to.deep.equal([50, 50]);
  });

  it('a sample expands the kept units and gives an interval around the estimate', () => {
    const ms = [mut(1, 'Killed', 'FAIL: x'), mut(2, 'Killed', 'FAIL: x'), mut(3, 'Survived')];
    ms.push(mut(4, 'Ignored', 'not in the sample (0.5)'), mut(5, 'Ignored', 'not in the sample (0.5)'));
    const units = [
      unit(1, true),
      unit(2, true),
      unit(3, true),
      unit(4, false),
      unit(5, false),
      unit(6, false),
    ];
    const r = scoreFile('f.ts', src, ms, units);
    expect(r.tally.notSampled).to.equal(2);
    expect(r.unsampledKeys.size).to.equal(2);
    const e = estimate(r.tally);
    expect(e.score).to.be.closeTo(66.7, 0.1);
    expect([e.m, e.M]).to.deep.equal([3, 5]); // unit 6 holds no mutant: it weighs nothing
    expect([e.low, e.high]).to.deep.equal([0, 100]); // fewer than MIN_UNITS kept
  });

  it('a mutant outside every unit is always run and weighs one', () => {
    const r = scoreFile(
      'f.ts',
      src,
      [mut(8, 'Survived'), mut(1, 'Killed', 'FAIL: x')],
      [unit(1, true), unit(2, false)],
    );
    expect(r.tally.alwaysValid).to.equal(1);
    expect(r.survivors.map((s) => s.line)).to.deep.equal([8]);
    expect(estimate(emptyTally()).score).to.equal(0);
  });
});

describe('npm run mutation: the fingerprint', () => {
  it('names what changed, what Stryker cannot diff first', () => {
    const seen = (f: string) => f.startsWith('specs/');
    expect(
      changed(
        { 'specs/a': '1', 'src/h.ts': '1', 'src/k.ts': '1' },
        { 'specs/a': '2', 'src/h.ts': '2', 'src/k.ts': '1', 'src/n.ts': '1' },
        seen,
      ),
    ).to.deep.equal(['src/h.ts', 'src/n.ts', 'specs/a']);
  });

  it('hashes only the files git tracks: a stray untracked file does not change it, an edit does', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'idpc-fp-'));
    try {
      const git = (...a: string[]) =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { cwd: root });
      mkdirSync(path.join(root, 'src'));
      writeFileSync(path.join(root, 'src', 'a.ts'), 'a');
      writeFileSync(path.join(root, 'package.json'), '{}');
      git('init', '-q');
      git('add', '-A');
      git('commit', '-q', '-m', 'x');
      const before = fingerprint(root, []);
      expect(Object.keys(before.files)).to.deep.equal(['package.json', 'src/a.ts']);
      writeFileSync(path.join(root, 'src', 'stray.ts'), 'stray');
      expect(fingerprint(root, [])).to.deep.equal(before);
      writeFileSync(path.join(root, 'src', 'a.ts'), 'edited');
      expect(fingerprint(root, []).inputs).to.not.equal(before.inputs);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('npm run mutation: the interval', () => {
  it('narrows around the estimate with enough kept units', () => {
    const t = emptyTally();
    t.kept = Array.from({ length: 40 }, (_, i) => ({ k: i % 4 === 0 ? 1 : 2, n: 2 }));
    t.units = 400;
    const e = estimate(t);
    expect(e.score).to.be.closeTo(87.5, 0.01);
    expect(e.low).to.be.within(75, 87.4);
    expect(e.high).to.be.within(87.6, 100);
  });
});
