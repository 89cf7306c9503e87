// A Stryker ignorer (plugin kind Ignore, name "sample"): a deterministic, seeded sample of the mutants,
// so every protocol file can be measured when running them all would take hours.
// An ignorer ignores a node with its whole subtree, so the sample is drawn over *units*, never over
// functions or blocks that hold others: a unit is an outermost expression holding no function or class
// (an `if` test, a `return` value, an argument), or a block or switch case holding no function, class
// or nested block (its statements share its fate). A unit is kept when hash(seed, file, its source
// text, its occurrence number in the file) < IDPC_MUTATION_SAMPLE (a fraction; 1 or unset: no
// sampling): the choice survives unrelated edits, and a larger fraction keeps every unit a smaller one
// kept. Mutants outside every unit (a function made to return undefined, a block that holds blocks
// emptied, an expression that holds a function) are always run. A unit not kept is ignored whole,
// fault switches included (counted among the mutants not in the sample). The units are written to
// reports/mutation/sample-units.json (file, location, kept): test/mutation/run.ts estimates the score
// from them with a cluster-sample confidence interval.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

export const SEED = 'idpc-mutation-sample-1';
export const NOT_SAMPLED = 'not in the sample';
const fraction = Number(process.env.IDPC_MUTATION_SAMPLE ?? '1');
const UNITS_FILE = path.resolve('reports', 'mutation', 'sample-units.json');

/** Per file: the units met, in source order, and the occurrence counts of their texts. */
const units = new Map();
const occurrences = new Map();
/** Nodes inside a kept unit (their descendants are not units of their own). */
const inUnit = new WeakSet();
/** Memo: whether a node is a function or class, or its subtree holds one or a block. */
const opaque = new WeakMap();

/** A function or class, or a node whose subtree holds one or a block (a block: a nested block). */
function isOpaque(p) {
  const node = p.node;
  if (opaque.has(node)) return opaque.get(node);
  let found = p.isFunction() || p.isClass();
  if (!found)
    p.traverse({
      enter(q) {
        if (q.isFunction() || q.isClass() || q.isBlockStatement()) {
          found = true;
          q.stop();
        }
      },
    });
  opaque.set(node, found);
  return found;
}

function fileOf(p) {
  const name = p.hub?.file?.opts?.filename ?? '';
  return path.relative(process.cwd(), name).split(path.sep).join('/');
}

function writeUnits() {
  if (!units.size) return; // a worker process (checker, test runner) never samples
  mkdirSync(path.dirname(UNITS_FILE), { recursive: true });
  writeFileSync(
    UNITS_FILE,
    `${JSON.stringify({ seed: SEED, fraction, files: Object.fromEntries(units) }, null, 1)}\n`,
  );
}
process.on('exit', writeUnits);

export function keep(file, text, nth) {
  const h = createHash('sha256').update(`${SEED}\n${file}\n${text}\n${nth}`).digest();
  return h.readUInt32BE(0) / 2 ** 32 < fraction;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'sample', {
    shouldIgnore(p) {
      if (p.isProgram()) {
        const file = fileOf(p);
        units.set(file, []);
        occurrences.set(file, new Map());
        return undefined;
      }
      if (!(fraction < 1)) return undefined;
      const parent = p.parentPath?.node;
      if (parent && inUnit.has(parent)) {
        inUnit.add(p.node);
        return undefined;
      }
      const candidate = p.isExpression() || p.isBlockStatement() || p.isSwitchCase();
      if (!candidate || isOpaque(p)) return undefined;
      const file = fileOf(p);
      const { start, end } = p.node.loc;
      const text = p.getSource().replace(/\s+/g, ' ');
      const seen = occurrences.get(file) ?? new Map();
      const nth = (seen.get(text) ?? 0) + 1;
      seen.set(text, nth);
      const kept = keep(file, text, nth);
      // Report locations: 1-based lines and columns.
      units.get(file)?.push({
        start: { line: start.line, column: start.column + 1 },
        end: { line: end.line, column: end.column + 1 },
        kept,
      });
      if (kept) {
        inUnit.add(p.node);
        return undefined;
      }
      return `${NOT_SAMPLED} (${fraction})`;
    },
  }),
];
