import { spawn, type ChildProcess } from 'node:child_process';
import { HarnessError } from '../types';
import type { ProcessStartConfig } from './config-types';
import { httpExchange } from '../roles/client/http';

export interface StartedTarget {
  /** Output of the target (stdout and stderr, interleaved), kept as evidence. */
  log(): string;
  stop(): Promise<void>;
}

const MAX_LOG = 512 * 1024;

async function waitReady(url: string, timeoutMs: number, alive: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = alive();
    if (dead)
      throw new HarnessError(
        'ERR_TARGET_START',
        `start.process: the process exited before ${url} answered (${dead})`,
        'run the command by hand to see why',
      );
    try {
      const res = await httpExchange({
        method: 'GET',
        url,
        timeoutMs: 2000,
        direction: 'harness->admin',
        label: 'readiness',
      });
      if (res.status < 400) return; // 2xx/3xx: ready (a 404 is a wrong readyUrl, not readiness)
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      throw new HarnessError(
        'ERR_TARGET_START',
        `start.process.readyUrl: ${url} did not answer within ${timeoutMs} ms`,
        'check the command and readyUrl, or raise start.process.readyTimeoutMs',
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Spawns the target, waits for readyUrl, keeps its output; stop() ends the whole process group. */
export async function startProcess(cfg: ProcessStartConfig): Promise<StartedTarget> {
  let output = '';
  let exited: string | undefined;
  const child: ChildProcess = spawn(cfg.command, {
    cwd: cfg.cwd,
    env: { ...process.env, ...cfg.env },
    shell: true,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (b: Buffer) => {
    if (output.length < MAX_LOG) output += b.toString('utf8');
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('exit', (code, signal) => {
    exited = signal ? `signal ${signal}` : `exit code ${code}`;
  });
  child.on('error', (e) => {
    exited = e.message;
  });

  const stop = async () => {
    if (exited || child.pid === undefined) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 3000);
    await gone;
    clearTimeout(timer);
  };
  onExitStop(stop);
  try {
    await waitReady(
      cfg.readyUrl,
      cfg.readyTimeoutMs ?? 30_000,
      () => exited && `${exited}; output: ${output.slice(-300).trim()}`,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { log: () => output, stop };
}

const stoppers = new Set<() => Promise<void>>();
export type StopSignal = 'SIGINT' | 'SIGTERM';
const interruptHooks = new Set<(signal: StopSignal) => void>();
let hooked = false;

/** 130 for SIGINT, 143 for SIGTERM (128 + the signal number), as a shell reports them. */
export function signalExitCode(signal: StopSignal): 130 | 143 {
  return signal === 'SIGINT' ? 130 : 143;
}

function hookSignals(): void {
  if (hooked) return;
  hooked = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const hook of [...interruptHooks]) {
        try {
          hook(sig);
        } catch (e) {
          process.stderr.write(`idp-conformance: ERR_INTERNAL: on ${sig}: ${(e as Error).message}\n`);
        }
      }
      void Promise.allSettled([...stoppers].map((s) => s())).then(() => process.exit(signalExitCode(sig)));
    });
  }
}

/** Targets are stopped on Ctrl-C and termination too, never left running. */
export function onExitStop(stop: () => Promise<void>): void {
  stoppers.add(stop);
  hookSignals();
}

/**
 * Runs `hook` synchronously when SIGINT/SIGTERM arrives, before the targets stop and the process exits
 * 130/143 (the runner marks its reports interrupted). Returns the function that unregisters it.
 */
export function onInterrupt(hook: (signal: StopSignal) => void): () => void {
  interruptHooks.add(hook);
  hookSignals();
  return () => {
    interruptHooks.delete(hook);
  };
}
