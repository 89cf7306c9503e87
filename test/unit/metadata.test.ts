import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nockModule from 'nock';
import { loadIdpMetadata, parseIdpMetadata } from '../../src/harness/targets/idp-metadata';
import { HarnessError } from '../../src/harness/types';

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
