import { expect } from 'chai';
import type { Element } from './helpers';
import {
  authnRequest,
  parseXml,
  certBody,
  loginState,
  NS,
  postForm,
  readAutoPost,
  readResponse,
  redirectQuery,
  request,
} from './helpers';
import { ACS, GATEWAY, GATEWAY_2, ATTACKER, IDP_ACME, IDP_GLOBEX, World } from './world';

const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

describe('reference IdP: metadata and health', () => {
  let w: World;
  before(async () => {
    w = await World.start();
  });
  after(() => w.close());

  it('serves /health', async () => {
    const res = await request('GET', `${w.idp.baseUrl}/health`);
    expect(res.status).to.equal(200);
    expect(res.body).to.equal('ok');
  });

  for (const tenant of ['web', 'acme', 'globex'] as const) {
    it(`publishes ${tenant} metadata with both SSO bindings and a signing key`, async () => {
      const t = w.idp.tenants[tenant];
      const res = await request('GET', t.metadataUrl);
      expect(res.status).to.equal(200);
      const root = parseXml(res.body);
      expect(root.getAttribute('entityID'))
        .to.equal(t.entityId)
        .and.equal(`${w.idp.baseUrl}/t/${tenant}/metadata`);
      const idpsso = root.getElementsByTagNameNS(NS.md, 'IDPSSODescriptor')[0] as Element;
      expect(idpsso.getAttribute('protocolSupportEnumeration')).to.equal(NS.samlp);
      expect(idpsso.getAttribute('WantAuthnRequestsSigned')).to.equal(tenant === 'web' ? null : 'true');
      const sso = (Array.from(idpsso.getElementsByTagNameNS(NS.md, 'SingleSignOnService')) as Element[]).map(
        (e) => [e.getAttribute('Binding'), e.getAttribute('Location')],
      );
      expect(sso).to.deep.equal([
        ['urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', t.ssoUrl],
        ['urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', t.ssoUrl],
      ]);
      const kd = idpsso.getElementsByTagNameNS(NS.md, 'KeyDescriptor')[0] as Element;
      expect(kd.getAttribute('use')).to.equal('signing');
      const cert = kd.getElementsByTagNameNS(NS.ds, 'X509Certificate')[0]?.textContent;
      expect(cert).to.equal(certBody(tenant === 'globex' ? IDP_GLOBEX.certPem : IDP_ACME.certPem));
    });
  }

  it('rejects an unknown fault name, listing the valid ones', async () => {
    let error: Error | undefined;
    try {
      await World.start({ faults: ['nope'] });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message)
      .to.match(/nope/)
      .and.match(/sign-with-sha1/);
  });
});

describe('reference IdP: saml-web-sso browser login', () => {
  let w: World;
  let sp: string;
  before(async () => {
    w = await World.start();
    sp = await w.registerGateway('web', { signed: false });
  });
  after(() => w.close());

  const web = () => w.idp.tenants.web;

  async function startLogin(
    extra: { relayState?: string; cookie?: string; forceAuthn?: boolean; isPassive?: boolean } = {},
  ) {
    const { id, xml } = authnRequest({
      issuer: sp,
      destination: web().ssoUrl,
      acs: ACS,
      forceAuthn: extra.forceAuthn,
      isPassive: extra.isPassive,
    });
    const res = await request('GET', `${web().ssoUrl}?${redirectQuery(xml, extra.relayState)}`, {
      headers: extra.cookie ? { Cookie: extra.cookie } : {},
    });
    return { id, res };
  }

  it('logs in through the form, then reuses the session', async () => {
    const relayState = `"'<>& x\u00e9`;
    const { id, res } = await startLogin({ relayState });
    expect(res.status).to.equal(200);
    expect(res.body).to.contain('type="password"').and.not.contain('SAMLResponse');
    const state = loginState(res.body) as string;

    const wrong = await postForm(`${w.idp.baseUrl}/t/web/login`, {
      state,
      username: 'alice',
      password: 'nope',
    });
    expect(wrong.status).to.equal(200);
    expect(wrong.body).to.contain('Wrong username or password').and.not.contain('SAMLResponse');

    const t0 = Date.now();
    const ok = await postForm(`${w.idp.baseUrl}/t/web/login`, {
      state,
      username: 'alice',
      password: 'alice-pass',
    });
    expect(ok.status).to.equal(200);
    expect(ok.headers['cache-control']).to.equal('no-store');
    const cookie = (ok.headers['set-cookie'] ?? [])[0] as string;
    expect(cookie).to.match(/^rid_session=[^;]+; Path=\/t\/web; HttpOnly; SameSite=Lax$/);
    const post = readAutoPost(ok.body);
    expect(post.forms).to.equal(1);
    expect(post.action).to.equal(ACS);
    expect(post.relayState).to.equal(relayState);
    const r = readResponse(post.samlResponse as string, IDP_ACME.certPem);
    expect(r.status).to.equal(SUCCESS);
    expect(r.root.getAttribute('InResponseTo')).to.equal(id);
    expect(r.root.getAttribute('Destination')).to.equal(ACS);
    expect(r.root.getElementsByTagNameNS(NS.saml, 'Assertion').length).to.equal(1);
    const a = r.assertion as Element;
    expect(r.text(a, NS.saml, 'NameID')).to.equal('alice@example.com');
    expect(r.text(a, NS.saml, 'Audience')).to.equal(sp);
    expect(r.text(a, NS.saml, 'AuthnContextClassRef')).to.equal(
      'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
    );
    const scd = a.getElementsByTagNameNS(NS.saml, 'SubjectConfirmationData')[0] as Element;
    expect(scd.getAttribute('Recipient')).to.equal(ACS);
    expect(scd.getAttribute('InResponseTo')).to.equal(id);
    expect(scd.hasAttribute('NotBefore')).to.equal(false);
    expect(r.attributes()).to.deep.include({
      'urn:oid:0.9.2342.19200300.100.1.3': ['alice@example.com'],
      'urn:oid:1.3.6.1.4.1.5923.1.5.1.1': ['staff', 'vpn-users'],
    });
    const authnInstant = (a.getElementsByTagNameNS(NS.saml, 'AuthnStatement')[0] as Element).getAttribute(
      'AuthnInstant',
    );
    expect(Date.parse(authnInstant as string)).to.be.within(t0 - 1000, Date.now() + 1000);

    // A second request with the session cookie is answered at once, with the same AuthnInstant.
    const again = await startLogin({ cookie: cookie.split(';')[0] });
    const post2 = readAutoPost(again.res.body);
    expect(post2.hasPassword).to.equal(false);
    const r2 = readResponse(post2.samlResponse as string, IDP_ACME.certPem);
    expect(r2.status).to.equal(SUCCESS);
    expect(r2.root.getAttribute('InResponseTo')).to.equal(again.id);
    const instant2 = (
      r2.assertion?.getElementsByTagNameNS(NS.saml, 'AuthnStatement')[0] as Element
    ).getAttribute('AuthnInstant');
    expect(instant2).to.equal(authnInstant);
    expect(r2.root.getAttribute('ID')).to.not.equal(r.root.getAttribute('ID'));

    // ForceAuthn shows the form again even with a session.
    const forced = await startLogin({ cookie: cookie.split(';')[0], forceAuthn: true });
    expect(forced.res.body).to.contain('type="password"');
  });

  it('answers IsPassive without a session with NoPassive and no UI', async () => {
    const { id, res } = await startLogin({ isPassive: true });
    const post = readAutoPost(res.body);
    expect(post.hasPassword).to.equal(false);
    const r = readResponse(post.samlResponse as string, IDP_ACME.certPem);
    expect(r.secondStatus).to.equal('urn:oasis:names:tc:SAML:2.0:status:NoPassive');
    expect(r.root.getAttribute('InResponseTo')).to.equal(id);
    expect(r.assertion).to.equal(undefined);
  });

  it('rejects an unregistered ACS URL and an unknown Issuer with a 400 page', async () => {
    for (const o of [
      { issuer: sp, acs: 'http://127.0.0.1:7400/acs?x=1' },
      { issuer: 'https://unknown.example/sp', acs: ACS },
    ]) {
      const { xml } = authnRequest({ ...o, destination: web().ssoUrl });
      const res = await request('GET', `${web().ssoUrl}?${redirectQuery(xml)}`);
      expect(res.status).to.equal(400);
      expect(res.body).to.not.contain('SAMLResponse');
    }
  });

  it('verifies Redirect signatures over the raw query, RelayState included', async () => {
    const signedSp = await w.registerGateway('web', { signed: true });
    const { xml } = authnRequest({ issuer: signedSp, destination: web().ssoUrl, acs: ACS });
    const good = await request('GET', `${web().ssoUrl}?${redirectQuery(xml, 'rs-1', GATEWAY)}`);
    expect(good.status).to.equal(200);
    expect(good.body).to.contain('type="password"');
    const tampered = redirectQuery(xml, 'rs-1', GATEWAY).replace('RelayState=rs-1', 'RelayState=rs-2');
    expect((await request('GET', `${web().ssoUrl}?${tampered}`)).status).to.equal(400);
    const unsigned = await request('GET', `${web().ssoUrl}?${redirectQuery(xml, 'rs-1')}`);
    expect(unsigned.status).to.equal(400);
  });

  it('refuses hostile XML with 400, never 5xx', async () => {
    const bodies = [
      '<!DOCTYPE x [<!ENTITY a "b">]><samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>',
      '<a/><b/>',
      'not xml',
      '<?pi x?><a/>',
    ];
    for (const b of bodies) {
      const res = await postForm(web().ssoUrl, { SAMLRequest: Buffer.from(b).toString('base64') });
      expect(res.status, b).to.equal(400);
    }
    const badBase64 = await postForm(web().ssoUrl, { SAMLRequest: '!!!!' });
    expect(badBase64.status).to.equal(400);
    const big = await request('POST', web().ssoUrl, {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `SAMLRequest=${'A'.repeat(600 * 1024)}`,
    });
    expect(big.status).to.equal(413);
  });
});

describe('reference IdP: subject-id:req signalling and key rollover (saml2int SDP-IDP15, SDP-IDP32)', () => {
  const SUBJECT_ID = 'urn:oasis:names:tc:SAML:attribute:subject-id';
  const PAIRWISE_ID = 'urn:oasis:names:tc:SAML:attribute:pairwise-id';

  /** A Redirect login as `sp` (signed with `k` when given) through the form; the Response read. */
  async function login(w: World, sp: string, k?: { keyPem: string }) {
    const web = w.idp.tenants.web;
    const { xml } = authnRequest({ issuer: sp, destination: web.ssoUrl, acs: ACS });
    const res = await request('GET', `${web.ssoUrl}?${redirectQuery(xml, undefined, k)}`);
    const state = loginState(res.body);
    if (!state) return { status: res.status };
    const ok = await postForm(`${w.idp.baseUrl}/t/web/login`, {
      state,
      username: 'alice',
      password: 'alice-pass',
    });
    const r = readResponse(readAutoPost(ok.body).samlResponse as string, IDP_ACME.certPem);
    return { status: ok.status, response: r };
  }

  async function released(w: World, subjectIdReq?: string) {
    const sp = await w.registerGateway('web', { signed: false, subjectIdReq });
    const r = (await login(w, sp)).response;
    expect(r?.status, subjectIdReq).to.equal(SUCCESS);
    const attrs = r!.attributes();
    return { subjectId: attrs[SUBJECT_ID], pairwiseId: attrs[PAIRWISE_ID] };
  }

  it('releases what the SP metadata asks for: subject-id, pairwise-id (per SP, also for any), or none', async () => {
    const w = await World.start();
    try {
      expect(await released(w)).to.deep.equal({ subjectId: ['alice@web.idp.test'], pairwiseId: undefined });
      expect(await released(w, 'subject-id')).to.deep.equal({
        subjectId: ['alice@web.idp.test'],
        pairwiseId: undefined,
      });
      const p1 = await released(w, 'pairwise-id');
      const p2 = await released(w, 'pairwise-id');
      const any = await released(w, 'any');
      for (const p of [p1, p2, any]) {
        expect(p.subjectId).to.equal(undefined);
        expect(p.pairwiseId?.[0]).to.match(/^[0-9a-f]{40}@web\.idp\.test$/);
      }
      expect(p1.pairwiseId).to.not.deep.equal(p2.pairwiseId);
      expect(await released(w, 'none')).to.deep.equal({ subjectId: undefined, pairwiseId: undefined });
    } finally {
      await w.close();
    }
  });

  it('refuses metadata with an unknown subject-id:req value', async () => {
    const w = await World.start();
    try {
      let error: Error | undefined;
      await w.registerGateway('web', { signed: false, subjectIdReq: 'everything' }).catch((e: Error) => {
        error = e;
      });
      expect(error?.message).to.match(/registration failed: 400/);
    } finally {
      await w.close();
    }
  });

  for (const [fault, works] of [
    [undefined, [true, true]],
    ['first-cert-only', [true, false]],
    ['last-cert-only', [false, true]],
  ] as const) {
    it(`with two signing certificates${fault ? ` and fault ${fault}` : ''}: first key ${works[0] ? 'accepted' : 'refused'}, second ${works[1] ? 'accepted' : 'refused'}, another refused`, async () => {
      const w = await World.start({ faults: fault ? [fault] : [] });
      try {
        const sp = await w.registerGateway('web', { certs: [GATEWAY.certPem, GATEWAY_2.certPem] });
        const got = [];
        for (const k of [GATEWAY, GATEWAY_2, ATTACKER])
          got.push((await login(w, sp, k)).response?.status === SUCCESS);
        expect(got).to.deep.equal([...works, false]);
      } finally {
        await w.close();
      }
    });
  }
});
