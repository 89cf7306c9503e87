/**
 * SAML Core requirements of Single Logout the slo family cites beside saml2int SDP-IDP21–31 (issue 10).
 * Each text quotes saml-core-2.0-os §3.7 (the session authority's rules); the level is the strongest
 * keyword of the quoted sentences.
 */
import type { Level } from '../types';

export const SLO_REQUIREMENTS: readonly { id: string; level: Level; source: string; text: string }[] = [
  {
    id: 'SAMLCore-3.7.3.2',
    level: 'MUST',
    source: 'SAML Core \u00a73.7.3.2',
    text:
      'When a session authority receives a <LogoutRequest> message, the session authority MUST authenticate the sender. ' +
      'If the sender is a session participant to which the session authority provided an assertion containing an ' +
      'authentication statement for the current session, then the session authority SHOULD do the following in the ' +
      'specified order: […] Send a <LogoutRequest> message to each session participant for which the session authority ' +
      'provided assertions in the current session, other than the originator of a current <LogoutRequest>. Terminate the ' +
      "principal's current session as specified by the <saml:BaseID>, <saml:NameID>, or <saml:EncryptedID> element, and any " +
      "<SessionIndex> elements present in the logout request message. If the session authority successfully terminates the principal's " +
      'session with respect to itself, then it MUST respond to the original requester, if any, with a <LogoutResponse> ' +
      'message containing a top-level status code of urn:oasis:names:tc:SAML:2.0:status:Success. If it cannot do so, then ' +
      'it MUST respond with a <LogoutResponse> message containing a top-level status code indicating the error. […] In the ' +
      'event that not all session participants successfully respond to these <LogoutRequest> messages (or if not all ' +
      'participants can be contacted), then the session authority MUST include in its <LogoutResponse> message a ' +
      'second-level status code of urn:oasis:names:tc:SAML:2.0:status:PartialLogout […]. When constructing a logout ' +
      'request message, the session authority MUST set the value of the NotOnOrAfter attribute of the message to a time ' +
      'value, indicating an expiration time for the message.',
  },
];
