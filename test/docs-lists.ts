/**
 * The check lists in the profile documents, generated from `idp-conformance list --json` (the checks'
 * cites): the "Checked by" line of each requirement in docs/profiles/device-token.md §4 and the check
 * column of the saml2int coverage table in docs/profiles/saml-web-sso.md. Only the check IDs are
 * generated; the hand-written parts stay: the requirement text, the note after a check ID (`(needs
 * spAdmin)`), the text after the list (`. Rule: …`, kept as `Checked by no check. Rule: …` when no check
 * cites the requirement any more) and the reasons where no check covers a requirement.
 * `npm run docs` rewrites them (test/write-docs.ts); test/unit/docs.test.ts fails when one is stale.
 */
import type { ListedCheck } from './docs-counts';

export const DEVICE_TOKEN_MD = 'docs/profiles/device-token.md';
export const SAML_WEB_SSO_MD = 'docs/profiles/saml-web-sso.md';

/** The IDs of the checks citing a requirement, sorted. */
export function citing(requirement: string, checks: readonly ListedCheck[]): string[] {
  return checks
    .filter((c) => c.requirements.includes(requirement))
    .map((c) => c.id)
    .sort();
}

/**
 * The checks covering a row of the saml2int coverage table: those citing the requirement or one of its
 * sub-entries (`<id>-…`, a part of its sentence the catalogue lists on its own, e.g. SDP-IDP16-error-status,
 * the SHOULD of SDP-IDP16), sorted.
 */
export function covering(
  requirement: string,
  checks: readonly Pick<ListedCheck, 'id' | 'requirements'>[],
): string[] {
  return checks
    .filter((c) => c.requirements.some((r) => r === requirement || r.startsWith(`${requirement}-`)))
    .map((c) => c.id)
    .sort();
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/** The list of a requirement no check cites any more, where its line keeps a hand-written tail. */
const NO_CHECK = 'no check';

interface CheckedBy {
  entries: { id: string; note: string }[];
  /** What follows the list: `.`, `. Rule: [Replay](#replay).` */
  tail: string;
}

/** `` `a` (note), `b` and `c`. tail `` → entries and tail (a note is a balanced parenthesis after an ID). */
export function parseCheckedBy(list: string): CheckedBy {
  const entries: CheckedBy['entries'] = [];
  if (list.startsWith(NO_CHECK)) return { entries, tail: list.slice(NO_CHECK.length) };
  let rest = list;
  for (;;) {
    const id = /^`([^`]+)`/.exec(rest);
    if (!id) break;
    rest = rest.slice(id[0].length);
    let note = '';
    if (rest.startsWith(' (')) {
      let depth = 0;
      let i = 1;
      for (; i < rest.length; i++) {
        if (rest[i] === '(') depth++;
        else if (rest[i] === ')' && --depth === 0) break;
      }
      note = rest.slice(0, i + 1);
      rest = rest.slice(i + 1);
    }
    entries.push({ id: id[1]!, note });
    const sep = /^(?:,? and |, )(?=`)/.exec(rest);
    if (!sep) break;
    rest = rest.slice(sep[0].length);
  }
  return { entries, tail: rest };
}

/** A tail someone wrote (`. Rule: …`), not just the closing full stop. */
const handWritten = (tail: string | undefined) => !!tail && tail.trim() !== '' && tail.trim() !== '.';

/**
 * One requirement's "Checked by" paragraph for these checks, keeping the notes and tail it had; without
 * a check, `Checked by no check` and the tail where one was written (undefined where none was).
 */
function checkedByLine(ids: readonly string[], old: CheckedBy | undefined): string | undefined {
  const tail = old?.tail && old.tail.trim() !== '' ? old.tail : '.';
  if (ids.length === 0) return handWritten(old?.tail) ? `Checked by ${NO_CHECK}${tail}` : undefined;
  const kept = (old?.entries ?? []).filter((e) => ids.includes(e.id));
  const added = ids.filter((id) => !kept.some((e) => e.id === id)).map((id) => ({ id, note: '' }));
  return `Checked by ${[...kept, ...added].map((e) => `\`${e.id}\`${e.note}`).join(', ')}${tail}`;
}

/** device-token.md with every §4 requirement's "Checked by" line naming exactly the checks citing it. */
export function withCheckedBy(doc: string, checks: readonly ListedCheck[]): string {
  const start = doc.indexOf('## 4. Requirements');
  const end = doc.indexOf('## 5. ');
  if (start < 0 || end < 0) throw new Error(`${DEVICE_TOKEN_MD}: no "## 4. Requirements" … "## 5." section`);
  const blocks = doc.slice(start, end).split(/^(?=#### )/m);
  const next = blocks.map((block, i) => {
    if (i === 0) return block;
    const id = block.slice('#### '.length, block.indexOf('\n')).trim();
    // The requirement's body ends at a subsection heading, a rule or the block's trailing blank lines.
    const sub = block.search(/\n(?:### |---)/);
    const bodyEnd = sub < 0 ? block.length : sub;
    const body = block.slice(0, bodyEnd).replace(/\s+$/, '');
    const after = block.slice(body.length);
    const at = body.indexOf('\nChecked by ');
    const old = at < 0 ? undefined : parseCheckedBy(body.slice(at + '\nChecked by '.length));
    const ids = citing(id, checks);
    if (
      old &&
      sameSet(
        old.entries.map((e) => e.id),
        ids,
      )
    )
      return block;
    const text = at < 0 ? body : body.slice(0, at);
    const line = checkedByLine(ids, old);
    return (line === undefined ? text : `${text}\n${line}`) + after;
  });
  return doc.slice(0, start) + next.join('') + doc.slice(end);
}

/**
 * saml-web-sso.md with the check column of every `| SDP-… |` row naming exactly the checks citing it or
 * one of its sub-entries (covering).
 */
export function withCoverageTable(doc: string, checks: readonly ListedCheck[]): string {
  return doc
    .split('\n')
    .map((line) => {
      if (!/^\| SDP-/.test(line)) return line;
      const cells = line.split('|');
      const id = cells[1]!.trim();
      const listed = cells[3]!.match(/`[^`]+`/g)?.map((c) => c.slice(1, -1)) ?? [];
      const ids = covering(id, checks);
      if (sameSet(listed, ids)) return line;
      cells[3] = ` ${ids.length > 0 ? ids.map((c) => `\`${c}\``).join(', ') : '—'} `;
      return cells.join('|');
    })
    .join('\n');
}

/** The generated lists for a doc file (identity for any other file). */
export function withCheckLists(rel: string, text: string, checks: readonly ListedCheck[]): string {
  if (rel === DEVICE_TOKEN_MD) return withCheckedBy(text, checks);
  if (rel === SAML_WEB_SSO_MD) return withCoverageTable(text, checks);
  return text;
}
