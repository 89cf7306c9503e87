/**
 * xml-crypto finds a Reference's element with `//*[@*[local-name(.)='NAME']='VALUE']`, once for each of
 * Id, ID and id, and its xpath answers each by running its general evaluator over every attribute of
 * the document: about half of this IdP's time per signed request. During one xml-crypto call that one
 * expression is answered here by the same search done directly (every element in document order that
 * has an attribute, namespace declarations included, with that local name and value); every other
 * expression still goes to xpath. test/reference-idp/id-lookup.test.ts compares both.
 */
import { createRequire } from 'node:module';

interface XPathModule {
  selectWithResolver(expr: string, node: unknown, resolver: unknown, single?: boolean): unknown;
}

interface DomLike {
  nodeType: number;
  firstChild: DomLike | null;
  nextSibling: DomLike | null;
  localName?: string | null;
  nodeName: string;
  value?: string;
  nodeValue?: string | null;
  attributes?: { length: number; item(i: number): DomLike | null } | null;
}

/** xml-crypto's own xpath (its dependency), the module object it calls select through. */
const xpath = createRequire(require.resolve('xml-crypto'))('xpath') as XPathModule;
const LOOKUP = /^\/\/\*\[@\*\[local-name\(\.\)='([^']*)'\]='([^']*)'\]$/;
const ELEMENT = 1;
const DOCUMENT = 9;

function hasAttribute(el: DomLike, name: string, value: string): boolean {
  const attrs = el.attributes;
  for (let i = 0; attrs && i < attrs.length; i++) {
    const a = attrs.item(i);
    if (a && (a.localName || a.nodeName) === name && (a.value || a.nodeValue || '') === value) return true;
  }
  return false;
}

/** The elements below `doc` (document order) carrying attribute `name` = `value`. */
export function elementsWithAttribute(doc: DomLike, name: string, value: string): DomLike[] {
  const found: DomLike[] = [];
  const stack: DomLike[] = [];
  for (let c = doc.firstChild; c; c = c.nextSibling) stack.push(c);
  stack.reverse();
  while (stack.length) {
    const n = stack.pop() as DomLike;
    if (n.nodeType !== ELEMENT) continue;
    if (hasAttribute(n, name, value)) found.push(n);
    const kids: DomLike[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) kids.push(c);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as DomLike);
  }
  return found;
}

/** Runs `fn` (one synchronous xml-crypto call) with the Reference lookup answered directly. */
export function withIdLookup<T>(fn: () => T): T {
  const general = xpath.selectWithResolver;
  xpath.selectWithResolver = (expr, node, resolver, single) => {
    const m = typeof expr === 'string' ? LOOKUP.exec(expr) : null;
    const doc = node as DomLike | null;
    if (!m || !doc || doc.nodeType !== DOCUMENT) return general(expr, node, resolver, single);
    const found = elementsWithAttribute(doc, m[1] as string, m[2] as string);
    return single ? found[0] : found;
  };
  try {
    return fn();
  } finally {
    xpath.selectWithResolver = general;
  }
}
