/**
 * The types of a target config, inferred from the schema (config-schema.ts): a key is written once.
 * After loading, every file path is absolute, and the expectations file is read into `expectations`.
 */
import type { z } from 'zod';
import type { expectationSchema, targetFileSchema } from './config-schema';

type File = z.output<typeof targetFileSchema>;

export type Expectation = z.output<typeof expectationSchema>;
export type GatewayConfig = File['gateway'];
export type DeviceTokenConfig = NonNullable<File['deviceToken']>;
export type TenantConfig = DeviceTokenConfig['tenant'];
/** An admin API (device-token profile admin API, also used to register SPs where the IdP has it). */
export type AdminApiConfig = NonNullable<File['idp']['admin']>;
export type ProcessStartConfig = NonNullable<NonNullable<File['start']>['process']>;
export type ContainerStartConfig = NonNullable<NonNullable<File['start']>['container']>;
/** A container port published on 127.0.0.1:host (loopback only). */
export type ContainerPort = ContainerStartConfig['ports'][number];

export type TargetConfig = Omit<File, 'expectations'> & {
  /** The file it came from (absolute), or undefined for the embedded target. */
  configFile?: string;
  /** Loaded from the expectations file named in the config (checkId -> expectation). */
  expectations: Record<string, Expectation>;
  /** Absolute path of the expectations file, if any. */
  expectationsFile?: string;
};
