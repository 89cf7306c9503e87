/**
 * A server the CLI runs in the foreground (`reference-idp`) ends with whoever started it: on SIGINT,
 * SIGTERM or SIGHUP, and when its parent goes away — also through wrappers such as `npx` (npm exec)
 * and `sh -c`, which may die without forwarding the signal and would leave it serving, re-parented.
 */
import { readFileSync } from 'node:fs';

/** The command line of a process (Linux /proc), or undefined. */
function cmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

const WRAPPER = /(^|\/)(npm|npx)(\s|$)|npm-cli\.js|npx-cli\.js|(^|\/)(sh|bash|dash) -c /;

/** The parent, and while it is a wrapper (npx, npm exec, sh -c) its parent too: the processes to outlive none of. */
export function watchedAncestors(): number[] {
  const out: number[] = [];
  let pid: number | undefined = process.ppid;
  while (pid !== undefined && pid > 1 && out.length < 6) {
    out.push(pid);
    if (!WRAPPER.test(cmdline(pid) ?? '')) break;
    pid = parentOf(pid);
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Resolves with why it should stop: a signal, or an ancestor that is gone. */
export function untilParentGoneOrSignal(intervalMs = 300): Promise<string> {
  const ancestors = watchedAncestors();
  const firstParent = process.ppid;
  return new Promise((resolve) => {
    const done = (why: string) => {
      clearInterval(timer);
      for (const s of SIGNALS) process.off(s, handlers[s]);
      resolve(why);
    };
    const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const handlers = Object.fromEntries(SIGNALS.map((s) => [s, () => done(s)])) as Record<
      (typeof SIGNALS)[number],
      () => void
    >;
    for (const s of SIGNALS) process.on(s, handlers[s]);
    const timer = setInterval(() => {
      if (process.ppid !== firstParent) return done(`its parent ${firstParent} exited`);
      const gone = ancestors.find((pid) => !alive(pid));
      if (gone !== undefined) done(`its parent ${gone} exited`);
    }, intervalMs);
  });
}
