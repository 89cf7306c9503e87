/**
 * SAML requirements of Single Logout the slo family cites beside saml2int SDP-IDP21–31 (issue 10): one
 * entry per sentence of saml-core-2.0-os §3.7.3.2 (the session authority's rules) and of
 * saml-profiles-2.0-os §4.4.4.1 (LogoutRequest usage) that a check judges, each at its own keyword.
 */
import type { Level } from '../types';

const CORE = 'SAML Core \u00a73.7.3.2';
const PROF = 'SAML Profiles \u00a74.4.4.1';
/** The condition every SHOULD of §3.7.3.2's ordered list hangs on. */
const IF_PARTICIPANT =
  'If the sender is a session participant to which the session authority provided an assertion containing an ' +
  'authentication statement for the current session, then the session authority SHOULD do the following in the ' +
  'specified order: […] ';

export const SLO_REQUIREMENTS: readonly { id: string; level: Level; source: string; text: string }[] = [
  {
    id: 'SAMLCore-3.7.3.2-authenticate',
    level: 'MUST',
    source: CORE,
    text: 'When a session authority receives a <LogoutRequest> message, the session authority MUST authenticate the sender.',
  },
  {
    id: 'SAMLCore-3.7.3.2-propagation',
    level: 'SHOULD',
    source: CORE,
    text:
      IF_PARTICIPANT +
      'Send a <LogoutRequest> message to each session participant for which the session authority provided assertions ' +
      'in the current session, other than the originator of a current <LogoutRequest>.',
  },
  {
    id: 'SAMLCore-3.7.3.2-logout-response',
    level: 'MUST',
    source: CORE,
    text:
      "If the session authority successfully terminates the principal's session with respect to itself, then it MUST " +
      'respond to the original requester, if any, with a <LogoutResponse> message containing a top-level status code of ' +
      'urn:oasis:names:tc:SAML:2.0:status:Success.',
  },
  {
    id: 'SAMLCore-3.7.3.2-error-status',
    level: 'MUST',
    source: CORE,
    text:
      'If it cannot do so, then it MUST respond with a <LogoutResponse> message containing a top-level status code ' +
      'indicating the error. Thus, the top-level status indicates the state of the logout operation only with respect to ' +
      'the session authority itself.',
  },
  {
    id: 'SAMLCore-3.7.3.2-partial-logout',
    level: 'MUST',
    source: CORE,
    text:
      'In the event that not all session participants successfully respond to these <LogoutRequest> messages (or if not ' +
      'all participants can be contacted), then the session authority MUST include in its <LogoutResponse> message a ' +
      'second-level status code of urn:oasis:names:tc:SAML:2.0:status:PartialLogout to indicate that not all other ' +
      'session participants successfully responded with confirmation of the logout.',
  },
  {
    id: 'SAMLCore-3.7.3.2-notonorafter',
    level: 'MUST',
    source: CORE,
    text:
      'When constructing a logout request message, the session authority MUST set the value of the NotOnOrAfter ' +
      'attribute of the message to a time value, indicating an expiration time for the message, after which the logout ' +
      'request may be discarded by the recipient.',
  },
  {
    id: 'SAMLProf-4.4.4.1-issuer',
    level: 'MUST',
    source: PROF,
    text:
      'The <Issuer> element MUST be present and MUST contain the unique identifier of the requesting entity; the Format ' +
      'attribute MUST be omitted or have a value of urn:oasis:names:tc:SAML:2.0:nameid-format:entity.',
  },
  {
    id: 'SAMLProf-4.4.4.1-principal',
    level: 'MUST',
    source: PROF,
    text:
      'The principal MUST be identified in the request using an identifier that strongly matches the identifier in the ' +
      'authentication assertion the requester issued or received regarding the session being terminated, per the ' +
      'matching rules defined in Section 3.3.4 of [SAMLCore].',
  },
];
