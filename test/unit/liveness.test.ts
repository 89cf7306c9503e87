/**
 * Liveness under --jobs N: a check whose work ended with its verdict before the target was found gone
 * keeps it, even when reported after the death (judged ahead of mocha); the check the target went in,
 * and every check in flight then or started later, is ERROR naming the death. The target here is a
 * real HTTP server closed mid-run; the checks run through the real pool.
 */
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CheckPool } from '../../src/harness/checks/pool';
import { Liveness, duringCheck } from '../../src/harness/liveness';
import { httpExchange, setExchangeGuard } from '../../src/harness/roles/client/http';
import { asReported, type Worked } from '../../src/harness/scenario';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('liveness: verdicts earned before the target died stand, later ones do not (--jobs 1 and 2)', () => {
  let server: http.Server;
  let url: string;
  let liveness: Liveness;

  beforeEach(async () => {
    server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    liveness = new Liveness(url, 2000);
    setExchangeGuard(liveness);
  });
  afterEach(async () => {
    setExchangeGuard(undefined);
    await new Promise<void>((r) => server.close(() => r()));
  });

  const get = () =>
    httpExchange({ method: 'GET', url, timeoutMs: 2000, direction: 'client->idp', label: 'test' });
  const die = () => {
    server.close();
    server.closeAllConnections();
  };

  /**
   * Checks as scenario.check runs them: an exchange (or none), a verdict, `finishedAlive` read as the
   * work ends; `kills` closes the target before its exchange; `slowMs` delays its end.
   */
  function check(id: string, o: { kills?: boolean; slowMs?: number; startGate?: Promise<void> } = {}) {
    return async (): Promise<Worked> => {
      if (liveness.gone())
        return {
          j: { outcome: 'ERROR', message: `not run: ${liveness.gone()}` },
          variants: [],
          durationMs: 0,
          evidence: [],
          finishedAlive: false,
        };
      let j: Worked['j'] = { outcome: 'PASS', message: 'conformant' };
      await duringCheck(id, async () => {
        await o.startGate;
        if (o.kills) die();
        try {
          await get();
        } catch (e) {
          j = { outcome: 'ERROR', message: `no answer from the target (${(e as Error).message})` };
        }
        if (o.slowMs) await tick(o.slowMs);
      });
      return { j, variants: [], durationMs: 0, evidence: [], finishedAlive: liveness.gone() === undefined };
    };
  }

  for (const jobs of [1, 2]) {
    it(`--jobs ${jobs}: earlier verdicts kept, the check it died in and later ones ERROR naming it, no PASS after`, async () => {
      let open!: () => void;
      const gate = new Promise<void>((r) => (open = r));
      // a: PASS; b-slow: in flight when c kills the target (under --jobs 2), so reported after the death;
      // c kills it; d and e start after the death.
      const works: Record<string, () => Promise<Worked>> = {
        a: check('a'),
        'b-slow': check('b-slow', { slowMs: 80 }),
        c: check('c', { kills: true, startGate: jobs > 1 ? gate : undefined }),
        d: check('d'),
        e: check('e'),
      };
      const ids = Object.keys(works);
      const pool = new CheckPool();
      for (const id of ids) pool.define(id, { run: works[id]! });
      pool.plan(ids, jobs);
      const reported: Record<string, Worked['j']> = {};
      for (const id of ids) {
        const taken = pool.take(id, works[id]!);
        if (id === 'b-slow') setTimeout(open, 20); // c dies while b-slow is still running
        reported[id] = asReported(id, await taken, liveness).j;
      }
      const gone = liveness.gone();
      expect(gone, 'the target was found gone').to.match(/^the target stopped answering during c /);
      expect(reported.a).to.deep.equal({ outcome: 'PASS', message: 'conformant' });
      expect(reported.c?.outcome).to.equal('ERROR');
      for (const id of ['d', 'e']) {
        expect(reported[id]?.outcome, id).to.equal('ERROR');
        expect(reported[id]?.message, id).to.equal(`not run: ${gone}`);
      }
      if (jobs === 1) {
        // b-slow finished (PASS) before c even started
        expect(reported['b-slow']).to.deep.equal({ outcome: 'PASS', message: 'conformant' });
      } else {
        // b-slow got its answer but was still in flight at the death: no verdict
        expect(reported['b-slow']).to.deep.equal({ outcome: 'ERROR', message: `not run: ${gone}` });
      }
      expect(Object.values(reported).filter((j) => j.outcome === 'FAIL')).to.deep.equal([]);
    });
  }

  it('--jobs 2: a check judged ahead of mocha before the death keeps its verdict though reported after it', async () => {
    // a-slow (mocha waits on it) kills the target after b has already finished: b is reported after
    // the death and keeps its PASS.
    const works: Record<string, () => Promise<Worked>> = {
      'a-slow': async () => {
        await tick(60);
        return check('a-slow', { kills: true })();
      },
      b: check('b'),
      c: check('c', { slowMs: 200 }), // in flight at the death
    };
    const ids = Object.keys(works);
    const pool = new CheckPool();
    for (const id of ids) pool.define(id, { run: works[id]! });
    pool.plan(ids, 2);
    const reported: Record<string, Worked['j']> = {};
    for (const id of ids) reported[id] = asReported(id, await pool.take(id, works[id]!), liveness).j;
    const gone = liveness.gone();
    expect(gone).to.match(/^the target stopped answering during a-slow /);
    expect(reported['a-slow']?.outcome).to.equal('ERROR');
    expect(reported.b).to.deep.equal({ outcome: 'PASS', message: 'conformant' });
    expect(reported.c).to.deep.equal({ outcome: 'ERROR', message: `not run: ${gone}` });
  });

  it('the check the target went in is ERROR even when its judge said FAIL (never blamed on the IdP)', async () => {
    await duringCheck('x', async () => {
      die();
      await get().catch(() => undefined);
    });
    expect(liveness.gone()).to.match(/^the target stopped answering during x /);
    const w: Worked = {
      j: { outcome: 'FAIL', message: 'expected an answer' },
      variants: [],
      durationMs: 1,
      evidence: [],
      finishedAlive: false,
    };
    const j = asReported('x', w, liveness).j;
    expect(j.outcome).to.equal('ERROR');
    expect(j.message).to.match(
      /^the target stopped answering during x .*the check would have said FAIL: expected an answer$/,
    );
    // an ERROR of its own (no answer) is kept as it is
    const own: Worked = { ...w, j: { outcome: 'ERROR', message: 'no answer from the target (x)' } };
    expect(asReported('x', own, liveness).j.message).to.equal('no answer from the target (x)');
  });
});
