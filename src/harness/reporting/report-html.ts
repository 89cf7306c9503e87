/**
 * report.html: one self-contained page a person opens after a run — the counts, failures first, each
 * check with its requirement's sentence, expected and actual, what it blocked, and for a failure its
 * evidence inline (HTTP exchanges, decoded and indented SAML, already redacted) and a curl reproduction
 * (a PASS links its evidence files: the page stays small); filters by outcome, profile and family.
 * Everything the IdP sent is escaped (html-kit `esc`), and the page's CSP runs only its own script.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEvidenceItems, type StoredEvidenceItem } from '../evidence/transcript';
import { requirement } from '../requirements';
import type { CheckResult, RunReport } from '../types';
import { requirementUrl } from './allure';
import { curlReproduction } from './curl';
import {
  anchorId,
  esc,
  OUTCOME_ORDER,
  outcomeClass,
  outcomeRank,
  page,
  relHref,
  SHORT,
  webHref,
} from './html-kit';

export const REPORT_HTML = 'report.html';

/** Bodies above this are cut in the page (the evidence file keeps up to MAX_BODY_BYTES). */
const MAX_INLINE_BODY = 64 * 1024;

/**
 * The outcomes whose evidence the page shows inline: the ones a reader acts on. PASS and N/A link their
 * evidence files instead; a BLOCKED check links its own and points to its root, whose failure (shown
 * inline) is the cause — so a full run's page stays small (a few hundred kB) and opens at once.
 */
const INLINE_OUTCOMES: ReadonlySet<string> = new Set(['FAIL', 'ERROR', 'WARN', 'KNOWN']);

/** A check's inline evidence stops after this many characters; the rest is listed as file links. */
const MAX_INLINE_PER_CHECK = 256 * 1024;

/** A base64 run this long in an HTTP body or URL is cut in the page (its SAML is an item of its own). */
const LONG_BASE64 = /(?:[A-Za-z0-9+/]|%2[BbFf]){240,}(?:=|%3[Dd]){0,2}/g;
const BASE64_KEEP = 48;

/** A result as read from a conformance.json: BLOCKED results (issue 9) name the check that blocked them. */
type Result = CheckResult & { blockedBy?: string };

export interface ReportHtmlOptions {
  /** The items of one result's evidence (default: none). */
  evidence?: (r: CheckResult) => StoredEvidenceItem[] | undefined;
}

export function reportHtml(report: RunReport, opts: ReportHtmlOptions = {}): string {
  const results = [...(report.results as Result[])].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      String(a.profile).localeCompare(String(b.profile)) ||
      String(a.id).localeCompare(String(b.id)),
  );
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  const blocks = new Map<string, Result[]>();
  for (const r of results) {
    if (!r.blockedBy) continue;
    blocks.set(r.blockedBy, [...(blocks.get(r.blockedBy) ?? []), r]);
  }
  const title = `Conformance report: ${report.target?.name ?? '?'}`;
  const body = [
    '<header>',
    `<h1>${esc(title)}</h1>`,
    meta(report),
    `<p id="verdict" class="verdict ${verdictClass(report)}">${esc(verdictText(report))}</p>`,
    report.stopped ? `<p class="stopped o-ERROR">The run stopped: ${esc(report.stopped.reason)}</p>` : '',
    countsHtml(counts, results.length),
    filtersHtml(results, counts),
    `<p id="shown" class="muted">${results.length} ${results.length === 1 ? 'check' : 'checks'}</p>`,
    '</header>',
    '<main id="checks">',
    ...results.map((r) => checkHtml(r, blocks.get(r.id) ?? [], opts.evidence?.(r))),
    results.length === 0 ? '<p>No check ran.</p>' : '',
    '</main>',
  ].join('\n');
  return page({ title, body, css: CSS, script: SCRIPT });
}

/** Writes `<dir>/report.html` from the report and the evidence under dir; returns its path. */
export function writeReportHtml(dir: string, report: RunReport): string {
  const file = path.join(dir, REPORT_HTML);
  const html = reportHtml(report, { evidence: (r) => readEvidenceItems(dir, r.evidence ?? []) });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, html);
  fs.renameSync(tmp, file);
  return file;
}

function rank(r: Result): number {
  // An unexpected pass needs the reader (remove the expectation): just after KNOWN.
  if (r.outcome === 'PASS' && r.expectation?.unexpectedPass) return outcomeRank('KNOWN') + 0.5;
  return outcomeRank(r.outcome);
}

function meta(report: RunReport): string {
  const t = report.target ?? { name: '?' };
  const rows: [string, string][] = [
    ['target', t.name],
    ...(t.faults && t.faults.length > 0 ? [['faults', t.faults.join(', ')] as [string, string]] : []),
    ...(t.metadataUrl ? [['metadata', t.metadataUrl] as [string, string]] : []),
    ...(t.configFile ? [['config', t.configFile] as [string, string]] : []),
    ['profiles', (report.profiles ?? []).join(', ')],
    ['started', `${report.startedAt} (${((report.durationMs ?? 0) / 1000).toFixed(1)} s)`],
    [
      'harness',
      `${report.harness?.name ?? 'idp-conformance'} ${report.harness?.version ?? ''} on Node ${report.harness?.node ?? ''}`,
    ],
    [
      'mode',
      `${report.strict ? 'strict (SHOULD failures fail)' : 'SHOULD failures are warnings'}; exit code ${report.exitCode}`,
    ],
  ];
  return `<table id="meta" class="meta">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

function verdictClass(report: RunReport): string {
  return report.exitCode === 0 ? 'o-PASS' : report.exitCode === 1 ? 'o-FAIL' : 'o-ERROR';
}

function verdictText(report: RunReport): string {
  if (report.exitCode === 0) return 'Every MUST holds.';
  if (report.exitCode === 1) return 'The IdP failed at least one requirement.';
  return 'The harness could not complete the run: see the ERROR checks; this is not a verdict on the IdP.';
}

function outcomesOf(counts: Map<string, number>): string[] {
  const known = OUTCOME_ORDER.filter((o) => o === 'PASS' || o === 'FAIL' || (counts.get(o) ?? 0) > 0);
  const other = [...counts.keys()].filter((o) => !OUTCOME_ORDER.includes(o)).sort();
  return [...known, ...other];
}

function countsHtml(counts: Map<string, number>, total: number): string {
  const chips = outcomesOf(counts).map((o) => {
    const n = counts.get(o) ?? 0;
    return `<button type="button" class="count ${outcomeClass(o)}" data-outcome="${esc(o)}" id="${esc(anchorId('count', o))}" title="show only ${esc(o)}"><b>${n}</b> ${esc(SHORT[o] ?? o)}</button>`;
  });
  return `<div id="counts">${chips.join(' ')} <button type="button" class="count" data-outcome="" id="count-all" title="show every check"><b>${total}</b> ${total === 1 ? 'check' : 'checks'}</button></div>`;
}

function filtersHtml(results: Result[], counts: Map<string, number>): string {
  const boxes = outcomesOf(counts)
    .map(
      (o) =>
        `<label><input type="checkbox" name="outcome" value="${esc(o)}" checked> ${esc(SHORT[o] ?? o)}</label>`,
    )
    .join(' ');
  const options = (values: string[]) =>
    [
      '<option value="">all</option>',
      ...values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`),
    ].join('');
  const profiles = [...new Set(results.map((r) => String(r.profile)))].sort();
  const families = [...new Set(results.map((r) => String(r.family)))].sort();
  return `<div id="filters" class="filters" role="search">
<span class="group">${boxes}</span>
<label>profile <select id="f-profile">${options(profiles)}</select></label>
<label>family <select id="f-family">${options(families)}</select></label>
<label>text <input id="f-text" type="search" placeholder="check ID, requirement, title"></label>
<button type="button" id="expand">expand all</button> <button type="button" id="collapse">collapse all</button>
</div>`;
}

function checkHtml(r: Result, blocked: Result[], items: StoredEvidenceItem[] | undefined): string {
  const search = [r.id, r.title, ...(r.requirements ?? []), r.message].join(' ').toLowerCase();
  const summary = `<summary><span class="badge ${outcomeClass(r.outcome)}">${esc(SHORT[r.outcome] ?? r.outcome)}</span> <code class="id">${esc(r.id)}</code> <span class="title">${esc(r.title)}</span> <span class="muted">${esc(r.profile)} · ${esc(r.family)} · ${esc(r.level)}</span>${r.outcome === 'PASS' && r.expectation?.unexpectedPass ? ' <span class="badge o-KNOWN">unexpected pass</span>' : ''}</summary>`;
  const parts: string[] = [];
  parts.push(`<p class="message">${esc(r.message)}</p>`);
  const v: [string, string | undefined][] = [
    ['expected', r.expected],
    ['actual', r.actual],
    ['where', r.where],
  ];
  if (v.some(([, x]) => x !== undefined))
    parts.push(
      `<table class="ea">${v
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => `<tr><th>${k}</th><td><pre class="inline">${esc(x)}</pre></td></tr>`)
        .join('')}</table>`,
    );
  parts.push(requirementsHtml(r));
  if (r.expectation) {
    const e = r.expectation;
    parts.push(
      `<p class="expectation"><b>${e.unexpectedPass ? 'Unexpected pass' : 'Known deviation'}</b> (expectations file: ${esc(e.expect)}${e.until ? ` until ${esc(e.until)}` : ''}): ${esc(e.reason)}${e.unexpectedPass ? ' — it passes now: remove the entry.' : ''}</p>`,
    );
  }
  if (r.blockedBy)
    parts.push(
      `<p class="blocked-by">Blocked by <a href="#${esc(anchorId('check', r.blockedBy))}"><code>${esc(r.blockedBy)}</code></a>: that check's failure prevents this one from being judged.</p>`,
    );
  if (blocked.length > 0)
    parts.push(
      `<div class="blocks"><b>Blocked ${blocked.length} ${blocked.length === 1 ? 'check' : 'checks'}:</b> ${blocked
        .map((b) => `<a href="#${esc(anchorId('check', b.id))}"><code>${esc(b.id)}</code></a>`)
        .join(', ')}</div>`,
    );
  parts.push(evidenceHtml(r, items));
  if (INLINE_OUTCOMES.has(r.outcome) && items) {
    const repro = curlReproduction(items);
    if (repro)
      parts.push(
        `<details class="repro"><summary>Reproduce with curl (${repro.variables.length > 0 ? `set ${esc(repro.variables.map((x) => `$${x}`).join(' '))} first` : 'no secrets needed'})</summary><pre class="repro">${esc(repro.text)}</pre></details>`,
      );
  }
  return `<details class="check" id="${esc(anchorId('check', r.id))}" data-outcome="${esc(r.outcome)}" data-profile="${esc(r.profile)}" data-family="${esc(r.family)}" data-search="${esc(search)}">
${summary}
<div class="body">${parts.join('\n')}</div>
</details>`;
}

function requirementsHtml(r: Result): string {
  const lis = (r.requirements ?? []).map((id) => {
    const q = requirement(id);
    const url = webHref(requirementUrl(id));
    const name = url
      ? `<a href="${esc(url)}" rel="noreferrer" target="_blank"><code>${esc(id)}</code></a>`
      : `<code>${esc(id)}</code>`;
    return q
      ? `<li>${name} <span class="muted">(${esc(q.source)}, ${esc(q.level)})</span>: <q>${esc(q.text)}</q></li>`
      : `<li>${name}</li>`;
  });
  return `<ul class="requirements">${lis.join('')}</ul>`;
}

function itemSummary(item: StoredEvidenceItem, n: string): string {
  const status =
    item.http?.status !== undefined
      ? ` → HTTP ${esc(item.http.status)}`
      : item.http?.error !== undefined
        ? ' → no answer'
        : '';
  return `${n} <span class="kind">${esc(item.kind)}</span> ${esc(item.label)}${status}`;
}

function evidenceHtml(r: Result, items: StoredEvidenceItem[] | undefined): string {
  const files = r.evidence ?? [];
  if (!items || items.length === 0) {
    if (files.length === 0) return '<p class="muted">No evidence recorded.</p>';
    return `<p>Evidence files: ${files.map(fileLink).join(', ')}</p>`;
  }
  const width = Math.max(2, String(items.length).length);
  const count = `${items.length} ${items.length === 1 ? 'item' : 'items'}`;
  const number = (i: number) => String(i + 1).padStart(width, '0');
  if (!INLINE_OUTCOMES.has(r.outcome)) {
    // Linked, not inlined: one line per item, the transcript holding it one click away.
    const lis = items.map((item, i) => {
      const file = item.file ?? files[i];
      const label = itemSummary(item, number(i));
      const href = relHref(file);
      return `<li>${href ? `<a href="${esc(href)}">${label}</a>` : label}</li>`;
    });
    return `<div class="evidence linked"><h3>Evidence (${count}, in files)</h3><ol class="files">${lis.join('')}</ol></div>`;
  }
  let budget = MAX_INLINE_PER_CHECK;
  const lis = items.map((item, i) => {
    const file = item.file ?? files[i];
    const n = number(i);
    if (budget <= 0)
      return `<p class="ev-more">${itemSummary(item, n)}${file ? ` · ${fileLink(file)}` : ''}</p>`;
    const body = `${item.http ? httpHtml(item.http) : ''}${item.saml ? samlHtml(item.saml) : ''}${item.text !== undefined ? `<pre>${esc(cut(item.text))}</pre>` : ''}`;
    budget -= body.length;
    return `<details class="ev ev-${esc(item.kind)}"><summary>${itemSummary(item, n)}</summary>
${body}
<p class="muted">${esc(item.at)}${file ? ` · ${fileLink(file)}` : ''}</p></details>`;
  });
  const more =
    budget <= 0
      ? ' <span class="muted">(the last items only in the evidence files: the page keeps each check small)</span>'
      : '';
  return `<div class="evidence"><h3>Evidence (${count})${more}</h3>${lis.join('\n')}</div>`;
}

/** An HTTP body or URL for the page: long base64 runs cut (see LONG_BASE64), then bounded. */
function shortBody(s: string): string {
  return cut(
    String(s).replace(
      LONG_BASE64,
      (m) =>
        `${m.slice(0, BASE64_KEEP)}…[${m.length - BASE64_KEEP} more characters of base64: decoded as its own item when a SAML message; whole in the evidence file and the curl lines]`,
    ),
  );
}

function httpHtml(h: NonNullable<StoredEvidenceItem['http']>): string {
  const headers = (hs: Record<string, string> | undefined) =>
    Object.entries(hs ?? {})
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n');
  const req = [`${h.method} ${shortBody(h.url)}`, headers(h.requestHeaders)].filter(Boolean).join('\n');
  const out = [
    `<div class="http"><div class="dir muted">request (${esc(h.direction)})</div><pre class="req">${esc(req)}${h.requestBody ? `\n\n${esc(shortBody(h.requestBody))}` : ''}</pre>`,
  ];
  if (h.error !== undefined) out.push(`<div class="dir o-ERROR">no answer: ${esc(h.error)}</div>`);
  if (h.status !== undefined) {
    const res = [`HTTP ${h.status}`, headers(h.responseHeaders)].filter(Boolean).join('\n');
    out.push(
      `<div class="dir muted">response${h.durationMs !== undefined ? ` (${esc(h.durationMs)} ms)` : ''}</div><pre class="res">${esc(res)}${h.responseBody ? `\n\n${esc(shortBody(h.responseBody))}` : ''}</pre>`,
    );
  }
  out.push('</div>');
  return out.join('');
}

function samlHtml(s: NonNullable<StoredEvidenceItem['saml']>): string {
  return `<div class="saml"><div class="dir muted">SAML ${esc(s.messageType)}${s.binding ? ` (${esc(s.binding)})` : ''}, decoded</div><pre class="xml">${esc(cut(s.xml))}</pre></div>`;
}

function fileLink(f: string): string {
  const href = relHref(f);
  return href ? `<a href="${esc(href)}"><code>${esc(f)}</code></a>` : `<code>${esc(f)}</code>`;
}

function cut(s: string): string {
  const text = String(s);
  if (text.length <= MAX_INLINE_BODY) return text;
  return `${text.slice(0, MAX_INLINE_BODY)}\n[… ${text.length - MAX_INLINE_BODY} more characters in the evidence file …]`;
}

const CSS = `
header{margin-bottom:1em}.meta th{width:7em}.meta td,.meta th{padding:2px 8px;font-size:13px}
.verdict{font-weight:600;padding:.4em .8em;border-radius:4px;display:inline-block;margin:.6em 0}
.stopped{padding:.4em .8em;border-radius:4px}
#counts{margin:.4em 0}.count{border:1px solid var(--line);border-radius:4px;padding:.3em .7em;cursor:pointer;font:inherit;background:#fafafa}
.count b{font-size:16px}.count.active{outline:2px solid #333}
.filters{display:flex;flex-wrap:wrap;gap:.6em 1.2em;align-items:center;margin:.6em 0;padding:.5em;border:1px solid var(--line);border-radius:4px;background:#fbfbfb}
details.check{border:1px solid var(--line);border-radius:4px;margin:.35em 0;background:#fff}
details.check>summary{cursor:pointer;padding:.35em .6em;list-style-position:outside}
details.check[open]>summary{border-bottom:1px solid var(--line);background:#fafafa}
details.check .body{padding:.4em 1em 1em}
.title{font-weight:500}.message{font-weight:600;white-space:pre-wrap;word-break:break-word}
pre.inline{margin:0;max-height:12em;border:0;padding:0;background:none}
.ea{margin:.4em 0}.ea th{width:6em}
.requirements{margin:.4em 0;padding-left:1.4em}
details.ev{margin:.25em 0;border-left:3px solid var(--line);padding-left:.6em}
details.ev>summary{cursor:pointer}.kind{font-size:11px;color:var(--muted);text-transform:uppercase}
.dir{font-size:12px;margin-top:.4em}.blocks,.blocked-by,.expectation{margin:.4em 0}
details.repro{margin-top:.6em}details.repro>summary{cursor:pointer;font-weight:600}
ol.files{margin:.2em 0;padding-left:1.6em;font-size:13px}.ev-more{margin:.2em 0 .2em .9em;font-size:13px}
`;

/** The page's one script: filters (outcome, profile, family, text), count buttons, expand/collapse, #anchors. */
const SCRIPT = `(function () {
  'use strict';
  var checks = Array.prototype.slice.call(document.querySelectorAll('details.check'));
  var boxes = Array.prototype.slice.call(document.querySelectorAll('#filters input[name=outcome]'));
  var profile = document.getElementById('f-profile');
  var family = document.getElementById('f-family');
  var text = document.getElementById('f-text');
  var shown = document.getElementById('shown');
  function apply() {
    var on = {};
    boxes.forEach(function (b) { on[b.value] = b.checked; });
    var q = text.value.trim().toLowerCase();
    var n = 0;
    checks.forEach(function (c) {
      var ok = on[c.getAttribute('data-outcome')] !== false &&
        (!profile.value || c.getAttribute('data-profile') === profile.value) &&
        (!family.value || c.getAttribute('data-family') === family.value) &&
        (!q || (c.getAttribute('data-search') || '').indexOf(q) >= 0);
      c.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = 'showing ' + n + ' of ' + checks.length + (checks.length === 1 ? ' check' : ' checks');
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  [profile, family].forEach(function (s) { s.addEventListener('change', apply); });
  text.addEventListener('input', apply);
  Array.prototype.slice.call(document.querySelectorAll('#counts .count')).forEach(function (btn) {
    btn.addEventListener('click', function () {
      var o = btn.getAttribute('data-outcome');
      boxes.forEach(function (b) { b.checked = !o || b.value === o; });
      apply();
    });
  });
  document.getElementById('expand').addEventListener('click', function () {
    checks.forEach(function (c) { if (!c.hidden) c.open = true; });
  });
  document.getElementById('collapse').addEventListener('click', function () {
    checks.forEach(function (c) { c.open = false; });
  });
  function openHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === 'DETAILS') { el.hidden = false; el.open = true; el.scrollIntoView(); }
  }
  window.addEventListener('hashchange', openHash);
  apply();
  openHash();
})();
`;
