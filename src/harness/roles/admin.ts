import type { AdminApiConfig } from '../targets/config-types';
import { httpExchange, type HttpResponse } from './client/http';
import { checkPool } from '../checks/pool';
import { currentCheckId } from '../liveness';
import { HarnessError } from '../types';

/**
 * Called by every helper that changes or counts IdP state other checks would see (tenant settings, the
 * SP's registered keys, token and directory counts, a throttling window, the gateway's logout handler),
 * and by adminCall for every mutating call that names such state: under --jobs N > 1 the calling check
 * must declare `exclusive` (and hold `resource`, state shared beyond its profile), or this throws
 * ERR_NOT_EXCLUSIVE.
 */
export function requireAlone(state: string, resource?: string): void {
  checkPool.requireExclusive(currentCheckId(), state, resource);
}

/**
 * The client.sourceAddresses: a source address's throttling window is the IdP's state for every
 * profile, so a check using one holds this (CheckSpec.holds) beside `exclusive`.
 */
export const CLIENT_SOURCE_ADDRESSES = 'client source addresses';

/**
 * What a mutating admin call (every method but GET) changes. A string names IdP state other checks
 * would see (tenant settings, the token count, directory entries, the gateway's registered keys): under
 * --jobs N > 1 the calling check must declare `exclusive` (requireAlone), or the call is refused with
 * ERR_NOT_EXCLUSIVE before anything is sent. `{ private: why }` is a change no other check can see, with
 * the reason: a token this check created and deletes, the run's own setup, an entity only its checks use.
 */
export type AdminChange = string | { private: string };

interface AdminCallOptions {
  json?: unknown;
  xml?: string;
  /** The run's timeouts.exchangeMs (RunContext.config), or a check's own. */
  timeoutMs: number;
}

/**
 * A call to a profile admin API (`Authorization: Bearer <key>`), recorded as evidence. Every call but a
 * GET says what it changes (AdminChange): the one place mutating calls are guarded under --jobs N.
 */
export async function adminCall(
  admin: AdminApiConfig,
  method: 'GET',
  path: string,
  opts: AdminCallOptions,
): Promise<HttpResponse & { json?: unknown }>;
export async function adminCall(
  admin: AdminApiConfig,
  method: 'POST' | 'PUT' | 'DELETE',
  path: string,
  opts: AdminCallOptions & { changes: AdminChange },
): Promise<HttpResponse & { json?: unknown }>;
export async function adminCall(
  admin: AdminApiConfig,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  opts: AdminCallOptions & { changes?: AdminChange },
): Promise<HttpResponse & { json?: unknown }> {
  if (method !== 'GET') {
    const changes = opts.changes;
    if (changes === undefined)
      throw new HarnessError(
        'ERR_INTERNAL',
        `admin ${method} ${path} does not say what it changes`,
        'pass changes: the IdP state it changes, or { private: why no other check can see it } (roles/admin.ts)',
      );
    if (typeof changes === 'string') requireAlone(changes);
  }
  const headers: Record<string, string> = {
    authorization: `Bearer ${admin.apiKey}`,
    accept: 'application/json',
  };
  let body: string | undefined;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] = 'application/json';
  } else if (opts.xml !== undefined) {
    body = opts.xml;
    headers['content-type'] = 'application/samlmetadata+xml';
  }
  const res = await httpExchange({
    method,
    url: `${admin.baseUrl.replace(/\/$/, '')}${path}`,
    headers,
    body,
    timeoutMs: opts.timeoutMs,
    direction: 'harness->admin',
    label: 'admin API',
  });
  let json: unknown;
  if ((res.headers['content-type'] ?? '').includes('json') && res.body) {
    try {
      json = JSON.parse(res.body);
    } catch {
      json = undefined;
    }
  }
  return { ...res, json };
}
