/**
 * The device-token profile, steps 5–9 of its processing order: DeviceContext, token, CloudName and
 * allowed domain, NameIDPolicy and RequestedAuthnContext, user (JIT); then the subject of the Assertion.
 */
import type { Attributed, ErrorSpec, RequestedAuthnContext } from './authn-request';
import { flag } from './authn-request';
import type { Param } from './codec';
import { ATTRNAME_FORMAT, AUTHN_CONTEXT, NAMEID, NS, TOKEN_SYNTAX } from './constants';
import { tokenCrashes, tokenFromParams } from './fault-behaviours';
import type { Faults } from './faults';
import type { SamlAttribute, SubjectInfo } from './response';
import { newId } from './response';
import type { DeviceToken, DirectoryRecord, Tenant, Throttle } from './store';
import type { DeviceContext } from './device-context';
import { readDeviceContext } from './device-context';
import type { Element } from './xml';
import { descendantsNamed } from './xml';

export interface DeviceTokenInput {
  tenant: Tenant;
  allTenants: Tenant[];
  throttle: Throttle;
  faults: Faults;
  a: Attributed;
  rawHeaders: string[];
  headers: Record<string, string | string[] | undefined>;
  params: Param[];
  ip: string;
  now: number;
}

export type Decision =
  | { kind: 'error'; error: ErrorSpec }
  | { kind: 'success'; subject: SubjectInfo }
  /** Faults only: interactive-device-login, missing-device-context-tolerated. */
  | { kind: 'login-form' }
  | { kind: 'browser' }
  /** Fault only: 5xx-on-bad-header. */
  | { kind: 'server-error' };

/** "A request is a device-token request when it carries a dt:DeviceContext or an Authorization: DeviceToken header." */
export function isDeviceTokenRequest(root: Element, rawHeaders: string[]): boolean {
  if (descendantsNamed(root, NS.dt, 'DeviceContext').length > 0) return true;
  return authorizationValues(rawHeaders).some((v) => /^devicetoken(\s|$)/i.test(v));
}

const err = (top: ErrorSpec['top'], second: ErrorSpec['second'], message: string): Decision => ({
  kind: 'error',
  error: { top, second, message },
});

export async function processDeviceTokenRequest(i: DeviceTokenInput): Promise<Decision> {
  const { tenant, faults, a, now } = i;
  const dtConfig = tenant.deviceToken;
  if (!dtConfig)
    return err('Requester', 'RequestUnsupported', 'this tenant does not serve the device-token profile');
  if (faults.has('ispassive-before-token') && flag(a.info.isPassive)) {
    return err('Responder', 'NoPassive', 'no session for a passive request');
  }

  if (faults.has('token-before-devicecontext')) {
    const early = tokenFirst(i);
    if (early) return early;
  }

  // Step 5: DeviceContext structure and values (DT-REQ-02, 03, 04, 06).
  const dc = readDeviceContext(a.info.root, a.receivedRoot, faults);
  if ('missing' in dc) {
    if (faults.has('missing-device-context-tolerated')) return { kind: 'browser' };
    return err('Requester', 'RequestUnsupported', 'a device-token request needs a dt:DeviceContext');
  }
  if ('malformed' in dc) return err('Requester', undefined, dc.malformed);
  if ('denied' in dc) return err('Requester', 'RequestDenied', dc.denied);
  const ctx = dc.ok;
  // Stryker disable next-line MethodExpression: userKey only keys the fault caches consistently; upper- or lower-case folding gives the same lookups.
  const userKey = ctx.userId.toLowerCase();
  const deviceKey = `${userKey}\n${ctx.deviceId}`;

  // Step 6: the token, only from the Authorization header (DT-REQ-10).
  let token: Pick<DeviceToken, 'id'> & { value: string };
  let authnInstant = now;
  const cached = tenant.faultCaches.logins.get(deviceKey);
  if (faults.has('forceauthn-no-revalidation') && flag(a.info.forceAuthn) && cached) {
    token = { id: cached.tokenId, value: '' };
    authnInstant = cached.authnInstant;
  } else {
    const presented = readAuthorization(i.rawHeaders, faults);
    let value: string;
    if (presented.kind === 'none') {
      const fromParams = faults.has('token-from-query') ? tokenFromParams(i.params) : undefined;
      if (!fromParams) {
        if (faults.has('interactive-device-login')) return { kind: 'login-form' };
        return err('Responder', 'NoPassive', 'no device token was presented');
      }
      value = fromParams;
    } else if (presented.kind === 'malformed') {
      if (!faults.has('no-throttling') && !faults.has('throttle-ignores-malformed'))
        i.throttle.failure(i.ip, now);
      // Stryker disable next-line ConditionalExpression,LogicalOperator: tokenCrashes (fault-behaviours.ts) is true only under a *-crashes fault, so without faults this test is false whatever the operator.
      if (faults.has('5xx-on-bad-header') || tokenCrashes(presented.raw, faults))
        return { kind: 'server-error' };
      return err(
        'Responder',
        'AuthnFailed',
        // Fault status-message-echoes-header: the StatusMessage echoes the header's value.
        `malformed Authorization header${faults.has('status-message-echoes-header') ? `: ${authorizationValues(i.rawHeaders).join(', ')}` : ''}`,
      );
    } else {
      value = presented.value;
    }
    const found = authenticateToken(value, tenant, i.allTenants, faults);
    if (!found) {
      if (!faults.has('no-throttling')) i.throttle.failure(i.ip, now);
      if (
        faults.has('unknown-token-wrong-status') &&
        ![tenant, ...i.allTenants].some((t) => t.findTokenByValue(value))
      )
        return err('Requester', 'RequestDenied', 'the device token is not known');
      // DT-TOK-03/04/05: unknown, deleted and other tenants' tokens all fail alike (no oracle).
      return err('Responder', 'AuthnFailed', 'the device token is not valid for this tenant');
    }
    if (!faults.has('throttle-success-no-reset')) i.throttle.success(i.ip);
    token = { id: found.id, value };
  }

  // Step 7: CloudName (DT-REQ-05), allowed domain (DT-PROV-07).
  const cloudDiffers = faults.has('cloudname-case-insensitive')
    ? ctx.cloudName.toLowerCase() !== dtConfig.cloudName.toLowerCase()
    : faults.has('cloudname-prefix-match')
      ? !ctx.cloudName.startsWith(dtConfig.cloudName)
      : ctx.cloudName !== dtConfig.cloudName;
  if (!faults.has('ignore-cloud-name') && cloudDiffers) {
    return err('Requester', 'RequestDenied', 'CloudName does not match this tenant');
  }
  const domain = ctx.userId.slice(ctx.userId.lastIndexOf('@') + 1).toLowerCase();
  if (
    !faults.has('ignore-allowed-domains') &&
    !domainAllowed(domain, tenant.settings.allowedDomains, faults)
  ) {
    if (faults.has('provision-before-domain-check')) await findOrProvision(tenant, ctx.userId, now, faults);
    return err('Requester', 'RequestDenied', 'the user domain is not allowed for this tenant');
  }

  // Step 8: NameIDPolicy, RequestedAuthnContext.
  const format = a.info.nameIdFormat;
  if (
    !faults.has('ignore-nameid-policy') &&
    format !== undefined &&
    format !== NAMEID.email &&
    format !== NAMEID.unspecified
  ) {
    return err('Requester', 'InvalidNameIDPolicy', 'only the emailAddress NameID format is served');
  }
  const rac = a.info.requestedAuthnContext;
  const declRefsOnly = !!rac && rac.classRefs.length === 0 && faults.has('rac-declref-unrestricted');
  if (rac && !declRefsOnly && !faults.has('downgrade-authn-context') && !deviceTokenSatisfies(rac, faults)) {
    return err(
      'Responder',
      'NoAuthnContext',
      'a device token cannot satisfy the requested authentication context',
    );
  }

  // Step 9: the user (JIT).
  const record = await findOrProvision(tenant, ctx.userId, now, faults);
  if (!record) return err('Responder', 'UnknownPrincipal', 'unknown user and JIT provisioning is off');

  if (faults.has('forceauthn-no-revalidation'))
    tenant.faultCaches.logins.set(deviceKey, { authnInstant, tokenId: token.id });
  return { kind: 'success', subject: deviceSubject(i, ctx, record, token, authnInstant) };
}

/** Fault token-before-devicecontext: the token outcome (stage 6) decided before the DeviceContext (stage 5). */
function tokenFirst(i: DeviceTokenInput): Decision | undefined {
  const presented = readAuthorization(i.rawHeaders, i.faults);
  if (presented.kind === 'none') return err('Responder', 'NoPassive', 'no device token was presented');
  if (
    presented.kind === 'malformed' ||
    !authenticateToken(presented.value, i.tenant, i.allTenants, i.faults)
  ) {
    if (!i.faults.has('no-throttling')) i.throttle.failure(i.ip, i.now);
    return err('Responder', 'AuthnFailed', 'the device token is not valid for this tenant');
  }
  return undefined;
}

/** Profile "allowedDomains": exact, case-insensitive; ["*"] allows any; [] allows none. */
function domainAllowed(domain: string, allowed: string[], faults: Faults): boolean {
  if (allowed.length === 0 && faults.has('empty-allowed-domains-allows-all')) return true;
  const suffix = faults.has('allowed-domains-subdomain');
  return allowed.some(
    (d) => d === '*' || d.toLowerCase() === domain || (suffix && domain.endsWith(`.${d.toLowerCase()}`)),
  );
}

/** Profile "RequestedAuthnContext": the device-token class listed and Comparison absent/exact/minimum/maximum. */
function deviceTokenSatisfies(rac: RequestedAuthnContext, faults: Faults): boolean {
  const asked = rac.comparison ?? 'exact';
  const comparison = faults.has('rac-better-accepted') && asked === 'better' ? 'minimum' : asked;
  if (!['exact', 'minimum', 'maximum'].includes(comparison)) return false;
  // Faults: one satisfiable Comparison refused each (absent, exact, minimum, maximum).
  if (faults.has('rac-comparison-absent-refused') && rac.comparison === undefined) return false;
  if (faults.has('rac-exact-refused') && rac.comparison === 'exact') return false;
  if (faults.has('rac-minimum-refused') && rac.comparison === 'minimum') return false;
  if (faults.has('rac-maximum-refused') && rac.comparison === 'maximum') return false;
  // Fault rac-class-ignored: the listed classes are not read (any class list is served).
  if (faults.has('rac-class-ignored')) return rac.declRefs === 0;
  return rac.declRefs === 0 && rac.classRefs.includes(AUTHN_CONTEXT.deviceToken);
}

// ---------------------------------------------------------------- Authorization header

type Presented = { kind: 'none' } | { kind: 'malformed'; raw?: string } | { kind: 'token'; value: string };

function authorizationValues(rawHeaders: string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k + 1 < rawHeaders.length; k += 2) {
    if ((rawHeaders[k] as string).toLowerCase() === 'authorization') out.push(rawHeaders[k + 1] as string);
  }
  return out;
}

/** Profile "Authorization header": scheme DeviceToken (any case), one space, 16–512 token characters. */
export function readAuthorization(rawHeaders: string[], faults?: Faults): Presented {
  const values = authorizationValues(rawHeaders);
  if (values.length === 0) return { kind: 'none' };
  if (values.length > 1 && !faults?.has('repeated-auth-header-first-wins')) return { kind: 'malformed' };
  const raw = values[0] as string;
  // Stryker disable next-line Regex: [^ ]* matches from the first character and .* (with s) to the end, so neither anchor changes a match.
  const m = /^([^ ]*) (.*)$/s.exec(raw);
  const scheme = faults?.has('token-scheme-case-sensitive') ? m?.[1] : m?.[1]?.toLowerCase();
  const expected = faults?.has('token-scheme-case-sensitive') ? 'DeviceToken' : 'devicetoken';
  const token = faults?.has('token-trimmed') ? m?.[2]?.trim() : m?.[2];
  const schemeOk = scheme === expected || (!!m && !!faults?.has('any-scheme-accepted'));
  if (!m || !schemeOk || !TOKEN_SYNTAX.test(token ?? '')) {
    return { kind: 'malformed', raw };
  }
  return { kind: 'token', value: token as string };
}

function authenticateToken(
  value: string,
  tenant: Tenant,
  all: Tenant[],
  faults: Faults,
): Pick<DeviceToken, 'id'> | undefined {
  const own = tenant.findTokenByValue(value);
  if (own && (!own.deleted || faults.has('accept-revoked-token'))) return own;
  if (faults.has('accept-other-tenant-token')) {
    for (const t of all) {
      const other = t.findTokenByValue(value);
      if (other && !other.deleted) return other;
    }
  }
  if (faults.has('accept-unknown-token')) return { id: 'unknown' };
  return undefined;
}

// ---------------------------------------------------------------- users (JIT)

/**
 * Check-and-insert happen in one synchronous step, so eight parallel first logins leave one record
 * (DT-PROV-06); the duplicate-user-on-race fault puts an await in between, like a slow database would.
 */
async function findOrProvision(
  tenant: Tenant,
  userId: string,
  now: number,
  faults: Faults,
): Promise<DirectoryRecord | undefined> {
  const existing = tenant.directory.find(userId);
  if (existing) return existing;
  if (!tenant.settings.jitProvisioning && !faults.has('jit-ignores-setting')) return undefined;
  const fresh = { userId: userId.toLowerCase(), createdAt: now };
  if (faults.has('jit-not-persisted')) return { ...fresh, recordId: 'not-persisted' };
  if (faults.has('duplicate-user-on-race')) {
    await new Promise((r) => setTimeout(r, 150));
    return tenant.directory.insert(fresh);
  }
  return tenant.directory.insert(fresh);
}

// ---------------------------------------------------------------- the subject

const HEADER_OVERRIDES: Record<string, string> = {
  deviceId: 'x-device-id',
  hostname: 'x-hostname',
  osType: 'x-os-type',
  osVersion: 'x-os-version',
  clientVersion: 'x-client-version',
};

function deviceSubject(
  i: DeviceTokenInput,
  ctx: DeviceContext,
  record: DirectoryRecord,
  token: { id: string; value: string },
  authnInstant: number,
): SubjectInfo {
  const { faults, tenant } = i;
  const userKey = ctx.userId.toLowerCase();
  // DT-RSP-06: the signed values, unchanged.
  let device: Record<string, string> = {
    deviceId: ctx.deviceId,
    hostname: ctx.hostname,
    osType: ctx.osType,
    osVersion: ctx.osVersion,
    clientVersion: ctx.clientVersion,
  };
  if (faults.has('device-attrs-from-headers')) {
    for (const [name, header] of Object.entries(HEADER_OVERRIDES)) {
      const fromHeader = i.headers[header];
      const fromField = i.params.find((p) => p.name === name)?.value;
      const v = typeof fromHeader === 'string' ? fromHeader : fromField;
      if (v !== undefined) device[name] = v;
    }
  }
  if (faults.has('device-attrs-lowercased')) {
    device = Object.fromEntries(Object.entries(device).map(([k, v]) => [k, v.toLowerCase()]));
  }
  if (faults.has('device-attrs-cached-per-user')) {
    const first = tenant.faultCaches.devices.get(userKey);
    if (first) device = first;
    else tenant.faultCaches.devices.set(userKey, device);
  }
  let dir = record;
  if (faults.has('attributes-not-updated')) {
    const first = tenant.faultCaches.attributes.get(userKey);
    if (first) dir = first;
    else tenant.faultCaches.attributes.set(userKey, { ...record });
  }
  const basic = (name: string, values: string[]): SamlAttribute => ({
    name,
    nameFormat: ATTRNAME_FORMAT.basic,
    values,
  });
  const attributes: SamlAttribute[] = [
    ...Object.entries(device).map(([k, v]) => basic(k, [v])),
    basic('userDomain', [
      faults.has('userdomain-attr-from-userid')
        ? ctx.userId.slice(ctx.userId.lastIndexOf('@') + 1)
        : ctx.userDomain,
    ]),
    basic('cloudName', [ctx.cloudName]),
    basic('tokenId', [token.id]),
  ];
  if (dir.displayName !== undefined) attributes.push(basic('displayName', [dir.displayName]));
  if (dir.department !== undefined) attributes.push(basic('department', [dir.department]));
  if (dir.memberOf && dir.memberOf.length > 0) attributes.push(basic('memberOf', dir.memberOf));
  if (faults.has('echo-token-in-response') && token.value)
    attributes.push(basic('deviceToken', [token.value]));

  // DT-RSP-02: NameID emailAddress, the user ID in lowercase.
  let nameId = { format: NAMEID.email as string, value: userKey };
  if (faults.has('nameid-case-preserved')) nameId.value = ctx.userId;
  if (faults.has('nameid-per-login')) nameId.value = newId().slice(1);
  if (faults.has('nameid-other-user')) nameId.value = `someone-else@${ctx.userDomain.toLowerCase()}`;
  if (faults.has('nameid-format-ignores-policy')) nameId = { format: NAMEID.transient, value: newId() };
  return {
    nameId,
    authnInstant,
    sessionIndex: newId(),
    authnContextClassRef: AUTHN_CONTEXT.deviceToken,
    attributes,
  };
}
