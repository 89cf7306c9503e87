/** The device-token profile's DeviceContext and UserId rules (DT-REQ-02, 03, 04, 06, 07). */
import { DEVICE_OS_TYPES, NS } from './constants';
import type { FaultName, Faults } from './faults';
import type { Element } from './xml';
import {
  childElements,
  childrenNamed,
  descendantsNamed,
  firstTextNode,
  hasChildOfType,
  hasOwnText,
  isNamed,
  simpleText,
} from './xml';

export interface DeviceContext {
  userId: string;
  userDomain: string;
  cloudName: string;
  deviceId: string;
  hostname: string;
  osType: string;
  osVersion: string;
  clientVersion: string;
}

export type DcResult = { ok: DeviceContext } | { missing: true } | { malformed: string } | { denied: string };

const EMPTY: DeviceContext = {
  userId: '',
  userDomain: '',
  cloudName: '',
  deviceId: '',
  hostname: '',
  osType: '',
  osVersion: '',
  clientVersion: '',
};

const TOP_FIELDS = { UserId: 'userId', UserDomain: 'userDomain', CloudName: 'cloudName' } as const;
const DEVICE_FIELDS = {
  DeviceId: 'deviceId',
  Hostname: 'hostname',
  OSType: 'osType',
  OSVersion: 'osVersion',
  ClientVersion: 'clientVersion',
} as const;

export function readDeviceContext(signedRoot: Element, receivedRoot: Element, faults: Faults): DcResult {
  const lenient = faults.has('lenient-device-context');
  // The truncating faults read the received document, where a comment (or a PI) still splits the text.
  const cutAt = faults.has('first-text-node-only')
    ? 'comment'
    : faults.has('pi-truncates-value')
      ? 'pi'
      : undefined;
  const root = cutAt ? receivedRoot : signedRoot;
  const all = faults.has('xsw-vulnerable')
    ? childrenNamed(root, NS.samlp, 'Extensions').flatMap((e) => childrenNamed(e, NS.dt, 'DeviceContext'))
    : descendantsNamed(root, NS.dt, 'DeviceContext');
  if (all.length === 0) return { missing: true };
  if (all.length > 1 && !lenient && !faults.has('dc-first-of-many'))
    return { malformed: 'more than one DeviceContext' };
  const dcEl = all[0] as Element;
  const parent = dcEl.parentNode;
  // Fault dc-nested-extensions-accepted: any samlp:Extensions will do, not only the AuthnRequest's own.
  const ownExtensions = parent?.parentNode === root || faults.has('dc-nested-extensions-accepted');
  if (!lenient && !(isNamed(parent, NS.samlp, 'Extensions') && ownExtensions)) {
    return { malformed: 'DeviceContext must be in the samlp:Extensions of the AuthnRequest' };
  }
  const values: Partial<DeviceContext> = {};
  const contentProblem = (
    el: Element,
    fields: Record<string, keyof DeviceContext>,
    nested?: (e: Element) => string | undefined,
  ) => {
    if (!lenient && !faults.has('dc-container-text-ignored') && hasOwnText(el))
      return `text content in ${el.localName}`;
    const seen = new Set<string>();
    for (const child of childElements(el)) {
      if (child.namespaceURI !== NS.dt) {
        // Other namespaces are ignored (fault reject-foreign-elements: treated as malformed instead).
        if (faults.has('reject-foreign-elements'))
          return `foreign element ${child.localName} in ${el.localName}`;
        continue;
      }
      // Stryker disable next-line StringLiteral: an element always has a localName; the fallback is never used.
      const local = child.localName ?? '';
      if (nested && local === 'Device') {
        if (seen.has(local) && !lenient && !faults.has('dc-repeated-device-first-wins'))
          return 'Device is repeated';
        // Stryker disable next-line ConditionalExpression: without the lenient-device-context or dc-repeated-device-first-wins fault the line before has returned for a repeated Device, so this is always true.
        if (!seen.has(local)) {
          seen.add(local);
          const problem = nested(child);
          if (problem !== undefined) return problem;
        }
        continue;
      }
      const field = fields[local];
      if (!field) {
        // The dc-unknown-* faults: unknown dt elements ignored inside dt:Device, or at the DeviceContext level.
        if (lenient || faults.has(nested ? 'dc-unknown-top-level-ignored' : 'dc-unknown-dt-ignored'))
          continue;
        return `unknown element dt:${local}`;
      }
      if (seen.has(local) && !faults.has('dc-repeated-last-wins')) {
        if (lenient) continue;
        return `dt:${local} is repeated`;
      }
      seen.add(local);
      const raw =
        (cutAt && hasChildOfType(child, cutAt)) ||
        (faults.has('dc-mixed-content-first-text') && hasChildOfType(child, 'element'))
          ? firstTextNode(child)
          : faults.has('dc-element-content-as-text')
            ? (child.textContent ?? '')
            : simpleText(child);
      const value = faults.has('values-trimmed') ? raw?.trim() : raw;
      if (value === undefined) return `dt:${local} has element content`;
      const problem = lenient ? undefined : valueProblem(value, faults);
      if (problem !== undefined) return `dt:${local} ${problem}`;
      values[field] = value;
    }
    if (!lenient && !faults.has('dc-missing-elements-allowed')) {
      const missing = Object.keys(fields).filter((k) => !seen.has(k));
      // Stryker disable next-line ConditionalExpression,StringLiteral: the name only enters the 'missing' text; and a dt:DeviceContext without dt:Device is refused alike (its OSType is then empty, which the enum refuses with the same Requester status).
      if (nested && !seen.has('Device')) missing.push('Device');
      if (missing.length > 0) return `missing ${missing.map((m) => `dt:${m}`).join(', ')}`;
    }
    return undefined;
  };
  const problem = contentProblem(dcEl, TOP_FIELDS, (device) => contentProblem(device, DEVICE_FIELDS));
  if (problem !== undefined) return { malformed: problem };
  // Only the lenient-device-context fault can get here with values missing.
  const ctx: DeviceContext = { ...EMPTY, ...values };
  const osType = faults.has('ostype-case-insensitive') ? ctx.osType.toLowerCase() : ctx.osType;
  const osOk = faults.has('ostype-pattern-not-enum')
    ? /^[a-z]+$/.test(osType)
    : (DEVICE_OS_TYPES as readonly string[]).includes(osType);
  if (!lenient && !osOk) {
    return { malformed: 'dt:OSType is not one of the allowed values' };
  }
  if (!faults.has('lenient-userid') && !isValidUserId(ctx.userId, faults)) {
    return { malformed: 'UserId breaks the UserId rule' };
  }
  // Only the lenient-userid fault gets here without an '@' (isValidUserId requires one).
  if (faults.has('lenient-userid') && !ctx.userId.includes('@')) return { malformed: 'UserId has no domain' };
  const domain = ctx.userId.slice(ctx.userId.lastIndexOf('@') + 1);
  // DT-REQ-03: UserDomain must equal the domain part of UserId (case-insensitive).
  const domainDiffers = faults.has('userdomain-case-sensitive')
    ? domain !== ctx.userDomain
    : domain.toLowerCase() !== ctx.userDomain.toLowerCase();
  if (!faults.has('ignore-user-domain') && domainDiffers) {
    return { denied: 'UserDomain does not match the domain of UserId' };
  }
  return { ok: ctx };
}

/** Profile "DeviceContext": 1–256 characters, no surrounding whitespace, no control characters (Cc). */
function valueProblem(v: string, faults: Faults): string | undefined {
  const length = [...v].length;
  const max = faults.has('device-value-limit-exclusive') ? 255 : 256;
  if (length < 1 && !faults.has('dc-empty-values-allowed')) return 'must be 1-256 characters';
  if (length > max && !faults.has('dc-no-length-limit')) return 'must be 1-256 characters';
  if (/^\s|\s$/u.test(v)) return 'has leading or trailing whitespace';
  if (/\p{Cc}/u.test(v) && !faults.has('dc-control-chars-allowed')) return 'contains control characters';
  return undefined;
}

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Profile "UserId": one "@", a restricted local part, a domain of two or more DNS labels, ≤ 127 characters. */
export function isValidUserId(s: string, faults?: Faults): boolean {
  // Stryker disable next-line LogicalOperator,BooleanLiteral: `?? false` matters only when no Faults object is passed, which only the admin API's user validation does (outside the protocol).
  const has = (n: FaultName) => faults?.has(n) ?? false;
  const noLengths = has('userid-length-unchecked');
  const max = has('userid-length-exclusive') ? 126 : 127;
  if (s.length > max && !noLengths) return false;
  const parts =
    has('userid-domain-after-last-at') && s.lastIndexOf('@') > 0
      ? [s.slice(0, s.lastIndexOf('@')), s.slice(s.lastIndexOf('@') + 1)]
      : s.split('@');
  if (parts.length !== 2 && !has('userid-second-at-ignored')) return false;
  const [local, domain] = parts as [string, string];
  // The faults widen the local-part alphabet or its length (each a plausible misreading of the rule).
  const chars =
    'A-Za-z0-9._%+\\-' +
    (has('userid-whitespace-allowed') ? ' ' : '') +
    (has('userid-rfc5322-atext') ? "!#$&'*/=?^`{|}~" : '') +
    (has('userid-domain-after-last-at') ? '@' : '');
  const min = has('userid-empty-local-part') ? 0 : 1;
  const localRule = new RegExp(`^[${chars}]{${min},${noLengths ? '' : '64'}}$`);
  if (!localRule.test(local)) return false;
  const labels = domain.split('.');
  const minLabels = has('userid-one-label-domain') ? 1 : 2;
  return labels.length >= minLabels && (has('userid-labels-unchecked') || labels.every((l) => LABEL.test(l)));
}
