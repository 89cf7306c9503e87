/**
 * SP entities registered at the IdP through the admin API (capability spAdmin): the run's own entities
 * (registerGateway, once at start), and extra entities a check registers for itself (registerExtraEntity):
 * the same gateway (ACS, keys) under another entityID whose metadata says something the run's entities do
 * not (two signing certificates, a subject-id:req signal). Without spAdmin such a check is NOT_APPLICABLE;
 * an entity with a release policy (releaseIdentifiers) also needs the capability spReleasePolicy, since only
 * an admin API that declares it takes the query parameter.
 */
import { readFileSync } from 'node:fs';
import type { RunContext } from '../run-context';
import { NotApplicable } from '../checks/verdict';
import { HarnessError } from '../types';
import { adminCall, type AdminChange } from './admin';
import { ExchangeFailed } from './client/http';
import { spMetadataXml } from './gateway/sp-metadata';

type SpMetadataOptions = Parameters<typeof spMetadataXml>[0];

export interface ExtraEntity {
  /** Appended to gateway.entityId: `<entityId>/<suffix>`. */
  suffix: string;
  certsPem?: string[];
  authnRequestsSigned?: boolean;
  subjectIdReq?: string;
  /**
   * The IdP's release policy for this entity (an admin-API extension the target declares with the
   * capability spReleasePolicy, `PUT /service-providers?releaseIdentifiers=`): the subject identifiers it
   * may release; [] = none. NOT_APPLICABLE without that capability.
   */
  releaseIdentifiers?: string[];
  /** The entity's HTTP-POST ACS endpoints, in order (default: the gateway's ACS, index 0, isDefault). */
  acs?: readonly { url: string; index: number; isDefault?: boolean }[];
}

/** A registration under way or done (the memo entry of an entityID) and the options it carries. */
type Registration = Promise<void> & { options: string };

/** PUTs one SP's metadata to the admin API; a coded HarnessError (with `fix`) when it does not take. */
async function registerSp(
  s: RunContext,
  sp: SpMetadataOptions,
  fix: string,
  changes: AdminChange,
  releaseIdentifiers?: string[],
): Promise<void> {
  const admin = s.config.idp.admin;
  if (!admin) throw new HarnessError('ERR_INTERNAL', 'no idp.admin to register an SP with', fix);
  let res;
  try {
    const query = releaseIdentifiers
      ? `?releaseIdentifiers=${encodeURIComponent(releaseIdentifiers.join(','))}`
      : '';
    res = await adminCall(admin, 'PUT', `/service-providers${query}`, {
      xml: spMetadataXml(sp),
      timeoutMs: s.config.timeouts.exchangeMs,
      changes,
    });
  } catch (e) {
    if (e instanceof HarnessError) throw e; // ERR_NOT_EXCLUSIVE: the check's declaration, not the URL
    const why = e instanceof ExchangeFailed ? e.message : String(e);
    throw new HarnessError(
      'ERR_TARGET_UNREACHABLE',
      `idp.admin.baseUrl: cannot register ${sp.entityId} (${why})`,
      'check the admin URL',
    );
  }
  if (res.status !== 200 && res.status !== 201)
    throw new HarnessError(
      'ERR_TARGET_START',
      `idp.admin: registering ${sp.entityId} answered HTTP ${res.status} ${res.body.slice(0, 200)}`,
      fix,
    );
}

/** The run's own entities (gateway, signed, encryption), registered at start when spAdmin is declared. */
export async function registerGateway(s: RunContext): Promise<void> {
  const { config } = s;
  if (!config.capabilities.spAdmin || !config.idp.admin) return;
  const entities: [string, boolean][] = [[config.gateway.entityId, false]];
  if (config.gateway.signedEntityId) entities.push([config.gateway.signedEntityId, true]);
  const enc = config.gateway.encryption;
  if (enc && !entities.some(([e]) => e === enc.entityId)) entities.push([enc.entityId, false]);
  for (const [entityId, signed] of entities) {
    await registerSp(
      s,
      {
        entityId,
        acsUrl: s.gateway.acsUrl,
        certsPem: [s.gatewayKey.certPem],
        authnRequestsSigned: signed,
        sloUrl: s.gateway.sloUrlFor(entityId),
        encryptionCertPem: enc?.entityId === entityId ? readFileSync(enc.cert, 'utf8') : undefined,
      },
      'check idp.admin.apiKey, or register the gateway by hand (idp-conformance sp-metadata) and set capabilities.spAdmin: false',
      { private: "the run's own entities, registered once at start" },
    );
  }
}

/**
 * Registers `<gateway.entityId>/<suffix>` and returns its entityID. Once per run and set of options: the
 * registration is shared by the checks that ask for the same entity, but a failed one is not kept, so the
 * next check tries again rather than inheriting one transient failure. One entityID asked for with other
 * options is a spec bug (the IdP would hold only the last metadata): an ERR_INTERNAL.
 */
export async function registerExtraEntity(s: RunContext, e: ExtraEntity, why: string): Promise<string> {
  if (!s.config.capabilities.spAdmin || !s.config.idp.admin)
    throw new NotApplicable(
      `needs capabilities.spAdmin and idp.admin: the check registers its own SP entity (${why})`,
    );
  if (e.releaseIdentifiers && !s.config.capabilities.spReleasePolicy)
    throw new NotApplicable(
      `needs capabilities.spReleasePolicy: the check registers an SP with a release policy (PUT /service-providers?releaseIdentifiers=${e.releaseIdentifiers.join(',')}), which only an admin API that declares it takes (${why})`,
    );
  const entityId = `${s.config.gateway.entityId.replace(/\/$/, '')}/${e.suffix}`;
  const sp = {
    entityId,
    acsUrl: s.gateway.acsUrl,
    certsPem: e.certsPem ?? [s.gatewayKey.certPem],
    authnRequestsSigned: e.authnRequestsSigned ?? false,
    subjectIdReq: e.subjectIdReq,
    acs: e.acs,
  };
  // Every option that reaches the IdP, in a fixed order: what one entityID may be registered with.
  const options = JSON.stringify([
    sp.certsPem,
    sp.authnRequestsSigned,
    sp.subjectIdReq ?? null,
    e.releaseIdentifiers ?? null,
    e.acs ?? null,
  ]);
  // One memo entry per entityID: the registration under way or done, with the options it carries (read
  // synchronously, so two checks asking at once cannot both register).
  const key = `sp-entity:${entityId}`;
  const held = s.memo.get(key) as Registration | undefined;
  if (held && held.options !== options)
    throw new HarnessError(
      'ERR_INTERNAL',
      `two checks register the SP entity ${entityId} with different options`,
      'give each set of options its own suffix',
    );
  let pending = held;
  if (!pending) {
    const registering: Registration = Object.assign(
      registerSp(
        s,
        sp,
        'check idp.admin.apiKey, or set capabilities.spAdmin: false',
        {
          private: `an entityID of its own (${entityId}), registered once, used only by the checks that ask for it`,
        },
        e.releaseIdentifiers,
      ),
      { options },
    );
    s.memo.set(key, registering);
    // Forget a rejection (only if it is still the memoized attempt): the next caller registers afresh.
    registering.catch(() => {
      if (s.memo.get(key) === registering) s.memo.delete(key);
    });
    pending = registering;
  }
  await pending;
  return entityId;
}
