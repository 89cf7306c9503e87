/**
 * The device agent (the client role of the device-token profile): the device facts it knows, and the
 * DeviceContext it sends in the Extensions of its SAML request. The silent login that carries them
 * through the gateway is roles/silent-login.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { xmlEscape } from '../../messages/authn-request';

export const DT_NS = 'urn:idp-conformance:device-token:1.0';
export const DT_AUTHN_CONTEXT = 'urn:idp-conformance:device-token:1.0:ac:device-token';

/** Device facts the agent knows and sends in the DeviceContext. */
export interface DeviceFacts {
  deviceId: string;
  hostname: string;
  osType: string;
  osVersion: string;
  clientVersion: string;
}

export function newDevice(overrides: Partial<DeviceFacts> = {}): DeviceFacts {
  return {
    deviceId: randomUUID(),
    hostname: `LAPTOP-${randomBytes(3).toString('hex').toUpperCase()}`,
    osType: 'windows',
    osVersion: '10.0.22631',
    clientVersion: '4.3.0',
    ...overrides,
  };
}

/** A fresh user name for a test (fresh gateway user per test, house style). */
export function newUserName(prefix = 'user'): string {
  return `${prefix}.${randomBytes(4).toString('hex')}`;
}

/** A token no IdP issued: 32 random bytes, base64url (as real tokens look; specs use no crypto). */
export function unissuedToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Values of the DeviceContext as sent; `raw` replaces the whole element (hostile variants). */
export interface DeviceContextValues {
  userId: string;
  userDomain: string;
  cloudName: string;
  device: DeviceFacts;
}

export function deviceContextXml(c: DeviceContextValues): string {
  const d = c.device;
  const el = (name: string, v: string) => `<dt:${name}>${xmlEscape(v)}</dt:${name}>`;
  return (
    `<dt:DeviceContext xmlns:dt="${DT_NS}">` +
    el('UserId', c.userId) +
    el('UserDomain', c.userDomain) +
    el('CloudName', c.cloudName) +
    `<dt:Device>${el('DeviceId', d.deviceId)}${el('Hostname', d.hostname)}${el('OSType', d.osType)}` +
    `${el('OSVersion', d.osVersion)}${el('ClientVersion', d.clientVersion)}</dt:Device>` +
    `</dt:DeviceContext>`
  );
}
