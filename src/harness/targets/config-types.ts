import type { Capability, Outcome, ProfileId } from '../types';

/** An admin API (device-token profile admin API, also used to register SPs where the IdP has it). */
export interface AdminApiConfig {
  baseUrl: string;
  apiKey: string;
}

export interface ProcessStartConfig {
  command: string;
  /** Absolute after loading (relative paths resolve against the config file's folder). */
  cwd?: string;
  env?: Record<string, string>;
  readyUrl: string;
  /** How long to wait for readyUrl to answer 2xx/3xx. Default 30000. */
  readyTimeoutMs?: number;
}

/** A container port published on 127.0.0.1:host (loopback only). */
export interface ContainerPort {
  container: number;
  host: number;
}

export interface ContainerStartConfig {
  /** A local image (or one the daemon can pull), e.g. local/ssp-idp:1. */
  image: string;
  /**
   * Fixed mappings, so the config can name the IdP's URLs. In the config: `[8080]` publishes 8080 on
   * 127.0.0.1:8080; `[{ container: 8080, host: 18480 }]` publishes it on 127.0.0.1:18480.
   */
  ports: ContainerPort[];
  env?: Record<string, string>;
  /**
   * http: a path answered below 500 once the IdP is up, on waitFor.port (default: the first port).
   * port alone, or no waitFor: wait until the published ports listen inside the container.
   */
  waitFor?: { http?: string; port?: number };
  /** How long to wait for readiness after the container started. Default 120000. */
  startupTimeoutMs?: number;
}

export interface GatewayConfig {
  entityId: string;
  /** The harness listens here. Port 0 = ephemeral (only with spAdmin, which registers the real URL). */
  acsUrl: string;
  /** Absolute paths after loading; both or neither. Neither = fixtures/keys/gateway.* */
  signingKey?: string;
  signingCert?: string;
  /** Optional second SP entity registered at the IdP with AuthnRequestsSigned="true". */
  signedEntityId?: string;
}

export interface TenantConfig {
  cloudName: string;
  userDomain: string;
}

export interface DeviceTokenConfig {
  presentation: 'authorization-header';
  /** The device-token tenant's metadata, when it differs from idp.metadata. */
  metadata?: string;
  tenant: TenantConfig;
  admin?: AdminApiConfig;
  tokens?: { valid?: string; revoked?: string; otherTenant?: string };
  otherTenant?: { tenant: TenantConfig; metadata?: string; admin?: AdminApiConfig };
}

export interface Expectation {
  expect: Outcome;
  reason: string;
  until?: string;
}

export interface TargetConfig {
  name: string;
  /** The file it came from (absolute), or undefined for the embedded target. */
  configFile?: string;
  profiles: ProfileId[];
  idp: {
    /** URL (http/https) or absolute file path. */
    metadata: string;
    /** Admin API of the IdP (SP registration), when it has one. */
    admin?: AdminApiConfig;
  };
  start?: { process?: ProcessStartConfig; container?: ContainerStartConfig };
  gateway: GatewayConfig;
  login?: {
    form?: { username: string; password: string };
  };
  deviceToken?: DeviceTokenConfig;
  client: { sourceAddresses: string[] };
  timeouts: { exchangeMs: number };
  capabilities: Record<Capability, boolean>;
  /** Loaded from the expectations file named in the config (checkId -> expectation). */
  expectations: Record<string, Expectation>;
  /** Absolute path of the expectations file, if any. */
  expectationsFile?: string;
}
