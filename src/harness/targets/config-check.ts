/**
 * Small validation primitives for target configs: each failure is one ERR_CONFIG_INVALID line of the form
 * `<field.path>: <what is wrong> — <how to fix it>`.
 */
import { HarnessError } from '../types';
import { expandEnv } from './config-parse';

export type Obj = Record<string, unknown>;

export class ConfigReader {
  constructor(
    readonly env: NodeJS.ProcessEnv,
    readonly hint?: string,
  ) {}

  invalid(field: string, problem: string, fix?: string): never {
    const msg = `${field || '(top level)'}: ${problem}${fix ? ` — ${fix}` : ''}`;
    throw new HarnessError('ERR_CONFIG_INVALID', oneLine(msg), this.hint);
  }

  /** A mapping with only the allowed keys; unknown keys are errors, with "did you mean" when close. */
  object(field: string, v: unknown, allowed: readonly string[], fix?: string): Obj {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      this.invalid(field, `expected a mapping, got ${describe(v)}`, fix);
    }
    const o = v as Obj;
    for (const k of Object.keys(o)) {
      if (allowed.includes(k)) continue;
      const near = closest(k, allowed);
      this.invalid(
        join(field, k),
        'unknown key',
        near ? `did you mean "${near}"?` : `allowed here: ${allowed.join(', ')}`,
      );
    }
    return o;
  }

  optObject(field: string, v: unknown, allowed: readonly string[], fix?: string): Obj | undefined {
    return v === undefined || v === null ? undefined : this.object(field, v, allowed, fix);
  }

  string(field: string, v: unknown, fix: string): string {
    if (v === undefined || v === null) this.invalid(field, 'required', fix);
    if (typeof v !== 'string') this.invalid(field, `expected a string, got ${describe(v)}`, fix);
    const s = expandEnv(v as string, field, this.env);
    if (s.trim() === '') this.invalid(field, 'must not be empty', fix);
    return s;
  }

  optString(field: string, v: unknown, fix: string): string | undefined {
    return v === undefined || v === null ? undefined : this.string(field, v, fix);
  }

  positiveInt(field: string, v: unknown, fallback: number | undefined, fix: string): number | undefined {
    if (v === undefined || v === null) return fallback;
    let n: unknown = v;
    // Numbers arrive as strings when they come from ${VAR} or were quoted.
    if (typeof v === 'string') {
      const s = expandEnv(v, field, this.env).trim();
      n = /^\d+$/.test(s) ? Number(s) : s;
    }
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) {
      this.invalid(field, `expected a positive integer, got ${describe(n)}`, fix);
    }
    return n as number;
  }

  boolean(field: string, v: unknown, fallback: boolean): boolean {
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') this.invalid(field, `expected true or false, got ${describe(v)}`);
    return v as boolean;
  }

  array(field: string, v: unknown, fix: string): unknown[] {
    if (!Array.isArray(v)) this.invalid(field, `expected a list, got ${describe(v)}`, fix);
    return v as unknown[];
  }

  /** env-style maps: string values; numbers and booleans are accepted and stringified (PORT: 8080). */
  stringMap(field: string, v: unknown): Record<string, string> | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.invalid(field, `expected a mapping of NAME: value, got ${describe(v)}`);
    }
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v as Obj)) {
      const f = join(field, k);
      if (typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
      else if (typeof x === 'string') out[k] = expandEnv(x, f, this.env);
      else this.invalid(f, `expected a string, got ${describe(x)}`, 'quote the value');
    }
    return out;
  }
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
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}
