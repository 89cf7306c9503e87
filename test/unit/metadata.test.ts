import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nockModule from 'nock';
import { loadIdpMetadata, parseIdpMetadata } from '../../src/harness/targets/idp-metadata';
import { HarnessError, type EvidenceItem } from '../../src/harness/types';

// nock intercepts the harness's own outbound HTTP (never the IdP's): here, metadata fetching.
const nock = ((nockModule as unknown as { default?: typeof nockModule }).default ??
  nockModule) as typeof nockModule;
const ROOT = path.resolve(__dirname, '..', '..', '..');
const SSP_MD = readFileSync(
  path.join(ROOT, 'fixtures/real-responses/simplesamlphp/idp-metadata.xml'),
  'utf8',
);

async function harnessError(p: Promise<unknown>): Promise<HarnessError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(HarnessError);
    return e as HarnessError;
  }
  throw new Error('expected a HarnessError');
}

describe('IdP metadata loading', function () {
  this.timeout(10_000);
  before(() => nock.disableNetConnect());
  after(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('reads entityID, SSO endpoints and signing certificates of real SimpleSAMLphp metadata over HTTP', async () => {
    nock('http://idp.example.test')
      .get('/md')
      .reply(200, SSP_MD, { 'content-type': 'application/samlmetadata+xml' });
    const md = await loadIdpMetadata('http://idp.example.test/md', 2000);
    expect(md.entityId).to.match(/^http/);
    expect(md.hasIdpSsoDescriptor).to.equal(true);
    expect(md.ssoRedirect).to.match(/SSOService/);
    expect(md.signingCerts).to.have.length.greaterThan(0);
    expect(md.signingCerts[0]).to.match(/^-----BEGIN CERTIFICATE-----/);
  });

  it('keeps the fetch and the document as evidence (the metadata checks and the preflight show them)', async () => {
    nock('http://idp.example.test')
      .get('/md')
      .reply(200, SSP_MD, { 'content-type': 'application/samlmetadata+xml' });
    const md = await loadIdpMetadata('http://idp.example.test/md', 2000);
    expect(md.evidence.map((e) => e.kind)).to.deep.equal(['http', 'saml']);
    expect(md.evidence[0]?.http).to.include({
      method: 'GET',
      url: 'http://idp.example.test/md',
      status: 200,
    });
    expect(md.evidence[0]?.http?.responseBody).to.equal(SSP_MD);
    expect(md.evidence[1]?.label).to.equal('IdP metadata document');
    expect(md.evidence[1]?.saml?.xml).to.equal(SSP_MD);
    const file = path.join(ROOT, 'fixtures/real-responses/simplesamlphp/idp-metadata.xml');
    const local = await loadIdpMetadata(file, 2000);
    expect(local.evidence.map((e) => e.saml?.messageType)).to.deep.equal([`metadata (${file})`]);
  });

  it('records the failed fetch too, for the caller to write (what came back)', async () => {
    nock('http://idp.example.test').get('/gone').reply(404, 'nope');
    const evidence: EvidenceItem[] = [];
    await harnessError(loadIdpMetadata('http://idp.example.test/gone', 2000, evidence));
    expect(evidence.map((e) => [e.kind, e.http?.status, e.http?.responseBody])).to.deep.equal([
      ['http', 404, 'nope'],
    ]);
  });

  it('an HTTP error status is a harness error naming idp.metadata (exit 2, not an IdP failure)', async () => {
    nock('http://idp.example.test').get('/missing').reply(404, 'nope');
    const e = await harnessError(loadIdpMetadata('http://idp.example.test/missing', 2000));
    expect(e.code).to.equal('ERR_METADATA');
    expect(e.oneLine()).to.contain('idp.metadata');
  });

  it('a connection error is ERR_TARGET_UNREACHABLE', async () => {
    nock('http://idp.example.test').get('/down').replyWithError({ code: 'ECONNREFUSED', message: 'refused' });
    const e = await harnessError(loadIdpMetadata('http://idp.example.test/down', 500));
    expect(e.code).to.equal('ERR_TARGET_UNREACHABLE');
  });

  it('a metadata document with a DOCTYPE is recorded as a parse error, not trusted', () => {
    const md = parseIdpMetadata(
      `<!DOCTYPE x [<!ENTITY e "y">]>${SSP_MD.replace(/^<\?xml[^>]*\?>/, '')}`,
      'test',
    );
    expect(md.parseError).to.match(/XML_DOCTYPE/);
    expect(md.signingCerts).to.deep.equal([]);
  });

  it('KeyDescriptors for encryption are not signing keys; one without use is', () => {
    const enc = SSP_MD.replace(/<md:KeyDescriptor use="signing">/g, '<md:KeyDescriptor use="encryption">');
    expect(parseIdpMetadata(enc, 'test').signingCerts).to.deep.equal([]);
    const none = SSP_MD.replace(/<md:KeyDescriptor use="signing">/g, '<md:KeyDescriptor>');
    expect(parseIdpMetadata(none, 'test').signingCerts.length).to.be.greaterThan(0);
  });
});
