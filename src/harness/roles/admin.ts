import type { AdminApiConfig } from '../targets/config-types';
import { httpExchange, type HttpResponse } from './client/http';
import { checkPool } from '../checks/pool';
import { currentCheckId } from '../liveness';

/**
 * Called by every helper that changes or counts IdP state other checks would see (tenant settings, the
 * SP's registered keys, token and directory counts, a throttling window, the gateway's logout handler):
 * under --jobs N > 1 the calling check must declare `exclusive`, or this throws ERR_NOT_EXCLUSIVE.
 */
export function requireAlone(state: string): void {
  checkPool.requireExclusive(currentCheckId(), state);
}

/** A call to a profile admin API (`Authorization: Bearer <key>`), recorded as evidence. */
export async function adminCall(
  admin: AdminApiConfig,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  opts: { json?: unknown; xml?: string; timeoutMs: number },
): Promise<HttpResponse & { json?: unknown }> {
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
