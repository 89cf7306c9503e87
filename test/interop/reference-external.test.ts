/**
 * External use, the path a vendor takes: the reference IdP runs as a separate process
 * (`idp-conformance reference-idp --port N`) and the harness reaches it only through a target YAML.
 */
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { RunReport } from '../../src/harness/types';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'idp-conformance.js');

interface Endpoints {
  baseUrl: string;
  tenants: Record<string, { metadataUrl: string; adminBaseUrl: string; adminKey: string }>;
}

function startReferenceIdp(): Promise<{ child: ChildProcess; endpoints: Endpoints }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'reference-idp', '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, endpoints: JSON.parse(line) as Endpoints });
    });
    child.on('exit', (code) =>
      reject(new Error(`reference-idp exited ${code} before printing its endpoints`)),
    );
  });
}

/** A raw admin call, outside the harness (what an operator does by hand). */
function admin(
  method: string,
  url: string,
  key: string,
  body?: string,
  type = 'application/json',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, headers: { authorization: `Bearer ${key}`, 'content-type': type } },
      (res) => {
        let b = '';
        res.on('data', (c: Buffer) => (b += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
      },
    );
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

function run(yaml: string, reportDir: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'idpc-ext-'));
  const file = path.join(dir, 'target.yaml');
  writeFileSync(file, yaml);
  const r = spawnSync(process.execPath, [BIN, 'run', '--target', file, '--report-dir', reportDir], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  const report = JSON.parse(readFileSync(path.join(reportDir, 'conformance.json'), 'utf8')) as RunReport;
  return { code: r.status, stderr: r.stderr, report };
}

describe('the reference IdP as an external target', function () {
  this.timeout(300_000);
  let child: ChildProcess;
  let ep: Endpoints;
  /** A tenant's endpoints as the reference IdP printed them (acme and globex are its built-in tenants). */
  const tenant = (name: string) => {
    const t = ep.tenants[name];
    if (!t) throw new Error(`the reference IdP printed no tenant ${name}`);
    return t;
  };

  before(async () => {
    ({ child, endpoints: ep } = await startReferenceIdp());
  });
  after(() => {
    child?.kill('SIGTERM');
  });

  it('runs the device-token profile with only a metadata URL, an admin base URL and an admin key', () => {
    const acme = tenant('acme');
    const yaml = `name: reference-idp-external
profiles: [device-token]
idp:
  metadata: ${acme.metadataUrl}
gateway:
  entityId: https://gateway.test/sp
  acsUrl: http://127.0.0.1:0/acs
deviceToken:
  presentation: authorization-header
  tenant: { cloudName: cloud-a, userDomain: example.com }
  admin: { baseUrl: ${acme.adminBaseUrl}, apiKey: \${ACME_KEY} }
capabilities: { tokenAdmin: true, settingsAdmin: true, userAdmin: true, spAdmin: true, otherTenant: false }
`;
    process.env.ACME_KEY = acme.adminKey;
    const { code, stderr, report } = run(yaml, path.join(ROOT, 'reports', 'external', 'admin'));
    const bad = report.results.filter((r) => r.outcome === 'FAIL' || r.outcome === 'ERROR');
    expect(
      bad.map((r) => `${r.id}: ${r.message}`),
      stderr,
    ).to.deep.equal([]);
    expect(code, stderr).to.equal(0);
    expect(report.summary.PASS).to.be.at.least(45);
    // Without a second tenant the isolation check cannot run: N/A with a reason, never a pass.
    const isolation = report.results.find((r) => r.id === 'DT-TOK-05-other-tenant-token');
    expect(isolation?.outcome).to.equal('NOT_APPLICABLE');
    expect(isolation?.message).to.contain('otherTenant');
  });

  it('runs with static tokens and no admin API: lifecycle checks are NOT_APPLICABLE with reasons', async () => {
    const acme = tenant('acme');
    const globex = tenant('globex');
    // The operator registers the gateway and creates the tokens by hand.
    const spXml = spawnSync(process.execPath, [BIN, 'sp-metadata', '--profile', 'device-token'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).stdout.replace('http://127.0.0.1:7400/acs', 'http://127.0.0.1:7491/acs');
    expect(
      (
        await admin(
          'PUT',
          `${acme.adminBaseUrl}/service-providers`,
          acme.adminKey,
          spXml,
          'application/samlmetadata+xml',
        )
      ).status,
    ).to.be.oneOf([200, 201]);
    const mk = async (base: string, key: string) =>
      JSON.parse(
        (await admin('POST', `${base}/device-tokens`, key, '{"password":"Static-Token-1"}')).body,
      ) as { id: string; token: string };
    const valid = await mk(acme.adminBaseUrl, acme.adminKey);
    const revoked = await mk(acme.adminBaseUrl, acme.adminKey);
    expect(
      (await admin('DELETE', `${acme.adminBaseUrl}/device-tokens/${revoked.id}`, acme.adminKey)).status,
    ).to.equal(204);
    const other = await mk(globex.adminBaseUrl, globex.adminKey);
    const yaml = `name: reference-idp-static-tokens
profiles: [device-token]
idp:
  metadata: ${acme.metadataUrl}
gateway:
  entityId: https://gateway.test/sp
  acsUrl: http://127.0.0.1:7491/acs
deviceToken:
  presentation: authorization-header
  tenant: { cloudName: cloud-a, userDomain: example.com }
  tokens: { valid: \${T_VALID}, revoked: \${T_REVOKED}, otherTenant: \${T_OTHER} }
  otherTenant:
    tenant: { cloudName: cloud-b, userDomain: globex.test }
    metadata: ${globex.metadataUrl}
capabilities: { tokenAdmin: false, settingsAdmin: false, userAdmin: false, spAdmin: false, otherTenant: true }
`;
    Object.assign(process.env, { T_VALID: valid.token, T_REVOKED: revoked.token, T_OTHER: other.token });
    const { code, stderr, report } = run(yaml, path.join(ROOT, 'reports', 'external', 'static'));
    const bad = report.results.filter((r) => r.outcome === 'FAIL' || r.outcome === 'ERROR');
    expect(
      bad.map((r) => `${r.id}: ${r.message}`),
      stderr,
    ).to.deep.equal([]);
    expect(code, stderr).to.equal(0);
    const na = report.results.filter((r) => r.outcome === 'NOT_APPLICABLE');
    expect(na.length).to.be.at.least(4);
    for (const r of na) expect(r.message, r.id).to.match(/capability|no .*token|deviceToken|sourceAddresses/);
    expect(na.map((r) => r.id)).to.include.members([
      'DT-TOK-08-admin-api',
      'DT-PROV-06-parallel-first-logins',
    ]);
    // The static revoked and other-tenant tokens still drive DT-TOK-04 and DT-TOK-05.
    expect(report.results.find((r) => r.id === 'DT-TOK-04-deleted-token')?.outcome).to.equal('PASS');
    expect(report.results.find((r) => r.id === 'DT-TOK-05-other-tenant-token')?.outcome).to.equal('PASS');
    // No token value reaches the written report.
    const written = readFileSync(
      path.join(ROOT, 'reports', 'external', 'static', 'conformance.json'),
      'utf8',
    );
    expect(written).not.to.contain(valid.token);
  });
});
