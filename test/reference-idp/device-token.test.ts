import { expect } from 'chai';
import type { Element } from './helpers';
import { adminCall, DT_CLASS, NS, readAutoPost, readResponse, request } from './helpers';
import type { HttpResult } from './helpers';
import { ACS, ATTACKER, GATEWAY, GATEWAY_2, IDP_ACME, World } from './world';

const ST = (s: string) => `urn:oasis:names:tc:SAML:2.0:status:${s}`;

function answer(res: HttpResult) {
  expect(res.status, res.body).to.equal(200);
  const post = readAutoPost(res.body);
  expect(post.forms).to.equal(1);
  expect(post.hasPassword).to.equal(false);
  expect(post.action).to.equal(ACS);
  return { post, r: readResponse(post.samlResponse as string, IDP_ACME.certPem) };
}

describe('reference IdP: device-token profile', () => {
  let w: World;
  let gw: string;
  let token: { id: string; token: string };
  before(async () => {
    w = await World.start({ throttleWindowMs: 2000 });
    gw = await w.registerGateway('acme');
    token = await w.createToken();
  });
  after(() => w.close());

  it('DT-TOK-01: a valid token and request give a Success with the profile names', async () => {
    const facts = w.facts('acme', { userId: 'J.Doe@Example.com', userDomain: 'example.com' });
    const res = await w.deviceLogin({ gateway: gw, token: token.token, facts, relayState: 'rs<&>"' });
    expect(res.body).to.not.contain(token.token);
    const { post, r } = answer(res);
    expect(post.relayState).to.equal('rs<&>"');
    expect(r.status).to.equal(ST('Success'));
    expect(r.root.getAttribute('InResponseTo')).to.equal(res.requestId);
    const a = r.assertion as Element;
    const nameId = a.getElementsByTagNameNS(NS.saml, 'NameID')[0] as Element;
    expect(nameId.getAttribute('Format')).to.equal('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
    expect(nameId.textContent).to.equal('j.doe@example.com');
    expect(r.text(a, NS.saml, 'AuthnContextClassRef')).to.equal(DT_CLASS);
    expect(r.attributes()).to.deep.include({
      deviceId: ['6f1c5f0e-8d1e-4a52-9d6b-0f6b2a8c2d11'],
      hostname: ['LAPTOP-42'],
      osType: ['windows'],
      userDomain: ['example.com'],
      cloudName: ['cloud-a'],
      tokenId: [token.id],
    });
    expect(r.xml).to.not.contain(token.token);
    // JIT: the user now exists in the directory.
    const user = await adminCall(
      w.idp.tenants.acme,
      'GET',
      `/users/${encodeURIComponent('J.DOE@example.com')}`,
    );
    expect(user.status).to.equal(200);
  });

  it('directory attributes show up and follow updates (DT-PROV-08)', async () => {
    const facts = w.facts();
    await adminCall(w.idp.tenants.acme, 'POST', '/users', {
      userId: facts.userId,
      displayName: `Zo\u00eb "Z" <z> & 'q' \u{1F600}`,
      department: 'R&D',
      memberOf: ['a', 'b'],
    });
    let { r } = answer(await w.deviceLogin({ gateway: gw, token: token.token, facts }));
    expect(r.attributes()).to.deep.include({
      displayName: [`Zo\u00eb "Z" <z> & 'q' \u{1F600}`],
      department: ['R&D'],
      memberOf: ['a', 'b'],
    });
    await adminCall(w.idp.tenants.acme, 'POST', '/users', { userId: facts.userId, displayName: 'E' });
    ({ r } = answer(await w.deviceLogin({ gateway: gw, token: token.token, facts })));
    expect(r.attributes().displayName).to.deep.equal(['E']);
    expect(r.attributes()).to.not.have.property('department');
  });

  it('rejects unsigned, foreign-key and tampered requests with 400 (DT-SIG-01/02/03)', async () => {
    const facts = w.facts();
    for (const o of [
      { signWith: null },
      { signWith: ATTACKER },
      { afterSigning: (x: string) => x.replace('LAPTOP-42', 'LAPTOP-43') },
    ]) {
      const res = await w.deviceLogin({ gateway: gw, token: token.token, facts, ...o });
      expect(res.status).to.equal(400);
      expect(res.body).to.not.contain('SAMLResponse');
    }
  });

  it('rejects a root-wrapped (XSW1) request', async () => {
    const facts = w.facts();
    const res = await w.deviceLogin({
      gateway: gw,
      token: token.token,
      facts,
      afterSigning: (signed) => {
        // evil root with a new ID and another ACS; the original goes inside the Signature.
        const sigStart = signed.indexOf('<ds:Signature');
        const sigEnd = signed.indexOf('</ds:Signature>') + '</ds:Signature>'.length;
        const sig = signed.slice(sigStart, sigEnd);
        const original = signed.slice(0, sigStart) + signed.slice(sigEnd);
        const evil = original.replace(/ID="[^"]+"/, 'ID="_evil"').replace(ACS, 'http://evil.test/acs');
        return evil.replace(
          '</saml:Issuer>',
          `</saml:Issuer>${sig.replace('</ds:Signature>', `${original.replace(/^<\?xml[^>]*>/, '')}</ds:Signature>`)}`,
        );
      },
    });
    expect(res.status).to.equal(400);
  });

  it('accepts any of several registered certificates (DT-SIG-08)', async () => {
    const rolled = await w.registerGateway('acme', { certs: [GATEWAY.certPem, GATEWAY_2.certPem] });
    const { r } = answer(
      await w.deviceLogin({ gateway: rolled, token: token.token, facts: w.facts(), signWith: GATEWAY_2 }),
    );
    expect(r.status).to.equal(ST('Success'));
    await w.registerGateway('acme', { entityId: rolled, certs: [GATEWAY.certPem] });
    const res = await w.deviceLogin({
      gateway: rolled,
      token: token.token,
      facts: w.facts(),
      signWith: GATEWAY_2,
    });
    expect(res.status).to.equal(400);
  });

  it('answers token problems with the profile status codes, never 5xx', async () => {
    const facts = w.facts();
    const cases: [string, Parameters<World['deviceLogin']>[0], string, string?][] = [
      ['no token', { gateway: gw, facts }, ST('NoPassive')],
      ['unknown token', { gateway: gw, facts, token: 'A'.repeat(43) }, ST('AuthnFailed'), ST('Responder')],
      ['bad header', { gateway: gw, facts, headers: { Authorization: 'DeviceToken  x' } }, ST('AuthnFailed')],
      [
        'other scheme',
        { gateway: gw, facts, headers: { Authorization: `Bearer ${token.token}` } },
        ST('AuthnFailed'),
      ],
      [
        'repeated header',
        {
          gateway: gw,
          facts,
          headers: { Authorization: [`DeviceToken ${token.token}`, `DeviceToken ${token.token}`] },
        },
        ST('AuthnFailed'),
      ],
      [
        'cloud name',
        { gateway: gw, facts: { ...facts, cloudName: 'cloud-b' }, token: token.token },
        ST('RequestDenied'),
      ],
      [
        'user domain',
        { gateway: gw, facts: { ...facts, userDomain: 'other.com' }, token: token.token },
        ST('RequestDenied'),
      ],
      [
        'bad UserId',
        { gateway: gw, facts: { ...facts, userId: 'a b@example.com' }, token: token.token },
        ST('Requester'),
        ST('Requester'),
      ],
      [
        'domain not allowed',
        {
          gateway: gw,
          facts: { ...facts, userId: 'x@other.org', userDomain: 'other.org' },
          token: token.token,
        },
        ST('RequestDenied'),
      ],
      [
        'no DeviceContext',
        {
          gateway: gw,
          facts,
          token: token.token,
          mutate: (x) => x.replace(/<samlp:Extensions>.*<\/samlp:Extensions>/, ''),
        },
        ST('RequestUnsupported'),
      ],
      [
        'authn context',
        {
          gateway: gw,
          facts,
          token: token.token,
          request: {
            extra: `<samlp:RequestedAuthnContext Comparison="exact"><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>`,
          },
        },
        ST('NoAuthnContext'),
      ],
      [
        'bad version',
        { gateway: gw, facts, token: token.token, request: { version: '3.0' } },
        ST('RequestVersionTooHigh'),
        ST('VersionMismatch'),
      ],
      [
        'stale',
        {
          gateway: gw,
          facts,
          token: token.token,
          request: { issueInstant: new Date(Date.now() - 11 * 60000).toISOString() },
        },
        ST('RequestDenied'),
        ST('Requester'),
      ],
    ];
    for (const [name, o, code, top] of cases) {
      const res = await w.deviceLogin(o);
      const { r } = answer(res);
      const codes = [r.status, r.secondStatus];
      expect(codes, name).to.include(code);
      if (top) expect(r.status, name).to.equal(top);
      expect(r.assertion, name).to.equal(undefined);
      expect(r.root.getAttribute('InResponseTo'), name).to.equal(res.requestId);
      expect(r.root.getAttribute('Destination'), name).to.equal(ACS);
    }
  });

  it('reads a value split by a comment as its whole text (DT-REQ-07)', async () => {
    const res = await w.deviceLogin({
      gateway: gw,
      token: token.token,
      facts: w.facts('acme', { userId: 'admin@example.com<!---->.evil.test', userDomain: 'example.com' }),
    });
    const { r } = answer(res);
    expect(r.status).to.not.equal(ST('Success'));
  });

  it('stops a deleted token at once, other tokens keep working (DT-TOK-04)', async () => {
    const t2 = await w.createToken();
    const facts = w.facts();
    expect(answer(await w.deviceLogin({ gateway: gw, token: t2.token, facts })).r.status).to.equal(
      ST('Success'),
    );
    expect((await adminCall(w.idp.tenants.acme, 'DELETE', `/device-tokens/${t2.id}`)).status).to.equal(204);
    expect((await adminCall(w.idp.tenants.acme, 'DELETE', `/device-tokens/${t2.id}`)).status).to.equal(404);
    expect(answer(await w.deviceLogin({ gateway: gw, token: t2.token, facts })).r.secondStatus).to.equal(
      ST('AuthnFailed'),
    );
    expect(answer(await w.deviceLogin({ gateway: gw, token: token.token, facts })).r.status).to.equal(
      ST('Success'),
    );
  });

  it("refuses another tenant's token (DT-TOK-05)", async () => {
    const foreign = await w.createToken('globex');
    const { r } = answer(await w.deviceLogin({ gateway: gw, token: foreign.token, facts: w.facts() }));
    expect(r.secondStatus).to.equal(ST('AuthnFailed'));
  });

  it('refuses a replayed request ID (DT-REQ-13)', async () => {
    const facts = w.facts();
    const id = `_replay${Date.now()}`;
    expect(
      answer(await w.deviceLogin({ gateway: gw, token: token.token, facts, request: { id } })).r.status,
    ).to.equal(ST('Success'));
    expect(
      (await w.deviceLogin({ gateway: gw, token: token.token, facts, request: { id } })).status,
    ).to.equal(400);
  });

  it('creates exactly one record for eight parallel first logins (DT-PROV-06)', async () => {
    const facts = w.facts();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        w.deviceLogin({ gateway: gw, token: token.token, facts: { ...facts, deviceId: `dev-${i}` } }),
      ),
    );
    const ids = new Set<string>();
    for (const res of results) {
      const { r } = answer(res);
      expect(r.status).to.equal(ST('Success'));
      ids.add(r.assertion?.getAttribute('ID') as string);
    }
    expect(ids.size).to.equal(8);
    const users = JSON.parse((await adminCall(w.idp.tenants.acme, 'GET', '/users')).body) as {
      userId: string;
    }[];
    expect(users.filter((u) => u.userId === facts.userId.toLowerCase())).to.have.length(1);
  });

  it('enforces the admin token rules (DT-TOK-08)', async () => {
    const acme = w.idp.tenants.acme;
    expect((await adminCall(acme, 'POST', '/device-tokens', { password: 'short1' })).status).to.equal(201);
    expect((await adminCall(acme, 'POST', '/device-tokens', { password: 'nodigits' })).status).to.equal(400);
    expect((await adminCall(acme, 'POST', '/device-tokens', { password: '12345678' })).status).to.equal(400);
    const list = JSON.parse((await adminCall(acme, 'GET', '/device-tokens')).body) as Record<
      string,
      string
    >[];
    for (const t of list)
      expect(Object.keys(t).sort()).to.deep.equal(['createdAt', 'description', 'hint', 'id']);
    expect(list.find((t) => t.id === token.id)?.hint).to.equal(token.token.slice(-4));
    while ((JSON.parse((await adminCall(acme, 'GET', '/device-tokens')).body) as unknown[]).length < 16) {
      await w.createToken();
    }
    expect((await adminCall(acme, 'POST', '/device-tokens', { password: 'secret-123' })).status).to.equal(
      409,
    );
    expect((await request('GET', `${acme.adminBaseUrl}/device-tokens`)).status).to.equal(401);
  });

  it('throttles a guessing address with 429, valid tokens included, others unaffected (DT-TOK-11)', async () => {
    const facts = w.facts();
    for (let i = 0; i < 20; i++) {
      const res = await w.deviceLogin({
        gateway: gw,
        token: `guess${i}`.padEnd(20, 'x'),
        facts,
        localAddress: '127.0.0.2',
      });
      expect(res.status).to.equal(200);
    }
    const locked = await w.deviceLogin({ gateway: gw, token: token.token, facts, localAddress: '127.0.0.2' });
    expect(locked.status).to.equal(429);
    expect(locked.headers['retry-after']).to.match(/^\d+$/);
    expect(answer(await w.deviceLogin({ gateway: gw, token: token.token, facts })).r.status).to.equal(
      ST('Success'),
    );
    await new Promise((r) => setTimeout(r, 2100));
    const after = await w.deviceLogin({ gateway: gw, token: token.token, facts, localAddress: '127.0.0.2' });
    expect(answer(after).r.status).to.equal(ST('Success'));
  });

  it('enforces the SP registration contract', async () => {
    const acme = w.idp.tenants.acme;
    const put = (xml: string) =>
      adminCall(acme, 'PUT', '/service-providers', xml, 'application/samlmetadata+xml');
    const { spMetadata } = await import('./helpers');
    const good = spMetadata({ entityId: 'https://sp.test/x', acs: ACS, certs: [GATEWAY.certPem] });
    expect((await put(good)).status).to.equal(201);
    expect((await put(good)).status).to.equal(200);
    expect((await put(good.replace(' AuthnRequestsSigned="true"', ''))).status).to.equal(400);
    expect((await put(good.replace(ACS, 'http://user@127.0.0.1/acs'))).status).to.equal(400);
    expect((await put(good.replace(ACS, 'javascript:alert(1)'))).status).to.equal(400);
    const weak = (await import('./helpers')).key('weak').certPem;
    expect(
      (await put(spMetadata({ entityId: 'https://sp.test/y', acs: ACS, certs: [weak] }))).status,
    ).to.equal(400);
    expect((await put('<!DOCTYPE x><x/>')).status).to.equal(400);
  });
});
