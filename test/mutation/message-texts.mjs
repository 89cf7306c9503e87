// A Stryker ignorer (plugin kind Ignore, name "message-texts"): the wording of the reference IdP's
// human-readable texts is not protocol behaviour. No requirement governs the text of an error page or
// of a StatusMessage ([SAMLCore] §3.2.2.1: "a message which MAY be returned to an operator"), so no
// conformance check can — or should — kill a mutant that only rewords one. Ignored (status Ignored,
// outside the score), with their whole subtree:
//  - a text argument: `new Reject(status, TEXT)`, `new SignatureReject(TEXT, …)`, `errorPage(status, TEXT)`,
//    and the protocol files' own text helpers `fail(TEXT)`, `signatureReject(TEXT)`, `denied(TEXT)`,
//    `err(top, second, TEXT)`;
//  - the value of a `message:`, `malformed:` or `denied:` property, and what is assigned to `x.malformed`;
//  - a text returned by a function named `…Problem` (the description of what is wrong; undefined: nothing).
// The code may never branch on such a text's content or emptiness (the callers test `!== undefined` or
// `'malformed' in r`), or ignoring it would hide behaviour; test/unit/mutation-ignorers.test.ts holds
// the rule to that.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

/** Callee name → the argument positions that are texts. */
export const TEXT_ARGUMENTS = {
  Reject: [1],
  SignatureReject: [0],
  errorPage: [1],
  fail: [0],
  signatureReject: [0],
  denied: [0],
  err: [2],
};
export const TEXT_PROPERTIES = new Set(['message', 'malformed', 'denied']);
const REASON = 'the wording of an error page or StatusMessage (no requirement governs it)';

function calleeName(node) {
  const c = node.callee;
  return c?.type === 'Identifier' ? c.name : undefined;
}

/** The name a function is known by: its own, or the variable it is assigned to. */
function functionName(fn) {
  if (!fn) return undefined;
  if (fn.node.id?.type === 'Identifier') return fn.node.id.name;
  const decl = fn.parentPath?.node;
  return decl?.type === 'VariableDeclarator' && decl.id.type === 'Identifier' ? decl.id.name : undefined;
}

/** Why a node is a text position, or undefined. */
export function textPosition(path) {
  const parent = path.parentPath?.node;
  if (!parent) return undefined;
  if (parent.type === 'ReturnStatement' && path.key === 'argument') {
    const isText = path.node.type === 'StringLiteral' || path.node.type === 'TemplateLiteral';
    return isText && /Problem$/.test(functionName(path.getFunctionParent()) ?? '') ? REASON : undefined;
  }
  if ((parent.type === 'NewExpression' || parent.type === 'CallExpression') && path.listKey === 'arguments') {
    const positions = TEXT_ARGUMENTS[calleeName(parent)];
    return positions?.includes(path.key) ? REASON : undefined;
  }
  if (parent.type === 'ObjectProperty' && path.key === 'value' && !parent.computed) {
    const k = parent.key;
    const name = k.type === 'Identifier' ? k.name : k.type === 'StringLiteral' ? k.value : undefined;
    return TEXT_PROPERTIES.has(name) ? REASON : undefined;
  }
  if (
    parent.type === 'AssignmentExpression' &&
    path.key === 'right' &&
    parent.left.type === 'MemberExpression' &&
    !parent.left.computed &&
    parent.left.property.type === 'Identifier' &&
    TEXT_PROPERTIES.has(parent.left.property.name)
  ) {
    return REASON;
  }
  return undefined;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'message-texts', {
    shouldIgnore(path) {
      return textPosition(path);
    },
  }),
];
