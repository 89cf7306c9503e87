#!/usr/bin/env node
'use strict';
/**
 * `npm run conformance`: runs what `npm ci` (prepare) built, and compiles only when a source the run
 * uses is newer than the last build (a stat walk of src/, specs/ and the tsconfigs: a few ms). Then it
 * compiles only src/ and specs/ (tsconfig.run.json, incremental), never the tests it does not run.
 * Usage: node bin/fresh-run.js [idp-conformance arguments]   (`--build-only`: just the check and build)
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
/** Written after every successful build (tsc, prepare, npm run build); its mtime is the build's start. */
const STAMP = path.join(ROOT, 'dist', '.build-stamp');
const INPUTS = ['src', 'specs', 'tsconfig.json', 'tsconfig.run.json', 'package.json'];

/** The newest mtime under the inputs, directories included (a deleted or renamed file changes its folder). */
function newestInput() {
  let newest = 0;
  const visit = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.mtimeMs > newest) newest = st.mtimeMs;
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
  };
  for (const i of INPUTS) visit(path.join(ROOT, i));
  return newest;
}

function stale() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'harness', 'cli.js'))) return true;
  let stamp;
  try {
    stamp = fs.statSync(STAMP).mtimeMs;
  } catch {
    return true;
  }
  return newestInput() > stamp;
}

/** Records a successful build that started at `startedMs` (files edited during the build stay newer). */
function stampBuild(startedMs) {
  fs.mkdirSync(path.dirname(STAMP), { recursive: true });
  fs.writeFileSync(STAMP, `${new Date(startedMs).toISOString()}\n`);
  const t = new Date(startedMs);
  fs.utimesSync(STAMP, t, t);
}

/** Compiles with the given tsconfig, incrementally; exits with tsc's status on failure. */
function build(project, buildInfo) {
  const started = Date.now();
  const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  const args = [tsc, '-p', path.join(ROOT, project), '--incremental', '--tsBuildInfoFile', buildInfo];
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 2);
  stampBuild(started);
}

module.exports = { stale, stampBuild, newestInput };

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--build') {
    // `npm run build` / prepare: everything (tests included), then the stamp.
    build('tsconfig.json', path.join(ROOT, 'dist', '.tsbuildinfo'));
  } else {
    if (stale()) {
      process.stderr.write(
        'idp-conformance: sources changed since the last build: compiling src/ and specs/\n',
      );
      build('tsconfig.run.json', path.join(ROOT, 'dist', '.tsbuildinfo-run'));
    }
    if (argv[0] !== '--build-only') require('../dist/src/harness/cli.js').main(argv);
  }
}
