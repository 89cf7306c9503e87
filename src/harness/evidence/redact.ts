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
 * Every occurrence of every form, found in one pass over the text (Rabin-Karp on the forms' first K
 * characters, K = the shortest form's length), instead of one scan per form: a run registers dozens of
 * secrets, ~10 forms each, and redacts megabytes. Overlapping occurrences are merged, so no character of
 * any occurrence survives; each maximal run of them becomes one REDACTED (disjoint ones one each, as a
 * replace per form gave).
 */
class FormIndex {
  private readonly k: number;
  private readonly pow: number;
  private readonly byHash = new Map<number, string[]>();
  /** A 64 Ki-bit filter over the hashes before the Map lookup. */
  private readonly bits = new Uint32Array(2048);

  constructor(forms: readonly string[]) {
    this.k = forms.length ? Math.min(...forms.map((f) => f.length)) : 0;
    let pow = 1;
    for (let j = 1; j < this.k; j++) pow = Math.imul(pow, B);
    this.pow = pow;
    for (const f of forms) {
      // forms arrive longest first: each bucket keeps that order, so the longest match is found first
      const h = hashOf(f, 0, this.k);
      const list = this.byHash.get(h);
      if (list) list.push(f);
      else this.byHash.set(h, [f]);
      this.bits[(h >>> 5) & 2047]! |= 1 << (h & 31); // index < 2048 = bits.length
    }
  }

  replace(text: string): string {
    const { k, pow, bits, byHash } = this;
    if (k === 0 || text.length < k) return text;
    let out = '';
    let copied = 0; // text[0, copied) is in out
    let end = -1; // end of the current run of occurrences (exclusive), -1 when none is open
    let start = 0;
    let h = hashOf(text, 0, k);
    for (let i = 0; ; i++) {
      if (bits[(h >>> 5) & 2047]! & (1 << (h & 31))) {
        const list = byHash.get(h);
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
      }
      if (i + k >= text.length) break;
      h = (Math.imul(h - Math.imul(text.charCodeAt(i), pow), B) + text.charCodeAt(i + k)) | 0;
    }
    if (end < 0) return text;
    return out + text.slice(copied, start) + REDACTED + text.slice(end);
  }
}

const B = 31;
function hashOf(s: string, from: number, k: number): number {
  let h = 0;
  for (let j = from; j < from + k; j++) h = (Math.imul(h, B) + s.charCodeAt(j)) | 0;
  return h;
}

/** Every form a secret is likely to travel in. */
function formsOf(s: string): string[] {
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

/**
 * The field patterns, each run only when its keyword is in the text (a case-insensitive substring test
 * is ~20x cheaper than a multiline regex over megabytes of SAML). Replacements only insert REDACTED, so
 * a keyword absent before is absent after: testing once up front skips nothing a pattern would match.
 */
function redactPatterns(text: string): string {
  let out = text;
  const lower = text.toLowerCase();
  const has = (...words: string[]) => words.some((w) => lower.includes(w));
  const field = has('pass', 'secret', 'token', 'key');
  // PEM private keys, also inside JSON strings with \n escapes.
  if (text.includes('PRIVATE KEY-----'))
    out = out.replace(
      /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g,
      (_m, kind: string) => `-----BEGIN ${kind}PRIVATE KEY-----${REDACTED}-----END ${kind}PRIVATE KEY-----`,
    );
  // Header lines in transcripts: Authorization keeps its scheme, cookies keep their names.
  const auth = has('authorization');
  if (auth)
    out = out.replace(
      /^([ \t]*(?:proxy-)?authorization[ \t]*:[ \t]*)(.*)$/gim,
      (_m, head: string, v: string) => head + redactCredentials(v),
    );
  const cookie = has('cookie');
  if (cookie)
    out = out.replace(
      /^([ \t]*cookie[ \t]*:[ \t]*)(.*)$/gim,
      (_m, head: string, v: string) => head + redactCookie(v),
    );
  if (cookie)
    out = out.replace(
      /^([ \t]*set-cookie[ \t]*:[ \t]*)(.*)$/gim,
      (_m, head: string, v: string) => head + redactSetCookie(v),
    );
  if (has('apikey', 'api-key', 'token', 'secret', 'adminkey', 'admin-key'))
    out = out.replace(
      /^([ \t]*[A-Za-z0-9-]*(?:api-?key|token|secret|admin-?key)[ \t]*:[ \t]*)(\S.*)$/gim,
      (_m, head: string) => head + REDACTED,
    );
  // JSON: "token": "…", "password": "…", "authorization": "Bearer …", "apiKey": "…".
  if (field)
    out = out.replace(
      new RegExp(String.raw`("${SECRET_FIELD}"\s*:\s*")((?:[^"\\]|\\.)*)(")`, 'gi'),
      (m, a: string, v: string, b: string) => (v === '' ? m : a + REDACTED + b),
    );
  if (auth)
    out = out.replace(
      /("(?:proxy-)?authorization"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi,
      (m, a: string, v: string, b: string) => (v === '' ? m : a + redactCredentials(v) + b),
    );
  // Form bodies and query strings: password=…, token=…
  if (field)
    out = out.replace(
      new RegExp(String.raw`(^|[?&;\s])(${SECRET_FIELD})=([^&\s#"'<]*)`, 'gim'),
      (m, sep: string, n: string, v: string) => (v === '' || v === REDACTED ? m : `${sep}${n}=${REDACTED}`),
    );
  return out;
}
