/** Builders of the SP's Single Logout messages ([CORE] §3.7): a LogoutRequest, and the LogoutResponse to a propagated one. */
import { NS } from '../xml';
import { newId, samlTime, xmlEscape } from './authn-request';

export interface LogoutNameId {
  value: string;
  format?: string;
  nameQualifier?: string;
  spNameQualifier?: string;
}

function nameIdXml(n: LogoutNameId): string {
  const attrs =
    (n.format ? ` Format="${xmlEscape(n.format)}"` : '') +
    (n.nameQualifier ? ` NameQualifier="${xmlEscape(n.nameQualifier)}"` : '') +
    (n.spNameQualifier ? ` SPNameQualifier="${xmlEscape(n.spNameQualifier)}"` : '');
  return `<saml:NameID xmlns:saml="${NS.saml}"${attrs}>${xmlEscape(n.value)}</saml:NameID>`;
}

/** A LogoutRequest from the SP `issuer` for the principal and session its login was given. */
export function logoutRequestXml(o: {
  id?: string;
  issuer: string;
  destination: string;
  nameId: LogoutNameId;
  sessionIndex?: string;
  now: Date;
}): { id: string; xml: string } {
  const id = o.id ?? newId();
  const subject = nameIdXml(o.nameId).replace(` xmlns:saml="${NS.saml}"`, '');
  const xml =
    `<samlp:LogoutRequest xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${id}" Version="2.0" ` +
    `IssueInstant="${samlTime(o.now)}" Destination="${xmlEscape(o.destination)}" ` +
    `Reason="urn:oasis:names:tc:SAML:2.0:logout:user">` +
    `<saml:Issuer>${xmlEscape(o.issuer)}</saml:Issuer>${subject}` +
    (o.sessionIndex ? `<samlp:SessionIndex>${xmlEscape(o.sessionIndex)}</samlp:SessionIndex>` : '') +
    `</samlp:LogoutRequest>`;
  return { id, xml };
}

/** The SP's LogoutResponse to a LogoutRequest the IdP propagated to it. */
export function logoutResponseXml(o: {
  issuer: string;
  destination: string;
  inResponseTo: string;
  now: Date;
  /** Top-level status URI; Success unless a negative asks otherwise. */
  status?: string;
}): string {
  const status = o.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success';
  return (
    `<samlp:LogoutResponse xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${newId()}" Version="2.0" ` +
    `IssueInstant="${samlTime(o.now)}" Destination="${xmlEscape(o.destination)}" ` +
    `InResponseTo="${xmlEscape(o.inResponseTo)}"><saml:Issuer>${xmlEscape(o.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${xmlEscape(status)}"/></samlp:Status></samlp:LogoutResponse>`
  );
}
