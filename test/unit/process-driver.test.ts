import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'idp-conformance.js');

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** A target the harness starts itself: the reference IdP as a plain process on a fixed port. */
function targetYaml(port: number, acsPort: number, readyPath = '/health'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'idpc-proc-'));
  const file = path.join(dir, 'target.yaml');
  writeFileSync(
    file,
    `name: process-driver
profiles: [saml-web-sso]
idp:
  metadata: http://127.0.0.1:${port}/t/web/metadata
  admin: { baseUrl: http://127.0.0.1:${port}/t/web/admin, apiKey: web-admin-key }
start:
  process:
    command: ${JSON.stringify(`"${process.execPath}" "${BIN}" reference-idp --port ${port}`)}
    readyUrl: http://127.0.0.1:${port}${readyPath}
    readyTimeoutMs: 3000
gateway:
  entityId: https://gateway.test/sp
  signedEntityId: https://gateway.test/sp-signed
  acsUrl: http://127.0.0.1:${acsPort}/acs
login:
  form: { username: alice, password: alice-pass }
capabilities: { spAdmin: true }
`,
  );
  return file;
}

function runCli(args: string[], onStdout?: (s: string, child: ReturnType<typeof spawn>) => void) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }>(
    (resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => {
        stdout += b.toString();
        onStdout?.(stdout, child);
      });
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('exit', (code, signal) => resolve({ code, signal, stderr, stdout }));
    },
  );
}

describe('process target driver', function () {
  this.timeout(60_000);

  it('starts the target, runs against it and stops it at the end', async () => {
    const r = await runCli([
      'run',
      '--target',
      targetYaml(7561, 7562),
      '--grep',
      'SDP-IDP02',
      '--report-dir',
      path.join(os.tmpdir(), 'idpc-proc-1'),
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(await listening(7561)).to.equal(false);
  });

  it('Ctrl-C during a run stops the target too (exit 130, no stack trace)', async () => {
    let sent = false;
    const r = await runCli(
      ['run', '--target', targetYaml(7563, 7564), '--report-dir', path.join(os.tmpdir(), 'idpc-proc-2')],
      (out, child) => {
        // Interrupt once checks are running (the target is up).
        if (!sent && /PASS|FAIL/.test(out)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    );
    expect(sent).to.equal(true);
    expect(r.code).to.equal(130);
    expect(r.stderr).not.to.match(/\n\s+at /);
    expect(await listening(7563)).to.equal(false);
  });

  it('a target that never becomes ready is a harness error naming the field (exit 2), and is stopped', async () => {
    const r = await runCli([
      'run',
      '--target',
      targetYaml(7565, 7566, '/not-ready'),
      '--report-dir',
      path.join(os.tmpdir(), 'idpc-proc-3'),
    ]);
    expect(r.code).to.equal(2);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.contain('start.process.readyUrl');
    expect(await listening(7565)).to.equal(false);
  });
});
