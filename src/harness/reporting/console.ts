/**
 * The console while a run is under way: one progress line per check with the running counts, colour
 * (picocolors) only on a terminal and never with NO_COLOR, and, for a check that did not pass, where its
 * evidence is. Words agree with their numbers ("1 check", "2 checks").
 */
import * as path from 'node:path';
import pc from 'picocolors';
import type { CheckResult } from '../types';

export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Colour on a terminal only: NO_COLOR (any non-empty value) turns it off, FORCE_COLOR (not "0") on;
 * otherwise only when the stream is a TTY and TERM is not "dumb" (a pipe, a file or CI logs get plain text).
 */
export function colorEnabled(
  stream: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return !!stream.isTTY && env.TERM !== 'dumb';
}

export function colors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

/** `1 check`, `2 checks`, `0 checks`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The colour of an outcome word. */
export function outcomeColor(c: Colors, outcome: string): (s: string) => string {
  switch (outcome) {
    case 'PASS':
      return c.green;
    case 'FAIL':
    case 'XPASS':
      return c.red;
    case 'WARN':
    case 'EXPIRED':
      return c.yellow;
    case 'KNOWN':
      return c.cyan;
    case 'ERROR':
      return c.magenta;
    case 'BLOCKED':
      return c.yellow;
    case 'NOT_APPLICABLE':
      return c.gray;
    default:
      return String;
  }
}

const SHORT: Record<string, string> = { NOT_APPLICABLE: 'N/A' };
const COUNT_ORDER = ['PASS', 'FAIL', 'WARN', 'KNOWN', 'BLOCKED', 'NOT_APPLICABLE', 'ERROR'];
const MAX_MESSAGE = 140;

/** The folder of a result's evidence files, under reportDir (undefined when it has none). */
export function evidenceDir(r: CheckResult, reportDir?: string): string | undefined {
  const first = r.evidence?.[0];
  if (!first) return undefined;
  const rel = path.posix.dirname(first);
  return `${reportDir ? path.join(reportDir, ...rel.split('/')) : rel}${path.sep}`;
}

export interface ProgressOptions {
  color?: boolean;
  reportDir?: string;
  /** How many checks the run will have, when known ("12/123"). */
  total?: number;
}

/** One line per finished check, with the counts so far: `  12/123 PASS   <id>   11 pass, 1 fail`. */
export class Progress {
  private readonly counts = new Map<string, number>();
  private done = 0;
  private readonly c: Colors;
  total?: number;

  constructor(private readonly opts: ProgressOptions = {}) {
    this.c = colors(!!opts.color);
    this.total = opts.total;
  }

  line(r: CheckResult): string {
    this.done++;
    this.counts.set(r.outcome, (this.counts.get(r.outcome) ?? 0) + 1);
    const c = this.c;
    const width = String(this.total ?? this.done).length;
    const n = this.total
      ? `${String(this.done).padStart(width)}/${this.total}`
      : String(this.done).padStart(3);
    const word = outcomeColor(c, r.outcome)((SHORT[r.outcome] ?? r.outcome).padEnd(7));
    const tally = [...COUNT_ORDER, ...[...this.counts.keys()].filter((k) => !COUNT_ORDER.includes(k))]
      .filter((k) => (this.counts.get(k) ?? 0) > 0)
      .map((k) => `${this.counts.get(k)} ${(SHORT[k] ?? k).toLowerCase()}`)
      .join(', ');
    const msg = r.outcome === 'PASS' ? '' : `  ${clip(r.message)}`;
    const lines = [`  ${c.dim(n)} ${word} ${r.id}${msg}  ${c.dim(`[${tally}]`)}`];
    if (r.outcome !== 'PASS' && r.outcome !== 'NOT_APPLICABLE' && r.outcome !== 'KNOWN') {
      const ev = evidenceDir(r, this.opts.reportDir);
      if (ev) lines.push(`  ${' '.repeat(n.length)} ${c.dim(`evidence: ${ev}`)}`);
    }
    return lines.join('\n');
  }
}

function clip(s: string): string {
  const one = String(s ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return one.length > MAX_MESSAGE ? `${one.slice(0, MAX_MESSAGE - 1)}…` : one;
}
