/**
 * The one strict XML parser of the harness (@xmldom/xmldom 0.9), namespace-aware XPath and
 * serialization. Everything the harness reads from an IdP goes through parseXml.
 */
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import * as xpath from 'xpath';
import { LIMITS, NS, XmlRejected, type XmlDocument, type XmlElement, type XmlNode } from './constants';

const ELEMENT = 1;
const ATTRIBUTE = 2;
const TEXT = 3;
const CDATA = 4;
const ENTITY_REFERENCE = 5;
const PI = 7;
const COMMENT = 8;
const DOCUMENT = 9;

// Characters outside the XML 1.0 Char production (also reachable through character references).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BAD_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const XML_DECL = /^<\?xml(\s[^?]*)?\?>/;
const DTD_MARKUP = /<!(DOCTYPE|ENTITY|ATTLIST|ELEMENT|NOTATION)/i;

/**
 * Strict parse: any parser warning or error rejects; DOCTYPE (anywhere in the text, even inside a
 * comment), processing instructions other than the XML declaration, more than one root, an empty
 * document, a declared encoding other than UTF-8, characters outside XML Char and nesting deeper
 * than LIMITS.maxDepth are rejected. Size is bounded before parsing.
 */
export function parseXml(text: string): XmlDocument {
  if (typeof text !== 'string') throw new XmlRejected('XML_PARSE', 'input is not a string');
  if (text.length > LIMITS.maxDecodedBytes || Buffer.byteLength(text, 'utf8') > LIMITS.maxDecodedBytes) {
    throw new XmlRejected('XML_TOO_LARGE', `XML text exceeds ${LIMITS.maxDecodedBytes} bytes`);
  }
  if (text.charCodeAt(0) === 0xfeff)
    throw new XmlRejected('XML_ENCODING', 'byte order mark inside decoded text');
  if (text.trim() === '') throw new XmlRejected('XML_EMPTY', 'empty document');
  const decl = XML_DECL.exec(text);
  if (decl) {
    const enc = /\sencoding\s*=\s*(["'])([^"']*)\1/.exec(decl[1] ?? '');
    if (enc && (enc[2] ?? '').toLowerCase() !== 'utf-8') {
      throw new XmlRejected('XML_ENCODING', `declared encoding "${enc[2]}" is not UTF-8`);
    }
  }
  const dtd = DTD_MARKUP.exec(text);
  if (dtd) throw new XmlRejected('XML_DOCTYPE', `DTD markup <!${dtd[1]} is not allowed`);
  if (BAD_CHARS.test(text) || LONE_SURROGATE.test(text)) {
    throw new XmlRejected('XML_PARSE', 'character outside the XML Char production');
  }
  let doc: XmlDocument;
  try {
    const parser = new DOMParser({
      locator: false,
      normalizeLineEndings: sameLineEndingsAsXmlCrypto,
      onError: (level, msg) => {
        throw new Error(`${level}: ${msg}`);
      },
    });
    doc = parser.parseFromString(text, 'text/xml');
  } catch (e) {
    const msg = String((e as Error).message ?? e).split('\n')[0] ?? '';
    if (/HierarchyRequestError|Only one element/.test(msg)) {
      throw new XmlRejected('XML_MULTIPLE_ROOTS', 'more than one root element');
    }
    if (/missing root element/.test(msg)) throw new XmlRejected('XML_EMPTY', 'no root element');
    throw new XmlRejected('XML_PARSE', msg.replace(/^Reporting \w+ "(.*)" caused .*$/, '$1'));
  }
  if (doc.doctype) throw new XmlRejected('XML_DOCTYPE', 'DOCTYPE is not allowed');
  let roots = 0;
  const top = doc.childNodes;
  for (let i = 0; i < top.length; i++) {
    const n = top[i] as XmlNode;
    if (n.nodeType === ELEMENT) roots++;
    else if (n.nodeType === PI && !(i === 0 && n.nodeName === 'xml')) {
      throw new XmlRejected('XML_PI', `processing instruction <?${n.nodeName}?> is not allowed`);
    } else if (n.nodeType === TEXT && (n.nodeValue ?? '').trim() !== '') {
      throw new XmlRejected('XML_PARSE', 'text outside the root element');
    }
  }
  if (roots === 0) throw new XmlRejected('XML_EMPTY', 'no root element');
  if (roots > 1) throw new XmlRejected('XML_MULTIPLE_ROOTS', 'more than one root element');
  walk(doc.documentElement as XmlNode, (n, depth) => {
    if (depth > LIMITS.maxDepth) {
      throw new XmlRejected('XML_TOO_LARGE', `elements nested deeper than ${LIMITS.maxDepth}`);
    }
    switch (n.nodeType) {
      case PI:
        throw new XmlRejected('XML_PI', `processing instruction <?${n.nodeName}?> is not allowed`);
      case ENTITY_REFERENCE:
        throw new XmlRejected('XML_DOCTYPE', 'entity reference is not allowed');
      case TEXT:
      case CDATA:
      case COMMENT:
        if (badChars(n.nodeValue ?? ''))
          throw new XmlRejected('XML_PARSE', 'character reference outside XML Char');
        break;
      case ELEMENT: {
        const attrs = (n as XmlElement).attributes;
        for (let i = 0; i < attrs.length; i++) {
          if (badChars(attrs[i]?.value ?? '')) {
            throw new XmlRejected('XML_PARSE', 'character reference outside XML Char in an attribute');
          }
        }
        break;
      }
    }
  });
  return doc;
}

/**
 * xml-crypto re-parses with its bundled xmldom 0.8, which treats U+2029 as text while 0.9 turns it into
 * a line feed: use 0.8's rule so both parsers build the same text from the same bytes.
 */
function sameLineEndingsAsXmlCrypto(input: string): string {
  return input.replace(/\r[\n\u0085]/g, '\n').replace(/[\r\u0085\u2028]/g, '\n');
}

function badChars(s: string): boolean {
  return BAD_CHARS.test(s) || LONE_SURROGATE.test(s);
}

/**
 * Visits `root` and its descendants in document order without recursion (deep trees cannot overflow
 * the stack). `depth` is 0 for root.
 */
export function walk(root: XmlNode, visit: (n: XmlNode, depth: number) => void): void {
  let n: XmlNode | null = root;
  let depth = 0;
  while (n) {
    visit(n, depth);
    if (n.firstChild) {
      n = n.firstChild;
      depth++;
      continue;
    }
    while (n && n !== root && !n.nextSibling) {
      n = n.parentNode;
      depth--;
    }
    if (!n || n === root) return;
    n = n.nextSibling;
  }
}

/** Elements of the subtree rooted at `root` (root included), in document order. */
export function descendantElements(root: XmlNode, ns?: string, localName?: string): XmlElement[] {
  const out: XmlElement[] = [];
  walk(root, (n) => {
    if (n.nodeType !== ELEMENT) return;
    const e = n as XmlElement;
    if (ns !== undefined && e.namespaceURI !== ns) return;
    if (localName !== undefined && e.localName !== localName) return;
    out.push(e);
  });
  return out;
}

/** Element children of `el`, optionally filtered by exact namespace URI and local name. */
export function childElements(el: XmlElement, ns?: string, localName?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType !== ELEMENT) continue;
    const e = c as XmlElement;
    if (ns !== undefined && e.namespaceURI !== ns) continue;
    if (localName !== undefined && e.localName !== localName) continue;
    out.push(e);
  }
  return out;
}

/** Full textContent (comments never split it, unlike firstChild.data). */
export function textOf(el: XmlElement): string {
  return el.textContent ?? '';
}

const PREFIXES: Record<string, string> = {
  samlp: NS.samlp,
  saml: NS.saml,
  ds: NS.ds,
  md: NS.md,
  dt: NS.dt,
  xs: NS.xs,
  xsi: NS.xsi,
  ec: NS.ec,
  xenc: NS.xenc,
};
const nsSelect = xpath.useNamespaces(PREFIXES);

// xpath's typings use the DOM lib's Node; xmldom's nodes are structurally compatible at runtime.
function asDomNode(node: XmlNode): Node {
  return node as unknown as Node;
}

/**
 * Namespace-aware XPath with the NS prefixes (samlp, saml, ds, md, dt, xs, xsi, ec, xenc). Returns the
 * selected nodes; an expression that yields a string/number/boolean gives [].
 */
export function select(expr: string, node: XmlNode): XmlNode[] {
  const r = nsSelect(expr, asDomNode(node));
  return Array.isArray(r) ? (r as unknown as XmlNode[]) : [];
}

export function selectElements(expr: string, node: XmlNode): XmlElement[] {
  return select(expr, node).filter((n): n is XmlElement => n.nodeType === ELEMENT);
}

export function selectOne(expr: string, node: XmlNode): XmlElement | undefined {
  return selectElements(expr, node)[0];
}

/**
 * Serializes with requireWellFormed (throws for injection-prone content). A Document's XML declaration
 * is written back from its parsed data, because the serializer refuses a PI named "xml".
 */
export function serialize(node: XmlNode): string {
  const ser = new XMLSerializer();
  if (node.nodeType === DOCUMENT) {
    let out = '';
    const kids = node.childNodes;
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i] as XmlNode;
      if (k.nodeType === PI && k.nodeName === 'xml') out += `<?xml ${k.nodeValue ?? ''}?>`;
      else out += ser.serializeToString(k, { requireWellFormed: true });
    }
    return out;
  }
  return ser.serializeToString(node, { requireWellFormed: true });
}

export const NODE_TYPES = { ELEMENT, ATTRIBUTE, TEXT, CDATA, PI, COMMENT, DOCUMENT } as const;
