import { scenario, NotApplicable, WHERE } from '../../src/harness';

/** saml2int rules for an IdP's own metadata (SDP-IDP14, SDP-IDP33, SDP-MD09–12, SDP-G02). */
describe('saml-web-sso · saml2int IdP metadata', function () {
  const h = scenario(this, { profile: 'saml-web-sso', family: 'metadata' });

  /**
   * SDP-IDP33: "an IdP's metadata MUST contain: an <md:IDPSSODescriptor> role element containing an
   * errorURL attribute ... at least one <md:SingleSignOnService> ... at least one <md:KeyDescriptor>
   * element whose use attribute is omitted or set to signing; an <md:Extensions> element with an
   * <mdui:UIInfo> ...; an <md:ContactPerson> element with a contactType of technical and an
   * <md:EmailAddress>". The SingleLogoutService item is judged with Single Logout (SDP-IDP33-metadata-slo, slo.spec.ts).
   */
  h.check(
    {
      id: 'SDP-IDP33-metadata-content',
      level: 'MUST',
      requirements: ['SDP-IDP33'],
      title: 'metadata has SSO, a signing key, errorURL, mdui:UIInfo, shibmd:Scope and a technical contact',
    },
    async (v, ctx) => {
      const md = ctx.idp;
      v.ok(md.hasIdpSsoDescriptor, WHERE.metadata.idpSsoDescriptor, 'present', 'absent');
      v.ok(!!(md.ssoRedirect ?? md.ssoPost), WHERE.metadata.singleSignOnService, 'at least one', 'none');
      v.ok(md.signingCerts.length > 0, 'signing md:KeyDescriptor', 'at least one', 'none');
      v.present('errorURL', md.errorUrl, WHERE.metadata.errorUrl);
      v.present(WHERE.metadata.uiInfo, md.uiInfo, WHERE.metadata.uiInfoPath);
      v.ok(md.scopes.length > 0, WHERE.metadata.scope, 'at least one', 'none', WHERE.metadata.scopes);
      v.ok(
        md.technicalContacts.some((c) => c.length > 0),
        'technical md:ContactPerson with md:EmailAddress',
        'present',
        'absent',
        WHERE.metadata.technicalContact,
      );
    },
  );

  /** SDP-IDP14: the IdP lists its scopes as shibmd:Scope in metadata, with regexp false. */
  h.check(
    {
      id: 'SDP-IDP14-scope',
      level: 'MUST',
      requirements: ['SDP-IDP14'],
      title: 'metadata lists at least one shibmd:Scope, none with regexp="true"',
    },
    async (v, ctx) => {
      v.ok(ctx.idp.scopes.length > 0, WHERE.metadata.scope, 'at least one', 'none', WHERE.metadata.scopes);
      for (const sc of ctx.idp.scopes) {
        v.oneOf(
          `regexp of Scope ${sc.value}`,
          sc.regexp,
          [undefined, 'false', '0'],
          WHERE.metadata.scopeRegexp,
        );
        v.ok(sc.value !== '', 'Scope value', 'non-empty', '""', WHERE.metadata.scope);
      }
    },
  );

  /** SDP-MD09: "Metadata MUST include an <mdui:UIInfo> element ... containing at least the child elements <mdui:DisplayName> and <mdui:Logo>." */
  h.check(
    {
      id: 'SDP-MD09-uiinfo',
      level: 'MUST',
      requirements: ['SDP-MD09'],
      title: 'metadata has mdui:UIInfo with DisplayName and Logo',
    },
    async (v, ctx) => {
      const ui = v.present(WHERE.metadata.uiInfo, ctx.idp.uiInfo, WHERE.metadata.uiInfoPath);
      v.ok(
        ui.displayNames.some((d) => d !== ''),
        WHERE.metadata.displayName,
        'present, non-empty',
        'absent',
      );
      v.ok(
        ui.logos.some((d) => d !== ''),
        WHERE.metadata.logo,
        'present, non-empty',
        'absent',
      );
    },
  );

  /** SDP-MD10: "The content of the <mdui:Logo> element MUST be either an https URL or an in-line image embedded in a data URI element." */
  h.check(
    {
      id: 'SDP-MD10-logo-https-or-data',
      level: 'MUST',
      requirements: ['SDP-MD10'],
      title: 'every mdui:Logo is an https URL or a data: URI',
    },
    async (v, ctx) => {
      const logos = ctx.idp.uiInfo?.logos ?? [];
      if (logos.length === 0)
        throw new NotApplicable('the metadata has no mdui:Logo (judged by SDP-MD09-uiinfo)');
      for (const l of logos)
        v.ok(
          /^(https:\/\/\S+|data:image\/[\w.+-]+[;,]\S*)$/i.test(l),
          WHERE.metadata.logo,
          'an https URL or a data:image URI',
          l.slice(0, 80),
        );
    },
  );

  /** SDP-MD11: "Metadata MUST include an <md:ContactPerson> element with a contactType of technical and an <md:EmailAddress> element." */
  h.check(
    {
      id: 'SDP-MD11-technical-contact',
      level: 'MUST',
      requirements: ['SDP-MD11'],
      title: 'metadata has a technical ContactPerson with an EmailAddress',
    },
    async (v, ctx) => {
      const emails = ctx.idp.technicalContacts.flat();
      v.ok(emails.length > 0, WHERE.metadata.technicalContact, 'present', 'absent');
      for (const e of emails)
        v.ok(/^mailto:\S+@\S+$|^[^\s@]+@\S+$/.test(e), 'EmailAddress', 'an email address (mailto:)', e);
    },
  );

  /** SDP-MD12: "An IdP's metadata MUST include the errorURL attribute on its <md:IDPSSODescriptor> element. The content ... MUST be an https URL resolving to an HTML page." */
  h.check(
    {
      id: 'SDP-MD12-errorurl',
      level: 'MUST',
      requirements: ['SDP-MD12'],
      title: 'the IDPSSODescriptor has an https errorURL',
    },
    async (v, ctx) => {
      const url = v.present('errorURL', ctx.idp.errorUrl, WHERE.metadata.errorUrl);
      v.ok(/^https:\/\/[^\s/]+/i.test(url), 'errorURL', 'an https URL', url);
    },
  );

  /** SDP-G02: "deployments MUST limit the size of all element and attribute content they produce to 256 characters" (data: logos excepted, SDP-MD10). */
  h.check(
    {
      id: 'SDP-G02-metadata-string-lengths',
      level: 'MUST',
      requirements: ['SDP-G02'],
      title:
        'entityID, endpoint URLs, errorURL, DisplayName, Scope and contact values are at most 256 characters',
    },
    async (v, ctx) => {
      const md = ctx.idp;
      const values: [string, string | undefined][] = [
        ['entityID', md.entityId],
        ['SingleSignOnService Location (Redirect)', md.ssoRedirect],
        ['SingleSignOnService Location (POST)', md.ssoPost],
        ['errorURL', md.errorUrl],
        ...(md.uiInfo?.displayNames ?? []).map((d) => [WHERE.metadata.displayName, d] as [string, string]),
        ...(md.uiInfo?.logos ?? [])
          .filter((l) => !l.startsWith('data:'))
          .map((l) => [WHERE.metadata.logo, l] as [string, string]),
        ...md.scopes.map((x) => [WHERE.metadata.scope, x.value] as [string, string]),
        ...md.technicalContacts.flat().map((e) => ['EmailAddress', e] as [string, string]),
      ];
      for (const [what, val] of values)
        if (val !== undefined) v.ok(val.length <= 256, `${what} length`, '≤ 256', String(val.length));
    },
  );
});
