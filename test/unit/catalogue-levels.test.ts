/**
 * The level of every catalogue entry is its sentence's own keyword (RFC 2119: MUST/REQUIRED/SHALL,
 * SHOULD/RECOMMENDED, MAY/OPTIONAL — the strongest one in the quoted text), and a requirement no SAML
 * sentence carries is the project's own, saying so in its source.
 */
import { expect } from 'chai';
import { REQUIREMENTS } from '../../src/harness/requirements';

function keyword(text: string): string {
  if (/\b(MUST|SHALL|REQUIRED)\b/.test(text)) return 'MUST';
  if (/\b(SHOULD|RECOMMENDED)\b/.test(text)) return 'SHOULD';
  if (/\b(MAY|OPTIONAL)\b|\bis free to\b/.test(text)) return 'MAY';
  return '(no keyword)';
}

describe('requirement catalogue levels (SAML, saml2int and project entries)', () => {
  it("every entry's level is the keyword of the sentence it quotes", () => {
    // DT entries carry their keyword in the profile document's bold lead (catalogue.test.ts compares them).
    const quoted = REQUIREMENTS.filter((r) => !r.id.startsWith('DT-'));
    const wrong = quoted
      .filter((r) => keyword(r.text) !== r.level)
      .map((r) => `${r.id}: level ${r.level}, sentence says ${keyword(r.text)}`);
    expect(wrong).to.deep.equal([]);
  });

  it("the project's own requirements say so and why", () => {
    for (const r of REQUIREMENTS.filter((x) => x.id.startsWith('IDPC-')))
      expect(r.source, r.id).to.match(/^idp-conformance /);
  });
});
