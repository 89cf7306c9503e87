/**
 * The reference IdP's release policy (admin PUT /service-providers?releaseIdentifiers=) narrows every
 * subject-identifier release: the signalled ones and the one without a signal (SDP-IDP17: free, but not
 * past the deployment's policy); a signal the policy forbids is refused (SDP-IDP16).
 */
import { expect } from 'chai';
import { Faults } from '../../src/reference-idp/faults';
import { Tenant } from '../../src/reference-idp/store';
import { identifierRefusal, webSubject } from '../../src/reference-idp/web-sso';
import type { SpRecord, SubjectIdReq, SubjectIdentifier } from '../../src/reference-idp/sp-metadata';

const SP = 'https://gateway.test/sp/x';
const SUBJECT_ID = 'urn:oasis:names:tc:SAML:attribute:subject-id';
const PAIRWISE_ID = 'urn:oasis:names:tc:SAML:attribute:pairwise-id';

function tenantWith(req: SubjectIdReq | undefined, release: SubjectIdentifier[] | undefined): Tenant {
  const t = new Tenant(
    'web' as never,
    { entityId: 'https://idp.test/web' } as never,
    'k',
    {} as never,
    {} as never,
    undefined,
    {} as never,
    [],
  );
  t.directory.insert({ userId: 'alice@example.com', uid: 'alice', createdAt: 0 });
  t.sps.set(SP, {
    entityId: SP,
    ...(req ? { subjectIdReq: req } : {}),
    ...(release ? { releaseIdentifiers: release } : {}),
  } as SpRecord);
  return t;
}

function released(
  req: SubjectIdReq | undefined,
  release: SubjectIdentifier[] | undefined,
  faults = new Faults(),
) {
  const t = tenantWith(req, release);
  const session = { id: 's', userKey: 'alice@example.com', authnInstant: 0, sessionIndex: 'i', expires: 1 };
  return webSubject(t, session, SP, undefined, faults)!
    .attributes.map((a) => a.name)
    .filter((n) => n === SUBJECT_ID || n === PAIRWISE_ID);
}

describe('reference IdP: the release policy applies to every subject-identifier release', () => {
  it('without a signal: subject-id, unless the policy withholds it', () => {
    expect(released(undefined, undefined)).to.deep.equal([SUBJECT_ID]);
    expect(released(undefined, ['subject-id'])).to.deep.equal([SUBJECT_ID]);
    expect(released(undefined, ['pairwise-id'])).to.deep.equal([]);
    expect(released(undefined, [])).to.deep.equal([]);
  });

  it('with subject-id:req any: pairwise-id, else subject-id, within the policy', () => {
    expect(released('any', undefined)).to.deep.equal([PAIRWISE_ID]);
    expect(released('any', ['subject-id'])).to.deep.equal([SUBJECT_ID]);
    expect(identifierRefusal(tenantWith('any', []), SP, new Faults())?.second).to.equal('RequestDenied');
  });

  it('a signalled identifier the policy forbids is refused, never released', () => {
    expect(identifierRefusal(tenantWith('pairwise-id', ['subject-id']), SP, new Faults())?.second).to.equal(
      'RequestDenied',
    );
    expect(released('pairwise-id', ['subject-id'])).to.deep.equal([]);
    expect(released('pairwise-id', undefined)).to.deep.equal([PAIRWISE_ID]);
  });

  it('the fault subject-id-signal-ignored still differs: pairwise-id required, subject-id released', () => {
    expect(released('pairwise-id', undefined, new Faults(['subject-id-signal-ignored']))).to.deep.equal([
      SUBJECT_ID,
    ]);
  });

  it('the fault release-policy-ignored releases what the policy withholds, and refuses nothing for it', () => {
    const faults = new Faults(['release-policy-ignored']);
    expect(identifierRefusal(tenantWith('any', []), SP, faults)).to.equal(undefined);
    expect(released('any', [], faults)).to.deep.equal([PAIRWISE_ID]);
    expect(released(undefined, [], faults)).to.deep.equal([SUBJECT_ID]);
  });
});
