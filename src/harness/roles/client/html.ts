import { parse } from 'parse5';

/** What the client role sees in an HTML page: forms, scripts. Parsed by a real HTML parser, never executed. */
export interface HtmlForm {
  /** As written in the page (HTML entities decoded); resolve against the page URL before use. */
  action: string | undefined;
  method: string;
  inputs: { name: string; type: string; value: string }[];
  hasPassword: boolean;
}

export interface HtmlPage {
  forms: HtmlForm[];
  scripts: number;
  /** Elements a person could interact with outside forms: links with href, buttons, iframes. */
  interactive: number;
}

interface P5Node {
  nodeName: string;
  tagName?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: P5Node[];
  content?: P5Node;
}

function attr(n: P5Node, name: string): string | undefined {
  return n.attrs?.find((a) => a.name === name)?.value;
}

function walk(n: P5Node, visit: (n: P5Node) => void): void {
  // Iterative: a hostile page may nest deeply.
  const stack: P5Node[] = [n];
  while (stack.length > 0) {
    const cur = stack.pop()!;
    visit(cur);
    const kids = cur.content?.childNodes ?? cur.childNodes ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!); // 0 <= i < kids.length
  }
}

export function parseHtml(html: string): HtmlPage {
  const doc = parse(html) as unknown as P5Node;
  const page: HtmlPage = { forms: [], scripts: 0, interactive: 0 };
  walk(doc, (n) => {
    if (n.tagName === 'script') page.scripts++;
    if (n.tagName === 'iframe' || n.tagName === 'button' || (n.tagName === 'a' && attr(n, 'href'))) {
      page.interactive++;
    }
    if (n.tagName !== 'form') return;
    const form: HtmlForm = {
      action: attr(n, 'action'),
      method: (attr(n, 'method') ?? 'get').toLowerCase(),
      inputs: [],
      hasPassword: false,
    };
    walk(n, (c) => {
      if (c.tagName !== 'input' && c.tagName !== 'textarea' && c.tagName !== 'select') return;
      const type = (attr(c, 'type') ?? 'text').toLowerCase();
      if (type === 'password') form.hasPassword = true;
      const name = attr(c, 'name');
      if (name !== undefined && type !== 'submit' && type !== 'button') {
        form.inputs.push({ name, type, value: attr(c, 'value') ?? '' });
      }
    });
    page.forms.push(form);
  });
  return page;
}

export function formValue(form: HtmlForm, name: string): string | undefined {
  return form.inputs.find((i) => i.name === name)?.value;
}

/**
 * What a person reads on a page, on one line and clipped (title, scripts and styles left out): the
 * words a diagnosis quotes ("Wrong username or password", "Unknown service provider").
 */
export function visibleText(html: string, max = 160): string {
  const doc = parse(html) as unknown as P5Node & { value?: string };
  const parts: string[] = [];
  const skip = new Set(['script', 'style', 'title', 'template', 'noscript']);
  const stack: (P5Node & { value?: string })[] = [doc];
  while (stack.length > 0) {
    const cur = stack.pop()!;
    if (cur.tagName && skip.has(cur.tagName)) continue;
    if (cur.nodeName === '#text' && cur.value) parts.push(cur.value);
    if (cur.tagName === 'input' && attr(cur, 'type') === 'submit' && attr(cur, 'value'))
      parts.push(` ${attr(cur, 'value')} `);
    const kids = cur.childNodes ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!); // 0 <= i < kids.length
  }
  const text = parts.join(' ').replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The page's <title>, if any. */
export function pageTitle(html: string): string | undefined {
  const doc = parse(html) as unknown as P5Node & { value?: string };
  let title: string | undefined;
  walk(doc, (n) => {
    if (title === undefined && n.tagName === 'title')
      title = (n.childNodes ?? [])
        .map((c) => (c as { value?: string }).value ?? '')
        .join('')
        .replace(/\s+/g, ' ')
        .trim();
  });
  return title || undefined;
}
