import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTargetConfig, repoRoot, validateTargetConfig } from '../../src/harness/targets/config';
import { DOCKER_UNAVAILABLE_FILE, RUN_LABEL, demux } from '../../src/harness/targets/container';
import { HarnessError } from '../../src/harness/types';

const ROOT = repoRoot();
const BIN = path.join(ROOT, 'bin', 'idp-conformance.js');
const YAML = path.join(ROOT, 'fixtures', 'targets', 'simplesamlphp-container.yaml');
const IMAGE = 'local/ssp-idp:1';

const base = (container: unknown): Record<string, unknown> => ({
  name: 'x',
  idp: { metadata: 'http://127.0.0.1:18480/m' },
  gateway: { entityId: 'urn:x', acsUrl: 'http://127.0.0.1:7400/acs' },
  start: { container },
});

function containerConfig(container: unknown, env: NodeJS.ProcessEnv = {}) {
  return validateTargetConfig(base(container), os.tmpdir(), env).start!.container!;
}

/** Expects ERR_CONFIG_INVALID naming `field` (the message starts with it), on one line. */
function expectInvalid(container: unknown, field: string, problem?: RegExp): void {
  let caught: unknown;
  try {
    containerConfig(container);
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected an error naming ${field}`).to.be.instanceOf(HarnessError);
  const err = caught as HarnessError;
  expect(err.code, err.message).to.equal('ERR_CONFIG_INVALID');
  expect(err.message.startsWith(`${field}: `), err.message).to.equal(true);
  expect(err.oneLine()).not.to.match(/[\r\n]/);
  if (problem) expect(err.message).to.match(problem);
}

describe('start.container config', () => {
  it('accepts a bare port (same host port), "HOST:CONTAINER" and { container, host }', () => {
    expect(containerConfig({ image: 'local/idp:1', ports: [8080] }).ports).to.deep.equal([
      { container: 8080, host: 8080 },
    ]);
    expect(containerConfig({ image: 'i', ports: ['18480:8080'] }).ports).to.deep.equal([
      { container: 8080, host: 18480 },
    ]);
    expect(containerConfig({ image: 'i', ports: ['${P}:8080'] }, { P: '18481' }).ports).to.deep.equal([
      { container: 8080, host: 18481 },
    ]);
    expect(
      containerConfig({ image: 'i', ports: [{ container: 8080, host: 18480 }, { container: 9090 }] }).ports,
    ).to.deep.equal([
      { container: 8080, host: 18480 },
      { container: 9090, host: 9090 },
    ]);
  });

  it('fills the startup timeout and keeps env and waitFor', () => {
    const c = containerConfig({
      image: 'local/ssp-idp:1',
      ports: [{ container: 8080, host: 18480 }],
      env: { SSP_BASEURL: 'http://127.0.0.1:18480/', N: 1 },
      waitFor: { http: '/saml2/idp/metadata.php', port: 8080 },
    });
    expect(c).to.deep.equal({
      image: 'local/ssp-idp:1',
      ports: [{ container: 8080, host: 18480 }],
      env: { SSP_BASEURL: 'http://127.0.0.1:18480/', N: '1' },
      waitFor: { http: '/saml2/idp/metadata.php', port: 8080 },
      startupTimeoutMs: 120000,
    });
    expect(containerConfig({ image: 'i', ports: [1], startupTimeoutMs: 5000 }).startupTimeoutMs).to.equal(
      5000,
    );
  });

  it('the shipped simplesamlphp-container.yaml loads, with its ACS matching the image registration', () => {
    const cfg = loadTargetConfig(YAML, {});
    const c = cfg.start!.container!;
    expect(c.image).to.equal(IMAGE);
    expect(c.ports).to.deep.equal([{ container: 8080, host: 18480 }]);
    expect(c.env!.SP_ACS).to.equal(cfg.gateway.acsUrl);
    expect(new URL(cfg.idp.metadata).port).to.equal('18480');
    expect(c.env!.SSP_BASEURL).to.equal('http://127.0.0.1:18480/');
    const entrypoint = fs.readFileSync(
      path.join(ROOT, 'fixtures', 'targets', 'simplesamlphp-container', 'entrypoint.sh'),
      'utf8',
    );
    expect(entrypoint).to.include(cfg.gateway.acsUrl);
  });

  it('rejects each bad field with its path', () => {
    expectInvalid({ ports: [8080] }, 'start.container.image', /required/);
    expectInvalid({ image: 'has space', ports: [8080] }, 'start.container.image', /not an image reference/);
    expectInvalid({ image: 'i' }, 'start.container.ports', /required/);
    expectInvalid({ image: 'i', ports: [] }, 'start.container.ports', /must not be empty/);
    expectInvalid({ image: 'i', ports: 8080 }, 'start.container.ports', /expected a list/);
    expectInvalid({ image: 'i', ports: [70000] }, 'start.container.ports[0]', /1-65535/);
    expectInvalid({ image: 'i', ports: [8080, 'http'] }, 'start.container.ports[1]', /positive integer/);
    expectInvalid({ image: 'i', ports: [{ host: 1 }] }, 'start.container.ports[0].container', /required/);
    expectInvalid({ image: 'i', ports: [{ container: 1, host: 0 }] }, 'start.container.ports[0].host');
    expectInvalid(
      { image: 'i', ports: [{ container: 1, hostt: 2 }] },
      'start.container.ports[0].hostt',
      /did you mean "host"/,
    );
    expectInvalid({ image: 'i', ports: [8080, 8080] }, 'start.container.ports[1]', /listed twice/);
    expectInvalid(
      {
        image: 'i',
        ports: [
          { container: 1, host: 9 },
          { container: 2, host: 9 },
        ],
      },
      'start.container.ports[1]',
      /published twice/,
    );
    expectInvalid({ image: 'i', ports: [1], env: { A: [1] } }, 'start.container.env.A');
    expectInvalid({ image: 'i', ports: [1], waitFor: {} }, 'start.container.waitFor', /needs http or port/);
    expectInvalid({ image: 'i', ports: [1], waitFor: { http: 'health' } }, 'start.container.waitFor.http');
    expectInvalid({ image: 'i', ports: [1], waitFor: { port: 2 } }, 'start.container.waitFor.port', /not a/);
    expectInvalid({ image: 'i', ports: [1], waitFor: { url: '/' } }, 'start.container.waitFor.url');
    expectInvalid({ image: 'i', ports: [1], startupTimeoutMs: 0 }, 'start.container.startupTimeoutMs');
    expectInvalid({ image: 'i', ports: [1], imag: 'x' }, 'start.container.imag', /did you mean "image"/);
    expectInvalid('local/idp:1', 'start.container', /expected a mapping/);
  });
});

describe('container driver helpers', () => {
  it("demux joins the payloads of Docker's multiplexed log frames (stdout and stderr)", () => {
    const frame = (stream: number, text: string) => {
      const body = Buffer.from(text, 'utf8');
      const head = Buffer.alloc(8);
      head[0] = stream;
      head.writeUInt32BE(body.length, 4);
      return Buffer.concat([head, body]);
    };
    const buf = Buffer.concat([frame(1, 'started\n'), frame(2, 'ssp-idp: set SSP_BASEURL\n'), frame(1, 'é')]);
    expect(demux(buf)).to.equal('started\nssp-idp: set SSP_BASEURL\né');
    expect(demux(buf.subarray(0, 5))).to.equal('');
  });
});

/** Why the Docker integration test cannot run here, or undefined when it can. */
function dockerUnavailable(): string | undefined {
  let mark: string | undefined;
  try {
    mark = fs.readFileSync(DOCKER_UNAVAILABLE_FILE, 'utf8').trim() || undefined;
  } catch {
    // no reason left by .ci/docker.sh
  }
  // In a network namespace of its own (e.g. /work/bin/isolated) the ports Docker publishes on the host
  // are unreachable: only loopback here means the run could only end in a start timeout.
  const ifaces = Object.values(os.networkInterfaces()).flat();
  if (ifaces.every((i) => !i || i.internal)) {
    return 'this network namespace has only loopback: ports Docker publishes on the host are unreachable';
  }
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (info.error || info.status !== 0) {
    const why = info.error
      ? info.error.message
      : (info.stderr || info.stdout).trim().split('\n').pop() || `docker info exit ${info.status}`;
    return mark ?? `docker info failed: ${why}`;
  }
  const img = spawnSync('docker', ['image', 'inspect', IMAGE], { encoding: 'utf8', timeout: 30_000 });
  if (img.status !== 0) return mark ?? `image ${IMAGE} is not built — run bash .ci/docker.sh`;
  return undefined;
}

function containersOf(image: string): string[] {
  const r = spawnSync('docker', ['ps', '-a', '-q', '--no-trunc', '--filter', `ancestor=${image}`], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(r.status, r.stderr).to.equal(0);
  return r.stdout.split('\n').filter(Boolean);
}

function labelled(): string[] {
  const r = spawnSync('docker', ['ps', '-a', '-q', '--no-trunc', '--filter', `label=${RUN_LABEL}`], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return r.stdout.split('\n').filter(Boolean);
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('start.container with Docker: SimpleSAMLphp in a container', function () {
  this.timeout(600_000);
  let reportDir: string;
  before(() => {
    reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idpc-container-'));
  });
  after(() => fs.rmSync(reportDir, { recursive: true, force: true }));

  it('runs the conformance suite against simplesamlphp-container.yaml and removes the container', async function () {
    const why = dockerUnavailable();
    if (why) {
      console.log(`container tests skipped: ${why}`);
      this.skip();
    }
    const before = new Set([...containersOf(IMAGE), ...labelled()]);
    const t0 = Date.now();
    const r = await run(['run', '--target', YAML, '--report-dir', reportDir]);
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    const tail = `${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`;
    expect(r.code, `exit ${r.code} (2 = harness/driver error):\n${tail}`).to.be.oneOf([0, 1]);

    const file = path.join(reportDir, 'conformance.json');
    expect(fs.existsSync(file), `no ${file}:\n${tail}`).to.equal(true);
    const report = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      summary: Record<string, number>;
      results: { id: string; outcome: string; message?: string }[];
    };
    console.log(
      `      container run: exit ${r.code} in ${seconds} s; ${report.results.length} results; ` +
        Object.entries(report.summary)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
    );
    expect(report.results.length).to.be.at.least(40);
    const errors = report.results.filter((x) => x.outcome === 'ERROR');
    expect(errors.map((x) => `${x.id}: ${x.message ?? ''}`)).to.deep.equal([]);

    const left = [...containersOf(IMAGE), ...labelled()].filter((id) => !before.has(id));
    expect(left, 'containers left behind by the run').to.deep.equal([]);
  });
});
