/**
 * `replay <report-dir> <check-id>`: each exchange of the replayed check beside the recorded one.
 * Fresh IDs, times, signatures and ports differ by design; what should match is the shape: which
 * endpoint, which method, which status, which SAML message.
 */
import type { EvidenceItem } from '../types';

/** One item in a line: `GET /t/web/sso → 302` or `saml Response (HTTP-POST)` (no host: ports change). */
export function exchangeLine(item: EvidenceItem | undefined): string {
  if (!item) return '(none)';
  if (item.http) {
    let where = item.http.url;
    try {
      const u = new URL(item.http.url);
      where = u.pathname;
    } catch {
      // keep the raw URL
    }
    const got = item.http.error ? `no answer (${item.http.error})` : String(item.http.status ?? '?');
    return `${item.http.method} ${where} → ${got}`;
  }
  if (item.saml) return `${item.saml.messageType}${item.saml.binding ? ` (${item.saml.binding})` : ''}`;
  return `${item.kind}: ${item.label}`;
}

export function sideBySide(recorded: EvidenceItem[], replayed: EvidenceItem[]): string[] {
  const rows = Math.max(recorded.length, replayed.length);
  const left = Array.from({ length: rows }, (_, i) => exchangeLine(recorded[i]));
  const right = Array.from({ length: rows }, (_, i) => exchangeLine(replayed[i]));
  const width = Math.min(70, Math.max(8, ...left.map((l) => l.length)));
  const out = [`     ${'recorded'.padEnd(width)}   replayed`];
  for (let i = 0; i < rows; i++) {
    const same = left[i] === right[i] ? ' ' : '≠';
    out.push(`${String(i + 1).padStart(3)}  ${left[i]!.padEnd(width)} ${same} ${right[i]}`);
  }
  return out;
}
