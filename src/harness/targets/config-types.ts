/**
 * The types of a target config, inferred from the schema (config-schema.ts): a key is written once.
 * After loading, every file path is absolute, and the expectations file is read into `expectations`.
 */
import type { z } from 'zod';
import type { expectationSchema, targetFileSchema } from './config-schema';

type File = z.output<typeof targetFileSchema>;

export type Expectation = z.output<typeof expectationSchema>;
/** gateway.encryption after loading: `true` and omitted fields filled in, paths absolute (config.ts). */
export interface GatewayEncryptionConfig {
  /** The entity that publishes the key: gateway.entityId (default), signedEntityId, or a third entity. */
  entityId: string;
  key: string;
  cert: string;
}
export type GatewayConfig = Omit<File['gateway'], 'encryption'> & { encryption?: GatewayEncryptionConfig };
export type DeviceTokenConfig = NonNullable<File['deviceToken']>;
export type TenantConfig = DeviceTokenConfig['tenant'];
/** An admin API (device-token profile admin API, also used to register SPs where the IdP has it). */
export type AdminApiConfig = NonNullable<File['idp']['admin']>;
export type ProcessStartConfig = NonNullable<NonNullable<File['start']>['process']>;
export type ContainerStartConfig = NonNullable<NonNullable<File['start']>['container']>;
/** A container port published on 127.0.0.1:host (loopback only). */
export type ContainerPort = ContainerStartConfig['ports'][number];

export type TargetConfig = Omit<File, 'expectations' | 'gateway'> & {
  gateway: GatewayConfig;
  /** The file it came from (absolute), or undefined for the embedded target. */
  configFile?: string;
  /** Loaded from the expectations file named in the config (checkId -> expectation). */
  expectations: Record<string, Expectation>;
  /** Absolute path of the expectations file, if any. */
  expectationsFile?: string;
};
