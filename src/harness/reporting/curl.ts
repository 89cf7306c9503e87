/**
 * A copy-paste reproduction of a check's HTTP exchanges as curl lines. The evidence is already
 * redacted: each `[REDACTED]` becomes a shell variable named after the header or field it was in
 * (`$PASSWORD`, `$AUTHORIZATION`), so the lines run once the reader sets those variables. Cookies go
 * through a cookie jar instead of the recorded (redacted) Cookie headers.
 */
import { REDACTED } from '../evidence/redact';
import type { EvidenceItem } from '../types';

/** Headers curl sets itself, or that the cookie jar replaces. */
const SKIP_HEADERS = /^(?:host|content-length|connection|cookie|transfer-encoding|accept-encoding)$/i;

export interface Reproduction {
  /** The shell text: variable hints, then one curl command per exchange. */
  text: string;
  /** The variables the text expects (secrets that were redacted in the evidence). */
  variables: string[];
}

/** Shell words: single-quoted text, with each redacted secret as a double-quoted variable. */
function shellWord(value: string, varFor: (before: string) => string, vars: Set<string>): string {
  const parts = value.split(REDACTED);
  let out = '';
  parts.forEach((part, i) => {
    if (part !== '') out += `'${part.replace(/'/g, `'\\''`)}'`;
    if (i < parts.length - 1) {
      const v = varFor(parts.slice(0, i + 1).join(REDACTED));
      vars.add(v);
      out += `"$${v}"`;
    }
  });
  return out === '' ? "''" : out;
}

function varName(s: string): string {
  const n = s
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  if (!n) return 'SECRET';
  return /^[0-9]/.test(n) ? `V_${n}` : n.slice(0, 40);
}

/** The variable for a secret in a body or URL: the field name just before it (`password=`, `"token": "`). */
function fieldVar(before: string): string {
  const m =
    /([A-Za-z][A-Za-z0-9_.-]*)=$/.exec(before) ??
    /"([A-Za-z][A-Za-z0-9_.-]*)"\s*:\s*"$/.exec(before) ??
    /([A-Za-z][A-Za-z0-9_-]*)\s*:\s*$/.exec(before);
  return m?.[1] ? varName(m[1]) : 'SECRET';
}

/** Whether an item is an exchange the reader can send again (harness-originated HTTP). */
function replayable(item: EvidenceItem): item is EvidenceItem & { http: NonNullable<EvidenceItem['http']> } {
  return !!item.http && item.http.direction !== 'idp->gateway' && /^https?:\/\//.test(item.http.url);
}

export function curlReproduction(items: readonly EvidenceItem[]): Reproduction | undefined {
  const http = items.filter(replayable);
  if (http.length === 0) return undefined;
  const vars = new Set<string>();
  const cmds: string[] = [];
  for (const item of http) {
    const h = item.http;
    const lines: string[] = [];
    const comment = `# ${String(item.label ?? '')
      .replace(/[\r\n]+/g, ' ')
      .slice(0, 160)}${h.status !== undefined ? ` (recorded: HTTP ${h.status})` : ''}`;
    if (h.direction === 'client->gateway')
      lines.push('# to the harness gateway: it listens only while a run is under way');
    const method = /^[A-Z]+$/.test(h.method) ? h.method : 'GET';
    lines.push(
      `curl -sS -i -b "$JAR" -c "$JAR"${method === 'GET' ? '' : ` -X ${method}`} ${shellWord(h.url, fieldVar, vars)}`,
    );
    for (const [name, value] of Object.entries(h.requestHeaders ?? {})) {
      if (SKIP_HEADERS.test(name) || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) continue;
      lines.push(`  -H ${shellWord(`${name}: ${value}`, () => varName(name), vars)}`);
    }
    if (h.requestBody !== undefined && h.requestBody !== '')
      lines.push(`  --data-binary ${shellWord(h.requestBody, fieldVar, vars)}`);
    cmds.push(`${comment}\n${lines.join(' \\\n')}`);
  }
  const head = [
    '# Replays the recorded requests (their IDs, times and signatures are the recorded ones).',
    ...(vars.size > 0
      ? [`# Redacted in the evidence; set them first: ${[...vars].map((v) => `${v}=…`).join(' ')}`]
      : []),
    'JAR=$(mktemp)',
  ];
  return { text: `${head.join('\n')}\n\n${cmds.join('\n\n')}\n`, variables: [...vars] };
}
