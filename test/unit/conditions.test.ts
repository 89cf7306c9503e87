/**
 * Checks as named conditions (issue 8): every condition cites requirements of the catalogue, ids are
 * unique, and a judge is a pure function of its typed input whose first broken expectation is the FAIL.
 */
import { expect } from 'chai';
import { allConditions, verify } from '../../src/harness/checks/conditions';
import {
  ERROR_IN_RESPONSE_TO,
  ERROR_NO_ASSERTION,
  RESPONSE_DESTINATION,
  RESPONSE_DESTINATION_REQUIRED,
  RESPONSE_IN_RESPONSE_TO,
  STATUS_ERROR,
  BEARER_IN_RESPONSE_TO,
  BEARER_NO_NOT_BEFORE,
  RECIPIENT_IS_ACS,
  type Received,
  type Succeeded,
} from '../../src/harness/checks/conditions-response';
import { ENCRYPTED_FOR_SP_KEY, keyTransportRefused } from '../../src/harness/checks/conditions-encryption';
import type { AssertionInfo, EncryptionInfo } from '../../src/harness/roles/gateway/verifier-types';
import { ConformanceFailure, Verdict } from '../../src/harness/checks/verdict';
import { requirement } from '../../src/harness/requirements';
import type { CheckDef } from '../../src/harness/types';

const ACS = 'https://gateway.test/acs';

function input(over: Partial<Received['response']> = {}): Received {
  return {
    response: {
      assertionCount: 1,
      encryptedAssertionCount: 0,
      signed: true,
      trusted: true,
      hasDoctype: false,
      destination: ACS,
      inResponseTo: '_req',
      ...over,
    },
    requestId: '_req',
    requested: { spEntityId: 'https://gateway.test/sp', acsUrl: ACS, idpEntityId: 'https://idp.test' },
  };
}

const verdict = () => new Verdict({ id: 'X-1', requirements: ['SAMLProf-4.1.4.2'] } as unknown as CheckDef);

describe('conditions', () => {
  it('cite only requirements of the catalogue, under unique ids', () => {
    const all = allConditions();
    expect(all.length).to.be.greaterThan(10);
    expect(new Set(all.map((c) => c.id)).size).to.equal(all.length);
    for (const c of all) {
      expect(c.requirements.length, c.id).to.be.greaterThan(0);
      for (const id of c.requirements) expect(requirement(id), `${c.id} cites ${id}`).to.not.equal(undefined);
    }
  });

  it('judge a conformant input: every expectation holds and counts', () => {
    const v = verdict();
    verify(v, input(), [RESPONSE_DESTINATION, RESPONSE_IN_RESPONSE_TO]);
    expect(v.asserted).to.equal(2);
  });

  it('FAIL with what, expected, actual and where from the reader', () => {
    const v = verdict();
    let f: unknown;
    try {
      verify(v, input({ inResponseTo: '_other' }), [RESPONSE_DESTINATION, RESPONSE_IN_RESPONSE_TO]);
    } catch (e) {
      f = e;
    }
    expect(f).to.be.instanceOf(ConformanceFailure);
    const c = f as ConformanceFailure;
    expect([c.what, c.expected, c.actual, c.where]).to.deep.equal([
      'InResponseTo',
      '"_req"',
      '"_other"',
      '/samlp:Response/@InResponseTo',
    ]);
  });

  it('tell the SAML Destination rule (required when signed) from the device-token one (always)', () => {
    const unsigned = input({ destination: undefined, signed: false });
    expect(RESPONSE_DESTINATION.judge(unsigned).every((e) => e.holds)).to.equal(true);
    expect(RESPONSE_DESTINATION_REQUIRED.judge(unsigned).every((e) => e.holds)).to.equal(false);
    expect(RESPONSE_DESTINATION.judge(input({ destination: undefined })).every((e) => e.holds)).to.equal(
      false,
    );
    expect(
      ERROR_NO_ASSERTION.judge(input({ encryptedAssertionCount: 1, assertionCount: 0 }))[0]?.holds,
    ).to.equal(false);
  });

  it('earn "encrypted for the SP key" by decryption or an unwrapped key, never by a refused algorithm alone', () => {
    const enc = (o: Partial<EncryptionInfo>): { encryption: EncryptionInfo } => ({
      encryption: { outcome: 'algorithm-refused', innerEncrypted: [], ...o },
    });
    const holds = (i: { encryption?: EncryptionInfo }) => ENCRYPTED_FOR_SP_KEY.judge(i)[0]?.holds;
    expect(holds(enc({ outcome: 'decrypted', keyUnwrapped: true }))).to.equal(true);
    expect(holds(enc({ keyUnwrapped: true }))).to.equal(true);
    expect(holds(enc({ keyUnwrapped: false }))).to.equal(false);
    expect(holds(enc({}))).to.equal(false);
    expect(holds({})).to.equal(false);
    expect(holds(enc({ outcome: 'decrypt-failed' }))).to.equal(false);
    expect(keyTransportRefused(enc({}).encryption)).to.equal(true);
    expect(keyTransportRefused(enc({ keyUnwrapped: false }).encryption)).to.equal(false);
  });

  it("hold an error Response's InResponseTo, where present, to the ID of the request as sent", () => {
    const judged = (inResponseTo: string | undefined, requestId: string | undefined) =>
      ERROR_IN_RESPONSE_TO.judge({ response: input({ inResponseTo }).response, requestId });
    expect(judged('_req', '_req').map((e) => e.holds)).to.deep.equal([true]);
    expect(judged('_other', '_req').map((e) => e.holds)).to.deep.equal([false]);
    expect(judged('', '_req').map((e) => e.holds)).to.deep.equal([false]);
    // Absent, or a request whose ID cannot be determined: nothing to compare.
    expect(judged(undefined, '_req')).to.deep.equal([]);
    expect(judged('_other', undefined)).to.deep.equal([]);
  });

  it('count as an error status only a present top-level StatusCode other than Success, from the top-level list', () => {
    const st = (statusCode?: string) => STATUS_ERROR.judge(input({ statusCode }))[0]?.holds;
    expect(st('urn:oasis:names:tc:SAML:2.0:status:Requester')).to.equal(true);
    expect(st('urn:oasis:names:tc:SAML:2.0:status:Success')).to.equal(false);
    expect(st(undefined)).to.equal(false);
    // [CORE] §3.2.2.2: a second-level code at the top is no permitted top-level value.
    const all = (statusCode?: string) => STATUS_ERROR.judge(input({ statusCode })).every((e) => e.holds);
    expect(all('urn:oasis:names:tc:SAML:2.0:status:Responder')).to.equal(true);
    expect(all('urn:oasis:names:tc:SAML:2.0:status:VersionMismatch')).to.equal(true);
    expect(all('urn:oasis:names:tc:SAML:2.0:status:RequestDenied')).to.equal(false);
    expect(all('urn:example:status:denied')).to.equal(false);
  });

  it('judge the bearer rules on the same confirmations (those for the ACS), and never pass on none', () => {
    const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
    const withBearers = (...cs: AssertionInfo['subjectConfirmations']): Succeeded => ({
      ...input(),
      assertion: { subjectConfirmations: cs } as unknown as AssertionInfo,
    });
    const ok = (s: Succeeded) =>
      [RECIPIENT_IS_ACS, BEARER_IN_RESPONSE_TO, BEARER_NO_NOT_BEFORE].map((c) =>
        c.judge(s).every((e) => e.holds),
      );
    // A first bearer for elsewhere, then the one for the ACS: judged on the latter by all three.
    const other = { method: BEARER, recipient: 'https://elsewhere.test/acs', notBefore: 'x' };
    const mine = { method: BEARER, recipient: ACS, inResponseTo: '_req' };
    expect(ok(withBearers(other, mine))).to.deep.equal([true, true, true]);
    expect(ok(withBearers(mine, { ...mine, inResponseTo: '_other' }))).to.deep.equal([true, false, true]);
    expect(ok(withBearers(mine, { ...mine, notBefore: 'x' }))).to.deep.equal([true, true, false]);
    // No bearer for the ACS: no rule passes on it.
    expect(ok(withBearers(other))).to.deep.equal([false, false, false]);
    expect(ok(withBearers())).to.deep.equal([false, false, false]);
  });
});
