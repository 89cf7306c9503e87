/** The IdP metadata of one tenant ([META] §2.4.3; DT-MD-01, DT-MD-02). */
import { BINDING, NAMEID, NS } from './constants';
import type { Faults } from './faults';
import type { Tenant } from './store';
import { escapeXml } from './xml';

export function idpMetadata(tenant: Tenant, faults: Faults): string {
  const sso = escapeXml(tenant.urls.ssoUrl);
  // DT-MD-02: device-token tenants declare WantAuthnRequestsSigned="true"; the plain web tenant does not.
  const wantSigned =
    tenant.deviceToken && !faults.has('metadata-no-want-signed') ? ' WantAuthnRequestsSigned="true"' : '';
  const keyDescriptor = faults.has('metadata-no-signing-key')
    ? ''
    : `    <md:KeyDescriptor use="signing">\n      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>${tenant.publishedKey.certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n    </md:KeyDescriptor>\n`;
  const formats = [NAMEID.email, NAMEID.persistent, NAMEID.transient]
    .map((f) => `    <md:NameIDFormat>${f}</md:NameIDFormat>\n`)
    .join('');
  const services =
    (faults.has('metadata-no-redirect-sso')
      ? ''
      : `    <md:SingleSignOnService Binding="${BINDING.redirect}" Location="${sso}"/>\n`) +
    (faults.has('metadata-no-post-sso')
      ? ''
      : `    <md:SingleSignOnService Binding="${BINDING.post}" Location="${sso}"/>\n`);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="${NS.md}" xmlns:ds="${NS.ds}" entityID="${escapeXml(tenant.urls.entityId)}">\n` +
    `  <md:IDPSSODescriptor protocolSupportEnumeration="${NS.samlp}"${wantSigned}>\n` +
    keyDescriptor +
    formats +
    services +
    `  </md:IDPSSODescriptor>\n` +
    `</md:EntityDescriptor>\n`
  );
}
