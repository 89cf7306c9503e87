/**
 * The requirement catalogue: every requirement ID a check may cite, with its level, sentence and source,
 * gathered from one file per source (saml.ts, idpc.ts, saml2int.ts, slo.ts, device-token.ts); where each is written
 * (requirementUrl) and what a check cites (citations).
 */
import type { Citation } from '../types';
import type { Requirement } from './types';
import { SAML_REQUIREMENTS } from './saml';
import { IDPC_REQUIREMENTS } from './idpc';
import { SAML2INT_REQUIREMENTS } from './saml2int';
import { SLO_REQUIREMENTS } from './slo';
import { DEVICE_TOKEN_REQUIREMENTS } from './device-token';

export type { Requirement };

export const REQUIREMENTS: readonly Requirement[] = [
  ...SAML_REQUIREMENTS,
  ...IDPC_REQUIREMENTS,
  ...DEVICE_TOKEN_REQUIREMENTS,
  ...SAML2INT_REQUIREMENTS,
  ...SLO_REQUIREMENTS,
];

const byId = new Map(REQUIREMENTS.map((r) => [r.id, r]));

export function requirement(id: string): Requirement | undefined {
  return byId.get(id);
}

const OASIS = 'https://docs.oasis-open.org/security/saml/v2.0/';
const SAML2INT = 'https://kantarainitiative.github.io/SAMLprofiles/saml2int.html';
/** The device-token profile document (repository path); its requirement headings are anchors. */
export const DEVICE_TOKEN_DOC = 'docs/profiles/device-token.md';

/** Where a requirement is written: the spec document (and anchor where it has one), or undefined. */
export function requirementUrl(id: string): string | undefined {
  if (/^SAMLCore-/i.test(id)) return `${OASIS}saml-core-2.0-os.pdf`;
  if (/^SAMLBind-/i.test(id)) return `${OASIS}saml-bindings-2.0-os.pdf`;
  if (/^SAMLProf-/i.test(id)) return `${OASIS}saml-profiles-2.0-os.pdf`;
  if (/^SAMLMeta-/i.test(id)) return `${OASIS}saml-metadata-2.0-os.pdf`;
  if (/^SDP-/i.test(id)) return SAML2INT;
  if (/^DT-/i.test(id)) return `${DEVICE_TOKEN_DOC}#${id.toLowerCase()}`;
  if (/^IDPC-SEC-/i.test(id)) return 'https://www.w3.org/TR/xmldsig-bestpractices/';
  // The project's own request rules: the catalogue entry (source) says why no SAML sentence carries them.
  if (/^IDPC-REQ-/i.test(id)) return 'src/harness/requirements/idpc.ts';
  return undefined;
}

/**
 * What a check cites, from the catalogue: each requirement's level, sentence, source and link. A check
 * citing a requirement that is not in the catalogue is a harness defect: it throws when the spec loads.
 */
export function citations(ids: readonly string[], checkId: string): Citation[] {
  return ids.map((id) => {
    const r = byId.get(id);
    if (!r)
      throw new Error(
        `check ${checkId} cites ${id}, which is not in the requirement catalogue (src/harness/requirements/)`,
      );
    const link = requirementUrl(id);
    return { id, level: r.level, text: r.text, source: r.source, ...(link ? { link } : {}) };
  });
}
