/**
 * Review of issue 8: AuthnRequest edits are named (messages/request-edits.ts) and DOM-based, and an edit
 * that finds nothing to edit or changes nothing is a HarnessError, never a valid request sent in place of
 * the negative variant. Likewise the lower-case percent-escape edit of the Redirect binding.
 */
import { expect } from 'chai';
import {
  AuthnRequestBuilder,
  NAMEID_EMAIL,
  NAMEID_PERSISTENT,
} from '../../src/harness/messages/authn-request';
import { applyRequestEdit, requestEdits, type RequestEdit } from '../../src/harness/messages/request-edits';
import { lowercaseEscapes, redirectParams, signRequestXml } from '../../src/harness/messages/bindings';
import { fixtureKey } from '../../src/harness/run-context';
import { HarnessError } from '../../src/harness/types';

const builder = new AuthnRequestBuilder(new Date('2026-01-01T00:00:00Z'))
  .withDestination('https://idp.example.com/sso')
  .withAcsUrl('https://sp.example.com/acs')
  .withIssuer('https://sp.example.com')
  .withNameIdPolicy({ format: NAMEID_EMAIL, allowCreate: 'true' })
  .withIsPassive()
  .withExtensions('<x:Any xmlns:x="urn:example:other"/>');
const unsigned = builder.toXml();
const signed = signRequestXml(unsigned, builder.id, fixtureKey('gateway'));

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('named AuthnRequest edits', () => {
  const named: [string, RequestEdit][] = [
    ...Object.entries(requestEdits).filter((x): x is [string, RequestEdit] => typeof x[1] !== 'function'),
    ['nameIdPolicyFormat', requestEdits.nameIdPolicyFormat(NAMEID_PERSISTENT)],
    ['issuerId', requestEdits.issuerId('_issuer-only')],
  ];

  it('every edit changes the signed request the harness builds', () => {
    expect(named.length).to.equal(Object.keys(requestEdits).length);
    for (const [name, e] of named) expect(applyRequestEdit(signed, e), name).to.not.equal(signed);
  });

  it('each edit changes what it names', () => {
    const out = (e: RequestEdit) => applyRequestEdit(signed, e);
    expect(out(requestEdits.acsUrlAltered)).to.include(
      'AssertionConsumerServiceURL="https://sp.example.com/acsx"',
    );
    expect(out(requestEdits.isPassiveCleared)).to.include('IsPassive="false"');
    expect(out(requestEdits.nameIdPolicyFormat(NAMEID_PERSISTENT))).to.include(
      `Format="${NAMEID_PERSISTENT}"`,
    );
    expect(out(requestEdits.issuerAltered)).to.include('>https://sp.example.com-evil</saml:Issuer>');
    expect(out(requestEdits.destinationAltered)).to.include('Destination="https://idp.example.com/sso?x=1"');
    expect(out(requestEdits.newRootId)).to.not.include(`ID="${builder.id}"`);
    expect(out(requestEdits.providerNameTampered)).to.include('ProviderName="tampered"');
    expect(out(requestEdits.commentInSignedInfo)).to.match(/<ds:SignedInfo[^>]*><!-- note -->/);
    expect(out(requestEdits.signatureIntoExtensions)).to.match(/<\/ds:Signature><\/samlp:Extensions>/);
  });

  it('an edit that finds nothing to edit is a HarnessError naming the edit', () => {
    const bare = new AuthnRequestBuilder(new Date()).withIssuer('https://sp.example.com').toXml();
    for (const e of [
      requestEdits.acsUrlAltered,
      requestEdits.isPassiveCleared,
      requestEdits.destinationAltered,
      requestEdits.nameIdPolicyFormat(NAMEID_PERSISTENT),
      requestEdits.commentInSignedInfo,
      requestEdits.signatureIntoExtensions,
    ]) {
      const err = thrown(() => applyRequestEdit(bare, e));
      expect(err, e.what).to.be.instanceOf(HarnessError);
      expect((err as HarnessError).message).to.include(e.what);
    }
  });

  it('an edit that changes nothing is a HarnessError', () => {
    const tampered = applyRequestEdit(signed, requestEdits.providerNameTampered);
    const err = thrown(() => applyRequestEdit(tampered, requestEdits.providerNameTampered));
    expect(err).to.be.instanceOf(HarnessError);
    expect((err as HarnessError).message).to.include('changed nothing');
  });

  it('a document that is not an AuthnRequest is a HarnessError', () => {
    const err = thrown(() => applyRequestEdit('<a/>', requestEdits.providerNameTampered));
    expect(err).to.be.instanceOf(HarnessError);
  });
});

describe('lower-case percent-escapes of the Redirect binding', () => {
  it('lowers every escape of SAMLRequest and RelayState', () => {
    const p = redirectParams(unsigned, { relayState: 'a/b c=d' });
    const out = lowercaseEscapes(p);
    expect(out.RelayState).to.equal('a%2fb%20c%3dd');
    expect(out.SAMLRequest.toLowerCase()).to.equal(p.SAMLRequest.toLowerCase());
    expect(out.SAMLRequest).to.not.match(/%[0-9A-F]*[A-F][0-9A-F]*/);
  });

  it('parameters without an upper-case escape are a HarnessError', () => {
    const err = thrown(() => lowercaseEscapes({ SAMLRequest: 'abc', RelayState: 'x%2f' }));
    expect(err).to.be.instanceOf(HarnessError);
  });
});
