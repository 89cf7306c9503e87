/**
 * Issue 9 item 7 (variants): a multi-variant check records each variant's own outcome, conformance.json
 * carries it, and the kill matrix prints which faults break each variant alone.
 */
import { expect } from 'chai';
import { Blocked, ConformanceFailure, NotApplicable, Verdict } from '../../src/harness/checks/verdict';
import type { CheckDef } from '../../src/harness/types';
import { formatKillMatrix, type KillMatrix } from '../kill-matrix';

const def: CheckDef = {
  id: 'X-1-variants',
  profile: 'device-token',
  family: 'request-parsing',
  level: 'MUST',
  requirements: ['X-1'],
  title: 't',
};

describe('variants of a multi-variant check', () => {
  it('records PASS, FAIL and BLOCKED per variant and fails once naming the failed ones', async () => {
    const v = new Verdict(def);
    const cases = [
      ['good', 1],
      ['bad', 2],
      ['blocked', 3],
    ] as const;
    let thrown: unknown;
    try {
      await v.variants(cases, async (n) => {
        if (n === 2) v.fail('value', 'x', 'y');
        if (n === 3) v.blocked('ROOT-1', 'no key');
        v.ok(true, 'ok', 'ok', 'ok');
      });
    } catch (e) {
      thrown = e;
    }
    expect(v.variantOutcomes).to.deep.equal([
      { name: 'good', outcome: 'PASS' },
      { name: 'bad', outcome: 'FAIL' },
      { name: 'blocked', outcome: 'BLOCKED' },
    ]);
    expect(thrown).to.be.instanceOf(ConformanceFailure);
    expect((thrown as ConformanceFailure).what).to.match(/^1 of 3 variants failed \(bad: /);
  });

  it('is BLOCKED only when no variant failed on its own', async () => {
    const v = new Verdict(def);
    let thrown: unknown;
    try {
      await v.variants([['only', 0]] as const, async () => v.blocked('ROOT-1', 'no key'));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).to.be.instanceOf(Blocked);
    expect(v.variantOutcomes).to.deep.equal([{ name: 'only', outcome: 'BLOCKED' }]);
  });

  it('records NOT_APPLICABLE per variant; the check is NOT_APPLICABLE only when no variant passed', async () => {
    const some = new Verdict(def);
    await some.variants(
      [
        ['judged', 1],
        ['nothing to judge', 2],
      ] as const,
      async (n) => {
        if (n === 2) some.notApplicable('satisfied');
        some.ok(true, 'ok', 'ok', 'ok');
      },
    );
    expect(some.variantOutcomes).to.deep.equal([
      { name: 'judged', outcome: 'PASS' },
      { name: 'nothing to judge', outcome: 'NOT_APPLICABLE' },
    ]);
    const none = new Verdict(def);
    let thrown: unknown;
    try {
      await none.variants(
        [
          ['a', 1],
          ['b', 2],
        ] as const,
        async (n) => none.notApplicable(`n/a ${n}`),
      );
    } catch (e) {
      thrown = e;
    }
    expect(thrown).to.be.instanceOf(NotApplicable);
    expect((thrown as Error).message).to.equal('n/a 1');
    expect(none.variantOutcomes.map((x) => x.outcome)).to.deep.equal(['NOT_APPLICABLE', 'NOT_APPLICABLE']);
  });

  it('the kill matrix prints each variant with the faults that break it alone', () => {
    const m: KillMatrix = {
      faults: ['f-a', 'f-b'],
      checks: [
        {
          id: 'X-1-variants',
          killedBy: ['f-a', 'f-b'],
          variants: [
            { name: 'one', killedBy: ['f-a', 'f-b'], killedAloneBy: ['f-a'] },
            { name: 'two', killedBy: ['f-b'], killedAloneBy: [], unkillableReason: 'why' },
          ],
        },
      ],
    };
    const text = formatKillMatrix(m);
    expect(text).to.contain('1/2 variants of multi-variant checks broken alone by some fault');
    expect(text).to.match(/# one\s+alone: f-a/);
    expect(text).to.match(/# two\s+\(not alone: why\)/);
  });
});
