/**
 * The previous run's reports removed off the critical path: a run renames them away at once (no
 * verdict outlives the start of a run) and a detached `rm -rf` deletes them on another core (about
 * 3,000 files; deleting them here cost ~0.3 s of CPU and up to a second of wall on a busy disk). What
 * an interrupted removal leaves (`.removing-*` in the report dir) the next run deletes the same way.
 * Report files themselves are written synchronously: measured here, fs.promises.writeFile for ~3,000
 * small files costs 3x the CPU of writeFileSync and the page cache absorbs the writes anyway.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const PREFIX = '.removing-';

/** Deletes `p` in a detached process (synchronously where there is no rm, or it cannot start). */
function deleteDetached(p: string): void {
  if (process.platform !== 'win32') {
    try {
      const child = spawn('rm', ['-rf', '--', p], { detached: true, stdio: 'ignore' });
      child.on('error', () => fs.rmSync(p, { recursive: true, force: true }));
      child.unref();
      return;
    } catch {
      // fall through
    }
  }
  fs.rmSync(p, { recursive: true, force: true });
}

/**
 * Removes `target` (file or folder): a file is deleted at once; a folder is renamed to a hidden
 * `.removing-*` sibling in `dir` and deleted in the background.
 */
export function removeInBackground(dir: string, target: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(target);
  } catch {
    return;
  }
  if (!st.isDirectory()) {
    fs.rmSync(target, { force: true });
    return;
  }
  const trash = path.join(dir, `${PREFIX}${process.pid}-${Date.now()}-${path.basename(target)}`);
  try {
    fs.renameSync(target, trash);
  } catch {
    fs.rmSync(target, { recursive: true, force: true });
    return;
  }
  deleteDetached(trash);
}

/** Deletes, in the background, what interrupted removals left in `dir`. */
export function removeLeftovers(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith(PREFIX)) deleteDetached(path.join(dir, n));
}
