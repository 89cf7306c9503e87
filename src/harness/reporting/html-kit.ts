/**
 * What every HTML page of the harness shares: escaping (everything from an IdP is hostile), one page
 * shell with inline CSS and JS only, and a Content-Security-Policy that allows exactly the page's own
 * script (by hash) and nothing from the network — so a byte that escaped escaping still cannot run.
 */
import { createHash } from 'node:crypto';
import type { Outcome } from '../types';

/** Text as HTML: the five special characters, and C0 controls shown as control pictures (␀, ␛ …). */
export function esc(s: unknown): string {
  return (
    String(s ?? '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
      // eslint-disable-next-line no-control-regex -- control characters are what this replaces
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) =>
        String.fromCharCode(0x2400 + c.charCodeAt(0)),
      )
      .replace(/\u007f/g, '\u2421')
  );
}

/** A relative link to a file of the report dir, or undefined when the path is not one (no scheme, no ..). */
export function relHref(p: string | undefined): string | undefined {
  if (!p || p.includes('..') || !/^[A-Za-z0-9_][A-Za-z0-9._/-]*$/.test(p)) return undefined;
  return p
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

/** An http(s) URL for a link, or undefined. */
export function webHref(u: string | undefined): string | undefined {
  if (!u || !/^https?:\/\/[^\s"'<>]+$/.test(u)) return undefined;
  return u;
}

/** An ID usable in `id=` and `#…`: check IDs are safe already, but never trust one. */
export function anchorId(prefix: string, id: string): string {
  return `${prefix}-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export const OUTCOME_ORDER: readonly string[] = [
  'FAIL',
  'ERROR',
  'BLOCKED',
  'WARN',
  'KNOWN',
  'NOT_APPLICABLE',
  'PASS',
];

export const SHORT: Record<Outcome | string, string> = {
  PASS: 'PASS',
  FAIL: 'FAIL',
  WARN: 'WARN',
  NOT_APPLICABLE: 'N/A',
  KNOWN: 'KNOWN',
  ERROR: 'ERROR',
  BLOCKED: 'BLOCKED',
};

export function outcomeRank(o: string): number {
  const i = OUTCOME_ORDER.indexOf(o);
  return i < 0 ? OUTCOME_ORDER.length : i;
}

/** A CSS class for an outcome (only letters and _). */
export function outcomeClass(o: string | undefined): string {
  return `o-${String(o ?? 'none').replace(/[^A-Za-z_]/g, '')}`;
}

const BASE_CSS = `
:root{--fg:#1d1d1f;--muted:#666;--line:#d8d8d8;--bg:#fff;--code:#f6f6f6}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0;padding:1.5em 2em}
h1{font-size:20px;margin:0 0 .3em}h2{font-size:16px;margin:1.2em 0 .4em}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:var(--code);border:1px solid var(--line);padding:8px;overflow:auto;max-height:32em;white-space:pre-wrap;word-break:break-all;margin:.3em 0}
a{color:#0645ad}.muted{color:var(--muted)}
.o-PASS{background:#d9f2d9}.o-FAIL{background:#f8c9c9}.o-WARN{background:#fce6b8}.o-KNOWN{background:#dedcf7}
.o-NOT_APPLICABLE{background:#ececec}.o-ERROR{background:#f2a7d8}.o-BLOCKED{background:#f3d2b3}.o-none{color:#999}
.badge{display:inline-block;min-width:4.6em;text-align:center;border-radius:3px;padding:0 .4em;font-weight:600;font-size:12px}
table{border-collapse:collapse}td,th{border:1px solid var(--line);padding:4px 8px;vertical-align:top;text-align:left}
th{background:#f4f4f4}
`;

/** Renders a page: title, body HTML, extra CSS, and one inline script (allowed by its hash, nothing else). */
export function page(opts: { title: string; body: string; css?: string; script?: string }): string {
  const script = opts.script ?? '';
  const hash = createHash('sha256').update(script, 'utf8').digest('base64');
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src 'sha256-${hash}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)}</title>
<style>${BASE_CSS}${opts.css ?? ''}</style>
</head><body>
${opts.body}
${script ? `<script>${script}</script>` : ''}
</body></html>
`;
}
