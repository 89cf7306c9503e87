/**
 * The previous run's reports removed off the critical path: a run renames them away at once (no
 * verdict outlives the start of a run) and a detached `rm -rf` deletes them on another core (about 730
 * files, two per check and Allure's; deleting ~3,000 here once cost ~0.3 s of CPU and up to a second of
 * wall on a busy disk). The renamed folders go outside the report dir, so it never holds trash: to the
 * OS temp dir when it is on the same filesystem (a rename cannot cross filesystems), else beside the
 * report dir, as hidden `.<report dir name>.removing-*` folders; the next run deletes what an
 * interrupted removal left there (and, from older versions, `.removing-*` inside the report dir) the
 * same way.
 * Report files themselves are written synchronously: measured here, fs.promises.writeFile for ~3,000
 * small files cost 3x the CPU of writeFileSync, and callback writes of today's ~730 gave no gain in wall.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const PREFIX = '.removing-';

/**
 * Where the trash of report dir `dir` may go, in order, with the prefix of its folders there: the OS
 * temp dir if it is on the same filesystem as the report dir's parent, then beside the report dir.
 */
function trashPlaces(dir: string): { where: string; prefix: string }[] {
  const abs = path.resolve(dir);
  const parent = path.dirname(abs);
  const places = [];
  try {
    const tmp = os.tmpdir();
    if (fs.statSync(tmp).dev === fs.statSync(parent).dev) {
      const id = createHash('sha256').update(abs).digest('hex').slice(0, 16);
      places.push({ where: tmp, prefix: `.idp-conformance-${id}${PREFIX}` });
    }
  } catch {
    // no usable temp dir: beside the report dir
  }
  places.push({ where: parent, prefix: `.${path.basename(abs)}${PREFIX}` });
  return places;
}

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
 * Removes `target` (file or folder) of report dir `dir`: a file is deleted at once; a folder is renamed
 * out of the report dir (trashPlaces) and deleted in the background.
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
  for (const { where, prefix } of trashPlaces(dir)) {
    const trash = path.join(where, `${prefix}${process.pid}-${Date.now()}-${path.basename(target)}`);
    try {
      fs.renameSync(target, trash);
    } catch {
      continue; // another filesystem, no permission: the next place
    }
    deleteDetached(trash);
    return;
  }
  fs.rmSync(target, { recursive: true, force: true });
}

/** Deletes, in the background, what interrupted removals of report dir `dir`'s folders left. */
export function removeLeftovers(dir: string): void {
  const places = [
    ...trashPlaces(dir),
    { where: dir, prefix: PREFIX }, // inside the report dir: older versions put the trash there
  ];
  for (const { where: folder, prefix: start } of places) {
    let names: string[];
    try {
      names = fs.readdirSync(folder);
    } catch {
      continue;
    }
    for (const n of names) if (n.startsWith(start)) deleteDetached(path.join(folder, n));
  }
}
