/**
 * Check counts in the docs, kept true: a count is written as `<!-- count:KEY -->N<!-- /count -->` (KEY:
 * `all`, a profile, or `profile/family`) and N comes from `idp-conformance list --json`.
 * `npm run docs` rewrites them (test/write-docs.ts); test/unit/docs.test.ts fails when one is stale.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface ListedCheck {
  id: string;
  profile: string;
  family: string;
  requirements: string[];
}

/** The catalogue as `list --json` prints it (the built specs). */
export function listChecks(): ListedCheck[] {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'idp-conformance.js'), 'list', '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`idp-conformance list --json: exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as ListedCheck[];
}

/** The Markdown files that may state check counts. */
export function docFiles(): string[] {
  const docs = (dir: string): string[] =>
    fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = path.posix.join(dir, e.name);
      return e.isDirectory() ? docs(rel) : e.name.endsWith('.md') ? [rel] : [];
    });
  return ['README.md', ...docs('docs'), 'fixtures/targets/README.md', 'src/reference-idp/README.md'];
}

export const COUNT_MARKER = /<!-- count:([a-z/-]+) -->(\d*)<!-- \/count -->/g;

/** How many checks a KEY counts: `all`, a profile, or `profile/family`; undefined for an unknown KEY. */
export function countOf(key: string, checks: readonly ListedCheck[]): number | undefined {
  const [profile, family] = key.split('/');
  const n =
    key === 'all'
      ? checks.length
      : checks.filter((c) => c.profile === profile && (family === undefined || c.family === family)).length;
  return n > 0 ? n : undefined;
}

/** The text with every count marker holding the current count. */
export function withCounts(text: string, checks: readonly ListedCheck[]): string {
  return text.replace(COUNT_MARKER, (m, key: string) => {
    const n = countOf(key, checks);
    return n === undefined ? m : `<!-- count:${key} -->${n}<!-- /count -->`;
  });
}
