/** In-memory state: tenants with their SP registry, directory, tokens, sessions, replay cache; throttling. */
import type { SpEncryption } from './encryption';
import * as crypto from 'node:crypto';
import { LIMITS } from './constants';
import type { SecondStatus, TopStatus } from './constants';
import type { Faults } from './faults';
import type { SigningKey } from './keys';
import type { SpRecord } from './sp-metadata';

/** Where an answer goes and what it answers. */
export interface ResponseTarget {
  spEntityId: string;
  acs: string;
  requestId: string;
  relayState?: string;
  /** The request's IssueInstant (ms), for the replay cache. */
  requestIssueInstant: number;
  /** The SP's encryption key, when its metadata publishes one: the assertion is encrypted. */
  encryptFor?: SpEncryption;
}

export type TenantName = 'web' | 'acme' | 'globex';
export const TENANT_NAMES: readonly TenantName[] = ['web', 'acme', 'globex'];

export interface DirectoryRecord {
  /** Internal key; several records for one user only exist under the duplicate-user-on-race fault. */
  recordId: string;
  userId: string;
  displayName?: string;
  department?: string;
  memberOf?: string[];
  createdAt: number;
  /** Web-sso attributes of the seeded form-login users. */
  mail?: string;
  uid?: string;
}

export interface PasswordUser {
  logins: string[];
  password: string;
  userId: string;
}

export interface DeviceToken {
  id: string;
  /** SHA-256 of the value: the value itself is never stored (except under faults that leak it). */
  hash: string;
  value?: string;
  description: string;
  createdAt: number;
  hint: string;
  deleted: boolean;
}

export interface Session {
  id: string;
  userKey: string;
  authnInstant: number;
  sessionIndex: string;
  expires: number;
  /** [CORE] §3.7.3.2: the SPs given an assertion in this session, with the NameID each was given. */
  participants?: Participant[];
}

/** A session participant: an SP that received an assertion with this NameID and SessionIndex. */
export interface Participant {
  spEntityId: string;
  nameId: { format: string; value: string; nameQualifier?: string; spNameQualifier?: string };
  sessionIndex: string;
}

/** A Single Logout in progress: the originator to answer and the participants still to be told. */
export interface LogoutState {
  origin: { spEntityId: string; sloUrl: string; requestId: string; relayState?: string };
  remaining: Participant[];
  /** The participant whose LogoutResponse is awaited, and the ID of the LogoutRequest it was sent. */
  awaiting?: { participant: Participant; requestId: string };
  /** Some participant did not confirm its logout: the final status gets PartialLogout. */
  partial: boolean;
  expires: number;
}

/** A browser login waiting for the form (keyed by the hidden `state` field). */
export interface PendingLogin {
  target: ResponseTarget;
  nameIdFormat?: string;
  expires: number;
  /** Mode login-then-refuse: the refusal to give once the user has logged in (a page, or an error Response). */
  refuse?: { status: number; message: string };
  errorAfterLogin?: { top: TopStatus; second?: SecondStatus; message: string };
}

export class Directory {
  private readonly records = new Map<string, DirectoryRecord>();

  find(userId: string): DirectoryRecord | undefined {
    const key = userId.toLowerCase();
    for (const r of this.records.values()) if (r.userId.toLowerCase() === key) return r;
    return undefined;
  }

  list(): DirectoryRecord[] {
    return [...this.records.values()];
  }

  /** Inserts a new record (no de-duplication: callers check-and-insert in one synchronous step). */
  insert(rec: Omit<DirectoryRecord, 'recordId'>): DirectoryRecord {
    const full = { ...rec, recordId: crypto.randomBytes(8).toString('hex') };
    this.records.set(full.recordId, full);
    return full;
  }

  replace(existing: DirectoryRecord, rec: Omit<DirectoryRecord, 'recordId' | 'createdAt'>): DirectoryRecord {
    const full: DirectoryRecord = { ...rec, recordId: existing.recordId, createdAt: existing.createdAt };
    this.records.set(existing.recordId, full);
    return full;
  }

  remove(userId: string): boolean {
    const key = userId.toLowerCase();
    let removed = false;
    for (const [id, r] of this.records) {
      if (r.userId.toLowerCase() === key) {
        this.records.delete(id);
        removed = true;
      }
    }
    return removed;
  }
}

export interface TenantSettings {
  allowedDomains: string[];
  jitProvisioning: boolean;
}

export interface TenantUrls {
  entityId: string;
  metadataUrl: string;
  ssoUrl: string;
  loginUrl: string;
  adminBaseUrl: string;
  /** SingleLogoutService (HTTP-Redirect), saml2int SDP-IDP25. */
  sloUrl: string;
}

export class Tenant {
  readonly sps = new Map<string, SpRecord>();
  readonly directory = new Directory();
  readonly tokens = new Map<string, DeviceToken>();
  readonly sessions = new Map<string, Session>();
  readonly pending = new Map<string, PendingLogin>();
  /** Single Logouts waiting for a participant's LogoutResponse, keyed by the RelayState sent with it. */
  readonly logouts = new Map<string, LogoutState>();
  /** Answered request IDs per SP → expiry (profile "Replay"). */
  readonly replay = new Map<string, number>();
  /** Secret for persistent NameIDs: stable per (user, SP) within this process. */
  readonly nameIdSecret = crypto.randomBytes(32);
  /** Fault-only caches (attributes-not-updated, device-attrs-cached-per-user, forceauthn-no-revalidation). */
  readonly faultCaches = {
    attributes: new Map<string, DirectoryRecord>(),
    devices: new Map<string, Record<string, string>>(),
    logins: new Map<string, { authnInstant: number; tokenId: string }>(),
  };

  constructor(
    readonly name: TenantName,
    readonly urls: TenantUrls,
    readonly adminKey: string,
    /** The key responses are signed with, and the one metadata publishes (they differ only under faults). */
    readonly signingKey: SigningKey,
    readonly publishedKey: SigningKey,
    readonly deviceToken: { cloudName: string; userDomain: string } | undefined,
    readonly settings: TenantSettings,
    readonly passwords: PasswordUser[],
  ) {}

  liveTokens(): DeviceToken[] {
    return [...this.tokens.values()].filter((t) => !t.deleted);
  }

  findTokenByValue(value: string): DeviceToken | undefined {
    const hash = tokenHash(value);
    for (const t of this.tokens.values()) if (t.hash === hash) return t;
    return undefined;
  }

  /** Was this request ID already answered for this SP while its IssueInstant is inside the window? */
  isReplay(spEntityId: string, requestId: string, now: number): boolean {
    const exp = this.replay.get(`${spEntityId}\n${requestId}`);
    return exp !== undefined && exp > now;
  }

  rememberAnswered(spEntityId: string, requestId: string, issueInstant: number, now: number): void {
    if (this.replay.size > 10000) sweep(this.replay, now);
    // Profile "Replay": for as long as the request's IssueInstant is inside the window (+ skew for future ones).
    const exp = Math.max(issueInstant, now) + LIMITS.requestMaxAgeMs + LIMITS.skewMs;
    this.replay.set(`${spEntityId}\n${requestId}`, exp);
  }

  liveSession(id: string | undefined, now: number): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (s.expires <= now) {
      this.sessions.delete(id);
      return undefined;
    }
    return s;
  }
}

export function tokenHash(value: string): string {
  return crypto.createHash('sha256').update(value, 'utf8').digest('hex');
}

function sweep(m: Map<string, number>, now: number): void {
  for (const [k, exp] of m) if (exp <= now) m.delete(k);
}

/** Per source address, across tenants (profile "Throttling"). */
export class Throttle {
  private readonly entries = new Map<string, { failures: number; lockedUntil: number }>();

  constructor(private readonly windowMs: number) {}

  /** Remaining lock-out in ms, 0 when the address may proceed. */
  lockedFor(ip: string, now: number): number {
    const e = this.entries.get(ip);
    if (!e || e.lockedUntil === 0) return 0;
    if (e.lockedUntil > now) return e.lockedUntil - now;
    this.entries.delete(ip);
    return 0;
  }

  failure(ip: string, now: number): void {
    const e = this.entries.get(ip) ?? { failures: 0, lockedUntil: 0 };
    e.failures++;
    if (e.failures >= LIMITS.throttleFailures) {
      e.lockedUntil = now + this.windowMs;
      e.failures = 0;
    }
    this.entries.set(ip, e);
  }

  success(ip: string): void {
    this.entries.delete(ip);
  }
}

/** Everything a request handler needs. */
export interface IdpContext {
  tenants: Record<TenantName, Tenant>;
  throttle: Throttle;
  faults: Faults;
  now: () => number;
}
