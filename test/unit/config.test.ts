import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  configSecrets,
  defaultGatewayKeys,
  embeddedTargetConfig,
  loadExpectations,
  loadTargetConfig,
  repoRoot,
  validateTargetConfig,
} from '../../src/harness/targets/config';
import { locateJsonError } from '../../src/harness/targets/config-parse';
import { HarnessError, type HarnessErrorCode } from '../../src/harness/types';

const ROOT = repoRoot();
const BAD = path.join(ROOT, 'fixtures', 'targets', 'bad');
const KEYS = path.join(ROOT, 'fixtures', 'keys');

/** Runs fn, expects a HarnessError with this code whose one-line message names `field`. */
function expectConfigError(fn: () => unknown, code: HarnessErrorCode, field: string): HarnessError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a HarnessError').to.be.instanceOf(HarnessError);
  const err = caught as HarnessError;
  expect(err.code, err.message).to.equal(code);
  expect(err.message).to.include(field);
  expect(err.message).not.to.match(/[\r\n]/);
  expect(err.oneLine()).not.to.match(/[\r\n]/);
  return err;
}

describe('target config', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idpc-config-'));
    fs.mkdirSync(path.join(dir, 'www'));
    fs.writeFileSync(path.join(dir, 'idp-metadata.xml'), '<EntityDescriptor/>');
    fs.writeFileSync(
      path.join(dir, 'acme.expectations.json'),
      JSON.stringify({
        'SDP-IDP09-signed-response': {
          expect: 'FAIL',
          reason: 'signs only the assertion',
          until: '2099-12-31',
        },
      }),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };

  describe('good files', () => {
    it('loads a full YAML config: ${VAR} (also in flow mappings), relative paths, expectations', () => {
      const f = write(
        'acme.yaml',
        [
          'name: acme-idp',
          'profiles: [saml-web-sso, device-token]',
          'idp:',
          '  metadata: ./idp-metadata.xml',
          'start:',
          '  process: { command: "php -S 127.0.0.1:8080 -t www", cwd: ./www, env: { PORT: 8080 }, readyUrl: http://127.0.0.1:8080/ }',
          'gateway:',
          '  entityId: https://gateway.test/sp',
          '  acsUrl: http://127.0.0.1:7400/acs',
          `  signingKey: ${path.join(KEYS, 'gateway-2.key.pem')}`,
          `  signingCert: ${path.join(KEYS, 'gateway-2.cert.pem')}`,
          'login:',
          '  form: { username: alice, password: "${ALICE_PASS}" }',
          'deviceToken:',
          '  tenant: { cloudName: cloud-a, userDomain: example.com }',
          '  admin: { baseUrl: http://127.0.0.1:8080/t/acme/admin, apiKey: ${ACME_ADMIN_KEY} }',
          '  otherTenant:',
          '    tenant: { cloudName: cloud-b, userDomain: globex.test }',
          '    admin:',
          '      baseUrl: http://127.0.0.1:8080/t/globex/admin',
          '      apiKey: ${GLOBEX_ADMIN_KEY}',
          'client:',
          '  sourceAddresses: [127.0.0.2, 127.0.0.3]',
          'timeouts: { exchangeMs: 5000 }',
          'capabilities: { tokenAdmin: true, otherTenant: true }',
          'expectations: acme.expectations.json',
          '',
        ].join('\n'),
      );
      const env = {
        ACME_ADMIN_KEY: 'acme-key-123',
        GLOBEX_ADMIN_KEY: 'globex-key-456',
        ALICE_PASS: 'alice-pass',
      };
      const cfg = loadTargetConfig(f, env);
      expect(cfg.name).to.equal('acme-idp');
      expect(cfg.configFile).to.equal(f);
      expect(cfg.profiles).to.deep.equal(['saml-web-sso', 'device-token']);
      expect(cfg.idp.metadata).to.equal(path.join(dir, 'idp-metadata.xml'));
      expect(cfg.start?.process).to.deep.equal({
        command: 'php -S 127.0.0.1:8080 -t www',
        cwd: path.join(dir, 'www'),
        env: { PORT: '8080' },
        readyUrl: 'http://127.0.0.1:8080/',
        readyTimeoutMs: 30000,
      });
      expect(cfg.gateway.signingKey).to.equal(path.join(KEYS, 'gateway-2.key.pem'));
      expect(cfg.login?.form).to.deep.equal({ username: 'alice', password: 'alice-pass' });
      expect(cfg.deviceToken?.presentation).to.equal('authorization-header');
      expect(cfg.deviceToken?.admin?.apiKey).to.equal('acme-key-123');
      expect(cfg.deviceToken?.otherTenant?.admin?.apiKey).to.equal('globex-key-456');
      expect(cfg.client.sourceAddresses).to.deep.equal(['127.0.0.2', '127.0.0.3']);
      expect(cfg.timeouts.exchangeMs).to.equal(5000);
      expect(cfg.capabilities).to.deep.equal({
        tokenAdmin: true,
        userAdmin: false,
        settingsAdmin: false,
        spAdmin: false,
        spReleasePolicy: false,
        otherTenant: true,
        sloPropagation: false,
      });
      expect(cfg.expectations['SDP-IDP09-signed-response']?.expect).to.equal('FAIL');
      expect(cfg.expectationsFile).to.equal(path.join(dir, 'acme.expectations.json'));
      expect(configSecrets(cfg)).to.have.members(['acme-key-123', 'globex-key-456', 'alice-pass']);
    });

    it('loads a minimal JSON config and fills the defaults', () => {
      const f = write(
        'min.json',
        JSON.stringify({
          name: 'min',
          idp: { metadata: 'https://idp.example.org/metadata' },
          gateway: { entityId: 'urn:example:sp', acsUrl: 'http://localhost:7400/acs' },
        }),
      );
      const cfg = loadTargetConfig(f, {});
      expect(cfg.profiles).to.deep.equal(['saml-web-sso']);
      expect(cfg.idp.metadata).to.equal('https://idp.example.org/metadata');
      expect(cfg.gateway).to.deep.equal({
        entityId: 'urn:example:sp',
        acsUrl: 'http://localhost:7400/acs',
        ...defaultGatewayKeys(),
      });
      expect(fs.existsSync(cfg.gateway.signingKey!)).to.equal(true);
      expect(cfg.client).to.deep.equal({ sourceAddresses: [] });
      expect(cfg.timeouts).to.deep.equal({ exchangeMs: 10000 });
      expect(Object.values(cfg.capabilities)).to.deep.equal([
        false,
        false,
        false,
        false,
        false,
        false,
        false,
      ]);
      expect(cfg.expectations).to.deep.equal({});
      expect(cfg.start).to.equal(undefined);
    });

    it('decides JSON or YAML by content when the extension says nothing', () => {
      const body = {
        name: 'x',
        idp: { metadata: 'http://127.0.0.1:1/m' },
        gateway: { entityId: 'urn:x', acsUrl: 'http://127.0.0.1:7400/acs' },
      };
      expect(loadTargetConfig(write('target.conf', JSON.stringify(body)), {}).name).to.equal('x');
      const yaml =
        'name: y\nidp: { metadata: http://127.0.0.1:1/m }\ngateway: { entityId: urn:y, acsUrl: http://127.0.0.1:7400/acs }\n';
      expect(loadTargetConfig(write('target.txt', yaml), {}).name).to.equal('y');
    });

    it('accepts port 0 for the ACS only with capabilities.spAdmin', () => {
      const raw = (spAdmin: boolean) => ({
        name: 'p0',
        idp: { metadata: 'http://127.0.0.1:1/m' },
        gateway: { entityId: 'urn:x', acsUrl: 'http://127.0.0.1:0/acs' },
        capabilities: { spAdmin },
      });
      expect(validateTargetConfig(raw(true), dir, {}).gateway.acsUrl).to.equal('http://127.0.0.1:0/acs');
      expectConfigError(
        () => validateTargetConfig(raw(false), dir, {}),
        'ERR_CONFIG_INVALID',
        'gateway.acsUrl',
      );
    });

    it('accepts capabilities.spReleasePolicy only with spAdmin and idp.admin', () => {
      const raw = (spAdmin: boolean) => ({
        name: 'rp',
        idp: {
          metadata: 'http://127.0.0.1:1/m',
          admin: { baseUrl: 'http://127.0.0.1:1/admin', apiKey: 'k' },
        },
        gateway: { entityId: 'urn:x', acsUrl: 'http://127.0.0.1:7400/acs' },
        capabilities: { spAdmin, spReleasePolicy: true },
      });
      expect(validateTargetConfig(raw(true), dir, {}).capabilities.spReleasePolicy).to.equal(true);
      expectConfigError(
        () => validateTargetConfig(raw(false), dir, {}),
        'ERR_CONFIG_INVALID',
        'capabilities.spReleasePolicy',
      );
    });

    it('builds the embedded reference IdP config', () => {
      const t = (n: string) => ({
        metadataUrl: `http://127.0.0.1:9/t/${n}/metadata`,
        adminBaseUrl: `http://127.0.0.1:9/t/${n}/admin`,
        adminKey: `${n}-key`,
      });
      const cfg = embeddedTargetConfig({
        baseUrl: 'http://127.0.0.1:9',
        web: t('web'),
        acme: t('acme'),
        globex: t('globex'),
      });
      expect(cfg.name).to.equal('reference-idp');
      expect(cfg.profiles).to.deep.equal(['saml-web-sso', 'device-token']);
      expect(cfg.idp).to.deep.equal({
        metadata: t('web').metadataUrl,
        admin: { baseUrl: t('web').adminBaseUrl, apiKey: 'web-key' },
      });
      expect(cfg.gateway.entityId).to.equal('https://gateway.test/sp');
      expect(cfg.gateway.signedEntityId).to.equal('https://gateway.test/sp-signed');
      expect(cfg.gateway.acsUrl).to.equal('http://127.0.0.1:0/acs');
      expect(cfg.login?.form).to.deep.equal({ username: 'alice', password: 'alice-pass' });
      expect(cfg.deviceToken?.metadata).to.equal(t('acme').metadataUrl);
      expect(cfg.deviceToken?.tenant).to.deep.equal({ cloudName: 'cloud-a', userDomain: 'example.com' });
      expect(cfg.deviceToken?.otherTenant?.tenant).to.deep.equal({
        cloudName: 'cloud-b',
        userDomain: 'globex.test',
      });
      expect(cfg.deviceToken?.otherTenant?.admin?.apiKey).to.equal('globex-key');
      expect(cfg.client.sourceAddresses).to.deep.equal(['127.0.0.2', '127.0.0.3']);
      expect(cfg.timeouts.exchangeMs).to.equal(10000);
      expect(Object.values(cfg.capabilities).every(Boolean)).to.equal(true);
      expect(cfg.expectations).to.deep.equal({});
    });
  });

  describe('bad files (fixtures/targets/bad)', () => {
    const bad = (name: string) => () => loadTargetConfig(path.join(BAD, name), {});

    it('a missing required field names it', () => {
      expectConfigError(bad('missing-field.yaml'), 'ERR_CONFIG_INVALID', 'gateway.entityId');
    });

    it('a wrong type names the field and what it got', () => {
      const e = expectConfigError(bad('wrong-type.yaml'), 'ERR_CONFIG_INVALID', 'timeouts.exchangeMs');
      expect(e.message).to.include('"ten"');
    });

    it('invalid YAML says file, line and column', () => {
      const e = expectConfigError(bad('invalid.yaml'), 'ERR_CONFIG_PARSE', 'invalid.yaml');
      expect(e.message).to.match(/invalid\.yaml:6:\d+:/);
    });

    it('invalid JSON says file, line and column', () => {
      const e = expectConfigError(bad('invalid.json'), 'ERR_CONFIG_PARSE', 'invalid.json');
      expect(e.message).to.match(/invalid\.json:4:94:/);
    });

    it('an unknown key is an error, with "did you mean"', () => {
      const e = expectConfigError(bad('unknown-key.yaml'), 'ERR_CONFIG_INVALID', 'gateway.entityID');
      expect(e.message).to.include('entityId');
    });

    it('an unset ${VAR} names the field and the variable', () => {
      const e = expectConfigError(bad('unset-var.yaml'), 'ERR_CONFIG_INVALID', 'deviceToken.admin.apiKey');
      expect(e.message).to.include('IDPC_TEST_UNSET_ADMIN_KEY');
    });

    it('a missing key file names the field', () => {
      expectConfigError(bad('missing-key-file.yaml'), 'ERR_CONFIG_INVALID', 'gateway.signingKey');
    });

    it('a certificate that is not the key’s names the field', () => {
      expectConfigError(bad('mismatched-key.yaml'), 'ERR_CONFIG_INVALID', 'gateway.signingCert');
    });

    it('an ACS URL off loopback names the field', () => {
      expectConfigError(bad('acs-not-loopback.yaml'), 'ERR_CONFIG_INVALID', 'gateway.acsUrl');
    });

    it('a bad expectations file names the entry and field', () => {
      expectConfigError(
        bad('bad-expectations.yaml'),
        'ERR_CONFIG_INVALID',
        'expectations[SAMLProf-4.1.4.2-subject-confirmation].reason',
      );
    });

    it('a missing config file is ERR_CONFIG_NOT_FOUND', () => {
      expectConfigError(bad('no-such-file.yaml'), 'ERR_CONFIG_NOT_FOUND', 'no-such-file.yaml');
    });
  });

  describe('field rules', () => {
    const base = () => ({
      name: 'x',
      idp: { metadata: 'http://127.0.0.1:1/m' } as Record<string, unknown>,
      gateway: { entityId: 'urn:x', acsUrl: 'http://127.0.0.1:7400/acs' } as Record<string, unknown>,
    });
    const check = (mut: (c: Record<string, unknown>) => void, code: HarnessErrorCode, field: string) => {
      const c: Record<string, unknown> = base();
      mut(c);
      return expectConfigError(() => validateTargetConfig(c, dir, {}), code, field);
    };

    it('rejects each kind of bad value with the field path', () => {
      check((c) => delete c.name, 'ERR_CONFIG_INVALID', 'name');
      check((c) => (c.profiles = ['saml-web-sso', 'ws-fed']), 'ERR_CONFIG_INVALID', 'profiles[1]');
      check((c) => (c.idp = { metadata: './missing.xml' }), 'ERR_CONFIG_INVALID', 'idp.metadata');
      check(
        (c) => (c.gateway = { entityId: 'not a uri', acsUrl: 'http://127.0.0.1:1/acs' }),
        'ERR_CONFIG_INVALID',
        'gateway.entityId',
      );
      check(
        (c) => ((c.gateway as Record<string, unknown>).signingKey = 'k.pem'),
        'ERR_CONFIG_INVALID',
        'gateway.signingCert',
      );
      check(
        (c) => (c.client = { sourceAddresses: ['10.0.0.1'] }),
        'ERR_CONFIG_INVALID',
        'client.sourceAddresses[0]',
      );
      check((c) => (c.capabilities = { tokenAdmin: 'yes' }), 'ERR_CONFIG_INVALID', 'capabilities.tokenAdmin');
      check((c) => (c.capabilities = { spadmin: true }), 'ERR_CONFIG_INVALID', 'capabilities.spadmin');
      check((c) => (c.timeouts = { exchangeMs: -5 }), 'ERR_CONFIG_INVALID', 'timeouts.exchangeMs');
      check(
        (c) =>
          (c.start = {
            process: { command: 'x', readyUrl: 'http://127.0.0.1:1/' },
            container: { image: 'i', ports: [1] },
          }),
        'ERR_CONFIG_INVALID',
        'start',
      );
      check(
        (c) => (c.start = { container: { image: 'i', ports: [70000] } }),
        'ERR_CONFIG_INVALID',
        'start.container.ports[0]',
      );
      check((c) => (c.profiles = ['device-token']), 'ERR_CONFIG_INVALID', 'deviceToken');
      check(
        (c) =>
          (c.deviceToken = {
            presentation: 'cookie',
            tenant: { cloudName: 'a', userDomain: 'b' },
            tokens: { valid: 't' },
          }),
        'ERR_CONFIG_INVALID',
        'deviceToken.presentation',
      );
      check((c) => (c.expectations = 'nope.json'), 'ERR_CONFIG_INVALID', 'expectations');
      check((c) => (c.name = 'bad ${'), 'ERR_CONFIG_INVALID', 'name');
      check((c) => (c.extra = 1), 'ERR_CONFIG_INVALID', 'extra');
    });

    it('a numeric string (e.g. from ${VAR}) is accepted for integer fields', () => {
      const c = { ...base(), timeouts: { exchangeMs: '${T}' } };
      expect(validateTargetConfig(c, dir, { T: '2500' }).timeouts.exchangeMs).to.equal(2500);
    });

    it('$${ is a literal ${', () => {
      const c = { ...base(), name: 'cost $${HOME}' };
      expect(validateTargetConfig(c, dir, {}).name).to.equal('cost ${HOME}');
    });
  });

  describe('expectations file', () => {
    it('loads entries', () => {
      const f = write(
        'ok.expectations.json',
        JSON.stringify({ 'DT-TOK-03-x': { expect: 'WARN', reason: 'r' } }),
      );
      expect(loadExpectations(f)).to.deep.equal({ 'DT-TOK-03-x': { expect: 'WARN', reason: 'r' } });
    });

    it('rejects bad entries with the entry and field', () => {
      const cases: [unknown, string][] = [
        [{ 'A-1': { expect: 'PASS', reason: 'r' } }, 'expectations[A-1].expect'],
        [{ 'A-1': { expect: 'FAIL', reason: 'r', until: '2025-02-30' } }, 'expectations[A-1].until'],
        [{ 'A-1': { expect: 'FAIL', reason: '  ' } }, 'expectations[A-1].reason'],
        [{ 'A-1': { expect: 'FAIL', reason: 'r', becuase: 'x' } }, 'expectations[A-1].becuase'],
        [['A-1'], 'expectations'],
      ];
      for (const [body, field] of cases) {
        const f = write('bad.expectations.json', JSON.stringify(body));
        expectConfigError(() => loadExpectations(f), 'ERR_CONFIG_INVALID', field);
      }
      const f = write('broken.expectations.json', '{ "A-1": { "expect": "FAIL" "reason": "r" } }');
      expectConfigError(() => loadExpectations(f), 'ERR_CONFIG_PARSE', 'broken.expectations.json:1:');
    });
  });

  it('locates JSON syntax errors', () => {
    expect(locateJsonError('{"a": 1}')).to.equal(undefined);
    expect(locateJsonError('{"a": 1,}')?.offset).to.equal(8);
    expect(locateJsonError('[1, 2')?.offset).to.equal(5);
    expect(locateJsonError('{"a": tru}')?.offset).to.equal(6);
    expect(locateJsonError('{"a": "x\n"}')?.offset).to.equal(8);
  });
});
