/**
 * `npm test`: the harness's own unit tests (mocha), then the self-test against the reference IdP with
 * every named fault (the kill matrix), then the mutation analysis in its CI mode (`npm run mutation --
 * --ci`: incremental, bounded). Prints "N passed, N failed" last.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, buildKillMatrix, formatKillMatrix } from './kill-matrix';
import { FAULTS, MODES } from '../src/reference-idp';

function testFiles(dir: string): string[] {
  const abs = path.join(ROOT, 'dist', dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => path.join(abs, f));
}

async function main(): Promise<void> {
  const t0 = Date.now();
  let passed = 0;
  let failed = 0;
  const files = [
    ...testFiles('test/unit'),
    ...testFiles('test/reference-idp'),
    ...testFiles('test/hostile'),
    ...testFiles('test/interop'),
  ];
  const mocha = path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
  // The unit tests and the kill matrix run at the same time (both wait on sockets and child processes
  // much of the time); the unit tests' output is printed when they end, whole.
  const unit = new Promise<{ status: number | null; out: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [mocha, '--no-config', '--timeout', '60000', '--reporter', 'dot', ...files],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (status) => resolve({ status, out }));
  });

  const only = process.env.IDPC_FAULTS ? process.env.IDPC_FAULTS.split(',').filter(Boolean) : undefined;
  const faults = FAULTS.filter((f) => !only || only.includes(f.name));
  const modes = MODES.filter((m) => !only || only.includes(m.name));
  const { matrix, problems } = await buildKillMatrix(faults, (s) => console.log(s), modes);
  const u = await unit;
  process.stdout.write(u.out);
  if (u.status === 0) passed++;
  else failed++;
  console.log(`unit tests: ${u.status === 0 ? 'passed' : 'FAILED'} (${files.length} files)`);
  console.log(formatKillMatrix(matrix));
  const killed = matrix.checks.filter((c) => c.killedBy.length > 0).length;
  console.log(
    `kill matrix: ${killed}/${matrix.checks.length} checks killed by at least one of ${faults.length} faults`,
  );
  if (problems.length) {
    console.log(`self-test problems (${problems.length}):`);
    for (const p of problems) console.log(`  - ${p}`);
    failed++;
  } else passed++;

  // Mutation analysis, incremental against the committed results (README "Mutation analysis"); a
  // partial kill matrix (IDPC_FAULTS) is a developer's targeted run and leaves it out, visibly.
  if (only) console.log('mutation analysis: not run (IDPC_FAULTS selects a partial run)');
  else {
    const mutation = spawnSync(
      process.execPath,
      [path.join(ROOT, 'dist', 'test', 'mutation', 'run.js'), '--ci'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    if (mutation.status === 0) passed++;
    else failed++;
    console.log(`mutation analysis (--ci): ${mutation.status === 0 ? 'passed' : 'FAILED'}`);
  }
  console.log(`npm test: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

void main();
