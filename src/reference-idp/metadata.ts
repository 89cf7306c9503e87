/** The IdP metadata of one tenant ([META] §2.4.3; DT-MD-01, DT-MD-02). */
import { BINDING, NAMEID, NS, tenantScope } from './constants';

const SHIBMD = 'urn:mace:shibboleth:metadata:1.0';
const MDUI = 'urn:oasis:names:tc:SAML:metadata:ui';
/** An https page the IdP names for SPs that cannot proceed (SDP-MD12); the reference IdP serves only loopback HTTP. */
const ERROR_URL = 'https://reference-idp.test/error';
/** A 1x1 transparent PNG as a data: URI (SDP-MD10 allows https or data:). */
const LOGO =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
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
  // saml2int SDP-IDP21/25/33: Single Logout over HTTP-Redirect (schema order: before NameIDFormat).
  const sloBinding = faults.has('metadata-slo-post-only') ? BINDING.post : BINDING.redirect;
  const slo = faults.has('metadata-no-slo')
    ? ''
    : `    <md:SingleLogoutService Binding="${sloBinding}" Location="${escapeXml(tenant.urls.sloUrl)}"/>\n`;
  const services =
    (faults.has('metadata-no-redirect-sso')
      ? ''
      : `    <md:SingleSignOnService Binding="${BINDING.redirect}" Location="${sso}"/>\n`) +
    (faults.has('metadata-no-post-sso')
      ? ''
      : `    <md:SingleSignOnService Binding="${BINDING.post}" Location="${sso}"/>\n`);
  // saml2int SDP-IDP33 / SDP-MD09–12 / SDP-IDP14: errorURL, mdui:UIInfo, shibmd:Scope, technical contact.
  const errorUrl = faults.has('metadata-no-errorurl') ? '' : ` errorURL="${ERROR_URL}"`;
  const scope = faults.has('metadata-no-scope')
    ? ''
    : `      <shibmd:Scope xmlns:shibmd="${SHIBMD}" regexp="false">${tenantScope(tenant.name)}</shibmd:Scope>\n`;
  const logo = faults.has('metadata-logo-http') ? 'http://reference-idp.test/logo.png' : LOGO;
  const displayName = `Reference IdP (${escapeXml(tenant.name)})${faults.has('metadata-long-displayname') ? 'x'.repeat(300) : ''}`;
  const ui = faults.has('metadata-no-uiinfo')
    ? ''
    : `      <mdui:UIInfo xmlns:mdui="${MDUI}"><mdui:DisplayName xml:lang="en">${displayName}</mdui:DisplayName>` +
      `<mdui:Logo height="1" width="1">${logo}</mdui:Logo></mdui:UIInfo>\n`;
  const extensions = scope || ui ? `    <md:Extensions>\n${scope}${ui}    </md:Extensions>\n` : '';
  const contact = faults.has('metadata-no-contact')
    ? ''
    : `  <md:ContactPerson contactType="technical"><md:EmailAddress>mailto:idp-admin@reference-idp.test</md:EmailAddress></md:ContactPerson>\n`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="${NS.md}" xmlns:ds="${NS.ds}" entityID="${escapeXml(tenant.urls.entityId)}">\n` +
    `  <md:IDPSSODescriptor protocolSupportEnumeration="${NS.samlp}"${wantSigned}${errorUrl}>\n` +
    extensions +
    keyDescriptor +
    slo +
    formats +
    services +
    `  </md:IDPSSODescriptor>\n` +
    contact +
    `</md:EntityDescriptor>\n`
  );
}
