/**
 * junit.xml for CI: one testsuite per profile+family, one testcase per check result.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAMILIES, PROFILES, type CheckResult, type RunReport } from '../types';

export const JUNIT_XML = 'junit.xml';

/** Writes `<dir>/junit.xml` and returns its path. */
export function writeJunit(dir: string, report: RunReport): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, JUNIT_XML);
  fs.writeFileSync(file, junitXml(report));
  return file;
}

export function junitXml(report: RunReport): string {
  const groups = new Map<string, CheckResult[]>();
  for (const r of report.results) {
    const key = `${r.profile}.${r.family}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  const order = (key: string) => {
    const [p = '', f = ''] = key.split('.');
    const pi = (PROFILES as readonly string[]).indexOf(p);
    const fi = (FAMILIES as readonly string[]).indexOf(f);
    return (pi < 0 ? 99 : pi) * 100 + (fi < 0 ? 99 : fi);
  };
  const keys = [...groups.keys()].sort((a, b) => order(a) - order(b) || a.localeCompare(b));

  const all = report.results;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites${attrs({
      name: `idp-conformance: ${report.target.name}`,
      tests: all.length + (report.interrupted ? 1 : 0),
      failures: count(all, 'FAIL') + xpasses(all, report.strict),
      errors: count(all, 'ERROR') + (report.interrupted ? 1 : 0),
      skipped: count(all, 'NOT_APPLICABLE') + count(all, 'BLOCKED'),
      time: secs(report.durationMs),
      timestamp: report.startedAt,
    })}>`,
  );
  if (report.interrupted) {
    // An interrupted run is no verdict: a CI that reads only junit.xml must see red.
    const why = report.stopped?.reason ?? 'the run was interrupted';
    out.push(
      `  <testsuite${attrs({ name: 'run', tests: 1, failures: 0, errors: 1, skipped: 0, time: '0.000' })}>`,
    );
    out.push(`    <testcase${attrs({ classname: 'run', name: 'run completed', time: '0.000' })}>`);
    out.push(
      `      <error${attrs({ message: why, type: 'INTERRUPTED' })}>${text(`${why}: the results are partial, no verdict`)}</error>`,
    );
    out.push('    </testcase>', '  </testsuite>');
  }
  for (const key of keys) {
    const rs = groups.get(key)!;
    out.push(
      `  <testsuite${attrs({
        name: key,
        tests: rs.length,
        failures: count(rs, 'FAIL') + xpasses(rs, report.strict),
        errors: count(rs, 'ERROR'),
        skipped: count(rs, 'NOT_APPLICABLE') + count(rs, 'BLOCKED'),
        time: secs(rs.reduce((t, r) => t + (r.durationMs || 0), 0)),
        timestamp: report.startedAt,
      })}>`,
    );
    out.push('    <properties>');
    out.push(`      <property${attrs({ name: 'target', value: report.target.name })}/>`);
    out.push(`      <property${attrs({ name: 'strict', value: String(report.strict) })}/>`);
    if (report.stopped)
      out.push(`      <property${attrs({ name: 'stopped', value: report.stopped.reason })}/>`);
    out.push('    </properties>');
    for (const r of rs) out.push(...testcase(r, key, report.strict));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

function testcase(r: CheckResult, classname: string, strict: boolean): string[] {
  const open = `    <testcase${attrs({ classname, name: `${r.id} ${r.title}`, time: secs(r.durationMs) })}`;
  const details = detailText(r);
  switch (r.outcome) {
    case 'FAIL':
      return [
        open + '>',
        `      <failure${attrs({ message: r.message, type: r.level })}>${text(details)}</failure>`,
        '    </testcase>',
      ];
    case 'ERROR':
      return [
        open + '>',
        `      <error${attrs({ message: r.message, type: 'ERROR' })}>${text(details)}</error>`,
        '    </testcase>',
      ];
    case 'NOT_APPLICABLE':
      return [open + '>', `      <skipped${attrs({ message: r.message })}/>`, '    </testcase>'];
    case 'BLOCKED':
      // Not judged: the root's own testcase carries the failure (once), with what it blocked.
      return [
        open + '>',
        `      <skipped${attrs({ message: `BLOCKED ${r.message}`, type: 'BLOCKED' })}/>`,
        `      <properties><property${attrs({ name: 'blockedBy', value: r.blockedBy })}/></properties>`,
        '    </testcase>',
      ];
    case 'WARN':
      return [
        open + '>',
        `      <system-out>${text(`WARN: ${r.message}\n${details}`)}</system-out>`,
        '    </testcase>',
      ];
    case 'KNOWN': {
      const e = r.expectation;
      const why = e
        ? `KNOWN (expected ${e.expect}${e.until ? ` until ${e.until}` : ''}): ${e.reason}`
        : 'KNOWN';
      return [
        open + '>',
        `      <system-out>${text(`${why}\n${r.message}\n${details}`)}</system-out>`,
        '    </testcase>',
      ];
    }
    default: {
      const e = r.expectation;
      if (e?.unexpectedPass) {
        const note = `UNEXPECTED PASS: the expectations file says ${e.expect} (${e.reason}); remove the entry`;
        // --strict: an unexpected pass (XPASS) fails the run, so CI shows it as a failure.
        if (strict)
          return [
            open + '>',
            `      <failure${attrs({ message: `XPASS: ${note}`, type: 'XPASS' })}>${text(note)}</failure>`,
            '    </testcase>',
          ];
        return [open + '>', `      <system-out>${text(note)}</system-out>`, '    </testcase>'];
      }
      return [open + '/>'];
    }
  }
}

function detailText(r: CheckResult): string {
  const lines: string[] = [];
  if (r.expected !== undefined) lines.push(`expected: ${r.expected}`);
  if (r.actual !== undefined) lines.push(`actual: ${r.actual}`);
  if (r.where !== undefined) lines.push(`where: ${r.where}`);
  lines.push(`requirements: ${r.requirements.join(', ')} (${r.level})`);
  if (r.blocks?.length) lines.push(`blocks ${r.blocks.length} checks: ${r.blocks.join(', ')}`);
  if (r.evidence?.length) lines.push(`evidence: ${r.evidence.join(', ')}`);
  return lines.join('\n');
}

function xpasses(rs: CheckResult[], strict: boolean): number {
  return strict ? rs.filter((r) => r.outcome === 'PASS' && r.expectation?.unexpectedPass).length : 0;
}

function count(rs: CheckResult[], o: CheckResult['outcome']): number {
  return rs.filter((r) => r.outcome === o).length;
}

function secs(ms: number): string {
  return (Math.max(0, ms || 0) / 1000).toFixed(3);
}

function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${attr(String(v))}"`)
    .join('');
}

/** What XML 1.0 cannot carry at all: C0 controls except tab/LF/CR, lone surrogates, U+FFFE/U+FFFF. */
const INVALID_XML_CHARS =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripInvalidXmlChars(s: string): string {
  return s.replace(INVALID_XML_CHARS, '');
}

export function text(s: string): string {
  return stripInvalidXmlChars(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

export function attr(s: string): string {
  return text(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;');
}
