/**
 * Redaction: the one place secrets are removed from evidence before anything is written or attached.
 * Registered secrets (device tokens, passwords, admin keys) go in every form they travel in (raw,
 * URL-encoded, base64 at any alignment); credential-shaped fields are redacted by pattern.
 */

export const REDACTED = '[REDACTED]';

/** Shorter secrets would redact ordinary text; they are still covered by the field patterns. */
const MIN_SECRET_LENGTH = 4;
/** A base64 fragment shorter than this is too likely to match by chance. */
const MIN_B64_FRAGMENT = 6;

const CREDENTIAL_HEADERS = /^(?:proxy-)?authorization$/i;
const COOKIE_HEADERS = /^(?:cookie|set-cookie)$/i;
/** Headers whose whole value is a secret. */
const SECRET_HEADERS = /(?:api[-_]?key|token|secret|password|passwd|admin[-_]?key|session)/i;
/** Form/query/JSON field names whose value is a secret. */
const SECRET_FIELD = String.raw`[A-Za-z0-9_.-]*?(?:password|passwd|pass|secret|token|api[-_]?key|admin[-_]?key|private[-_]?key)`;

export class Redactor {
  private readonly secrets = new Set<string>();
  private forms: string[] = [];
  /** The forms indexed for one scan (rebuilt after addSecret). */
  private index?: FormIndex;
  /** Bumped by each new secret: a result kept by `once` is reused only while it is unchanged. */
  private generation = 0;
  /** `once`'s results, per object (an evidence item), with the generation they were computed in. */
  private readonly perObject = new WeakMap<object, { generation: number; value: unknown }>();

  constructor(secrets: string[] = []) {
    for (const s of secrets) this.addSecret(s);
  }

  addSecret(s: string): void {
    if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH || this.secrets.has(s)) return;
    this.secrets.add(s);
    this.forms = [...new Set([...this.forms, ...formsOf(s)])].sort((a, b) => b.length - a.length);
    this.index = undefined;
    this.generation++;
  }

  /**
   * compute(), or what it returned for the same object when no secret was added since: an evidence item
   * a shared flow recorded appears in every check that read the flow, and is redacted once.
   */
  once<T>(key: object, compute: () => T): T {
    const hit = this.perObject.get(key);
    if (hit && hit.generation === this.generation) return hit.value as T;
    const value = compute();
    this.perObject.set(key, { generation: this.generation, value });
    return value;
  }

  redact(text: string): string {
    if (!text) return text;
    this.index ??= new FormIndex(this.forms);
    return redactPatterns(this.index.replace(text));
  }

  redactHeaders(h: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(h ?? {})) {
      // The name too: it is the IdP's as much as the value is, and written beside it. Each line of a
      // value on its own: a transcript writes every line as `name: line`.
      const v = this.redact(String(value))
        .split('\n')
        .map((line) => redactHeaderValue(name, line))
        .join('\n');
      const key = this.redact(name);
      // Two names that redact alike keep both values (nothing recorded is dropped).
      out[key] = key in out ? `${out[key]}, ${v}` : v;
    }
    return out;
  }
}

/**
 * Every occurrence of every form, found in one pass over the text instead of one scan per form: a run
 * registers dozens of secrets, ~10 forms each, and redacts megabytes. The pass skips (Wu-Manber): with
 * m the shortest form's length, it looks at the last 3 characters of an m-character window, and a table
 * says how far the window may move before those characters could be part of any form's first m; at 0
 * the forms starting at the window's start are compared. Base64 and URL text, where forms hide, move
 * m - 2 characters a step. Overlapping occurrences are merged, so no character of any occurrence
 * survives; each maximal run of them becomes one REDACTED (disjoint ones one each, as a replace per
 * form gave).
 */
class FormIndex {
  /** The shortest form's length: every form's first m characters are its key. */
  private readonly m: number;
  /** Per block hash: how far the window's end may move (the minimum over the blocks that hash alike). */
  private readonly shift = new Uint8Array(BLOCK_TABLE);
  /** The forms by their first m characters, longest first. */
  private readonly byKey = new Map<string, string[]>();

  constructor(forms: readonly string[]) {
    this.m = forms.length ? Math.min(...forms.map((f) => f.length)) : 0;
    const { m } = this;
    if (m === 0) return;
    const b = Math.min(BLOCK, m);
    // A window ending on a block no form's key holds can move past it whole: m - b + 1.
    this.shift.fill(Math.min(m - b + 1, 255));
    for (const f of forms) {
      // forms arrive longest first: each list keeps that order, so the longest match is found first
      const key = f.slice(0, m);
      const list = this.byKey.get(key);
      if (list) list.push(f);
      else this.byKey.set(key, [f]);
      // The block ending at key index q may end the window only after m - 1 - q more characters.
      for (let q = b - 1; q < m; q++) {
        const h = blockHash(f, q, b);
        this.shift[h] = Math.min(this.shift[h]!, m - 1 - q); // h < BLOCK_TABLE = shift.length
      }
    }
  }

  replace(text: string): string {
    const { m, shift, byKey } = this;
    if (m === 0 || text.length < m) return text;
    const b = Math.min(BLOCK, m);
    let out = '';
    let copied = 0; // text[0, copied) is in out
    let end = -1; // end of the current run of occurrences (exclusive), -1 when none is open
    let start = 0;
    // p: the window's last character; the window is text[p - m + 1, p]
    for (let p = m - 1; p < text.length;) {
      const s = shift[blockHash(text, p, b)]!;
      if (s > 0) {
        p += s;
        continue;
      }
      const i = p - m + 1;
      const list = byKey.get(text.slice(i, p + 1));
      if (list) {
        for (const f of list) {
          if (text.startsWith(f, i)) {
            if (end >= 0 && i < end) {
              end = Math.max(end, i + f.length);
            } else {
              if (end >= 0) {
                out += text.slice(copied, start) + REDACTED;
                copied = end;
              }
              start = i;
              end = i + f.length;
            }
            break;
          }
        }
      }
      p++;
    }
    if (end < 0) return text;
    return out + text.slice(copied, start) + REDACTED + text.slice(end);
  }
}

/** Characters per block, and the table the block hashes index (lossy: colliding blocks share a minimum). */
const BLOCK = 3;
const BLOCK_BITS = 15;
const BLOCK_TABLE = 1 << BLOCK_BITS;
/** The hash of the b characters of s ending at index `last`. */
function blockHash(s: string, last: number, b: number): number {
  let h = 0;
  for (let j = last - b + 1; j <= last; j++) h = Math.imul(h, 31) + s.charCodeAt(j);
  return Math.imul(h, 0x9e3779b1) >>> (32 - BLOCK_BITS);
}

/** Every form a secret is likely to travel in. */
export function formsOf(s: string): string[] {
  const forms = new Set<string>([s]);
  const uri = encodeURIComponent(s);
  forms.add(uri);
  forms.add(uri.replace(/%20/g, '+'));
  forms.add(uri.toLowerCase() === uri ? uri : uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  forms.add(JSON.stringify(s).slice(1, -1));
  // Base64 of the secret at each of the three byte alignments it can have inside a longer blob; keep the
  // characters that depend only on the secret's own bytes.
  const bytes = Buffer.from(s, 'utf8');
  for (let k = 0; k < 3; k++) {
    const buf = Buffer.concat([Buffer.alloc(k), bytes]);
    const full = buf.toString('base64');
    const startChars = k === 0 ? 0 : 4;
    const tailBytes = buf.length % 3;
    const endChars = tailBytes === 0 ? full.length : full.length - 4;
    const core = full.slice(startChars, endChars);
    if (k === 0) {
      forms.add(full);
      forms.add(full.replace(/=+$/, ''));
      forms.add(toUrlSafe(full.replace(/=+$/, '')));
    }
    if (core.length >= MIN_B64_FRAGMENT) {
      forms.add(core);
      forms.add(toUrlSafe(core));
    }
  }
  forms.delete('');
  return [...forms];
}

function toUrlSafe(b64: string): string {
  return b64.replace(/\+/g, '-').replace(/\//g, '_');
}

function redactHeaderValue(name: string, value: string): string {
  if (CREDENTIAL_HEADERS.test(name)) return redactCredentials(value);
  if (/^set-cookie$/i.test(name)) return redactSetCookie(value);
  if (/^cookie$/i.test(name)) return redactCookie(value);
  if (SECRET_HEADERS.test(name) && !COOKIE_HEADERS.test(name)) return value ? REDACTED : value;
  return value;
}

/** `DeviceToken abc` → `DeviceToken [REDACTED]`; a bare credential is redacted whole. */
function redactCredentials(value: string): string {
  const m = /^(\s*)([A-Za-z][A-Za-z0-9_-]*)(\s+)(\S[\s\S]*)$/.exec(value);
  if (m) return `${m[1]}${m[2]}${m[3]}${REDACTED}`;
  return value.trim() ? REDACTED : value;
}

/** `a=1; b=2` → `a=[REDACTED]; b=[REDACTED]` (names stay readable). */
function redactCookie(value: string): string {
  return value.replace(/(^|;\s*)([^=;\s]+)=([^;]*)/g, (_m, sep: string, n: string, v: string) =>
    v === '' ? `${sep}${n}=` : `${sep}${n}=${REDACTED}`,
  );
}

/** Only each cookie's own value; attributes (Path, Expires, HttpOnly) stay. Handles `, `- and line-joined lists. */
function redactSetCookie(value: string): string {
  return value.replace(/(^|\n|,\s*)([^=;,\s]+)=([^;\n]*)/g, (m, sep: string, n: string, v: string) =>
    /^(?:expires|max-age|domain|path|samesite)$/i.test(n) ? m : v === '' ? m : `${sep}${n}=${REDACTED}`,
  );
}

/** What the field patterns need to run: which of their keywords the text holds, and how followed. */
interface Needs {
  /** A PEM private key's header line's end. */
  pem: boolean;
  authorization: boolean;
  cookie: boolean;
  /** A header-shaped name: `…key`, `…token`, `…secret` before `[ \t]*:`. */
  headerField: boolean;
  /** A SECRET_FIELD name's end (pass, passwd, password, secret, token, key) before `"`. */
  jsonField: boolean;
  /** The same before `=`. */
  formField: boolean;
}

/**
 * One pass over the text for every pattern's keywords. The patterns' `i` flag folds ASCII letters only,
 * and so does this one. Each occurrence is looked at, overlapping ones too (`secretoken=`).
 */
function needsOf(text: string): Needs {
  const n: Needs = {
    pem: text.includes('PRIVATE KEY-----'),
    authorization: false,
    cookie: false,
    headerField: false,
    jsonField: false,
    formField: false,
  };
  const re = /authorization|cookie|pass|secret|token|key/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    re.lastIndex = m.index + 1;
    const word = m[0].toLowerCase();
    const end = m.index + word.length;
    if (word === 'authorization') n.authorization = true;
    else if (word === 'cookie') n.cookie = true;
    else if (word !== 'pass') followedBy(text, end, n, true);
    else {
      // pass, and passwd or password when it goes on so
      followedBy(text, end, n, false);
      PASS_TAIL.lastIndex = end;
      if (PASS_TAIL.test(text)) followedBy(text, PASS_TAIL.lastIndex, n, false);
    }
  }
  return n;
}

/** What makes `pass` passwd or password (the two never both match at one place). */
const PASS_TAIL = /w(?:or)?d/iy;

function followedBy(text: string, end: number, n: Needs, header: boolean): void {
  const c = text.charCodeAt(end);
  if (c === 61 /* = */) n.formField = true;
  else if (c === 34 /* " */) n.jsonField = true;
  else if (header) {
    let j = end;
    while (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9) j++;
    if (text.charCodeAt(j) === 58 /* : */) n.headerField = true;
  }
}

/** One field pattern, run when the text holds what every match of it holds (`need`). */
export interface PatternRule {
  need: keyof Needs;
  re: RegExp;
  replace: (m: string, ...groups: string[]) => string;
}

/**
 * The field patterns, in the order they run. Each runs only when the text holds what every match of it
 * holds (needsOf: a keyword, or a field name's end followed by `=`, `"` or `:`): one scan is ~20x
 * cheaper than a multiline regex over megabytes of SAML. Replacements only insert REDACTED, which holds
 * no keyword and sits between what it replaced: what is absent before is absent after, so testing once
 * up front skips nothing a pattern would match.
 */
export const PATTERN_RULES: readonly PatternRule[] = [
  // PEM private keys, also inside JSON strings with \n escapes.
  {
    need: 'pem',
    re: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g,
    replace: (_m, kind) => `-----BEGIN ${kind}PRIVATE KEY-----${REDACTED}-----END ${kind}PRIVATE KEY-----`,
  },
  // Header lines in transcripts: Authorization keeps its scheme, cookies keep their names.
  {
    need: 'authorization',
    re: /^([ \t]*(?:proxy-)?authorization[ \t]*:[ \t]*)(.*)$/gim,
    replace: (_m, head, v) => head + redactCredentials(v),
  },
  {
    need: 'cookie',
    re: /^([ \t]*cookie[ \t]*:[ \t]*)(.*)$/gim,
    replace: (_m, head, v) => head + redactCookie(v),
  },
  {
    need: 'cookie',
    re: /^([ \t]*set-cookie[ \t]*:[ \t]*)(.*)$/gim,
    replace: (_m, head, v) => head + redactSetCookie(v),
  },
  {
    need: 'headerField',
    re: /^([ \t]*[A-Za-z0-9-]*(?:api-?key|token|secret|admin-?key)[ \t]*:[ \t]*)(\S.*)$/gim,
    replace: (_m, head) => head + REDACTED,
  },
  // JSON: "token": "…", "password": "…", "authorization": "Bearer …", "apiKey": "…".
  {
    need: 'jsonField',
    re: new RegExp(String.raw`("${SECRET_FIELD}"\s*:\s*")((?:[^"\\]|\\.)*)(")`, 'gi'),
    replace: (m, a, v, b) => (v === '' ? m : a + REDACTED + b),
  },
  {
    need: 'authorization',
    re: /("(?:proxy-)?authorization"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi,
    replace: (m, a, v, b) => (v === '' ? m : a + redactCredentials(v) + b),
  },
  // Form bodies and query strings: password=…, token=…
  {
    need: 'formField',
    re: new RegExp(String.raw`(^|[?&;\s])(${SECRET_FIELD})=([^&\s#"'<]*)`, 'gim'),
    replace: (m, sep, n, v) => (v === '' || v === REDACTED ? m : `${sep}${n}=${REDACTED}`),
  },
];

function redactPatterns(text: string): string {
  const needs = needsOf(text);
  let out = text;
  for (const rule of PATTERN_RULES) if (needs[rule.need]) out = out.replace(rule.re, rule.replace);
  return out;
}
