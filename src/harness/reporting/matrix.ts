import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Outcome, RunReport } from '../types';
import { HarnessError } from '../types';

/** One column per IdP run, one row per check: the comparison matrix. */
export interface Matrix {
  columns: { name: string; file: string; summary: RunReport['summary'] }[];
  rows: {
    id: string;
    title: string;
    profile: string;
    level: string;
    requirements: string[];
    cells: (Outcome | undefined)[];
  }[];
}

export function loadRunReport(file: string): RunReport {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new HarnessError(
      'ERR_USAGE',
      `report --matrix: cannot read ${file} (${(e as Error).message})`,
      'pass conformance.json files written by `run`',
    );
  }
  const r = raw as Partial<RunReport>;
  if (r.schemaVersion !== 1 || !Array.isArray(r.results)) {
    throw new HarnessError(
      'ERR_USAGE',
      `report --matrix: ${file} is not a conformance.json (schemaVersion 1)`,
      'pass conformance.json files written by `run`',
    );
  }
  return r as RunReport;
}

export function buildMatrix(files: string[]): Matrix {
  const reports = files.map((f) => ({ file: f, report: loadRunReport(f) }));
  const names = new Map<string, number>();
  const columns = reports.map(({ file, report }) => {
    // Two runs of one target (e.g. native and container) need distinct column names.
    let name = report.target.name;
    const n = (names.get(name) ?? 0) + 1;
    names.set(name, n);
    if (n > 1) name = `${name} (${n})`;
    return { name, file, summary: report.summary };
  });
  const rows = new Map<string, Matrix['rows'][number]>();
  reports.forEach(({ report }, col) => {
    for (const r of report.results) {
      let row = rows.get(r.id);
      if (!row) {
        row = {
          id: r.id,
          title: r.title,
          profile: r.profile,
          level: r.level,
          requirements: r.requirements,
          cells: [],
        };
        rows.set(r.id, row);
      }
      row.cells[col] = r.outcome;
    }
  });
  const sorted = [...rows.values()].sort(
    (a, b) => a.profile.localeCompare(b.profile) || a.id.localeCompare(b.id),
  );
  for (const row of sorted) row.cells = columns.map((_, i) => row.cells[i]);
  return { columns, rows: sorted };
}

const SHORT: Record<Outcome, string> = {
  PASS: 'PASS',
  FAIL: 'FAIL',
  WARN: 'WARN',
  NOT_APPLICABLE: 'N/A',
  KNOWN: 'KNOWN',
  ERROR: 'ERROR',
};

export function matrixMarkdown(m: Matrix): string {
  const head = `| check | level | ${m.columns.map((c) => c.name).join(' | ')} |`;
  const sep = `|---|---|${m.columns.map(() => '---').join('|')}|`;
  const sums = `| **summary** | | ${m.columns
    .map(
      (c) =>
        `${c.summary.PASS} pass, ${c.summary.FAIL} fail, ${c.summary.WARN} warn, ${c.summary.KNOWN} known, ${c.summary.NOT_APPLICABLE} n/a, ${c.summary.ERROR} error`,
    )
    .join(' | ')} |`;
  const body = m.rows.map(
    (r) => `| \`${r.id}\` | ${r.level} | ${r.cells.map((c) => (c ? SHORT[c] : '–')).join(' | ')} |`,
  );
  return [`# Conformance matrix`, '', head, sep, sums, ...body, ''].join('\n');
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function matrixHtml(m: Matrix): string {
  const th = m.columns.map((c) => `<th title="${esc(c.file)}">${esc(c.name)}</th>`).join('');
  const sums = m.columns
    .map(
      (c) =>
        `<td>${c.summary.PASS}/${c.summary.FAIL}/${c.summary.WARN}/${c.summary.KNOWN}/${c.summary.NOT_APPLICABLE}/${c.summary.ERROR}</td>`,
    )
    .join('');
  const rows = m.rows
    .map(
      (r) =>
        `<tr><td><code>${esc(r.id)}</code><div class="t">${esc(r.title)}</div></td><td>${r.level}</td>` +
        r.cells.map((c) => `<td class="${c ?? 'none'}">${c ? SHORT[c] : '–'}</td>`).join('') +
        '</tr>',
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Conformance matrix</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}
th{background:#f4f4f4;position:sticky;top:0}.t{color:#666;font-size:12px}.PASS{background:#d9f2d9}.FAIL{background:#f8d0d0}
.WARN{background:#fcebc4}.KNOWN{background:#e2e2f8}.NOT_APPLICABLE{background:#eee}.ERROR{background:#f0a0a0}.none{color:#999}
</style></head><body>
<h1>Conformance matrix</h1>
<p>One column per IdP run, one row per check. Summary = PASS/FAIL/WARN/KNOWN/N/A/ERROR.</p>
<table><thead><tr><th>check</th><th>level</th>${th}</tr></thead>
<tbody><tr><td><b>summary</b></td><td></td>${sums}</tr>
${rows}
</tbody></table></body></html>
`;
}

/** Writes matrix.md and matrix.html into dir; returns their paths. */
export function writeMatrix(files: string[], dir: string): string[] {
  const m = buildMatrix(files);
  mkdirSync(dir, { recursive: true });
  const md = path.join(dir, 'matrix.md');
  const html = path.join(dir, 'matrix.html');
  writeFileSync(md, matrixMarkdown(m));
  writeFileSync(html, matrixHtml(m));
  return [md, html];
}
