/**
 * The gateway verifier on EncryptedAssertions (S-33, C-22; saml2int SDP-IDP11, SDP-ALG01): what decrypts
 * and verifies is accepted, everything else is a typed S-33 finding and nothing of the assertion is read.
 */
import { expect } from 'chai';
import {
  verifySamlResponseXml,
  type VerifyContext,
  type VerifyResult,
} from '../../src/harness/roles/gateway/verifier';
import {
  ASSERTION_ID,
  KEYS,
  NS_SAML,
  USER,
  assertionXml,
  ctx,
  defaultSpec,
  responseXml,
  signAssertion,
  signResponse,
} from '../fixtures-build/responses';
import {
  GATEWAY_ENC,
  encryptedAssertion,
  encryptedData,
  type EncryptOptions,
} from '../fixtures-build/encrypted';
import { expectAccepted, expectRejected } from '../fixtures-build/expect';

const plainAssertion = () => assertionXml(defaultSpec(), true);
const signedAssertion = (key = KEYS.idp) => signAssertion(plainAssertion(), { key });

function responseWith(body: string, signed: boolean): string {
  const xml = responseXml({ assertion: false }).replace('</samlp:Response>', `${body}</samlp:Response>`);
  return signed ? signResponse(xml) : xml;
}

function v(xml: string, o: Partial<VerifyContext> = {}): VerifyResult {
  return verifySamlResponseXml(xml, ctx({ decryptionKeysPem: [GATEWAY_ENC.key], ...o }));
}

function enc(o: EncryptOptions = {}, assertion = signedAssertion()): string {
  return encryptedAssertion(assertion, o);
}

describe('gateway verifier: EncryptedAssertion', function () {
  it('accepts aes128-gcm + rsa-oaep-mgf1p with a signed assertion inside an unsigned Response', function () {
    const r = v(responseWith(enc(), false));
    expectAccepted(r);
    expect(r.encryption).to.include({ outcome: 'decrypted' });
    expect(r.encryption?.innerEncrypted).to.deep.equal([]);
    expect(r.assertion?.nameId?.value).to.equal(USER);
    expect(r.assertion?.signed).to.equal(true);
    expect(r.assertion?.signature?.valid).to.equal(true);
  });

  it('accepts aes256-gcm with an unsigned assertion under a verified Response signature (it covers the cipher text)', function () {
    const r = v(responseWith(enc({ data: 'aes256-gcm' }, plainAssertion()), true));
    expectAccepted(r);
    expect(r.assertion?.id).to.equal(ASSERTION_ID);
    expect(r.assertion?.signed).to.equal(false);
  });

  it('accepts both signatures when both are present', function () {
    const r = v(responseWith(enc(), true));
    expectAccepted(r);
    expect(r.response?.trusted).to.equal(true);
    expect(r.assertion?.signed).to.equal(true);
  });

  it('C-22 neither the Response nor the decrypted assertion is signed: rejected, nothing read', function () {
    const r = v(responseWith(enc({}, plainAssertion()), false));
    expectRejected(r, 'C-22');
    expect(r.assertion).to.equal(undefined);
  });

  it('S-15 the decrypted assertion is signed with a key the metadata does not list', function () {
    const r = v(responseWith(enc({}, signedAssertion(KEYS.attacker)), false));
    expectRejected(r, 'S-15');
    expect(r.assertion).to.equal(undefined);
  });

  it('S-15 the decrypted assertion was changed after signing (the signature inside is judged as any other)', function () {
    const tampered = signedAssertion().replace(USER, 'admin@acme.test');
    const r = v(responseWith(enc({}, tampered), true));
    expectRejected(r, 'S-15');
    expect(r.assertion).to.equal(undefined);
  });

  it('S-33 encrypted for another key (wrong key): decryption fails, nothing read', function () {
    const r = v(responseWith(enc({ forCert: KEYS.attacker.cert }), true));
    expectRejected(r, 'S-33');
    expect(r.encryption?.outcome).to.equal('decrypt-failed');
    expect(r.assertion).to.equal(undefined);
  });

  it('S-33 truncated cipher text: the GCM tag does not verify, nothing read', function () {
    const r = v(responseWith(enc({ truncate: true }), true));
    expectRejected(r, 'S-33');
    expect(r.encryption?.outcome).to.equal('decrypt-failed');
    expect(r.assertion).to.equal(undefined);
  });

  it('S-33 aes128-cbc content is refused without decrypting (SDP-ALG01)', function () {
    const r = v(responseWith(enc({ data: 'aes128-cbc' }), true));
    expectRejected(r, 'S-33');
    expect(r.encryption).to.include({
      outcome: 'algorithm-refused',
      dataAlgorithm: 'http://www.w3.org/2001/04/xmlenc#aes128-cbc',
    });
    expect(r.assertion).to.equal(undefined);
    // Its RSA-OAEP key still unwraps with the gateway key: encrypted for the SP (SDP-IDP11), content not read.
    expect(r.encryption?.keyUnwrapped).to.equal(true);
  });

  it('S-33 aes128-cbc content for another key: refused, and its content key does not unwrap', function () {
    const r = v(responseWith(enc({ data: 'aes128-cbc', forCert: KEYS.attacker.cert }), true));
    expectRejected(r, 'S-33');
    expect(r.encryption).to.include({ outcome: 'algorithm-refused', keyUnwrapped: false });
  });

  it('S-33 rsa-1_5 key transport is refused without decrypting (SDP-ALG01)', function () {
    const r = v(responseWith(enc({ keyTransport: 'rsa-1_5' }), true));
    expectRejected(r, 'S-33');
    expect(r.encryption).to.include({
      outcome: 'algorithm-refused',
      keyAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-1_5',
    });
    expect(r.assertion).to.equal(undefined);
    // A refused key transport is not unwrapped either.
    expect(r.encryption?.keyUnwrapped).to.equal(undefined);
  });

  it('S-07 a signed plaintext assertion beside an encrypted one is rejected', function () {
    const both = responseXml().replace('</samlp:Response>', `${enc()}</samlp:Response>`);
    const r = v(signAssertion(both));
    expectRejected(r, 'S-07');
  });

  it('S-33 without a decryption key the assertion cannot be verified', function () {
    const r = v(responseWith(enc(), true), { decryptionKeysPem: [] });
    expectRejected(r, 'S-33');
    expect(r.encryption?.outcome).to.equal('no-key');
    expect(r.assertion).to.equal(undefined);
  });

  it('S-33 decrypted content that is not a saml:Assertion is refused', function () {
    const other = `<saml:Issuer xmlns:saml="${NS_SAML}">x</saml:Issuer>`;
    const r = v(
      responseWith(`<saml:EncryptedAssertion>${encryptedData(other)}</saml:EncryptedAssertion>`, true),
    );
    expectRejected(r, 'S-33');
    expect(r.encryption?.outcome).to.equal('not-an-assertion');
  });

  it('reports an EncryptedID inside the decrypted assertion (SDP-IDP11) and refuses it (S-21)', function () {
    const nameId = `<saml:NameID xmlns:saml="${NS_SAML}">${USER}</saml:NameID>`;
    const inner = plainAssertion().replace(
      /<saml:NameID[^>]*>[^<]*<\/saml:NameID>/,
      `<saml:EncryptedID>${encryptedData(nameId)}</saml:EncryptedID>`,
    );
    const r = v(responseWith(enc({}, signAssertion(inner)), true));
    expect(r.encryption?.innerEncrypted).to.deep.equal(['saml:EncryptedID']);
    expectRejected(r, 'S-21');
  });
});
