/**
 * `reference-idp`: what it prints (pid, endpoints, users and passwords, tenants, registered SPs) and the
 * ready target YAML `--write-target` writes for it. Works on the running IdP's description only: the
 * harness still imports nothing of the reference IdP here (the CLI starts it).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { HarnessError } from './types';

export interface RunningTenant {
  name: string;
  entityId: string;
  metadataUrl: string;
  ssoUrl: string;
  adminBaseUrl: string;
  adminKey: string;
  cloudName?: string;
  userDomain?: string;
  users: { login: string; userId: string; password: string }[];
  registeredSps(): string[];
}

export interface RunningReferenceIdp {
  baseUrl: string;
  faults: string[];
  tenants: Record<'web' | 'acme' | 'globex', RunningTenant>;
}

/** The one JSON line `reference-idp` prints when it listens. */
export function referenceIdpInfo(idp: RunningReferenceIdp, targetFile?: string): Record<string, unknown> {
  const tenants: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(idp.tenants)) {
    tenants[name] = {
      entityId: t.entityId,
      metadataUrl: t.metadataUrl,
      ssoUrl: t.ssoUrl,
      adminBaseUrl: t.adminBaseUrl,
      adminKey: t.adminKey,
      ...(t.cloudName ? { cloudName: t.cloudName, userDomain: t.userDomain } : {}),
      users: t.users,
      registeredSps: t.registeredSps(),
    };
  }
  return {
    pid: process.pid,
    baseUrl: idp.baseUrl,
    faults: idp.faults,
    tenants,
    ...(targetFile ? { target: targetFile } : {}),
  };
}

/** A target config for the running reference IdP: every profile and capability, as the embedded run. */
export function referenceTargetYaml(idp: RunningReferenceIdp): string {
  const { web, acme, globex } = idp.tenants;
  const alice = web.users.find((u) => u.login === 'alice') ?? web.users[0]!;
  const config = {
    name: 'reference-idp',
    profiles: ['saml-web-sso', 'device-token'],
    idp: { metadata: web.metadataUrl, admin: { baseUrl: web.adminBaseUrl, apiKey: web.adminKey } },
    gateway: {
      entityId: 'https://gateway.test/sp',
      signedEntityId: 'https://gateway.test/sp-signed',
      // Any free port: the harness registers its real ACS URL through the admin API (spAdmin).
      acsUrl: 'http://127.0.0.1:0/acs',
    },
    login: { form: { username: alice.login, password: alice.password } },
    deviceToken: {
      presentation: 'authorization-header',
      metadata: acme.metadataUrl,
      tenant: { cloudName: acme.cloudName, userDomain: acme.userDomain },
      admin: { baseUrl: acme.adminBaseUrl, apiKey: acme.adminKey },
      otherTenant: {
        tenant: { cloudName: globex.cloudName, userDomain: globex.userDomain },
        metadata: globex.metadataUrl,
        admin: { baseUrl: globex.adminBaseUrl, apiKey: globex.adminKey },
      },
    },
    client: { sourceAddresses: ['127.0.0.2', '127.0.0.3'] },
    capabilities: {
      tokenAdmin: true,
      userAdmin: true,
      settingsAdmin: true,
      spAdmin: true,
      spReleasePolicy: true,
      otherTenant: true,
      sloPropagation: true,
    },
  };
  const faults = idp.faults.length ? ` with faults ${idp.faults.join(', ')}` : '';
  return (
    `# Written by \`idp-conformance reference-idp --write-target\`: the reference IdP at ${idp.baseUrl}${faults}\n` +
    `# (pid ${process.pid}; valid while it runs). Run: idp-conformance run --target <this file>\n` +
    stringify(config)
  );
}

export function writeReferenceTarget(file: string, idp: RunningReferenceIdp): string {
  const abs = path.resolve(file);
  try {
    writeFileSync(abs, referenceTargetYaml(idp));
  } catch (e) {
    throw new HarnessError(
      'ERR_USAGE',
      `--write-target ${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      'give a path in a writable folder',
    );
  }
  return abs;
}
