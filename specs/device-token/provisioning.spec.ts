import {
  scenario,
  silentLogin,
  dtToken,
  dtTarget,
  dtAdmin,
  dtApi,
  withSettings,
  expectSuccess,
  expectErrorStatus,
  variantsAgainstControl,
  newDevice,
  newUserName,
  type AssertionInfo,
  type RunContext,
} from '../../src/harness';

const attr = (a: AssertionInfo, name: string) => a.attributes.find((x) => x.name === name)?.values;

/** The gateway's provisioned user for a NameID (from this IdP), if any. */
function provisioned(ctx: RunContext, nameId: string | undefined) {
  return [...ctx.deviceToken.directory.values()].filter((u) => u.nameId === nameId);
}

describe('device-token · provisioning', function () {
  const h = scenario(this, { profile: 'device-token', family: 'provisioning' });

  /** DT-PROV-01: first login of a new user with JIT on succeeds; the user exists at the IdP; one user and one device at the gateway. */
  h.check(
    {
      id: 'DT-PROV-01-jit-first-login',
      exclusive: 'tenant settings (jitProvisioning on, when settingsAdmin)',
      level: 'MUST',
      requirements: ['DT-PROV-01'],
      title:
        'a new user with JIT on gets Success, appears in the IdP directory, and is provisioned once with one device',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const t = await dtTarget(ctx);
      if (ctx.config.capabilities.settingsAdmin)
        await withSettings(ctx, dtAdmin(t), { jitProvisioning: true });
      const r = await silentLogin(ctx, { token });
      const a = expectSuccess(v, r);
      const users = provisioned(ctx, a.nameId?.value);
      const user = v.only('gateway users for the NameID', users);
      v.equal('gateway devices of the user', user.devices.size, 1);
      if (ctx.config.capabilities.userAdmin) {
        const u = await dtApi.getUser(ctx, dtAdmin(t), r.request.userId);
        v.equal(`IdP directory GET /users/${r.request.userId}`, u.status, 200);
      }
    },
  );

  /** DT-PROV-02: a repeat login from the same device: same NameID and deviceId, nothing new at the gateway. */
  h.check(
    {
      id: 'DT-PROV-02-repeat-login',
      level: 'MUST',
      requirements: ['DT-PROV-02'],
      title: 'a repeat login from the same device gives the same NameID and deviceId: one user, one device',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const device = newDevice();
      const userName = newUserName();
      const a1 = expectSuccess(v, await silentLogin(ctx, { token, device, userName }));
      const a2 = expectSuccess(v, await silentLogin(ctx, { token, device, userName }));
      v.equal('NameID', a2.nameId?.value, a1.nameId?.value);
      v.equal('deviceId', attr(a2, 'deviceId')?.[0], attr(a1, 'deviceId')?.[0]);
      const users = provisioned(ctx, a1.nameId?.value);
      const user = v.only('gateway users', users);
      v.equal('gateway devices', user.devices.size, 1);
    },
  );

  /** DT-PROV-03: the same user from a second device: one user, two devices. */
  h.check(
    {
      id: 'DT-PROV-03-second-device',
      level: 'MUST',
      requirements: ['DT-PROV-03'],
      title: 'the same user from a second device: same NameID, another deviceId — one user, two devices',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const userName = newUserName();
      const a1 = expectSuccess(v, await silentLogin(ctx, { token, userName, device: newDevice() }));
      const d2 = newDevice({ osType: 'linux', hostname: 'WORKSTATION-2' });
      const a2 = expectSuccess(v, await silentLogin(ctx, { token, userName, device: d2 }));
      v.equal('NameID', a2.nameId?.value, a1.nameId?.value);
      v.equal('deviceId of the second login', attr(a2, 'deviceId')?.[0], d2.deviceId);
      const users = provisioned(ctx, a1.nameId?.value);
      const user = v.only('gateway users', users);
      v.equal('gateway devices', user.devices.size, 2);
    },
  );

  /** DT-PROV-04: user IDs differing only in letter case map to one NameID. */
  h.check(
    {
      id: 'DT-PROV-04-case-insensitive-user',
      level: 'MUST',
      requirements: ['DT-PROV-04', 'DT-RSP-02'],
      title: 'Mixed.Case@Domain and mixed.case@domain give one NameID and one gateway user',
    },
    async (v, ctx) => {
      const { token } = await dtToken(ctx);
      const t = await dtTarget(ctx);
      const name = newUserName('Mixed.Case');
      const a1 = expectSuccess(
        v,
        await silentLogin(ctx, { token, userName: name, userDomain: t.tenant.userDomain.toUpperCase() }),
      );
      const a2 = expectSuccess(v, await silentLogin(ctx, { token, userName: name.toLowerCase() }));
      v.equal('NameID of the lowercase login', a2.nameId?.value, a1.nameId?.value);
      v.equal('gateway users', provisioned(ctx, a1.nameId?.value).length, 1);
    },
  );

  /** DT-PROV-05: with JIT off an unknown user gets UnknownPrincipal; a directory user gets Success with its attributes. */
  h.check(
    {
      id: 'DT-PROV-05-jit-off',
      exclusive: 'tenant settings (jitProvisioning off)',
      level: 'MUST',
      requirements: ['DT-PROV-05'],
      title:
        'JIT off: an unknown user gets UnknownPrincipal, a directory user gets Success with directory attributes',
    },
    async (v, ctx) => {
      h.requires('settingsAdmin');
      h.requires('userAdmin');
      const { token } = await dtToken(ctx);
      const t = await dtTarget(ctx);
      const admin = dtAdmin(t);
      await withSettings(ctx, admin, { jitProvisioning: false });
      v.step = 'unknown user';
      expectErrorStatus(v, await silentLogin(ctx, { token }), 'UnknownPrincipal');
      v.step = 'directory user';
      const userId = `${newUserName()}@${t.tenant.userDomain}`;
      const put = await dtApi.putUser(ctx, admin, {
        userId,
        displayName: 'Dir User',
        department: 'Audit',
        memberOf: ['g1', 'g2'],
      });
      v.equal('POST /users status', put.status, 201);
      const a = expectSuccess(v, await silentLogin(ctx, { token, userId }));
      v.equal('displayName', JSON.stringify(attr(a, 'displayName')), JSON.stringify(['Dir User']));
      v.equal('department', JSON.stringify(attr(a, 'department')), JSON.stringify(['Audit']));
      v.equal('memberOf', JSON.stringify(attr(a, 'memberOf')), JSON.stringify(['g1', 'g2']));
    },
  );

  /** DT-PROV-06: eight parallel first logins of one new user all succeed and leave one directory record. */
  h.check(
    {
      id: 'DT-PROV-06-parallel-first-logins',
      exclusive: 'the number of directory entries of one user (provisioning counts)',
      level: 'MUST',
      requirements: ['DT-PROV-06'],
      title:
        'eight parallel first logins of one new user from eight devices: all Success, one NameID, one IdP record',
    },
    async (v, ctx) => {
      h.requires('userAdmin');
      const { token } = await dtToken(ctx);
      const t = await dtTarget(ctx);
      const userName = newUserName('race');
      const rs = await Promise.all(
        Array.from({ length: 8 }, () => silentLogin(ctx, { token, userName, device: newDevice() })),
      );
      const as = rs.map((r) => expectSuccess(v, r));
      v.equal('distinct NameIDs', new Set(as.map((a) => a.nameId?.value)).size, 1);
      v.equal('distinct Assertion IDs', new Set(as.map((a) => a.id)).size, 8);
      const list = await dtApi.listUsers(ctx, dtAdmin(t));
      const userId = rs[0]!.request.userId.toLowerCase(); // rs holds the eight logins
      const records = (list.json as { userId: string }[]).filter((u) => u.userId.toLowerCase() === userId);
      v.equal(`IdP directory records for ${userId}`, records.length, 1);
    },
  );

  /**
   * DT-PROV-07 and the profile's allowedDomains rule ("exactly and case-insensitively; no subdomain
   * matching; [] allows none"): a domain outside allowedDomains gets RequestDenied; nothing is provisioned.
   * Judged against a control run first: with allowedDomains [the tenant's domain], a user of that domain
   * gets Success (so each RequestDenied is the domain rule's, not a tenant that refuses every login).
   */
  h.check(
    {
      id: 'DT-PROV-07-domain-not-allowed',
      exclusive: 'tenant settings (allowedDomains)',
      level: 'MUST',
      requirements: ['DT-PROV-07'],
      title:
        'a user domain outside allowedDomains (another domain, a subdomain of an allowed one, or any with []) gets RequestDenied and is provisioned nowhere; the allowed domain gets Success (the control)',
    },
    async (v, ctx) => {
      h.requires('settingsAdmin');
      const { token } = await dtToken(ctx);
      const t = await dtTarget(ctx);
      const admin = dtAdmin(t);
      const d = t.tenant.userDomain;
      // withSettings restores the tenant's settings after the check (last change first) and makes an admin
      // API refusal a harness error (ERROR with the fix), never a conformance FAIL of the IdP.
      const cases: (readonly [string, { allowed: string[]; userDomain: string }])[] = [
        ['another domain', { allowed: [d], userDomain: 'not-allowed.test' }],
        ['a subdomain of an allowed domain', { allowed: [d], userDomain: `sub.${d}` }],
        ['allowedDomains []', { allowed: [], userDomain: d }],
      ];
      // The control, under the same kind of setting: the allowed domain itself gets Success. Without it a
      // RequestDenied below could be "this tenant refuses every login" (its negatives are then BLOCKED).
      const control = {
        name: 'control: the allowed domain',
        what: `a user of ${d} with allowedDomains [${d}]`,
        run: async () => {
          await withSettings(ctx, admin, { allowedDomains: [d] });
          return silentLogin(ctx, { token, userDomain: d });
        },
      };
      await variantsAgainstControl(v, control, cases, async ({ allowed, userDomain }) => {
        await withSettings(ctx, admin, { allowedDomains: allowed });
        const r = await silentLogin(ctx, { token, userDomain });
        expectErrorStatus(v, r, 'RequestDenied');
        v.equal('gateway users', provisioned(ctx, r.request.userId.toLowerCase()).length, 0);
        if (ctx.config.capabilities.userAdmin) {
          v.equal(
            'IdP directory GET /users/<id>',
            (await dtApi.getUser(ctx, admin, r.request.userId)).status,
            404,
          );
        }
      });
    },
  );

  /** DT-PROV-08: a changed directory attribute shows in the next assertion; a removed one is absent. */
  h.check(
    {
      id: 'DT-PROV-08-attribute-updates',
      exclusive: 'the number of directory entries (provisioning counts): it creates a directory user',
      level: 'MUST',
      requirements: ['DT-PROV-08'],
      title:
        'a changed displayName shows in the next assertion and a removed department disappears (also at the gateway)',
    },
    async (v, ctx) => {
      h.requires('userAdmin');
      const { token } = await dtToken(ctx);
      const t = await dtTarget(ctx);
      const admin = dtAdmin(t);
      const userId = `${newUserName()}@${t.tenant.userDomain}`;
      const device = newDevice();
      await dtApi.putUser(ctx, admin, { userId, displayName: 'Before', department: 'Ops' });
      const a1 = expectSuccess(v, await silentLogin(ctx, { token, userId, device }));
      v.equal('department', attr(a1, 'department')?.[0], 'Ops');
      const upd = await dtApi.putUser(ctx, admin, { userId, displayName: 'After' });
      v.equal('POST /users (replace) status', upd.status, 200);
      const a2 = expectSuccess(v, await silentLogin(ctx, { token, userId, device }));
      v.equal('displayName after the change', attr(a2, 'displayName')?.[0], 'After');
      v.absent('department after its removal', attr(a2, 'department'));
      const user = provisioned(ctx, a2.nameId?.value)[0];
      v.absent('department at the gateway', user?.attributes.department);
    },
  );
});
