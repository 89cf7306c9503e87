/**
 * The transcript of one check: every HTTP exchange and decoded SAML message, in order, and how it is
 * written out as readable, redacted, size-bounded text files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EvidenceItem } from '../types';
import type { Redactor } from './redact';
import { prettyXml } from './pretty-xml';

/** Bodies above this are cut, with a marker saying how much was left out. */
export const MAX_BODY_BYTES = 256 * 1024;

/** A check's evidence as one readable text file: every item in order, each under its numbered heading. */
export const EVIDENCE_TRANSCRIPT = 'transcript.txt';
/** Beside it: the same items, redacted and bounded, as JSON (what report.html renders). */
export const EVIDENCE_ITEMS_JSON = 'items.json';

/**
 * Writes a check's evidence, redacted and bounded, as two files: `<dir>/evidence/<checkId>/transcript.txt`
 * (every item as text, in order) and `items.json` beside it. Two files per check, not one per item: on
 * a busy disk creating a file costs several times writing one, and a full run records ~2,000 items
 * (711 HTTP exchanges and the SAML messages decoded from them, shared flows' items in each check).
 * Returns the two paths relative to dir (forward slashes), the transcript first.
 */
export function writeEvidence(
  dir: string,
  checkId: string,
  items: EvidenceItem[],
  redactor: Redactor,
): string[] {
  if (items.length === 0) return [];
  // A second write for the same ID (another profile, a retry) gets its own folder instead of mixing files.
  let relDir = folderFor(checkId, 1);
  for (let n = 2; fs.existsSync(path.join(dir, ...relDir.split('/'))); n++) relDir = folderFor(checkId, n);
  const absDir = path.join(dir, ...relDir.split('/'));
  fs.mkdirSync(absDir, { recursive: true });
  const texts = evidenceTexts(items, redactor);
  fs.writeFileSync(path.join(absDir, EVIDENCE_TRANSCRIPT), texts.transcript);
  fs.writeFileSync(path.join(absDir, EVIDENCE_ITEMS_JSON), texts.itemsJson(relDir));
  return filesIn(relDir);
}

/**
 * writeEvidence with its file system calls off the main thread (libuv's pool): the text is redacted and
 * rendered at once, then the folder is made (the first free name, as writeEvidence picks it) and both
 * files written while other checks' work goes on. Resolves to the same two paths once both are written.
 */
export async function writeEvidenceAsync(
  dir: string,
  checkId: string,
  items: EvidenceItem[],
  redactor: Redactor,
): Promise<string[]> {
  if (items.length === 0) return [];
  const texts = evidenceTexts(items, redactor);
  await fs.promises.mkdir(path.join(dir, 'evidence'), { recursive: true });
  let relDir = folderFor(checkId, 1);
  for (let n = 2; ; n++) {
    try {
      await fs.promises.mkdir(path.join(dir, ...relDir.split('/')));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      relDir = folderFor(checkId, n);
    }
  }
  const absDir = path.join(dir, ...relDir.split('/'));
  await Promise.all([
    fs.promises.writeFile(path.join(absDir, EVIDENCE_TRANSCRIPT), texts.transcript),
    fs.promises.writeFile(path.join(absDir, EVIDENCE_ITEMS_JSON), texts.itemsJson(relDir)),
  ]);
  return filesIn(relDir);
}

/** `evidence/<id>`, or `evidence/<id>_<n>` for the n-th write of one ID. */
function folderFor(checkId: string, n: number): string {
  return path.posix.join('evidence', n === 1 ? safeName(checkId) : `${safeName(checkId)}_${n}`);
}

/** The two files of an evidence folder, relative to the report dir (forward slashes), the transcript first. */
function filesIn(relDir: string): [string, string] {
  return [path.posix.join(relDir, EVIDENCE_TRANSCRIPT), path.posix.join(relDir, EVIDENCE_ITEMS_JSON)];
}

/**
 * The two files' texts. Each item is redacted part by part (items.json), rendered, and its text redacted
 * once more as a whole (what the parts cannot show in context), once per item: a shared flow's items
 * appear in several checks.
 */
function evidenceTexts(
  items: EvidenceItem[],
  redactor: Redactor,
): { transcript: string; itemsJson: (relDir: string) => string } {
  const done = items.map((item) => redactedItem(item, redactor));
  return {
    transcript: transcriptOf(done),
    itemsJson: (relDir) => {
      const [file] = filesIn(relDir);
      return `${JSON.stringify(
        done.map((d) => ({ ...d.stored, file })),
        null,
        1,
      )}\n`;
    },
  };
}

interface RedactedItem {
  stored: EvidenceItem;
  text: string;
}

/**
 * An item redacted (items.json) and rendered (the transcript), computed once per item and secret set —
 * once it is settled: an HTTP item still waiting for its answer is completed later (context.ts record),
 * so it is rendered afresh each time until then.
 */
function redactedItem(item: EvidenceItem, redactor: Redactor): RedactedItem {
  const compute = () => {
    const stored = redactItem(item, redactor);
    return { stored, text: redactor.redact(renderRedacted(stored)) };
  };
  const h = item.http;
  const settled = !h || h.status !== undefined || h.error !== undefined;
  return settled ? redactor.once(item, compute) : compute();
}

/** The readable text of redacted items, each under `=== NN label`. */
function transcriptOf(done: readonly RedactedItem[]): string {
  const width = Math.max(2, String(done.length).length);
  return done.map((d, i) => `=== ${String(i + 1).padStart(width, '0')} ${d.text}`).join('\n');
}

/** prettyXml of an item's SAML message, computed once per item. */
const pretty = new WeakMap<EvidenceItem, string>();
function prettySaml(item: EvidenceItem): string {
  let p = pretty.get(item);
  if (p === undefined) {
    p = prettyXml(item.saml?.xml ?? '');
    pretty.set(item, p);
  }
  return p;
}

/** One item as written to items.json: every string redacted, every body bounded; `file` is its transcript. */
export type StoredEvidenceItem = EvidenceItem & { file?: string };

/** A redacted, bounded copy of one item: what items.json holds and the transcript is rendered from. */
export function redactItem(item: EvidenceItem, redactor: Redactor): EvidenceItem {
  const r = (s: string | undefined) => (s === undefined ? undefined : bound(redactor.redact(s)));
  const out: EvidenceItem = { kind: item.kind, label: redactor.redact(item.label ?? ''), at: item.at };
  if (item.http) {
    const h = item.http;
    out.http = {
      direction: h.direction,
      method: h.method,
      url: redactor.redact(h.url),
      requestHeaders: redactor.redactHeaders(h.requestHeaders ?? {}),
      ...(h.requestBody !== undefined ? { requestBody: r(h.requestBody) } : {}),
      ...(h.status !== undefined ? { status: h.status } : {}),
      ...(h.responseHeaders ? { responseHeaders: redactor.redactHeaders(h.responseHeaders) } : {}),
      ...(h.responseBody !== undefined ? { responseBody: r(h.responseBody) } : {}),
      ...(h.durationMs !== undefined ? { durationMs: h.durationMs } : {}),
      ...(h.error !== undefined ? { error: redactor.redact(h.error) } : {}),
    };
  }
  if (item.saml) {
    out.saml = {
      messageType: item.saml.messageType,
      ...(item.saml.binding ? { binding: item.saml.binding } : {}),
      xml: r(prettySaml(item)) ?? '',
    };
  }
  if (item.text !== undefined) out.text = r(item.text);
  return out;
}

/** The items.json beside a result's evidence files (undefined when there is none or it is unreadable). */
export function readEvidenceItems(
  dir: string,
  evidence: readonly string[],
): StoredEvidenceItem[] | undefined {
  const first = evidence[0];
  if (!first || !/^evidence\/[^/]+\/[^/]+$/.test(first) || first.includes('..')) return undefined;
  const file = path.join(dir, ...path.posix.dirname(first).split('/'), EVIDENCE_ITEMS_JSON);
  try {
    const items = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(items) ? (items as StoredEvidenceItem[]) : undefined;
  } catch {
    return undefined;
  }
}

/** The text of one item already redacted and bounded (redactItem): its label line, then its parts. */
function renderRedacted(item: EvidenceItem): string {
  const lines: string[] = [oneLine(item.label), `# ${item.kind} at ${item.at}`, ''];
  if (item.http) lines.push(...renderHttp(item.http));
  if (item.saml) {
    if (item.http) lines.push('', '-- SAML --');
    lines.push(`${item.saml.messageType}${item.saml.binding ? ` (${item.saml.binding})` : ''}`, '');
    lines.push(item.saml.xml);
  }
  if (item.text !== undefined) {
    if (item.http || item.saml) lines.push('');
    lines.push(item.text);
  }
  return `${trimNewlines(lines.join('\n'))}\n`;
}

function renderHttp(h: NonNullable<EvidenceItem['http']>): string[] {
  const out: string[] = [];
  out.push(`-- request (${h.direction}) --`);
  out.push(`${h.method} ${h.url}`);
  out.push(...headerLines(h.requestHeaders ?? {}));
  if (h.requestBody !== undefined && h.requestBody !== '') out.push('', h.requestBody);
  out.push('');
  if (h.error !== undefined) {
    out.push(`-- no response: ${oneLine(h.error)} --`);
  }
  if (h.status !== undefined) {
    out.push(`-- response${h.durationMs !== undefined ? ` (${h.durationMs} ms)` : ''} --`);
    out.push(`HTTP ${h.status}`);
    out.push(...headerLines(h.responseHeaders ?? {}));
    if (h.responseBody !== undefined && h.responseBody !== '') out.push('', h.responseBody);
  } else if (h.error === undefined) {
    out.push('-- no response recorded --');
  }
  return out;
}

function headerLines(h: Record<string, string>): string[] {
  return Object.entries(h).flatMap(([k, v]) =>
    String(v)
      .split('\n')
      .map((line) => `${k}: ${line}`),
  );
}

/** Cuts text above MAX_BODY_BYTES (UTF-8) and says so. */
export function bound(text: string, max = MAX_BODY_BYTES): string {
  const size = Buffer.byteLength(text, 'utf8');
  if (size <= max) return text;
  const head = Buffer.from(text, 'utf8')
    .subarray(0, max)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
  return `${head}\n[… truncated: ${size - Buffer.byteLength(head, 'utf8')} of ${size} bytes not shown …]`;
}

/** A check ID as a folder name: IDs are already safe, but never trust a path segment. */
function safeName(id: string): string {
  const s = id
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/\.{2,}/g, '_')
    .replace(/^\./, '_');
  return s.slice(0, 120) || 'unknown';
}

/** text without its trailing newlines (`/\n*$/` tries every position of a long body). */
function trimNewlines(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  return text.slice(0, end);
}

function oneLine(s: string): string {
  return String(s ?? '').replace(/\s*[\r\n]+\s*/g, ' ');
}
