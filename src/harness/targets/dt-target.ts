/** The device-token view of the target (loaded once per run by roles/device-token.ts `dtTarget`). */
import type { AdminApiConfig, TenantConfig } from './config-types';
import type { IdpMetadata } from './idp-metadata';

/** The device-token view of the target: its tenant metadata, admin API, the other tenant. */
export interface DtTarget {
  idp: IdpMetadata;
  tenant: TenantConfig;
  admin?: AdminApiConfig;
  other?: { idp?: IdpMetadata; tenant: TenantConfig; admin?: AdminApiConfig };
}

/** The kinds of device token a check asks for (created once per run with tokenAdmin). */
export type DtTokenKind = 'valid' | 'revoked' | 'otherTenant';
