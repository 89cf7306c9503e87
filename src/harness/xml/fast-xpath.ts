/**
 * xml-crypto evaluates a few fixed XPath expressions for every signature it verifies or computes (the
 * Reference's ID lookup once per ID attribute name, SignedInfo for its in-scope namespaces, KeyInfo,
 * SignatureValue…) with its bundled xpath, which parses each expression again and walks the whole
 * document with a generic evaluator: most of the CPU time of a run. withFastXPath answers exactly those
 * expression shapes with direct DOM walks that follow xpath 0.0.33's own rules, and hands every other
 * expression, context or result shape to xpath itself:
 * - `//…` from a Document is every element in document order; `.//*` every descendant element;
 * - the attribute axis `@*` includes namespace declarations (xmldom lists them as attributes);
 * - local-name() is localName || baseName || target || nodeName; an attribute's string value is
 *   value || nodeValue; `@ID` (no prefix) matches an attribute named ID in no namespace;
 * - `text()` selects text and CDATA children.
 * The replacement is installed on xml-crypto's own xpath module only for the duration of one synchronous
 * call, and restored afterwards (also when the call throws). test/unit/xml-fast-xpath.test.ts compares
 * every shape with xpath on hostile documents.
 */
import { createRequire } from 'node:module';

/** The DOM surface both xmldom versions (0.8 inside xml-crypto, 0.9 here) share. */
interface DomNode {
  nodeType: number;
  firstChild: DomNode | null;
  nextSibling: DomNode | null;
  parentNode: DomNode | null;
  localName?: string | null;
  baseName?: string;
  target?: string;
  nodeName: string;
  namespaceURI?: string | null;
  value?: string;
  nodeValue?: string | null;
  attributes?: { length: number; item(i: number): DomNode | null } | null;
}

type SelectWithResolver = (e: string, doc: unknown, resolver: unknown, single?: boolean) => unknown;
interface XPathModule {
  selectWithResolver: SelectWithResolver;
}

const ELEMENT = 1;
const ATTRIBUTE = 2;
const TEXT = 3;
const CDATA = 4;
const COMMENT = 8;
const DOCUMENT = 9;

/** xml-crypto's own xpath (its nested copy), the module object whose functions it calls. */
const xmlCryptoXPath = createRequire(require.resolve('xml-crypto'))('xpath') as XPathModule;

function localNameOf(n: DomNode): string {
  return n.localName || n.baseName || n.target || n.nodeName || '';
}

/** Descendant elements of `root` (not root itself) in document order, stopping early when `each` returns true. */
function eachDescendantElement(root: DomNode, each: (e: DomNode) => boolean | undefined): void {
  let n = root.firstChild;
  while (n) {
    if (n.nodeType === ELEMENT && each(n) === true) return;
    if (n.firstChild) {
      n = n.firstChild;
      continue;
    }
    while (n && n !== root && !n.nextSibling) n = n.parentNode;
    if (!n || n === root) return;
    n = n.nextSibling;
  }
}

function attributesOf(e: DomNode): DomNode[] {
  const out: DomNode[] = [];
  const nnm = e.attributes;
  if (nnm) for (let k = 0; k < nnm.length; k++) out.push(nnm.item(k) as DomNode);
  return out;
}

function attrValue(a: DomNode): string | null | undefined {
  return a.value || a.nodeValue;
}

type Matcher = (context: DomNode) => DomNode[] | undefined;

/** Elements below the context (all of them when `first` is false) that satisfy `test`. */
function elements(context: DomNode, test: (e: DomNode) => boolean, first: boolean): DomNode[] {
  const out: DomNode[] = [];
  eachDescendantElement(context, (e) => {
    if (!test(e)) return false;
    out.push(e);
    return first;
  });
  return out;
}

/** One compiled fast path per expression text (the texts repeat: the map stays small). */
function compile(expr: string): Matcher | null {
  let m: RegExpExecArray | null;
  // //*[@*[local-name(.)='Id']='VALUE'] (xml-crypto's Reference lookup, from the document)
  if ((m = /^\/\/\*\[@\*\[local-name\(\.\)='([^']*)'\]='([^']*)'\]$/.exec(expr))) {
    const [, name, value] = m as unknown as [string, string, string];
    return (ctx) =>
      ctx.nodeType !== DOCUMENT
        ? undefined
        : elements(
            ctx,
            (e) => attributesOf(e).some((a) => localNameOf(a) === name && attrValue(a) === value),
            false,
          );
  }
  // //*[@ID='V' or @Id='V' or @id='V'] (this layer's signing reference, from the document)
  if ((m = /^\/\/\*\[@ID='([^']*)' or @Id='\1' or @id='\1'\]$/.exec(expr))) {
    const value = m[1] as string;
    const names = new Set(['ID', 'Id', 'id']);
    return (ctx) =>
      ctx.nodeType !== DOCUMENT
        ? undefined
        : elements(
            ctx,
            (e) =>
              attributesOf(e).some(
                (a) =>
                  names.has(a.localName || a.nodeName) && !(a.namespaceURI || '') && attrValue(a) === value,
              ),
            false,
          );
  }
  // //* and //*[local-name()='X'] (from the document), .//*[local-name(.)='X'] with /@A or /text()
  if (expr === '//*')
    return (ctx) => (ctx.nodeType !== DOCUMENT ? undefined : elements(ctx, () => true, false));
  if ((m = /^\/\/\*\[local-name\(\)='([A-Za-z0-9]+)'\]$/.exec(expr))) {
    const name = m[1] as string;
    return (ctx) =>
      ctx.nodeType !== DOCUMENT ? undefined : elements(ctx, (e) => localNameOf(e) === name, false);
  }
  const SIG = `local-name(.)='Signature' and namespace-uri(.)='http://www.w3.org/2000/09/xmldsig#'`;
  if (expr === `.//*[${SIG}]` || expr === `//*[${SIG}]`) {
    const fromDoc = expr.startsWith('//');
    return (ctx) =>
      fromDoc && ctx.nodeType !== DOCUMENT
        ? undefined
        : elements(
            ctx,
            (e) => localNameOf(e) === 'Signature' && e.namespaceURI === 'http://www.w3.org/2000/09/xmldsig#',
            false,
          );
  }
  if ((m = /^\.\/\/\*\[local-name\(\.\)='([A-Za-z0-9]+)'\](?:\/@([A-Za-z]+)|\/(text\(\)))?$/.exec(expr))) {
    const [, name, attrName, text] = m;
    return (ctx) => {
      const els = elements(ctx, (e) => localNameOf(e) === name, false);
      if (attrName) {
        return els.flatMap((e) =>
          attributesOf(e).filter((a) => (a.localName || a.nodeName) === attrName && !(a.namespaceURI || '')),
        );
      }
      if (text) {
        const out: DomNode[] = [];
        for (const e of els)
          for (let c = e.firstChild; c; c = c.nextSibling)
            if (c.nodeType === TEXT || c.nodeType === CDATA) out.push(c);
        return out;
      }
      return els;
    };
  }
  // .//comment() (comments dropped before a same-document Reference is canonicalized)
  if (expr === './/comment()') {
    return (ctx) => {
      const out: DomNode[] = [];
      let n = ctx.firstChild;
      while (n) {
        if (n.nodeType === COMMENT) out.push(n);
        if (n.firstChild) {
          n = n.firstChild;
          continue;
        }
        while (n && n !== ctx && !n.nextSibling) n = n.parentNode;
        if (!n || n === ctx) break;
        n = n.nextSibling;
      }
      return out;
    };
  }
  // /*/*[local-name()='X'] (from the document: children of the root element)
  if ((m = /^\/\*\/\*\[local-name\(\)='([A-Za-z0-9]+)'\]$/.exec(expr))) {
    const name = m[1] as string;
    return (ctx) => {
      if (ctx.nodeType !== DOCUMENT) return undefined;
      const out: DomNode[] = [];
      for (let r = ctx.firstChild; r; r = r.nextSibling) {
        if (r.nodeType !== ELEMENT) continue;
        for (let c = r.firstChild; c; c = c.nextSibling)
          if (c.nodeType === ELEMENT && localNameOf(c) === name) out.push(c);
      }
      return out;
    };
  }
  // ./*[local-name(.)='X'] (children)
  if ((m = /^\.\/\*\[local-name\(\.\)='([A-Za-z0-9]+)'\]$/.exec(expr))) {
    const name = m[1] as string;
    return (ctx) => {
      const out: DomNode[] = [];
      for (let c = ctx.firstChild; c; c = c.nextSibling)
        if (c.nodeType === ELEMENT && localNameOf(c) === name) out.push(c);
      return out;
    };
  }
  return null;
}

const compiled = new Map<string, Matcher | null>();

function matcherFor(expr: string): Matcher | null {
  let f = compiled.get(expr);
  if (f === undefined) {
    f = compile(expr);
    if (compiled.size < 1000) compiled.set(expr, f);
  }
  return f;
}

/** The fast answer for `expr` from `context`, or undefined when xpath must answer. */
export function fastSelect(expr: string, context: unknown): DomNode[] | undefined {
  if (typeof expr !== 'string' || !context || typeof context !== 'object') return undefined;
  const ctx = context as DomNode;
  if (typeof ctx.nodeType !== 'number' || ctx.nodeType === ATTRIBUTE) return undefined;
  const f = matcherFor(expr);
  return f ? f(ctx) : undefined;
}

/** Runs `fn` with xml-crypto's XPath answered by fastSelect where it can. */
export function withFastXPath<T>(fn: () => T): T {
  const mod = xmlCryptoXPath;
  const original = mod.selectWithResolver;
  mod.selectWithResolver = (e, doc, resolver, single) => {
    const r = fastSelect(e, doc);
    if (r === undefined) return original(e, doc, resolver, single);
    return single ? r[0] : r;
  };
  try {
    return fn();
  } finally {
    mod.selectWithResolver = original;
  }
}

/** xpath itself, for tests that compare the two. */
export function slowSelect(expr: string, context: unknown): unknown {
  return xmlCryptoXPath.selectWithResolver(expr, context, null, false);
}
