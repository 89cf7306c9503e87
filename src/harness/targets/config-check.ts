/**
 * Config errors as one ERR_CONFIG_INVALID line of the form `<field.path>: <what is wrong> — <how to fix it>`:
 * zod issues of the config schema (config-schema.ts) turned into that line, the fix taken from the
 * description of the schema at the issue's path (or the nearest one above it).
 */
import { z } from 'zod';
import { HarnessError } from '../types';

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;
type Path = readonly PropertyKey[];

/** Throws the one-line config error. */
export function invalid(field: string, problem: string, fix?: string, hint?: string): never {
  const msg = `${field || '(top level)'}: ${problem}${fix ? ` — ${fix}` : ''}`;
  throw new HarnessError('ERR_CONFIG_INVALID', oneLine(msg), hint);
}

/** The messages of zod's own issues (a schema's own `error` wins over these). */
export const configErrorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      return iss.input === undefined
        ? 'required'
        : `expected ${noun(iss.expected)}, got ${describe(iss.input)}`;
    case 'too_small':
      return iss.origin === 'string' || iss.origin === 'array'
        ? 'must not be empty'
        : `expected at least ${String(iss.minimum)}, got ${describe(iss.input)}`;
    case 'too_big':
      return `expected at most ${String(iss.maximum)}, got ${describe(iss.input)}`;
    case 'invalid_value':
      return `expected one of ${iss.values.map((v) => describe(v)).join(', ')}, got ${describe(iss.input)}`;
    case 'unrecognized_keys':
      return 'unknown key';
    default:
      return iss.input === undefined ? 'required' : `not valid: ${describe(iss.input)}`;
  }
};

function noun(t: string): string {
  if (t === 'object' || t === 'record') return 'a mapping';
  if (t === 'array') return 'a list';
  if (t === 'boolean') return 'true or false';
  if (t === 'int') return 'an integer';
  return `a ${t}`;
}

/** The line for the first issue (an unknown key first: it often explains a missing one). */
export function issueLine(root: Schema, issues: readonly Issue[], base: Path = [], label = ''): string {
  const issue = firstIssue(issues);
  if (!issue) return line(fieldOf(base, label), 'invalid value', fixAt(root, base));
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union') {
    // The branch that got furthest says what is wrong: the deepest first issue, else the first whose
    // value had the right type.
    const depth = (b: readonly Issue[]) => b[0]?.path.length ?? -1;
    const deepest = Math.max(...issue.errors.map(depth));
    const branch =
      deepest > 0
        ? issue.errors.find((b) => depth(b) === deepest)
        : issue.errors.find((b) => b[0] !== undefined && !wrongType(b[0]));
    if (branch) return issueLine(root, branch, path, label);
  }
  const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  if (key !== undefined) {
    const allowed = keysAt(root, path);
    const near = closest(key, allowed);
    return line(
      fieldOf([...path, key], label),
      'unknown key',
      near ? `did you mean "${near}"?` : `allowed here: ${allowed.join(', ')}`,
    );
  }
  const at = issue.message.indexOf(' — ');
  if (at >= 0) return line(fieldOf(path, label), issue.message.slice(0, at), issue.message.slice(at + 3));
  return line(fieldOf(path, label), issue.message, fixAt(root, path));
}

/** The value had the wrong type here (for every branch, in a union). */
function wrongType(i: Issue): boolean {
  if (i.path.length > 0) return false;
  if (i.code === 'invalid_type') return true;
  return i.code === 'invalid_union' && i.errors.every((b) => b[0] !== undefined && wrongType(b[0]));
}

function line(field: string, problem: string, fix?: string): string {
  return oneLine(`${field || '(top level)'}: ${problem}${fix ? ` — ${fix}` : ''}`);
}

function firstIssue(issues: readonly Issue[]): Issue | undefined {
  return issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
}

/** `a.b[0].c` for a path. */
export function fieldOf(path: Path, label = ''): string {
  return path.reduce<string>((f, k) => join(f, typeof k === 'number' ? k : String(k)), label);
}

/** The schema and every schema it wraps (optional, default, pipe input, union options), outermost first. */
function expand(s: Schema): Schema[] {
  const def = s._zod.def as unknown as { type: string; innerType?: Schema; in?: Schema; options?: Schema[] };
  const inner = def.type === 'pipe' ? [def.in] : def.type === 'union' ? (def.options ?? []) : [def.innerType];
  return [s, ...inner.filter((x): x is Schema => x !== undefined).flatMap(expand)];
}

/** The schemas at a path below root (several where a union offers several). */
function schemasAt(root: Schema, path: Path): Schema[][] {
  const levels = [expand(root)];
  for (const seg of path) {
    const next: Schema[] = [];
    for (const s of levels.at(-1) ?? []) {
      const def = s._zod.def as unknown as {
        type: string;
        shape?: Record<string, Schema>;
        element?: Schema;
        valueType?: Schema;
      };
      if (def.type === 'object' && typeof seg === 'string' && def.shape?.[seg])
        next.push(...expand(def.shape[seg]));
      if (def.type === 'array' && typeof seg === 'number' && def.element) next.push(...expand(def.element));
      if (def.type === 'record' && def.valueType) next.push(...expand(def.valueType));
    }
    if (next.length === 0) break;
    levels.push(next);
  }
  return levels;
}

const descriptionOf = (level: Schema[]): string | undefined =>
  level.map((s) => z.globalRegistry.get(s)?.description).find((d) => d !== undefined);

/** The fix hint for a field: the description of its schema, or of the nearest schema above it. */
export function fixAt(root: Schema, path: Path): string | undefined {
  const levels = schemasAt(root, path);
  for (let i = levels.length - 1; i >= 0; i--) {
    const d = descriptionOf(levels[i]!); // 0 <= i < levels.length
    if (d !== undefined) return d;
  }
  return undefined;
}

/** The keys the mapping at path allows. */
function keysAt(root: Schema, path: Path): string[] {
  const levels = schemasAt(root, path);
  const keys =
    levels.length === path.length + 1
      ? (levels.at(-1) ?? []).flatMap((s) => {
          const def = s._zod.def as unknown as { type: string; shape?: Record<string, Schema> };
          return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
        })
      : [];
  return [...new Set(keys)];
}

export function join(field: string, key: string | number): string {
  if (typeof key === 'number') return `${field}[${key}]`;
  const k = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return field ? `${field}.${k}` : k;
}

/** A short, single-line description of a value for "got …". */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') {
    const s = v.length > 60 ? `${v.slice(0, 57)}...` : v;
    return JSON.stringify(s);
  }
  return String(v);
}

export function oneLine(s: string): string {
  return s.replace(/[\r\n]+\s*/g, ' ');
}

/** The allowed key nearest to k (case-insensitive equal or edit distance ≤ 2), if any. */
export function closest(k: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = a.toLowerCase() === k.toLowerCase() ? 0 : distance(k.toLowerCase(), a.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  const limit = Math.min(2, Math.max(1, Math.floor(k.length / 3)));
  return bestD <= limit ? best : undefined;
}

function distance(a: string, b: string): number {
  // prev has b.length + 1 entries: every index below (0 <= j <= b.length) is in range.
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}
