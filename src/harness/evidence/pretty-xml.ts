/**
 * Indents XML for reading. Evidence may not import the XML libraries (and must show hostile or broken
 * XML too), so this is a tolerant tokenizer: it only re-indents whitespace between tags, never touches
 * text inside a text-only element, and returns the input unchanged when it cannot follow it.
 */

const MAX_PRETTY_CHARS = 4 * 1024 * 1024;

type Tok = { t: 'open' | 'close' | 'leaf' | 'text'; raw: string };

export function prettyXml(xml: string, indent = '  '): string {
  if (!xml || xml.length > MAX_PRETTY_CHARS || !xml.includes('<')) return xml;
  const toks = tokenize(xml);
  if (!toks) return xml;
  const out: string[] = [];
  let depth = 0;
  const pad = () => indent.repeat(Math.max(0, depth));
  for (let i = 0; i < toks.length; i++) {
    const k = toks[i]!; // i < toks.length
    if (k.t === 'open') {
      const a = toks[i + 1];
      const b = toks[i + 2];
      if (a?.t === 'close') {
        out.push(pad() + k.raw + a.raw);
        i += 1;
      } else if (a?.t === 'text' && b?.t === 'close') {
        out.push(pad() + k.raw + a.raw + b.raw);
        i += 2;
      } else {
        out.push(pad() + k.raw);
        depth++;
      }
    } else if (k.t === 'close') {
      depth--;
      out.push(pad() + k.raw);
    } else if (k.t === 'leaf') {
      out.push(pad() + k.raw);
    } else if (k.raw.trim() !== '') {
      out.push(pad() + k.raw.trim());
    }
  }
  return out.join('\n');
}

function tokenize(s: string): Tok[] | undefined {
  const toks: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    if (lt < 0) {
      toks.push({ t: 'text', raw: s.slice(i) });
      break;
    }
    if (lt > i) toks.push({ t: 'text', raw: s.slice(i, lt) });
    let end: number;
    if (s.startsWith('<!--', lt)) end = endOf(s, '-->', lt + 4);
    else if (s.startsWith('<![CDATA[', lt)) end = endOf(s, ']]>', lt + 9);
    else if (s.startsWith('<?', lt)) end = endOf(s, '?>', lt + 2);
    else if (s.startsWith('<!', lt)) end = declEnd(s, lt + 2);
    else end = tagEnd(s, lt + 1);
    if (end < 0) return undefined;
    const raw = s.slice(lt, end);
    if (raw.startsWith('<![CDATA[')) toks.push({ t: 'text', raw });
    else if (raw.startsWith('<!') || raw.startsWith('<?') || raw.endsWith('/>'))
      toks.push({ t: 'leaf', raw });
    else if (raw.startsWith('</')) toks.push({ t: 'close', raw });
    else toks.push({ t: 'open', raw });
    i = end;
  }
  return toks;
}

function endOf(s: string, marker: string, from: number): number {
  const j = s.indexOf(marker, from);
  return j < 0 ? -1 : j + marker.length;
}

/** End of a tag, skipping `>` inside quoted attribute values. */
function tagEnd(s: string, from: number): number {
  let quote = '';
  for (let j = from; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j + 1;
    else if (c === '<') return -1;
  }
  return -1;
}

/** End of `<!DOCTYPE …>` including an internal subset `[ … ]`. */
function declEnd(s: string, from: number): number {
  let bracket = 0;
  let quote = '';
  for (let j = from; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') bracket++;
    else if (c === ']') bracket--;
    else if (c === '>' && bracket <= 0) return j + 1;
  }
  return -1;
}
