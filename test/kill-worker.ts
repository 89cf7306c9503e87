/**
 * A kill-matrix worker: one process that runs many `idp-conformance run` invocations, one after the
 * other, so the matrix pays node's start-up and module loading once per worker instead of once per fault.
 * Protocol (one JSON object a line): stdin `{"args": [...]}`, stdout `{"exitCode": N}` after each run.
 * The reports go where each run's --report-dir says, exactly as the CLI writes them.
 */
import { createInterface } from 'node:readline';
import { runCli } from '../src/harness/cli';

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const { args } = JSON.parse(line) as { args: string[] };
    let exitCode: number;
    try {
      exitCode = await runCli(args, () => undefined);
    } catch (e) {
      process.stderr.write(`kill-worker: ${(e as Error).message}\n`);
      exitCode = 2;
    }
    process.stdout.write(`${JSON.stringify({ exitCode })}\n`);
  }
}

void main();
