/** The tenant admin API of the device-token profile (Bearer admin key; JSON bodies; SP metadata as XML). */
import * as crypto from 'node:crypto';
import type * as http from 'node:http';
import { strictUtf8 } from './codec';
import { LIMITS } from './constants';
import { isValidUserId } from './device-context';
import { Reject } from './errors';
import type { Faults } from './faults';
import { readBody, sendJson } from './http-util';
import { InvalidSpMetadata, parseSpMetadata } from './sp-metadata';
import type { SpRecord, SubjectIdentifier } from './sp-metadata';
import type { DeviceToken, DirectoryRecord, IdpContext, Tenant } from './store';
import { tokenHash } from './store';
import { formatInstant } from './time';

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class AdminApi {
  constructor(private readonly idp: IdpContext) {}

  async handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    tenant: Tenant,
    path: string,
    query = '',
  ): Promise<void> {
    try {
      if (!this.authorized(req, tenant)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        throw new ApiError(401, 'unauthorized', 'missing or wrong admin key');
      }
      await this.route(req, res, tenant, path, query);
    } catch (e) {
      if (e instanceof ApiError) sendJson(res, e.status, { error: e.code, message: e.message });
      else if (e instanceof Reject) sendJson(res, e.status, { error: 'bad_request', message: e.message });
      else throw e;
    }
  }

  private authorized(req: http.IncomingMessage, tenant: Tenant): boolean {
    const m = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return false;
    const a = crypto
      .createHash('sha256')
      .update(m[1] as string)
      .digest();
    const b = crypto.createHash('sha256').update(tenant.adminKey).digest();
    return crypto.timingSafeEqual(a, b);
  }

  private async route(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    tenant: Tenant,
    path: string,
    query: string,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    const segments = path.split('/').filter((s) => s !== '');
    const [collection, rawId, ...rest] = segments;
    if (rest.length > 0) throw new ApiError(404, 'not_found', 'no such resource');
    const id = rawId === undefined ? undefined : decodeSegment(rawId);
    const call = `${method} ${collection ?? ''}${id === undefined ? '' : '/:id'}`;
    const faults = this.idp.faults;
    const now = this.idp.now();
    switch (call) {
      case 'POST device-tokens':
        return sendJson(res, 201, createToken(tenant, await readJson(req), now, faults));
      case 'GET device-tokens':
        return sendJson(
          res,
          200,
          tenant.liveTokens().map((t) => tokenView(t, faults)),
        );
      case 'DELETE device-tokens/:id': {
        const t = tenant.tokens.get(id as string);
        if (!t || t.deleted) throw new ApiError(404, 'not_found', 'unknown token id');
        // The token stops working for the next request (DT-TOK-04).
        t.deleted = true;
        if (faults.has('delete-token-revokes-all')) for (const o of tenant.tokens.values()) o.deleted = true;
        return sendJson(res, 204, undefined);
      }
      case 'GET settings':
        return sendJson(res, 200, settingsView(tenant));
      case 'PUT settings':
        updateSettings(tenant, await readJson(req));
        return sendJson(res, 200, settingsView(tenant));
      case 'POST users': {
        const { status, record } = upsertUser(tenant, await readJson(req), now, faults);
        return sendJson(res, status, userView(record));
      }
      case 'GET users':
        return sendJson(res, 200, tenant.directory.list().map(userView));
      case 'GET users/:id': {
        const r = tenant.directory.find(id as string);
        if (!r) throw new ApiError(404, 'not_found', 'unknown user');
        return sendJson(res, 200, userView(r));
      }
      case 'DELETE users/:id':
        if (!tenant.directory.remove(id as string)) throw new ApiError(404, 'not_found', 'unknown user');
        return sendJson(res, 204, undefined);
      case 'PUT service-providers': {
        const body = strictUtf8(await readBody(req, LIMITS.bodyBytes), 'the metadata');
        const release = releaseIdentifiers(new URLSearchParams(query).get('releaseIdentifiers'));
        const { status, sp } = registerSp(tenant, body, faults, release);
        return sendJson(res, status, spView(sp));
      }
      case 'GET service-providers':
        return sendJson(res, 200, [...tenant.sps.values()].map(spView));
      case 'DELETE service-providers/:id':
        if (!tenant.sps.delete(id as string)) throw new ApiError(404, 'not_found', 'unknown entityID');
        return sendJson(res, 204, undefined);
      default:
        throw new ApiError(404, 'not_found', `no such call: ${method} ${path}`);
    }
  }
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ApiError(400, 'bad_request', 'malformed percent-encoding in the path');
  }
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const text = strictUtf8(await readBody(req, LIMITS.bodyBytes), 'the body');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'the body is not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new ApiError(400, 'invalid_json', 'the body must be a JSON object');
  }
  return v as Record<string, unknown>;
}

// ---------------------------------------------------------------- tokens

function createToken(tenant: Tenant, body: Record<string, unknown>, now: number, faults: Faults): object {
  const { description, password } = body;
  if (description !== undefined && (typeof description !== 'string' || [...description].length > 256)) {
    throw new ApiError(400, 'invalid_description', 'description must be a string of at most 256 characters');
  }
  if (typeof password !== 'string' || !passwordOk(password, faults)) {
    throw new ApiError(
      400,
      'weak_password',
      'password must have at least 6 characters with at least one letter and one digit',
    );
  }
  // DT-TOK-08: at most 16 live tokens; deleted ones do not count.
  if (tenant.liveTokens().length >= LIMITS.liveTokens && !faults.has('token-limit-unenforced')) {
    throw new ApiError(409, 'token_limit', 'this tenant already has 16 live device tokens');
  }
  // Profile: token values carry at least 128 bits of randomness (256 here), base64url fits the header syntax.
  const value = crypto.randomBytes(32).toString('base64url');
  const id = faults.has('token-id-is-value') ? value : `tok_${crypto.randomBytes(12).toString('hex')}`;
  const token: DeviceToken = {
    id,
    hash: tokenHash(value),
    value: faults.has('list-shows-token') ? value : undefined,
    description: description ?? '',
    createdAt: now,
    hint: value.slice(-4),
    deleted: false,
  };
  tenant.tokens.set(id, token);
  // The only place the value is ever shown, once (DT-TOK-06).
  return { id, token: value, description: token.description, createdAt: formatInstant(now) };
}

function passwordOk(password: string, faults: Faults): boolean {
  if (faults.has('weak-admin-password-rule')) return password.length > 0;
  return [...password].length >= 6 && /\p{L}/u.test(password) && /\p{Nd}/u.test(password);
}

function tokenView(t: DeviceToken, faults: Faults): object {
  const view: Record<string, unknown> = {
    id: t.id,
    description: t.description,
    createdAt: formatInstant(t.createdAt),
    hint: t.hint,
  };
  if (faults.has('list-shows-token') && t.value) view.token = t.value;
  return view;
}

// ---------------------------------------------------------------- settings

function settingsView(tenant: Tenant): object {
  return {
    cloudName: tenant.deviceToken?.cloudName ?? null,
    allowedDomains: [...tenant.settings.allowedDomains],
    jitProvisioning: tenant.settings.jitProvisioning,
  };
}

/** Partial update; cloudName is fixed at creation and ignored here. */
function updateSettings(tenant: Tenant, body: Record<string, unknown>): void {
  const { allowedDomains, jitProvisioning } = body;
  if (
    allowedDomains !== undefined &&
    (!Array.isArray(allowedDomains) ||
      !allowedDomains.every((d) => typeof d === 'string' && d.length > 0 && d.length <= 253))
  ) {
    throw new ApiError(400, 'invalid_settings', 'allowedDomains must be an array of domain strings');
  }
  if (jitProvisioning !== undefined && typeof jitProvisioning !== 'boolean') {
    throw new ApiError(400, 'invalid_settings', 'jitProvisioning must be a boolean');
  }
  if (allowedDomains !== undefined) tenant.settings.allowedDomains = [...(allowedDomains as string[])];
  if (jitProvisioning !== undefined) tenant.settings.jitProvisioning = jitProvisioning;
}

// ---------------------------------------------------------------- users

const NO_CONTROL = /^[^\p{Cc}]*$/u;

function optionalText(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || [...v].length > 256 || !NO_CONTROL.test(v)) {
    throw new ApiError(400, 'invalid_user', `${name} must be a string of at most 256 characters`);
  }
  return v;
}

function upsertUser(
  tenant: Tenant,
  body: Record<string, unknown>,
  now: number,
  faults: Faults,
): { status: number; record: DirectoryRecord } {
  const { userId, memberOf } = body;
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > 256 || !NO_CONTROL.test(userId)) {
    throw new ApiError(400, 'invalid_user', 'userId must be a non-empty string');
  }
  if (tenant.deviceToken && !isValidUserId(userId)) {
    throw new ApiError(400, 'invalid_user', 'userId breaks the UserId rule (name@domain)');
  }
  if (
    memberOf !== undefined &&
    memberOf !== null &&
    (!Array.isArray(memberOf) ||
      !memberOf.every((g) => typeof g === 'string' && g.length <= 256 && NO_CONTROL.test(g)))
  ) {
    throw new ApiError(400, 'invalid_user', 'memberOf must be an array of strings');
  }
  const fields = {
    userId,
    displayName: optionalText(body.displayName, 'displayName'),
    department: optionalText(body.department, 'department'),
    memberOf: Array.isArray(memberOf) ? [...(memberOf as string[])] : undefined,
  };
  const existing = tenant.directory.find(userId);
  if (existing && faults.has('directory-update-merges')) {
    // Fault: a merge, as a PATCH would do: an attribute absent from the body keeps its old value.
    fields.displayName ??= existing.displayName;
    fields.department ??= existing.department;
    fields.memberOf ??= existing.memberOf;
  }
  // Upsert: 200 replaced (absent attributes removed), 201 created.
  if (existing)
    return {
      status: 200,
      record: tenant.directory.replace(existing, { ...fields, userId: existing.userId }),
    };
  return { status: 201, record: tenant.directory.insert({ ...fields, createdAt: now }) };
}

function userView(r: DirectoryRecord): object {
  const view: Record<string, unknown> = { userId: r.userId };
  if (r.displayName !== undefined) view.displayName = r.displayName;
  if (r.department !== undefined) view.department = r.department;
  if (r.memberOf !== undefined) view.memberOf = r.memberOf;
  view.createdAt = formatInstant(r.createdAt);
  return view;
}

// ---------------------------------------------------------------- service providers

/**
 * The optional query parameter releaseIdentifiers of PUT /service-providers: the deployment's release policy
 * for this SP (a comma list of subject-id and pairwise-id; empty = neither; absent = what the IdP supports).
 */
function releaseIdentifiers(raw: string | null): SubjectIdentifier[] | undefined {
  if (raw === null) return undefined;
  const names = raw === '' ? [] : raw.split(',');
  for (const n of names)
    if (n !== 'subject-id' && n !== 'pairwise-id')
      throw new ApiError(
        400,
        'bad_request',
        'releaseIdentifiers lists subject-id and/or pairwise-id, comma-separated',
      );
  return names as SubjectIdentifier[];
}

function registerSp(
  tenant: Tenant,
  xml: string,
  faults: Faults,
  release: SubjectIdentifier[] | undefined,
): { status: number; sp: SpRecord } {
  let sp: SpRecord;
  try {
    sp = parseSpMetadata(xml, !!tenant.deviceToken);
  } catch (e) {
    if (e instanceof InvalidSpMetadata) throw new ApiError(400, 'invalid_metadata', e.message);
    throw e;
  }
  const old = tenant.sps.get(sp.entityId);
  if (old && faults.has('sp-certs-accumulate')) {
    sp = { ...sp, certs: [...sp.certs, ...old.certs.filter((c) => !sp.certs.some((n) => n.der === c.der))] };
  }
  if (release) sp = { ...sp, releaseIdentifiers: release };
  tenant.sps.set(sp.entityId, sp);
  return { status: old ? 200 : 201, sp };
}

function spView(sp: SpRecord): object {
  return {
    entityId: sp.entityId,
    assertionConsumerServices: sp.acs.map((a) => a.url),
    defaultAcs: sp.defaultAcs,
    signingCertificates: sp.certs.length,
    authnRequestsSigned: sp.authnRequestsSigned,
    wantAssertionsSigned: sp.wantAssertionsSigned,
  };
}
