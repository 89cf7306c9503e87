/** The one strict XML parser of the reference IdP, plus small DOM helpers (no XPath on untrusted input). */
import { DOMParser } from '@xmldom/xmldom';
import type { Document, Element, Node } from '@xmldom/xmldom';

export type { Document, Element, Node };

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const PROCESSING_INSTRUCTION_NODE = 7;
const COMMENT_NODE = 8;
const DOCUMENT_TYPE_NODE = 10;

export class XmlRejected extends Error {}

export interface ParseOptions {
  /** Only for the accept-doctype fault: a DOCTYPE is tolerated (xmldom never resolves it). */
  allowDoctype?: boolean;
  /** Only for the pi-truncates-value fault: processing instructions inside the root element pass. */
  allowInnerPi?: boolean;
}

/**
 * Parses untrusted XML: anything xmldom reports (even a warning) stops the parse; DOCTYPE, processing
 * instructions (other than the XML declaration) and more than one root element are refused.
 */
export function parseStrictXml(xml: string, opts: ParseOptions = {}): Document {
  let doc: Document;
  try {
    const parser = new DOMParser({
      onError: (level, msg) => {
        throw new Error(`${level}: ${msg}`);
      },
    });
    doc = parser.parseFromString(xml, 'text/xml');
  } catch {
    throw new XmlRejected('the XML is not well-formed');
  }
  if (doc.doctype && !opts.allowDoctype) throw new XmlRejected('a DOCTYPE is not allowed');
  let roots = 0;
  const top = Array.from(doc.childNodes);
  top.forEach((n, i) => {
    if (n.nodeType === ELEMENT_NODE) roots++;
    else if (n.nodeType === PROCESSING_INSTRUCTION_NODE && !(i === 0 && n.nodeName === 'xml')) {
      throw new XmlRejected('processing instructions are not allowed');
    } else if (n.nodeType === DOCUMENT_TYPE_NODE && !opts.allowDoctype) {
      throw new XmlRejected('a DOCTYPE is not allowed');
    }
  });
  if (roots !== 1 || !doc.documentElement)
    throw new XmlRejected('the document must have exactly one root element');
  for (const n of walk(doc.documentElement)) {
    if (n.nodeType === PROCESSING_INSTRUCTION_NODE && !opts.allowInnerPi)
      throw new XmlRejected('processing instructions are not allowed');
  }
  return doc;
}

/** Every node below `root` (root included) in document order, iteratively: deep nesting cannot overflow the stack. */
export function* walk(root: Node): Generator<Node> {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    yield n;
    const kids = n.childNodes;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as Node);
  }
}

export function isElement(n: Node | null | undefined): n is Element {
  return !!n && n.nodeType === ELEMENT_NODE;
}

export function isNamed(n: Node | null | undefined, ns: string, local: string): n is Element {
  return isElement(n) && n.namespaceURI === ns && n.localName === local;
}

export function childElements(el: Element | Node): Element[] {
  return Array.from(el.childNodes).filter(isElement);
}

export function childrenNamed(el: Element, ns: string, local: string): Element[] {
  return childElements(el).filter((c) => isNamed(c, ns, local));
}

export function descendantsNamed(root: Node, ns: string, local: string): Element[] {
  const out: Element[] = [];
  for (const n of walk(root)) if (isNamed(n, ns, local)) out.push(n);
  return out;
}

export function attr(el: Element, name: string): string | undefined {
  const a = el.getAttributeNode(name);
  return a ? a.value : undefined;
}

/** True when the element has a comment or processing instruction anywhere below it. */
export function hasCommentOrPi(el: Element): boolean {
  for (const n of walk(el)) {
    if (n.nodeType === COMMENT_NODE || n.nodeType === PROCESSING_INSTRUCTION_NODE) return true;
  }
  return false;
}

/** Text content of an element whose children are only text (comments tolerated); undefined if it has element children. */
export function simpleText(el: Element): string | undefined {
  let text = '';
  for (const c of Array.from(el.childNodes)) {
    if (c.nodeType === TEXT_NODE || c.nodeType === CDATA_SECTION_NODE)
      text += (c as unknown as { data: string }).data;
    else if (c.nodeType !== COMMENT_NODE) return undefined;
  }
  return text;
}

/** Whether `el` has a direct child of that node type (the truncating faults look for comments, PIs, elements). */
export function hasChildOfType(el: Element, type: 'comment' | 'pi' | 'element'): boolean {
  const t = type === 'comment' ? COMMENT_NODE : type === 'pi' ? PROCESSING_INSTRUCTION_NODE : ELEMENT_NODE;
  return Array.from(el.childNodes).some((c) => c.nodeType === t);
}

/** The data of the first text child only — used by the truncating faults to mimic a classic bug. */
export function firstTextNode(el: Element): string {
  const first = el.firstChild;
  return first && (first.nodeType === TEXT_NODE || first.nodeType === CDATA_SECTION_NODE)
    ? (first as unknown as { data: string }).data
    : '';
}

/** Non-whitespace text directly inside `el` (not in child elements). */
export function hasOwnText(el: Element): boolean {
  return Array.from(el.childNodes).some(
    (c) =>
      (c.nodeType === TEXT_NODE || c.nodeType === CDATA_SECTION_NODE) &&
      /\S/.test((c as unknown as { data: string }).data),
  );
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"'\r\n\t]/g, (c) => XML_ESCAPES[c] as string);
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#xD;',
  '\n': '&#xA;',
  '\t': '&#x9;',
};

/** xs:NCName (as used by xs:ID), ASCII-leaning but accepting the Unicode name characters. */
export function isNcName(s: string): boolean {
  return /^[\p{L}_][\p{L}\p{N}\p{M}_.\-\u00B7\u203F\u2040]*$/u.test(s);
}
