import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KillWorker, ROOT, killMatrixSizing } from '../kill-matrix';

/** A stand-in worker script (the protocol's other end) written to dir. */
function script(dir: string, name: string, body: string): string {
  const file = path.join(dir, `${name}.js`);
  writeFileSync(file, body);
  return file;
}

const ANSWER = `require('readline').createInterface({ input: process.stdin }).on('line', () => process.stdout.write('{"exitCode":1}\\n'));`;

describe('kill-matrix workers: a worker or parent that goes away (EPIPE) is reported, never a crash', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'idpc-kw-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a worker that answers: its exit code, no death', async () => {
    const w = new KillWorker(script(dir, 'answers', ANSWER));
    const r = await w.run(['run', '--report-dir', path.join(dir, 'none')], 'some-fault');
    w.close();
    expect(r).to.include({ name: 'some-fault', exitCode: 1 });
    expect(r.died).to.equal(undefined);
  });

  it('a worker that dies during a run: a harness error naming the fault; the next run gets a fresh worker', async () => {
    const file = script(
      dir,
      'dies',
      `process.stdin.once('data', () => { process.stderr.write('out of memory\\n'); process.exit(3); });`,
    );
    const w = new KillWorker(file);
    const r = await w.run(['run', '--report-dir', dir], 'fault-a');
    expect(r.exitCode).to.equal(-1);
    expect(r.died).to.equal(
      'harness error: the kill-worker died during fault fault-a (exit 3): out of memory',
    );
    const again = await w.run(['run', '--report-dir', dir], 'fault-b');
    expect(again.died).to.match(/^harness error: the kill-worker died during fault fault-b \(exit 3\)/);
  });

  it('a worker already gone when a run is sent (EPIPE on its stdin): reported, no unhandled error', async () => {
    const w = new KillWorker(
      script(
        dir,
        'gone',
        `process.stdin.destroy(); setTimeout(() => process.kill(process.pid, 'SIGKILL'), 10);`,
      ),
    );
    await new Promise((r) => setTimeout(r, 500));
    const r = await w.run(['run', '--report-dir', dir], 'fault-c');
    expect(r.died).to.match(/^harness error: the kill-worker died during fault fault-c \(/);
  });

  it('the real worker whose parent stopped reading (EPIPE on its stdout) ends quietly, exit 0', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'test', 'kill-worker.js')], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout.destroy();
    child.stdin.write(`${JSON.stringify({ args: ['--version'] })}\n`);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).to.not.match(/Unhandled|EPIPE|\n\s+at /);
    expect(code).to.equal(0);
  });

  it('fault runs get an explicit --jobs with workers × jobs ≤ cores (no oversubscription)', () => {
    for (let cores = 1; cores <= 64; cores++) {
      const { workers, jobs } = killMatrixSizing(cores);
      expect(workers * jobs, `${cores} cores`).to.be.at.most(cores);
      expect(workers).to.be.within(1, 4);
      expect(jobs).to.be.at.least(1);
    }
    expect(killMatrixSizing(2)).to.deep.equal({ workers: 2, jobs: 1 });
    expect(killMatrixSizing(16)).to.deep.equal({ workers: 4, jobs: 4 });
  });
});
