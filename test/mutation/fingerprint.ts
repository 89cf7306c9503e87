/**
 * What the committed mutation results were made from. Stryker's incremental mode diffs only the mutated
 * files and the test files; a verdict also depends on the harness (src/harness), the rest of the reference
 * IdP, the keys, the Stryker plugins and setup of this folder, the configs and the locked dependencies,
 * which it cannot see (the scoring code here changes no verdict and is left out). Both
 * sets are hashed per file into test/mutation/stryker-incremental.meta.json beside the incremental file.
 * Only files git tracks are hashed (their working-tree content): a stray untracked file (a scratch
 * spec, an editor backup) does not stale the results. Outside a git checkout every file is.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Files (or folders, walked) the verdicts depend on that Stryker does not diff. */
const INPUTS = [
  'src',
  'fixtures/keys',
  'test/mutation',
  'stryker.config.json',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
];
/** Files Stryker diffs itself (mutated files, spec files): a change re-tests only what it touches. */
const SEEN = ['specs'];
/** Not inputs: the results themselves, the review and the scoring code (they change no verdict). */
const NOT_INPUTS = new Set([
  'test/mutation/stryker-incremental.json',
  'test/mutation/stryker-incremental.meta.json',
  'test/mutation/survivors.json',
  'test/mutation/run.ts',
  'test/mutation/score.ts',
  'test/mutation/fingerprint.ts',
]);

export interface Fingerprint {
  /** Hash of the inputs Stryker cannot see. */
  inputs: string;
  /** Hash of everything: inputs, mutated files and spec files. */
  all: string;
  /** Per file, a short hash (to name what changed). */
  files: Record<string, string>;
}

function walk(root: string, rel: string, out: string[]): void {
  const abs = path.join(root, rel);
  if (!existsSync(abs)) return;
  if (statSync(abs).isDirectory()) {
    for (const e of readdirSync(abs).sort()) walk(root, `${rel}/${e}`, out);
  } else out.push(rel);
}

/**
 * The files under `paths` git tracks that exist in the working tree (undefined: not a git checkout,
 * or no git).
 */
function tracked(root: string, paths: string[]): string[] | undefined {
  const r = spawnSync('git', ['ls-files', '-z', '--', ...paths], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0 || r.error) return undefined;
  return r.stdout
    .split('\0')
    .filter((f) => f !== '' && existsSync(path.join(root, f)))
    .sort();
}

/** The files under `paths`: those git tracks, or every file outside a git checkout. */
function filesUnder(root: string, paths: string[]): string[] {
  const out = tracked(root, paths);
  if (out) return out;
  const all: string[] = [];
  for (const p of paths) walk(root, p, all);
  return all;
}

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

export function fingerprint(root: string, mutated: string[]): Fingerprint {
  const inputs = filesUnder(root, INPUTS);
  const seen: string[] = [...mutated, ...filesUnder(root, SEEN)];
  const files: Record<string, string> = {};
  const isMutated = new Set(mutated);
  const inputList = inputs.filter((f) => !NOT_INPUTS.has(f) && !isMutated.has(f));
  for (const f of [...inputList, ...seen].sort())
    files[f] = sha(readFileSync(path.join(root, f))).slice(0, 16);
  const digest = (list: string[]) => sha(list.map((f) => `${f} ${files[f]}`).join('\n'));
  return {
    inputs: digest(inputList.sort()),
    all: digest(Object.keys(files).sort()),
    files,
  };
}

/** Files whose hash differs (added, changed or removed), those Stryker cannot see first. */
export function changed(
  old: Record<string, string>,
  now: Record<string, string>,
  seenByStryker: (f: string) => boolean,
): string[] {
  const names = new Set([...Object.keys(old), ...Object.keys(now)]);
  return [...names]
    .filter((f) => old[f] !== now[f])
    .sort((a, b) => Number(seenByStryker(a)) - Number(seenByStryker(b)) || a.localeCompare(b));
}

export const sha256 = sha;
