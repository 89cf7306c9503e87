/**
 * Reading a target config file into plain data: YAML or JSON, with parse errors that say file, line and
 * column, and `${VAR}` expansion from the environment. Field validation lives in config.ts.
 */
import * as path from 'node:path';
import YAML from 'yaml';
import { HarnessError } from '../types';

export type ConfigFormat = 'yaml' | 'json';

/** `.json` is JSON, `.yaml`/`.yml` YAML; anything else is decided by content (a leading `{` means JSON). */
export function detectFormat(file: string, text: string): ConfigFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return /^\s*[{]/.test(text) ? 'json' : 'yaml';
}

/** Parses config text; every syntax error is ERR_CONFIG_PARSE naming file:line:column. */
export function parseConfigText(text: string, file: string, format = detectFormat(file, text)): unknown {
  const src = text.replace(/^\uFEFF/, '');
  return format === 'json' ? parseJson(src, file) : parseYaml(src, file);
}

// `${VAR}` is not a valid plain scalar inside a YAML flow mapping (`{ apiKey: ${KEY} }`), yet that is how
// people write it. Before parsing, each `${NAME}` becomes a same-length run of private-use characters
// (so line/column positions stay true), and strings are restored after parsing.
const ENV_OPEN = '\uE000\uE001';
const ENV_CLOSE = '\uE002';
const ENV_REF_RE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function parseYaml(src: string, file: string): unknown {
  const shielded = /[\uE000-\uE002]/.test(src)
    ? src
    : src.replace(ENV_REF_RE, (_m, name: string) => `${ENV_OPEN}${name}${ENV_CLOSE}`);
  const doc = YAML.parseDocument(shielded, { prettyErrors: false, uniqueKeys: true, merge: false });
  const e = doc.errors[0];
  if (e) {
    const where = positionOf(shielded, e.pos[0], e.linePos?.[0]);
    const reason = (e.message.split('\n')[0] ?? '').replace(/\s+at line \d+, column \d+:?$/, '');
    throw new HarnessError(
      'ERR_CONFIG_PARSE',
      `${displayPath(file)}:${where.line}:${where.col}: invalid YAML — ${unshield(reason)}; fix the syntax at line ${where.line}, column ${where.col}`,
    );
  }
  return restore(doc.toJS({ maxAliasCount: 50 }));
}

function unshield(s: string): string {
  return s.replace(/\uE000\uE001([A-Za-z0-9_]*)\uE002/g, '$${$1}');
}

function restore(v: unknown): unknown {
  if (typeof v === 'string') return unshield(v);
  if (Array.isArray(v)) return v.map(restore);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[unshield(k)] = restore(x);
    return out;
  }
  return v;
}

function parseJson(src: string, file: string): unknown {
  try {
    return JSON.parse(src) as unknown;
  } catch (err) {
    // V8's message and its position vary between Node versions; find the offending offset ourselves.
    const at = locateJsonError(src) ?? { offset: src.length, reason: (err as Error).message };
    const where = positionOf(src, at.offset);
    throw new HarnessError(
      'ERR_CONFIG_PARSE',
      `${displayPath(file)}:${where.line}:${where.col}: invalid JSON — ${at.reason}; fix the syntax at line ${where.line}, column ${where.col}`,
    );
  }
}

function positionOf(
  text: string,
  offset: number,
  given?: { line: number; col: number },
): { line: number; col: number } {
  if (given) return given;
  let line = 1;
  let col = 1;
  for (let i = 0; i < Math.min(offset, text.length); i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return { line, col };
}

export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** A small JSON grammar walk that returns where the first syntax error is (or undefined if none). */
export function locateJsonError(text: string): { offset: number; reason: string } | undefined {
  let i = 0;
  class Stop {
    constructor(
      readonly offset: number,
      readonly reason: string,
    ) {}
  }
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++; // i < text.length
  };
  const fail = (reason: string): never => {
    throw new Stop(i, reason);
  };
  const describe = () => (i >= text.length ? 'end of input' : JSON.stringify(text[i]));
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${describe()}`);
  };
  const str = () => {
    i++; // opening quote
    while (i < text.length) {
      const c = text[i]!; // i < text.length
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const n = text[i + 1];
        if (n === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape in string');
          i += 6;
        } else if (n !== undefined && '"\\/bfnrt'.includes(n)) i += 2;
        else fail('bad escape in string');
      } else if (c < ' ') fail('control character or line break inside a string (unterminated string?)');
      else i++;
    }
    fail('unterminated string');
  };
  const num = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail(`unexpected ${describe()}`);
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 200) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a double-quoted property name, got ${describe()}`);
        str();
        ws();
        if (text[i] !== ':') fail(`expected ":" after property name, got ${describe()}`);
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === '}') fail('trailing comma before "}"');
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected "," or "}", got ${describe()}`);
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === ']') fail('trailing comma before "]"');
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected "," or "]", got ${describe()}`);
      }
    } else if (c === '"') str();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) num();
    else fail(`unexpected ${describe()}`);
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail(`unexpected ${describe()} after the end of the document`);
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return { offset: e.offset, reason: e.reason };
    throw e;
  }
}

/**
 * Expands `${VAR}` from env. `$${` is a literal `${`. An unset variable is ERR_CONFIG_INVALID naming the
 * field and the variable.
 */
export function expandEnv(value: string, field: string, env: NodeJS.ProcessEnv): string {
  if (!value.includes('${')) return value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    if (value.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (value.startsWith('${', i)) {
      const end = value.indexOf('}', i + 2);
      const name = end < 0 ? '' : value.slice(i + 2, end);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new HarnessError(
          'ERR_CONFIG_INVALID',
          `${field}: malformed variable reference ${JSON.stringify(value.slice(i, end < 0 ? undefined : end + 1))} — write \${NAME} with letters, digits and _ (or $\${ for a literal \${)`,
        );
      }
      const v = env[name];
      if (v === undefined) {
        throw new HarnessError(
          'ERR_CONFIG_INVALID',
          `${field}: environment variable ${name} is not set — export it or write the value`,
        );
      }
      out += v;
      i = end + 1;
      continue;
    }
    out += value[i++];
  }
  return out;
}
