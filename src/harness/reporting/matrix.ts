/**
 * The comparison matrix (`report --matrix`): one column per run (labelled with the target and its
 * faults), one row per check; each cell has the outcome, the message, the KNOWN reason, and a link to
 * that check in the run's report.html. Written as matrix.md and a self-contained matrix.html.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunReport } from '../types';
import { HarnessError } from '../types';
import { anchorId, esc, outcomeClass, outcomeRank, page, SHORT } from './html-kit';
import { REPORT_HTML } from './report-html';

export interface MatrixCell {
  outcome: string;
  message: string;
  expected?: string;
  actual?: string;
  /** The expectations file's reason for a KNOWN (or an unexpected pass). */
  reason?: string;
  unexpectedPass?: boolean;
  blockedBy?: string;
  /** A root failure: how many checks it BLOCKED in that run. */
  blocks?: number;
}

export interface MatrixColumn {
  /** Target name, plus its faults (`reference-idp · drop-relaystate`), plus the run folder when still ambiguous. */
  name: string;
  target: string;
  faults: string[];
  file: string;
  summary: Record<string, number>;
  exitCode: number;
  /** The run's report.html relative to where the matrix is written ('' until written). */
  reportHref?: string;
}

/** One column per IdP run, one row per check: the comparison matrix. */
export interface Matrix {
  columns: MatrixColumn[];
  rows: {
    id: string;
    title: string;
    profile: string;
    family: string;
    level: string;
    requirements: string[];
    cells: (MatrixCell | undefined)[];
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
  if (r.schemaVersion === undefined || !Array.isArray(r.results)) {
    throw new HarnessError(
      'ERR_USAGE',
      `report --matrix: ${file} is not a conformance.json`,
      'pass conformance.json files written by `run`',
    );
  }
  return r as RunReport;
}

function columnNames(reports: { file: string; report: RunReport }[]): string[] {
  const base = reports.map(({ file, report }) => {
    const faults = report.target?.faults ?? [];
    return {
      file,
      name: `${report.target?.name ?? '?'}${faults.length > 0 ? ` · ${faults.join(', ')}` : ''}`,
    };
  });
  // Two runs of one target with the same faults (native and container, two tenants): the run's folder.
  return base.map(({ file, name }) => {
    if (base.filter((n) => n.name === name).length === 1) return name;
    const dir = path.basename(path.dirname(file));
    const same = base.filter((n) => n.name === name && path.basename(path.dirname(n.file)) === dir);
    return same.length === 1 ? `${name} (${dir})` : `${name} (${path.dirname(file)})`;
  });
}

export function buildMatrix(files: string[]): Matrix {
  const reports = files.map((f) => ({ file: f, report: loadRunReport(f) }));
  const names = columnNames(reports);
  const columns: MatrixColumn[] = reports.map(({ file, report }, i) => {
    const name = names[i]!; // names maps reports one to one
    const summary: Record<string, number> = {};
    for (const r of report.results) summary[r.outcome] = (summary[r.outcome] ?? 0) + 1;
    return {
      name,
      target: report.target?.name ?? '?',
      faults: report.target?.faults ?? [],
      file,
      summary,
      exitCode: report.exitCode,
    };
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
          family: r.family,
          level: r.level,
          requirements: r.requirements,
          cells: [],
        };
        rows.set(r.id, row);
      }
      row.cells[col] = {
        outcome: r.outcome,
        message: r.message,
        ...(r.expected !== undefined ? { expected: r.expected } : {}),
        ...(r.actual !== undefined ? { actual: r.actual } : {}),
        ...(r.expectation ? { reason: r.expectation.reason } : {}),
        ...(r.expectation?.unexpectedPass ? { unexpectedPass: true } : {}),
        ...(r.blockedBy ? { blockedBy: r.blockedBy } : {}),
        ...(r.blocks?.length ? { blocks: r.blocks.length } : {}),
      };
    }
  });
  const sorted = [...rows.values()].sort(
    (a, b) => a.profile.localeCompare(b.profile) || a.id.localeCompare(b.id),
  );
  for (const row of sorted) row.cells = columns.map((_, i) => row.cells[i]);
  return { columns, rows: sorted };
}

function summaryText(s: Record<string, number>): string {
  const order = ['PASS', 'FAIL', 'WARN', 'KNOWN', 'BLOCKED', 'NOT_APPLICABLE', 'ERROR'];
  const keys = [...order, ...Object.keys(s).filter((k) => !order.includes(k))];
  return keys
    .filter((k) => k === 'PASS' || k === 'FAIL' || (s[k] ?? 0) > 0)
    .map((k) => `${s[k] ?? 0} ${(SHORT[k] ?? k).toLowerCase()}`)
    .join(', ');
}

function oneLine(s: string, max = 200): string {
  const t = String(s ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** Markdown table text: pipes and backticks cannot break the table. */
function mdCell(s: string): string {
  return oneLine(s).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/`/g, "'").replace(/</g, '&lt;');
}

function cellDetail(c: MatrixCell): string {
  if (c.outcome === 'KNOWN' || c.unexpectedPass) return `${c.message}; expected deviation: ${c.reason ?? ''}`;
  if (c.blockedBy)
    return c.message.startsWith('blocked by') ? c.message : `blocked by ${c.blockedBy}: ${c.message}`;
  return c.blocks ? `${c.message}; blocks ${c.blocks} checks (BLOCKED by it)` : c.message;
}

/** A markdown cell: `BLOCKED by <root>`, `FAIL (blocks 12)`, else the outcome. */
function mdOutcome(c: MatrixCell | undefined): string {
  if (!c) return '–';
  const o = SHORT[c.outcome] ?? mdCell(c.outcome);
  if (c.blockedBy) return `${o} by ${mdCell(c.blockedBy)}`;
  return c.blocks ? `${o} (blocks ${c.blocks})` : o;
}

export function matrixMarkdown(m: Matrix): string {
  const head = `| check | level | ${m.columns.map((c) => mdCell(c.name)).join(' | ')} |`;
  const sep = `|---|---|${m.columns.map(() => '---').join('|')}|`;
  const sums = `| **summary** | | ${m.columns.map((c) => summaryText(c.summary)).join(' | ')} |`;
  const body = m.rows.map(
    (r) => `| \`${mdCell(r.id)}\` | ${r.level} | ${r.cells.map(mdOutcome).join(' | ')} |`,
  );
  const notes: string[] = [];
  m.columns.forEach((col, i) => {
    const lines = m.rows.flatMap((r) => {
      const c = r.cells[i];
      if (!c || (c.outcome === 'PASS' && !c.unexpectedPass) || c.outcome === 'NOT_APPLICABLE') return [];
      return [`- \`${mdCell(r.id)}\` ${SHORT[c.outcome] ?? mdCell(c.outcome)}: ${mdCell(cellDetail(c))}`];
    });
    if (lines.length > 0)
      notes.push('', `## ${mdCell(col.name)}`, '', `\`${mdCell(col.file)}\``, '', ...lines);
  });
  return [`# Conformance matrix`, '', head, sep, sums, ...body, ...notes, ''].join('\n');
}

export function matrixHtml(m: Matrix): string {
  const th = m.columns
    .map(
      (c) =>
        `<th class="col" title="${esc(c.file)}"><div class="target">${esc(c.target)}</div>${c.faults.length > 0 ? `<div class="faults">faults: ${esc(c.faults.join(', '))}</div>` : '<div class="faults muted">no faults</div>'}${c.name !== `${c.target}${c.faults.length > 0 ? ` · ${c.faults.join(', ')}` : ''}` ? `<div class="muted">${esc(c.name)}</div>` : ''}${c.reportHref ? `<div><a href="${esc(c.reportHref)}">report.html</a></div>` : ''}</th>`,
    )
    .join('');
  const sums = m.columns
    .map(
      (c) =>
        `<td class="${c.exitCode === 0 ? 'o-PASS' : c.exitCode === 1 ? 'o-FAIL' : 'o-ERROR'}">${esc(summaryText(c.summary))}<div class="muted">exit ${esc(c.exitCode)}</div></td>`,
    )
    .join('');
  const rows = m.rows
    .map((r) => {
      const outcomes = new Set(r.cells.map((c) => c?.outcome ?? '–'));
      const worst = Math.min(...r.cells.map((c) => (c ? outcomeRank(c.outcome) : 99)));
      const cells = r.cells
        .map((c, i) => {
          if (!c) return '<td class="o-none">–</td>';
          const columnHref = m.columns[i]?.reportHref;
          const href = columnHref ? `${columnHref}#${anchorId('check', r.id)}` : undefined;
          const label = esc(SHORT[c.outcome] ?? c.outcome);
          const head = href ? `<a class="o" href="${esc(href)}">${label}</a>` : `<b>${label}</b>`;
          const detail =
            c.outcome === 'PASS' && !c.unexpectedPass
              ? ''
              : `<div class="msg">${esc(oneLine(cellDetail(c), 400))}</div>`;
          return `<td class="${outcomeClass(c.outcome)}" title="${esc(oneLine(cellDetail(c), 600))}">${head}${c.unexpectedPass ? ' <span class="muted">(unexpected pass)</span>' : ''}${detail}</td>`;
        })
        .join('');
      return `<tr data-profile="${esc(r.profile)}" data-family="${esc(r.family)}" data-differs="${outcomes.size > 1 ? '1' : '0'}" data-worst="${worst}" data-search="${esc([r.id, r.title, ...r.requirements].join(' ').toLowerCase())}"><td><code>${esc(r.id)}</code><div class="t">${esc(r.title)}</div><div class="muted">${esc(r.profile)} · ${esc(r.family)} · ${esc(r.requirements.join(', '))}</div></td><td>${esc(r.level)}</td>${cells}</tr>`;
    })
    .join('\n');
  const opts = (vals: string[]) =>
    [
      '<option value="">all</option>',
      ...vals.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`),
    ].join('');
  const profiles = [...new Set(m.rows.map((r) => r.profile))].sort();
  const families = [...new Set(m.rows.map((r) => r.family))].sort();
  const body = `<h1>Conformance matrix</h1>
<p class="muted">One column per run (target and faults), one row per check; a cell links to that check in the run's report.html.</p>
<div class="filters" id="filters">
<label><input type="checkbox" id="f-differs"> only rows that differ</label>
<label><input type="checkbox" id="f-notpass"> only rows with a non-PASS</label>
<label>profile <select id="f-profile">${opts(profiles)}</select></label>
<label>family <select id="f-family">${opts(families)}</select></label>
<label>text <input id="f-text" type="search" placeholder="check ID, requirement, title"></label>
<span id="shown" class="muted">${m.rows.length} ${m.rows.length === 1 ? 'check' : 'checks'}</span>
</div>
<table id="matrix"><thead><tr><th>check</th><th>level</th>${th}</tr></thead>
<tbody><tr class="sum"><td><b>summary</b></td><td></td>${sums}</tr>
${rows}
</tbody></table>`;
  return page({ title: 'Conformance matrix', body, css: CSS, script: SCRIPT });
}

const CSS = `
th{position:sticky;top:0;z-index:1}.col{min-width:12em}.target{font-weight:700}.faults{font-weight:400;font-size:12px}
.t{color:#444;font-size:12px}.msg{font-size:12px;max-width:28em;word-break:break-word}
td a.o{font-weight:700;color:inherit}
.filters{display:flex;flex-wrap:wrap;gap:.6em 1.2em;align-items:center;margin:.6em 0;padding:.5em;border:1px solid var(--line);border-radius:4px;background:#fbfbfb}
`;

const SCRIPT = `(function () {
  'use strict';
  var rows = Array.prototype.slice.call(document.querySelectorAll('#matrix tbody tr:not(.sum)'));
  var differs = document.getElementById('f-differs');
  var notpass = document.getElementById('f-notpass');
  var profile = document.getElementById('f-profile');
  var family = document.getElementById('f-family');
  var text = document.getElementById('f-text');
  var shown = document.getElementById('shown');
  var passRank = ${outcomeRank('PASS')};
  function apply() {
    var q = text.value.trim().toLowerCase();
    var n = 0;
    rows.forEach(function (r) {
      var ok = (!differs.checked || r.getAttribute('data-differs') === '1') &&
        (!notpass.checked || Number(r.getAttribute('data-worst')) < passRank) &&
        (!profile.value || r.getAttribute('data-profile') === profile.value) &&
        (!family.value || r.getAttribute('data-family') === family.value) &&
        (!q || (r.getAttribute('data-search') || '').indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = 'showing ' + n + ' of ' + rows.length + (rows.length === 1 ? ' check' : ' checks');
  }
  [differs, notpass, profile, family].forEach(function (el) { el.addEventListener('change', apply); });
  text.addEventListener('input', apply);
  apply();
})();
`;

/** Writes matrix.md and matrix.html into dir; returns their paths. */
export function writeMatrix(files: string[], dir: string): string[] {
  const m = buildMatrix(files);
  mkdirSync(dir, { recursive: true });
  for (const c of m.columns) {
    if (!existsSync(path.join(path.dirname(c.file), REPORT_HTML))) continue;
    const rel = path
      .relative(dir, path.join(path.dirname(c.file), REPORT_HTML))
      .split(path.sep)
      .join('/');
    c.reportHref = rel
      .split('/')
      .map((s) => (s === '..' ? s : encodeURIComponent(s)))
      .join('/');
  }
  const md = path.join(dir, 'matrix.md');
  const html = path.join(dir, 'matrix.html');
  writeFileSync(md, matrixMarkdown(m));
  writeFileSync(html, matrixHtml(m));
  return [md, html];
}
