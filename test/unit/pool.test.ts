import { expect } from 'chai';
import { CheckPool } from '../../src/harness/checks/pool';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/** N checks whose work records when it runs; `exclusive` ones are marked. */
function world(ids: string[], exclusive: string[] = []) {
  const pool = new CheckPool();
  const log: string[] = [];
  let running = 0;
  let peak = 0;
  const overlaps: string[] = [];
  const active = new Set<string>();
  const work = (id: string) => async () => {
    running++;
    peak = Math.max(peak, running);
    active.add(id);
    for (const other of active)
      if (other !== id && (exclusive.includes(id) || exclusive.includes(other)))
        overlaps.push(`${id}+${other}`);
    log.push(`start ${id}`);
    await tick(id.endsWith('slow') ? 30 : 5);
    log.push(`end ${id}`);
    active.delete(id);
    running--;
    return id.toUpperCase();
  };
  for (const id of ids)
    pool.define(id, { exclusive: exclusive.includes(id) ? 'state' : undefined, run: work(id) });
  return { pool, log, overlaps, peak: () => peak, work };
}

describe('check pool (--jobs)', () => {
  it('hands each check its own outcome in mocha order, running up to N at once', async () => {
    const ids = ['a-slow', 'b', 'c', 'd', 'e'];
    const w = world(ids);
    w.pool.plan(ids, 3);
    const got: string[] = [];
    for (const id of ids) got.push(await w.pool.take(id, w.work(id)));
    expect(got).to.deep.equal(['A-SLOW', 'B', 'C', 'D', 'E']);
    expect(w.peak()).to.equal(3);
    // b and c finished while mocha still waited on the slow first check
    expect(w.log.indexOf('end c')).to.be.lessThan(w.log.indexOf('end a-slow'));
  });

  it('runs an exclusive check alone: nothing beside it, before or after', async () => {
    const ids = ['a', 'b', 'x-slow', 'c', 'd'];
    const w = world(ids, ['x-slow']);
    w.pool.plan(ids, 4);
    for (const id of ids) await w.pool.take(id, w.work(id));
    expect(w.overlaps).to.deep.equal([]);
    expect(w.log.indexOf('start x-slow')).to.be.greaterThan(w.log.indexOf('end b'));
    expect(w.log.indexOf('start c')).to.be.greaterThan(w.log.indexOf('end x-slow'));
  });

  it('with --jobs 1, or for a check outside the plan, runs the work in place', async () => {
    const w = world(['a', 'b']);
    w.pool.plan(['a', 'b'], 1);
    expect(await w.pool.take('b', w.work('b'))).to.equal('B');
    expect(w.log).to.deep.equal(['start b', 'end b']);
    w.pool.plan(['a'], 4);
    expect(await w.pool.take('zz', async () => 'in place')).to.equal('in place');
  });
});
