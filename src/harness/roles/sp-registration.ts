/**
 * Extra SP entities a check registers for itself through the admin API (capability spAdmin): the same
 * gateway (ACS, keys) under another entityID whose metadata says something the run's entities do not
 * (two signing certificates, a subject-id:req signal). Without spAdmin such a check is NOT_APPLICABLE.
 */
import { session } from '../session';
import { NotApplicable } from '../checks/verdict';
import { HarnessError } from '../types';
import { adminCall } from './admin';
import { ExchangeFailed } from './client/http';
import { spMetadataXml } from './gateway/sp-metadata';

export interface ExtraEntity {
  /** Appended to gateway.entityId: `<entityId>/<suffix>`. */
  suffix: string;
  certsPem?: string[];
  authnRequestsSigned?: boolean;
  subjectIdReq?: string;
}

/** Registers `<gateway.entityId>/<suffix>` (once per run) and returns its entityID. */
export async function registerExtraEntity(e: ExtraEntity, why: string): Promise<string> {
  const s = session();
  const admin = s.config.idp.admin;
  if (!s.config.capabilities.spAdmin || !admin)
    throw new NotApplicable(
      `needs capabilities.spAdmin and idp.admin: the check registers its own SP entity (${why})`,
    );
  const entityId = `${s.config.gateway.entityId.replace(/\/$/, '')}/${e.suffix}`;
  const key = `sp-entity:${entityId}`;
  if (!s.memo.has(key)) s.memo.set(key, register(entityId, e));
  await s.memo.get(key);
  return entityId;
}

async function register(entityId: string, e: ExtraEntity): Promise<void> {
  const s = session();
  const xml = spMetadataXml({
    entityId,
    acsUrl: s.gateway.acsUrl,
    certsPem: e.certsPem ?? [s.gatewayKey.certPem],
    authnRequestsSigned: e.authnRequestsSigned ?? false,
    subjectIdReq: e.subjectIdReq,
  });
  let res;
  try {
    res = await adminCall(s.config.idp.admin!, 'PUT', '/service-providers', {
      xml,
      timeoutMs: s.config.timeouts.exchangeMs,
    });
  } catch (err) {
    throw new HarnessError(
      'ERR_TARGET_UNREACHABLE',
      `idp.admin.baseUrl: cannot register ${entityId} (${err instanceof ExchangeFailed ? err.message : String(err)})`,
      'check the admin URL',
    );
  }
  if (res.status !== 200 && res.status !== 201)
    throw new HarnessError(
      'ERR_TARGET_START',
      `idp.admin: registering ${entityId} answered HTTP ${res.status} ${res.body.slice(0, 200)}`,
      'check idp.admin.apiKey, or set capabilities.spAdmin: false',
    );
}
