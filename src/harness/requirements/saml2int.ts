/**
 * saml2int v2.0 requirements added for the encryption, subject-identifier, metadata and coverage work
 * (issue 10). Each text quotes the normative sentence of KantaraInitiative/SAMLprofiles
 * `edit/saml2int/{common,idp}_requirements.adoc`; the level is that sentence's keyword. The SDP-IDP
 * numbers follow the profile's own labels (summarised in shared/research/anchors.md §2.2).
 */
import type { Level } from '../types';

export const SAML2INT_REQUIREMENTS: readonly { id: string; level: Level; source: string; text: string }[] = [
  {
    id: 'SDP-IDP11',
    level: 'MUST',
    source: 'saml2int SDP-IDP11',
    text:
      'In the event the HTTP-POST binding is used, assertions MUST be encrypted and transmitted via a ' +
      '<saml:EncryptedAssertion> element. Information intended for the consumption of the SP MUST NOT be ' +
      'further encrypted via <saml:EncryptedID> or <saml:EncryptedAttribute> constructs.',
  },
];
