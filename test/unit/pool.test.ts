import { expect } from 'chai';
import { CheckPool, checkPool } from '../../src/harness/checks/pool';
import { duringCheck } from '../../src/harness/liveness';
import { HarnessError } from '../../src/harness/types';
import { createToken, dtApi, registerDtGateway, withSettings } from '../../src/harness/roles/tenant';
import { silentLogin } from '../../src/harness/roles/silent-login';
import { adminCall, CLIENT_SOURCE_ADDRESSES } from '../../src/harness/roles/admin';
import { newBrowser } from '../../src/harness/roles/web-login';
import { webLogout, type WebLogoutOptions } from '../../src/harness/roles/slo';
import type { AdminApiConfig } from '../../src/harness/targets/config-types';
import type { RunContext } from '../../src/harness/run-context';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/**
 * N checks whose work records when it runs; `exclusive` ones are marked. A check's profile is its ID's
 * part before `:` (none: one profile); `holds` gives the resources of exclusive checks.
 */
function world(ids: string[], exclusive: string[] = [], holds: Record<string, string[]> = {}) {
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
    const profile = (x: string) => (x.includes(':') ? x.split(':')[0] : '');
    const shares = (a: string, b: string) =>
      profile(a) === profile(b) || (holds[a] ?? []).some((r) => (holds[b] ?? []).includes(r));
    for (const other of active)
      if (other !== id && (exclusive.includes(id) || exclusive.includes(other)) && shares(id, other))
        overlaps.push(`${id}+${other}`);
    log.push(`start ${id}`);
    await tick(id.endsWith('slow') ? 30 : 5);
    log.push(`end ${id}`);
    active.delete(id);
    running--;
    return id.toUpperCase();
  };
  for (const id of ids)
    pool.define(id, {
      exclusive: exclusive.includes(id) ? 'state' : undefined,
      ...(id.includes(':') ? { profile: id.split(':')[0] } : {}),
      ...(holds[id] ? { holds: holds[id] } : {}),
      run: work(id),
    });
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

  it('runs an exclusive check alone among its profile, beside the other profile; each profile in mocha order', async () => {
    const ids = [
      'web:a',
      'web:b',
      'web:c',
      'web:d',
      'web:e',
      'web:f',
      'dt:p',
      'dt:x-slow',
      'dt:q',
      'dt:y-slow',
    ];
    const w = world(ids, ['dt:x-slow', 'dt:y-slow']);
    w.pool.plan(ids, 2);
    const got: string[] = [];
    for (const id of ids) got.push(await w.pool.take(id, w.work(id)));
    expect(got).to.deep.equal(ids.map((id) => id.toUpperCase()));
    expect(w.overlaps).to.deep.equal([]);
    // The last profile's work starts first; its exclusive checks ran while the first profile's did.
    expect(w.log[0]).to.equal('start dt:p');
    const during = (x: string) =>
      w.log
        .slice(w.log.indexOf(`start ${x}`), w.log.indexOf(`end ${x}`))
        .filter((l) => l.startsWith('start web'));
    expect(during('dt:x-slow').length + during('dt:y-slow').length).to.be.greaterThan(0);
    // Within each profile, checks started in mocha's order.
    for (const p of ['web', 'dt']) {
      const started = w.log.filter((l) => l.startsWith(`start ${p}:`)).map((l) => l.slice(6));
      expect(started).to.deep.equal(ids.filter((id) => id.startsWith(`${p}:`)));
    }
  });

  it('never runs two exclusive checks holding the same resource at once, whatever their profiles', async () => {
    const ids = ['web:a', 'web:s-slow', 'web:b', 'dt:t-slow', 'dt:c'];
    const holds = { 'web:s-slow': ['addr'], 'dt:t-slow': ['addr'] };
    const w = world(ids, ['web:s-slow', 'dt:t-slow'], holds);
    w.pool.plan(ids, 3);
    for (const id of ids) await w.pool.take(id, w.work(id));
    expect(w.overlaps).to.deep.equal([]);
  });

  it('with --jobs 1, or for a check outside the plan, runs the work in place', async () => {
    const w = world(['a', 'b']);
    w.pool.plan(['a', 'b'], 1);
    expect(await w.pool.take('b', w.work('b'))).to.equal('B');
    expect(w.log).to.deep.equal(['start b', 'end b']);
    w.pool.plan(['a'], 4);
    expect(await w.pool.take('zz', async () => 'in place')).to.equal('in place');
  });

  describe('exclusive is enforced: state-changing helpers refuse a check that did not declare it', () => {
    const admin: AdminApiConfig = { baseUrl: 'http://127.0.0.1:9/admin', apiKey: 'k' };
    /** A run context the refused calls never reach (they throw before reading it). */
    const NO_RUN = {
      config: { timeouts: { exchangeMs: 50 } },
      deviceToken: { ownTokens: new Map() },
    } as unknown as RunContext;
    /** Every helper that changes or counts shared IdP state, called as a check would. */
    const helpers: [string, () => unknown][] = [
      ['withSettings', () => withSettings(NO_RUN, admin, { jitProvisioning: false })],
      ['dtApi.putSettings', () => dtApi.putSettings(NO_RUN, admin, {})],
      ['dtApi.listTokens', () => dtApi.listTokens(NO_RUN, admin)],
      ['dtApi.createToken', () => dtApi.createToken(NO_RUN, admin, {})],
      ['dtApi.listUsers', () => dtApi.listUsers(NO_RUN, admin)],
      ['dtApi.deleteUser', () => dtApi.deleteUser(NO_RUN, admin, 'u@x.test')],
      ['dtApi.putUser', () => dtApi.putUser(NO_RUN, admin, { userId: 'u@x.test' })],
      [
        'dtApi.deleteToken (a token this check did not make)',
        () => dtApi.deleteToken(NO_RUN, admin, 'tok-1'),
      ],
      [
        'createToken naming shared state',
        () => createToken(NO_RUN, admin, 'the token count of the admin user'),
      ],
      [
        'adminCall POST naming shared state',
        () => adminCall(admin, 'POST', '/x', { timeoutMs: 50, changes: 'x' }),
      ],
      [
        'registerDtGateway',
        () =>
          registerDtGateway(
            {
              config: { gateway: { entityId: 'https://gw.test/sp' }, timeouts: { exchangeMs: 50 } },
              gateway: { acsUrl: 'https://gw.test/acs' },
            } as unknown as RunContext,
            admin,
            [],
          ),
      ],
      ['silentLogin from a source address', () => silentLogin(NO_RUN, { localAddress: '127.0.0.2' })],
      ['newBrowser from a source address', () => newBrowser(NO_RUN, '127.0.0.2')],
      ['webLogout', () => webLogout(NO_RUN, {} as WebLogoutOptions)],
    ];
    /** What calling fn inside check `id` throws (synchronously or as a rejection); undefined: nothing. */
    async function thrown(id: string, fn: () => unknown): Promise<unknown> {
      try {
        await duringCheck(id, fn);
        return undefined;
      } catch (e) {
        return e;
      }
    }

    beforeEach(() => {
      checkPool.define('T-shared', { run: async () => undefined });
      checkPool.define('T-alone', {
        exclusive: 'tenant settings',
        holds: [CLIENT_SOURCE_ADDRESSES],
        run: async () => undefined,
      });
      checkPool.define('T-profile-only', { exclusive: 'tenant settings', run: async () => undefined });
    });
    afterEach(() => checkPool.reset());

    for (const [name, fn] of helpers) {
      it(`${name}: ERR_NOT_EXCLUSIVE under --jobs 2 from a check without exclusive, naming the fix`, async () => {
        checkPool.plan(['T-shared', 'T-alone'], 2);
        const e = await thrown('T-shared', fn);
        expect(e).to.be.instanceOf(HarnessError);
        const h = e as HarnessError;
        expect(h.code).to.equal('ERR_NOT_EXCLUSIVE');
        expect(h.message).to.match(/^check T-shared changes or counts .+ but does not declare `exclusive`/);
        expect(h.oneLine()).to.match(/ — declare it in the check's spec: exclusive: '.+'/);
      });

      it(`${name}: allowed from a check that declares exclusive, or with --jobs 1`, async () => {
        checkPool.plan(['T-shared', 'T-alone'], 2);
        const declared = await thrown('T-alone', fn);
        expect((declared as HarnessError | undefined)?.code).to.not.equal('ERR_NOT_EXCLUSIVE');
        checkPool.plan(['T-shared', 'T-alone'], 1);
        const single = await thrown('T-shared', fn);
        expect((single as HarnessError | undefined)?.code).to.not.equal('ERR_NOT_EXCLUSIVE');
      });
    }

    for (const [name, fn] of helpers.filter(([n]) => n.endsWith('from a source address'))) {
      it(`${name}: ERR_NOT_EXCLUSIVE from an exclusive check that does not hold the source addresses`, async () => {
        checkPool.plan(['T-shared', 'T-profile-only'], 2);
        const e = (await thrown('T-profile-only', fn)) as HarnessError;
        expect(e.code).to.equal('ERR_NOT_EXCLUSIVE');
        expect(e.message).to.match(/shared beyond its profile, but does not hold `client source addresses`/);
        expect(e.oneLine()).to.match(
          / — declare it in the check's spec: holds: \['client source addresses'\]/,
        );
      });
    }

    it('a mutating admin call that does not say what it changes is refused (ERR_INTERNAL), GET is not', async () => {
      checkPool.plan(['T-shared', 'T-alone'], 1);
      const e = await thrown('T-alone', () =>
        (adminCall as (...a: unknown[]) => Promise<unknown>)(admin, 'DELETE', '/x', { timeoutMs: 50 }),
      );
      expect((e as HarnessError).code).to.equal('ERR_INTERNAL');
      expect((e as HarnessError).message).to.match(/does not say what it changes/);
      const get = await thrown('T-alone', () => adminCall(admin, 'GET', '/x', { timeoutMs: 50 }));
      expect((get as HarnessError | undefined)?.code).to.not.equal('ERR_INTERNAL');
    });

    it('a private change (a token this check made, the run setup) is allowed beside other checks', async () => {
      checkPool.plan(['T-shared', 'T-alone'], 2);
      const e = await thrown('T-shared', () =>
        adminCall(admin, 'DELETE', '/x', { timeoutMs: 50, changes: { private: 'test' } }),
      );
      expect((e as HarnessError | undefined)?.code).to.not.equal('ERR_NOT_EXCLUSIVE');
    });

    it('outside any check (the run setup) nothing is refused', () => {
      checkPool.plan(['T-shared'], 2);
      expect(() => checkPool.requireExclusive(undefined, 'tenant settings')).to.not.throw();
    });
  });
});
