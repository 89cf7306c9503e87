/** The gateway's auto-provisioning directory: users by (IdP entityID, NameID), devices by deviceId. */
export interface ProvisionedUser {
  idp: string;
  nameId: string;
  attributes: Record<string, string[]>;
  devices: Set<string>;
}
