import { expect } from 'chai';
import { classify, mutantKey } from '../mutation/run';

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

  it('compile and runtime errors are not mutants', () => {
    expect(classify(m('CompileError')).kind).to.equal('invalid');
    expect(classify(m('RuntimeError')).kind).to.equal('invalid');
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
