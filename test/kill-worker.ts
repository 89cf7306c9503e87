/**
 * A kill-matrix worker: one process that runs many `idp-conformance run` invocations, one after the
 * other, so the matrix pays node's start-up and module loading once per worker instead of once per fault.
 * Protocol (one JSON object a line): stdin `{"args": [...]}`, stdout `{"exitCode": N}` after each run.
 * The reports go where each run's --report-dir says, exactly as the CLI writes them.
 *
 * A parent that went away (its end of stdout closed: EPIPE) ends the worker quietly, exit 0, instead of
 * an unhandled 'error' with a stack; the parent side (kill-matrix.ts KillWorker) reports a worker that
 * died as a harness error naming the fault it was running.
 */
import { createInterface } from 'node:readline';
import { runCli } from '../src/harness/cli';

/** Nobody reads our answers any more (EPIPE and the like on stdout): stop, nothing else to do. */
function parentGone(): never {
  process.exit(0);
}

async function main(): Promise<void> {
  process.stdout.on('error', parentGone);
  process.stdin.on('error', parentGone);
  process.stderr.on('error', () => undefined);
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let exitCode: number;
    try {
      const { args } = JSON.parse(line) as { args: string[] };
      exitCode = await runCli(args, () => undefined);
    } catch (e) {
      process.stderr.write(`kill-worker: ${(e as Error).message}\n`);
      exitCode = 2;
    }
    if (process.stdout.destroyed || !process.stdout.writable) parentGone();
    process.stdout.write(`${JSON.stringify({ exitCode })}\n`);
  }
}

void main();
