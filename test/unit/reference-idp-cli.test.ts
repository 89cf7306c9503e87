import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'idp-conformance.js');
const NPX = path.join(path.dirname(process.execPath), 'npx');

interface Info {
  pid: number;
  baseUrl: string;
  target?: string;
  tenants: Record<
    string,
    { users: { login: string; password: string }[]; registeredSps: string[]; adminKey: string }
  >;
}

function start(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; info: Info }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n').find((l) => l.startsWith('{') && l.endsWith('}'));
      if (line) resolve({ child, info: JSON.parse(line) as Info });
    });
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.on('exit', (code) => reject(new Error(`exited ${code} before printing its JSON: ${err}`)));
  });
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, url: string, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(pid) && !(await answers(url))) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

describe('reference-idp as a target (CLI)', function () {
  this.timeout(180_000);

  it('prints pid, users and passwords, tenants and SPs; --write-target + run --target works', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'idpc-ref-')), 'reference.yaml');
    const { child, info } = await start(process.execPath, [
      BIN,
      'reference-idp',
      '--port',
      '0',
      '--write-target',
      file,
    ]);
    try {
      expect(info.pid).to.equal(child.pid);
      expect(info.target).to.equal(file);
      expect(info.tenants.web!.users).to.deep.include({
        login: 'alice',
        userId: 'alice',
        password: 'alice-pass',
      });
      expect(Object.keys(info.tenants)).to.have.members(['web', 'acme', 'globex']);
      expect(info.tenants.acme!.registeredSps).to.deep.equal([]);
      expect(existsSync(file)).to.equal(true);
      expect(readFileSync(file, 'utf8')).to.contain(info.baseUrl);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'idpc-ref-run-'));
      const r = spawnSync(
        process.execPath,
        [BIN, 'run', '--target', file, '--grep', 'SAMLCore-3.2', '--report-dir', dir],
        {
          cwd: ROOT,
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      expect(r.status, r.stderr + r.stdout).to.equal(0);
      const report = JSON.parse(readFileSync(path.join(dir, 'conformance.json'), 'utf8')) as {
        results: unknown[];
      };
      expect(report.results.length).to.be.at.least(2);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await gone(info.pid, info.baseUrl)).to.equal(true);
  });

  it('a busy port and a bad flag are one line in the common format, exit 2', async () => {
    const { child, info } = await start(process.execPath, [BIN, 'reference-idp', '--port', '0']);
    try {
      const port = info.baseUrl.split(':').pop()!;
      for (const [args, line] of [
        [
          ['--port', port],
          new RegExp(
            `^idp-conformance: ERR_USAGE: --port ${port}: 127\\.0\\.0\\.1:${port} is already in use — `,
          ),
        ],
        [['--port', 'x'], /^idp-conformance: ERR_USAGE: --port x: expected a whole number/],
        [['--host', '0.0.0.0'], /^idp-conformance: ERR_USAGE: unknown option --host — /],
        [['--fault', 'nope'], /^idp-conformance: ERR_USAGE: --fault nope: no such fault — /],
      ] as const) {
        const r = spawnSync(process.execPath, [BIN, 'reference-idp', ...args], {
          cwd: ROOT,
          encoding: 'utf8',
          timeout: 30_000,
        });
        expect(r.status, r.stderr).to.equal(2);
        expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1);
        expect(r.stderr.trim()).to.match(line);
      }
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('killing npx leaves nothing serving (no orphan)', async function () {
    if (!existsSync(NPX)) this.skip();
    // A private npm cache: npx's shared ~/.npm/_npx is raced by other npx runs on the machine.
    const cache = mkdtempSync(path.join(os.tmpdir(), 'idpc-npx-cache-'));
    const { child, info } = await start(NPX, [
      '--offline',
      '--cache',
      cache,
      'idp-conformance',
      'reference-idp',
      '--port',
      '0',
    ]);
    expect(info.pid).not.to.equal(child.pid); // the IdP runs under the npx wrapper
    expect(await answers(`${info.baseUrl}/t/web/metadata`)).to.equal(true);
    child.kill('SIGTERM'); // `kill $!` of `npx idp-conformance reference-idp &`
    expect(await gone(info.pid, info.baseUrl), `pid ${info.pid} still serving`).to.equal(true);
  });
});
