/** The gateway's auto-provisioning directory: users by (IdP entityID, NameID), devices by deviceId. */
import type { AssertionInfo } from './verifier';

export interface ProvisionedUser {
  idp: string;
  nameId: string;
  attributes: Record<string, string[]>;
  devices: Set<string>;
}

/** The directory of one run (RunContext.deviceToken.directory), keyed by IdP entityID and NameID. */
export type Directory = Map<string, ProvisionedUser>;

/**
 * What the gateway does with an accepted assertion: the user is created or updated (its attributes are
 * replaced on each login: absent ones are removed) and the device named by deviceId is added.
 */
export function provision(
  dir: Directory,
  idpEntityId: string,
  a: AssertionInfo,
): ProvisionedUser | undefined {
  const nameId = a.nameId?.value;
  if (!nameId) return undefined;
  const key = `${idpEntityId}\u0000${nameId}`;
  const attrs: Record<string, string[]> = {};
  for (const at of a.attributes) attrs[at.name] = [...at.values];
  const user = dir.get(key) ?? { idp: idpEntityId, nameId, attributes: {}, devices: new Set<string>() };
  user.attributes = attrs;
  const deviceId = attrs.deviceId?.[0];
  if (deviceId) user.devices.add(deviceId);
  dir.set(key, user);
  return user;
}
