/**
 * Finding collection and small helpers shared by the verifier stages.
 */
import { NODE_TYPES, type XmlElement, type XmlNode } from '../../xml';
import type { FindingCode } from '../../findings';

/** A code of the registry (src/harness/findings.ts, with its meaning): tsc refuses any other. */
export type { FindingCode };

export interface Finding {
  code: FindingCode;
  severity: 'reject' | 'flag';
  message: string;
  where?: string;
  expected?: string;
  actual?: string;
}

export interface FindingDetail {
  where?: string;
  expected?: string;
  actual?: string;
}

export class Findings {
  readonly list: Finding[] = [];

  reject(code: FindingCode, message: string, detail: FindingDetail = {}): void {
    this.add({ code, severity: 'reject', message, ...clean(detail) });
  }

  flag(code: FindingCode, message: string, detail: FindingDetail = {}): void {
    this.add({ code, severity: 'flag', message, ...clean(detail) });
  }

  get rejected(): boolean {
    return this.list.some((f) => f.severity === 'reject');
  }

  private add(f: Finding): void {
    const dup = this.list.some(
      (x) => x.code === f.code && x.severity === f.severity && x.message === f.message && x.where === f.where,
    );
    if (!dup) this.list.push(f);
  }
}

function clean(d: FindingDetail): FindingDetail {
  const out: FindingDetail = {};
  if (d.where !== undefined) out.where = d.where;
  if (d.expected !== undefined) out.expected = d.expected;
  if (d.actual !== undefined) out.actual = clip(d.actual);
  return out;
}

/** Attacker-controlled text in findings is bounded. */
export function clip(s: string, max = 200): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** The attribute's value, or undefined when the attribute is absent (xmldom returns null or ''). */
export function attr(el: XmlElement | undefined, name: string): string | undefined {
  if (!el || !el.hasAttribute(name)) return undefined;
  return el.getAttribute(name) ?? undefined;
}

/** A readable path of qualified names, e.g. /samlp:Response/saml:Assertion/ds:Signature. */
export function pathOf(node: XmlNode): string {
  const parts: string[] = [];
  for (let n: XmlNode | null = node; n && n.nodeType === NODE_TYPES.ELEMENT; n = n.parentNode) {
    parts.unshift(n.nodeName);
    if (parts.length > 12) {
      parts.unshift('…');
      break;
    }
  }
  return `/${parts.join('/')}`;
}

const NCNAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;

/** xs:ID values are NCNames (ASCII subset: what every SAML IdP emits). */
export function isNcName(s: string): boolean {
  return NCNAME.test(s);
}

const UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;

/** xs:dateTime in UTC with a literal Z ([CORE] §1.3.3); undefined when not such a value or not a real date. */
export function parseUtc(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const m = UTC.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3));
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return undefined;
  const t = Date.UTC(y, mo - 1, d, h, mi, se, ms);
  const back = new Date(t);
  // Date.UTC rolls 30 February over into March: refuse dates that do not exist.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return undefined;
  return t;
}

/** Rough entropy of an ID: hex digits carry 4 bits, other alphanumerics about 6. */
export function idBits(id: string): number {
  const body = id.replace(/[^A-Za-z0-9]/g, '');
  return /^[0-9a-fA-F]+$/.test(body) ? body.length * 4 : Math.floor(body.length * 5.95);
}
