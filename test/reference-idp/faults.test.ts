import { expect } from 'chai';
import { FAULTS } from '../../src/reference-idp';
import {
  adminCall,
  authnRequest,
  key,
  loginState,
  postForm,
  readAutoPost,
  readResponse,
  redirectQuery,
  request,
} from './helpers';
import { ACS, IDP_ACME, World } from './world';

const ST = (s: string) => `urn:oasis:names:tc:SAML:2.0:status:${s}`;

/** Every requirement of the device-token profile. */
const DT_REQUIREMENTS = [
  ...range('DT-MD', 2),
  ...range('DT-REQ', 13),
  ...range('DT-SIG', 8),
  ...range('DT-TOK', 11),
  ...range('DT-RSP', 9),
  ...range('DT-PROV', 8),
];

function range(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`);
}

/** Faults whose whole point is a signature that does not verify with the tenant key. */
const BREAKS_SIGNATURES = [
  'sign-with-other-key',
  'signature-reference-empty-uri',
  'assertion-signed-other-key',
  'assertion-reference-empty-uri',
];

describe('reference IdP: named faults', () => {
  it('has unique, documented faults', () => {
    const names = FAULTS.map((f) => f.name);
    expect(new Set(names).size).to.equal(names.length);
    for (const f of FAULTS) {
      expect(f.name).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(f.description.length, f.name).to.be.greaterThan(10);
      expect(f.requirements.length, f.name).to.be.greaterThan(0);
    }
  });

  it('violates every device-token requirement with at least one fault', () => {
    const covered = new Set(FAULTS.flatMap((f) => f.requirements));
    expect(DT_REQUIREMENTS.filter((r) => !covered.has(r))).to.deep.equal([]);
  });

  it('stays up under every fault (baseline logins answer, /health is ok)', async function () {
    this.timeout(120000);
    // dies-mid-run is the one fault whose point is not to stay up (test/hostile/trust-run.test.ts).
    for (const f of FAULTS.filter((x) => x.name !== 'dies-mid-run')) {
      const w = await World.start({ faults: [f.name] });
      try {
        const gw = await w.registerGateway('acme');
        const token = await w.createToken();
        const dev = await w.deviceLogin({ gateway: gw, token: token.token, facts: w.facts() });
        if (f.name !== '5xx-on-bad-header') expect(dev.status, f.name).to.be.below(500);
        const delivered = readAutoPost(dev.body).samlResponse;
        if (delivered && !BREAKS_SIGNATURES.includes(f.name)) {
          // every signature the IdP makes still verifies (with xml-crypto) under the other faults
          readResponse(delivered, f.name === 'metadata-weak-key' ? key('weak').certPem : IDP_ACME.certPem);
        }
        const sp = await w.registerGateway('web', { signed: false });
        const { xml } = authnRequest({ issuer: sp, destination: w.idp.tenants.web.ssoUrl, acs: ACS });
        const web = await request('GET', `${w.idp.tenants.web.ssoUrl}?${redirectQuery(xml, 'rs')}`);
        expect(web.status, f.name).to.be.below(500);
        const state = loginState(web.body);
        if (state) {
          const login = await postForm(`${w.idp.baseUrl}/t/web/login`, {
            state,
            username: 'alice',
            password: 'alice-pass',
          });
          expect(login.status, f.name).to.be.below(500);
        }
        expect((await request('GET', `${w.idp.baseUrl}/health`)).status, f.name).to.equal(200);
      } finally {
        await w.close();
      }
    }
  });

  describe('faults bite', () => {
    async function withFault(
      name: string,
      fn: (w: World, gw: string, token: string) => Promise<void>,
    ): Promise<void> {
      const w = await World.start({ faults: [name], throttleWindowMs: 60000 });
      try {
        const gw = await w.registerGateway('acme');
        await fn(w, gw, (await w.createToken()).token);
      } finally {
        await w.close();
      }
    }

    it('sign-with-sha1 signs with rsa-sha1', () =>
      withFault('sign-with-sha1', async (w, gw, token) => {
        const res = await w.deviceLogin({ gateway: gw, token, facts: w.facts() });
        const xml = Buffer.from(readAutoPost(res.body).samlResponse as string, 'base64').toString();
        expect(xml).to.contain('xmldsig#rsa-sha1');
      }));

    it('skip-request-signature-check serves an unsigned device-token request', () =>
      withFault('skip-request-signature-check', async (w, gw, token) => {
        const res = await w.deviceLogin({ gateway: gw, token, facts: w.facts(), signWith: null });
        expect(readResponse(readAutoPost(res.body).samlResponse as string, IDP_ACME.certPem).status).to.equal(
          ST('Success'),
        );
      }));

    it('accept-revoked-token lets a deleted token in', () =>
      withFault('accept-revoked-token', async (w, gw) => {
        const t = await w.createToken();
        await adminCall(w.idp.tenants.acme, 'DELETE', `/device-tokens/${t.id}`);
        const res = await w.deviceLogin({ gateway: gw, token: t.token, facts: w.facts() });
        expect(readResponse(readAutoPost(res.body).samlResponse as string, IDP_ACME.certPem).status).to.equal(
          ST('Success'),
        );
      }));

    it('duplicate-user-on-race leaves duplicate directory records', () =>
      withFault('duplicate-user-on-race', async (w, gw, token) => {
        const facts = w.facts();
        await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            w.deviceLogin({ gateway: gw, token, facts: { ...facts, deviceId: `d${i}` } }),
          ),
        );
        const users = JSON.parse((await adminCall(w.idp.tenants.acme, 'GET', '/users')).body) as {
          userId: string;
        }[];
        expect(users.filter((u) => u.userId === facts.userId).length).to.be.greaterThan(1);
      }));

    it('no-throttling never answers 429', () =>
      withFault('no-throttling', async (w, gw, token) => {
        const facts = w.facts();
        for (let i = 0; i < 21; i++) {
          await w.deviceLogin({ gateway: gw, token: 'x'.repeat(20), facts, localAddress: '127.0.0.3' });
        }
        const res = await w.deviceLogin({ gateway: gw, token, facts, localAddress: '127.0.0.3' });
        expect(res.status).to.equal(200);
      }));

    it('first-text-node-only asserts the truncated UserId', () =>
      withFault('first-text-node-only', async (w, gw, token) => {
        const res = await w.deviceLogin({
          gateway: gw,
          token,
          facts: w.facts('acme', { userId: 'admin@example.com<!---->.evil.test', userDomain: 'example.com' }),
        });
        const r = readResponse(readAutoPost(res.body).samlResponse as string, IDP_ACME.certPem);
        expect(r.status).to.equal(ST('Success'));
        expect(r.xml).to.contain('>admin@example.com<');
      }));

    it('xsw-vulnerable acts on the wrapping root', () =>
      withFault('xsw-vulnerable', async (w, gw, token) => {
        const facts = w.facts();
        const res = await w.deviceLogin({
          gateway: gw,
          token,
          facts,
          afterSigning: (signed) => {
            const sigStart = signed.indexOf('<ds:Signature');
            const sigEnd = signed.indexOf('</ds:Signature>') + '</ds:Signature>'.length;
            const sig = signed.slice(sigStart, sigEnd);
            const original = signed.slice(0, sigStart) + signed.slice(sigEnd);
            const evil = original
              .replace(/ID="[^"]+"/, 'ID="_evil"')
              .replace(facts.userId, 'admin@example.com');
            return evil.replace(
              '</saml:Issuer>',
              `</saml:Issuer>${sig.replace('</ds:Signature>', `${original}</ds:Signature>`)}`,
            );
          },
        });
        const r = readResponse(readAutoPost(res.body).samlResponse as string, IDP_ACME.certPem);
        expect(r.status).to.equal(ST('Success'));
        expect(r.xml).to.contain('>admin@example.com<');
      }));
  });
});
