// A Stryker ignorer (plugin kind Ignore, name "fault-switches"): the reference IdP's named faults are
// hand-written mutants that the kill matrix already proves killed, so Stryker does not mutate them
// again. Ignored (status Ignored, outside the score): a fault switch `faults.has('name')` (also
// `f.has`, `this.faults.has`, `x?.has`, a local helper `has('name')`), any expression whose value is fixed by fault switches alone
// (`!f.has('a') || x` is true without faults; `f.has('a') ? 'x' : undefined` is falsy), a const bound
// to one, and the branch that only a
// fault reaches (`if (f.has('a')) {…}`, `f.has('a') ? … : …`, `f.has('a') && …`).
import { createRequire } from 'node:module';
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

// The fault names, from the build (`npm run mutation` builds first).
const { FAULTS } = createRequire(import.meta.url)('../../dist/src/reference-idp/faults.js');
const FAULT_NAMES = new Set(FAULTS.map((f) => f.name));

const UNKNOWN = undefined;

function isFaultSwitch(node) {
  if (!node || (node.type !== 'CallExpression' && node.type !== 'OptionalCallExpression')) return false;
  const callee = node.callee;
  const arg0 = node.arguments[0];
  // A local helper `has('name')` (e.g. `const has = (n) => faults?.has(n) ?? false`).
  if (callee?.type === 'Identifier' && callee.name === 'has')
    return node.arguments.length === 1 && arg0.type === 'StringLiteral' && FAULT_NAMES.has(arg0.value);
  if (!callee || (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression'))
    return false;
  if (callee.computed || callee.property.type !== 'Identifier' || callee.property.name !== 'has')
    return false;
  const obj = callee.object;
  const named =
    (obj.type === 'Identifier' && (obj.name === 'faults' || obj.name === 'f')) ||
    ((obj.type === 'MemberExpression' || obj.type === 'OptionalMemberExpression') &&
      !obj.computed &&
      obj.property.type === 'Identifier' &&
      obj.property.name === 'faults');
  const arg = node.arguments[0];
  return named && node.arguments.length === 1 && arg.type === 'StringLiteral' && FAULT_NAMES.has(arg.value);
}

/** The value of an expression when no fault is active: true, false, or UNKNOWN. */
function valueWithoutFaults(path, node, depth = 0, bound = false) {
  if (!node || depth > 20) return UNKNOWN;
  switch (node.type) {
    case 'CallExpression':
    case 'OptionalCallExpression':
      return isFaultSwitch(node) ? false : UNKNOWN;
    case 'ParenthesizedExpression':
    case 'TSNonNullExpression':
    case 'TSAsExpression':
      return valueWithoutFaults(path, node.expression, depth + 1);
    case 'UnaryExpression': {
      if (node.operator !== '!') return UNKNOWN;
      const v = valueWithoutFaults(path, node.argument, depth + 1);
      return v === UNKNOWN ? UNKNOWN : !v;
    }
    case 'LogicalExpression': {
      const l = valueWithoutFaults(path, node.left, depth + 1);
      const r = valueWithoutFaults(path, node.right, depth + 1);
      if (node.operator === '&&') {
        if (l === false || r === false) return false;
        return l === true && r === true ? true : UNKNOWN;
      }
      if (node.operator === '||') {
        if (l === true || r === true) return true;
        return l === false && r === false ? false : UNKNOWN;
      }
      return UNKNOWN;
    }
    case 'ConditionalExpression': {
      // Only for a const's value (`const cut = f.has('a') ? 'x' : undefined`, then `cut && …`): the
      // branch the fault switch picks without faults. A ternary in place keeps its mutants.
      if (!bound) return UNKNOWN;
      const t = valueWithoutFaults(path, node.test, depth + 1);
      if (t === UNKNOWN) return UNKNOWN;
      return valueWithoutFaults(path, t ? node.consequent : node.alternate, depth + 1, bound);
    }
    case 'StringLiteral':
      return bound ? node.value !== '' : UNKNOWN;
    case 'Identifier': {
      if (node.name === 'undefined' && !path.scope.getBinding('undefined')) return false;
      const binding = path.scope.getBinding(node.name);
      if (!binding || binding.kind !== 'const' || !binding.path.isVariableDeclarator()) return UNKNOWN;
      return valueWithoutFaults(binding.path, binding.path.node.init, depth + 1, true);
    }
    default:
      return UNKNOWN;
  }
}

/** Whether a node's subtree holds a fault switch (the sample ignorer leaves such nodes to this one). */
export function containsFaultSwitch(path) {
  if (isFaultSwitch(path.node)) return true;
  let found = false;
  path.traverse({
    enter(q) {
      if (isFaultSwitch(q.node)) {
        found = true;
        q.stop();
      }
    },
  });
  return found;
}

function isExpression(path) {
  return typeof path.isExpression === 'function' && path.isExpression();
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'fault-switches', {
    shouldIgnore(path) {
      if (isExpression(path) && valueWithoutFaults(path, path.node) !== UNKNOWN) {
        return 'a fault switch of the reference IdP (the kill matrix proves each fault killed)';
      }
      const parent = path.parentPath?.node;
      if (!parent) return undefined;
      const onlyByFault = 'code only a reference-IdP fault reaches (the kill matrix covers it)';
      if (parent.type === 'IfStatement' || parent.type === 'ConditionalExpression') {
        const v = valueWithoutFaults(path.parentPath, parent.test);
        if (path.key === 'consequent' && v === false) return onlyByFault;
        if (path.key === 'alternate' && v === true) return onlyByFault;
      }
      if (parent.type === 'LogicalExpression' && path.key === 'right') {
        const l = valueWithoutFaults(path.parentPath, parent.left);
        if ((parent.operator === '&&' && l === false) || (parent.operator === '||' && l === true)) {
          return onlyByFault;
        }
      }
      return undefined;
    },
  }),
];
