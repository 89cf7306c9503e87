/**
 * The strict gateway verifier against the attack catalogue (research/attack-catalog.md): one test per
 * SP-side case of sections 1 (XSW), 2 (CVE regressions), 3 (classic XML) and 5 (strict SP checks).
 * Every fixture is a good Response signed here with fixtures/keys/idp-acme and one named mutation.
 */
import { expect } from 'chai';
import * as crypto from 'node:crypto';
import {
  ReplayCache,
  verifySamlResponse,
  verifySamlResponseXml,
  type VerifyContext,
  type VerifyResult,
} from '../../src/harness/roles/gateway/verifier';
import {
  ALG,
  NS,
  encodePostBinding,
  LIMITS,
  resignSignature,
  selectOne,
  type XmlElement,
} from '../../src/harness/xml';
import {
  ACS,
  ASSERTION_ID,
  BEARER,
  EMAIL,
  EVIL,
  IDP,
  KEYS,
  NOW,
  PPT,
  REQUEST_ID,
  RESPONSE_ID,
  SP,
  USER,
  at,
  ctx,
  defaultSpec,
  responseXml,
  signAssertion,
  signResponse,
  signedResponse,
} from '../fixtures-build/responses';
import {
  assertionOf,
  attackerSignedInfo,
  commentSplitNameId,
  digestValueComment,
  duplicateIdInExtensions,
  edit,
  encryptedAssertionXml,
  hmacWithPublicCert,
  nameIdOf,
  plantedDigestValue,
  resignAssertionSignature,
  secondAssertion,
  setText,
  signatureInStatusDetail,
  signatureOf,
  stripSignatures,
  twoSignedInfo,
  voidCanonicalization,
  wrappedSignedInfo,
  xsw1,
  xsw2,
  xsw3,
  xsw4,
  xsw5,
  xsw6,
  xsw7,
  xsw8,
} from '../fixtures-build/hostile';
import { expectAccepted, expectRejected } from '../fixtures-build/expect';

function v(xml: string, o: Partial<VerifyContext> = {}): VerifyResult {
  return verifySamlResponseXml(xml, ctx(o));
}

/** The evil NameID must never surface as verified identity data. */
function neverEvil(r: VerifyResult): void {
  expect(r.assertion?.nameId?.value).to.not.equal(EVIL);
}

const BOTH = (): string => signedResponse('both');
const ASSERTION_SIGNED = (): string => signedResponse('assertion');
const RESPONSE_SIGNED = (): string => signedResponse('response');

function firstDs(el: XmlElement, path: string): XmlElement {
  const e = selectOne(path, el);
  if (!e) throw new Error(`fixture: no ${path}`);
  return e;
}

describe('strict gateway verifier', function () {
  describe('good Responses (control cases)', function () {
    it('accepts a Response with both Response and Assertion signed, identity read from signed bytes', function () {
      const r = v(BOTH());
      expectAccepted(r);
      expect(r.response?.trusted).to.equal(true);
      expect(r.response?.hasDoctype).to.equal(false);
      expect(r.response?.signature?.valid).to.equal(true);
      expect(r.assertion?.nameId).to.deep.equal({ value: USER, format: EMAIL });
      expect(r.assertion?.signed).to.equal(true);
      expect(r.assertion?.attributes.map((a) => a.name)).to.deep.equal(['mail', 'groups']);
      expect(r.assertion?.conditions?.audienceRestrictions).to.deep.equal([[SP]]);
      expect(r.assertion?.authnStatements[0]?.classRef).to.equal(PPT);
    });

    it('accepts an assertion-only signed Response (Response envelope untrusted but checked)', function () {
      const r = v(ASSERTION_SIGNED());
      expectAccepted(r);
      expect(r.response?.trusted).to.equal(false);
      expect(r.response?.signed).to.equal(false);
      expect(r.assertion?.signed).to.equal(true);
    });

    it('accepts a Response-only signed Response: the Assertion is read from the signed Response bytes', function () {
      const r = v(RESPONSE_SIGNED());
      expectAccepted(r);
      expect(r.assertion?.signed).to.equal(false);
      expect(r.assertion?.nameId?.value).to.equal(USER);
    });

    it('accepts the same Response through the base64 HTTP-POST entry point', function () {
      expectAccepted(verifySamlResponse(encodePostBinding(BOTH()), ctx()));
    });

    it('accepts rsa-sha384/sha384 and rsa-sha512/sha512 (allowlisted)', function () {
      expectAccepted(
        v(signedResponse('assertion', {}, { signatureAlgorithm: 'rsa-sha384', digestAlgorithm: 'sha384' })),
      );
      expectAccepted(
        v(signedResponse('assertion', {}, { signatureAlgorithm: 'rsa-sha512', digestAlgorithm: 'sha512' })),
      );
    });

    it('accepts ecdsa-sha256 with an EC P-256 metadata key', function () {
      const rsaSigned = signedResponse('assertion', {}, { keyInfo: false });
      const ec = resignSignature(rsaSigned, {
        privateKeyPem: KEYS.ec.key,
        signatureAlgorithm: ALG.ecdsaSha256,
      });
      const r = v(ec, { idpCertsPem: [KEYS.ec.cert] });
      expectAccepted(r);
      expect(r.assertion?.signature?.signatureAlgorithm).to.equal(ALG.ecdsaSha256);
      expectRejected(v(ec), 'S-15');
    });

    it('accepts a leading XML declaration and comment outside the root', function () {
      expectAccepted(v(`<?xml version="1.0" encoding="UTF-8"?>\n<!-- hello -->\n${BOTH()}`));
    });
  });

  describe('every signature is reported, trusted or not', function () {
    const assertionThenResponse = (w: Parameters<typeof signAssertion>[1]): string =>
      signResponse(signAssertion(responseXml(), w));

    it('lists both signatures of a good Response as made with the metadata key', function () {
      const r = v(BOTH());
      expect(r.signatures?.map((x) => [x.on, x.parentId, x.verifiesWithMetadataKey])).to.deep.equal([
        ['response', RESPONSE_ID, true],
        ['assertion', ASSERTION_ID, true],
      ]);
    });

    it('an Assertion signed with a key not in metadata, under a good Response signature', function () {
      const r = v(assertionThenResponse({ key: KEYS.rogue }));
      const a = r.signatures?.find((x) => x.on === 'assertion');
      expect(a?.verifiesWithMetadataKey).to.equal(false);
      expect(r.signatures?.find((x) => x.on === 'response')?.verifiesWithMetadataKey).to.equal(true);
      expect(r.assertion).to.equal(undefined);
    });

    it('an Assertion signed with rsa-sha1/sha1 by the metadata key: policy-refused, algorithms reported', function () {
      const r = v(assertionThenResponse({ signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1' }));
      const a = r.signatures?.find((x) => x.on === 'assertion');
      expect(a?.policyRefused).to.equal(true);
      expect(a?.verifiesWithMetadataKey).to.equal(true);
      expect(a?.signatureAlgorithm).to.equal(ALG.rsaSha1);
      expect(a?.digestAlgorithm).to.equal(ALG.sha1);
    });

    it('an Assertion signature with Reference URI="" is reported with that URI', function () {
      const r = v(assertionThenResponse({ referenceUri: '' }));
      const a = r.signatures?.find((x) => x.on === 'assertion');
      expect(a?.referenceUri).to.equal('');
      expect(a?.policyRefused).to.equal(true);
    });

    it('an HMAC signature is never checked against the metadata key, not even for the report', function () {
      const r = v(hmacWithPublicCert(BOTH()));
      expect(r.signatures?.some((x) => x.policyRefused && x.verifiesWithMetadataKey)).to.equal(false);
    });
  });

  describe('section 1: XML Signature Wrapping', function () {
    it('X-01 XSW1 (original Response inside the evil Response signature) is rejected', function () {
      const r = v(xsw1(RESPONSE_SIGNED()));
      expectRejected(r, 'S-10', 'S-07');
      neverEvil(r);
    });

    it('X-02 XSW2 (original Response inserted before the Signature) is rejected', function () {
      const r = v(xsw2(RESPONSE_SIGNED()));
      expectRejected(r, 'S-10', 'S-07');
      neverEvil(r);
    });

    it('X-03 XSW3 (evil Assertion before the signed one) is rejected', function () {
      const r = v(xsw3(ASSERTION_SIGNED()));
      expectRejected(r, 'S-07');
      neverEvil(r);
    });

    it('X-04 XSW4 (signed Assertion moved inside the evil one) is rejected', function () {
      const r = v(xsw4(ASSERTION_SIGNED()));
      expectRejected(r, 'S-07', 'S-09');
      neverEvil(r);
    });

    it('X-05 XSW5 (signed Assertion edited, pristine copy appended) is rejected', function () {
      const r = v(xsw5(ASSERTION_SIGNED()));
      expectRejected(r, 'S-07', 'S-10');
      neverEvil(r);
    });

    it('X-06 XSW6 (pristine copy inside the evil Assertion signature) is rejected', function () {
      const r = v(xsw6(ASSERTION_SIGNED()));
      expectRejected(r, 'S-07', 'S-10');
      neverEvil(r);
    });

    it('X-07 XSW7 with namespaced samlp:Extensions holding a same-ID evil copy is rejected', function () {
      const r = v(xsw7(ASSERTION_SIGNED(), true));
      expectRejected(r, 'S-08', 'S-07');
      neverEvil(r);
    });

    it('X-07 XSW7 with SAML Raider\u2019s un-namespaced Extensions is rejected', function () {
      const r = v(xsw7(ASSERTION_SIGNED(), false));
      expectRejected(r, 'S-08', 'S-07');
      neverEvil(r);
    });

    it('X-08 XSW8 with the pristine copy in ds:Object is rejected', function () {
      const r = v(xsw8(ASSERTION_SIGNED(), true));
      expectRejected(r, 'S-08', 'S-07', 'S-10');
      neverEvil(r);
    });

    it('X-08 XSW8 with SAML Raider\u2019s un-namespaced Object is rejected', function () {
      const r = v(xsw8(ASSERTION_SIGNED(), false));
      expectRejected(r, 'S-08', 'S-07', 'S-10');
      neverEvil(r);
    });

    it('X-09 / C-32 signature exclusion (every ds:Signature removed) is rejected', function () {
      const r = v(stripSignatures(BOTH()));
      expectRejected(r, 'S-14');
      expect(r.assertion).to.equal(undefined);
    });

    it('X-10 re-signed by the attacker with the attacker certificate in KeyInfo is rejected', function () {
      const evil = responseXml({ nameId: { value: EVIL, format: EMAIL } });
      const r = v(signAssertion(evil, { key: KEYS.attacker }));
      expectRejected(r, 'S-15');
      expect(r.assertion).to.equal(undefined);
    });

    it('X-11 refined duplicate ID (original in samlp:Extensions, evil one in place) is rejected', function () {
      const r = v(duplicateIdInExtensions(ASSERTION_SIGNED()));
      expectRejected(r, 'S-08', 'S-07');
      neverEvil(r);
    });

    it('X-12 a Reference that covers only the Assertion Issuer is rejected', function () {
      const xml = responseXml().replace(
        `<saml:Issuer>${IDP}</saml:Issuer><saml:Subject>`,
        `<saml:Issuer ID="_issuer1">${IDP}</saml:Issuer><saml:Subject>`,
      );
      const signed = signAssertion(xml, {
        referenceId: '_issuer1',
        placeAfter: "/*/*[local-name()='Assertion']/*[local-name()='Issuer']",
      });
      const r = v(signed);
      expectRejected(r, 'S-10');
      expect(r.assertion).to.equal(undefined);
    });

    it('X-13 / S-37 a signature in the Response that references the Assertion (not enveloped) is rejected', function () {
      const signed = signAssertion(responseXml(), { placeAfter: "/*/*[local-name()='Issuer']" });
      const r = v(signed);
      expectRejected(r, 'S-10', 'S-37');
      expect(r.assertion).to.equal(undefined);
    });

    it('X-14 a second, unsigned evil Assertion appended after the signed one is rejected', function () {
      const r = v(secondAssertion(ASSERTION_SIGNED(), 'append'));
      expectRejected(r, 'S-07');
      neverEvil(r);
    });

    it('X-14 a second, unsigned evil Assertion prepended before the signed one is rejected', function () {
      const r = v(secondAssertion(ASSERTION_SIGNED(), 'prepend'));
      expectRejected(r, 'S-07');
      neverEvil(r);
    });
  });

  describe('section 2: CVE regressions (SP rows)', function () {
    it('C-01 two ds:SignedInfo in one Signature are rejected', function () {
      expectRejected(v(twoSignedInfo(ASSERTION_SIGNED())), 'C-01', 'S-10');
    });

    it('C-01 a SignedInfo wrapped in a foreign element inside the Signature is rejected', function () {
      expectRejected(v(wrappedSignedInfo(ASSERTION_SIGNED())), 'C-01', 'S-10');
    });

    it('C-02 a comment inside DigestValue is rejected before any digest is compared', function () {
      const r = v(digestValueComment(ASSERTION_SIGNED()));
      expectRejected(r, 'C-02');
      neverEvil(r);
    });

    it('C-03 KeyInfo is never trusted: a Response re-signed by the attacker with its cert in KeyInfo is rejected', function () {
      const evil = responseXml({ nameId: { value: EVIL, format: EMAIL } });
      const r = v(signResponse(signAssertion(evil, { key: KEYS.attacker }), { key: KEYS.attacker }));
      expectRejected(r, 'S-15');
      expect(r.response?.signature?.valid).to.equal(false);
      expect(r.assertion).to.equal(undefined);
    });

    it('C-04 hmac-sha1 keyed with the IdP public certificate is rejected', function () {
      expectRejected(v(hmacWithPublicCert(ASSERTION_SIGNED())), 'S-12', 'C-04');
    });

    it('C-05 an injected unsigned forged Assertion next to an IdP-signed one is rejected', function () {
      const r = v(secondAssertion(ASSERTION_SIGNED(), 'prepend'));
      expectRejected(r, 'S-07');
      neverEvil(r);
    });

    it('C-06 a comment-split NameID: identity is the full signed text, and the Response is rejected', function () {
      const signed = signedResponse('assertion', { nameId: { value: `${EVIL}.evil.com`, format: EMAIL } });
      const r = v(commentSplitNameId(signed, EVIL));
      expectRejected(r, 'S-21', 'C-15');
      expect(r.assertion?.nameId?.value).to.equal(`${EVIL}.evil.com`);
    });

    it('C-07 two root elements are rejected by the strict parser', function () {
      expectRejected(v(`${BOTH()}${responseXml({ nameId: { value: EVIL } })}`), 'S-02');
    });

    it('C-08 five transforms are rejected (DoS via transform chains)', function () {
      const signed = signedResponse(
        'assertion',
        {},
        { transforms: [ALG.enveloped, ALG.excC14n, ALG.excC14n, ALG.excC14n, ALG.excC14n] },
      );
      expectRejected(v(signed), 'S-11', 'C-08');
    });

    it('C-09 a planted ds:DigestValue in StatusDetail (document-wide lookups) is rejected', function () {
      const r = v(plantedDigestValue(ASSERTION_SIGNED()));
      expectRejected(r, 'S-09', 'S-15');
      neverEvil(r);
    });

    it('C-10 the ruby-saml DOCTYPE parser-differential payload is rejected and hasDoctype is recorded', function () {
      const xml = `<!DOCTYPE response SYSTEM 'x"><!--'>${BOTH()}`;
      const r = v(xml);
      expectRejected(r, 'S-02');
      expect(r.response?.hasDoctype).to.equal(true);
    });

    it('C-11 an ATTLIST giving Signature a default xmlns is rejected (DOCTYPE)', function () {
      const xml = `<!DOCTYPE samlp:Response [<!ATTLIST Signature xmlns CDATA #FIXED "${NS.ds}">]>${BOTH()}`;
      const r = v(xml);
      expectRejected(r, 'S-02');
      expect(r.response?.hasDoctype).to.equal(true);
    });

    it('C-11 a namespaced ds:Signature copy inside samlp:StatusDetail is rejected', function () {
      expectRejected(v(signatureInStatusDetail(ASSERTION_SIGNED(), true)), 'S-09');
    });

    it('C-11 a bare Signature without the DSig namespace in StatusDetail is not signature material (accepted)', function () {
      const r = v(signatureInStatusDetail(ASSERTION_SIGNED(), false));
      expectAccepted(r);
      expect(r.assertion?.nameId?.value).to.equal(USER);
    });

    it('C-12 void canonicalization (DigestValue of the empty string) is rejected', function () {
      expectRejected(v(voidCanonicalization(ASSERTION_SIGNED())), 'C-12');
    });

    it('C-15 the Duo comment-truncation NameID is rejected', function () {
      const signed = signedResponse('assertion', { nameId: { value: `${EVIL}.evil.com`, format: EMAIL } });
      expectRejected(v(commentSplitNameId(signed, EVIL)), 'C-15', 'S-21');
    });

    it('C-15 a comment inside an AttributeValue is rejected', function () {
      const signed = signedResponse('assertion', { attributes: [{ name: 'role', values: ['admin-not'] }] });
      const xml = signed.replace('<saml:AttributeValue>admin-not', '<saml:AttributeValue>admin<!---->-not');
      expectRejected(v(xml), 'C-15');
    });

    it('C-16 entity-fed ID values (DOCTYPE) are rejected', function () {
      const xml = BOTH().replace(`ID="${ASSERTION_ID}"`, 'ID="&idViaEntity;"');
      const r = v(`<!DOCTYPE r [<!ENTITY idViaEntity "${ASSERTION_ID}">]>${xml}`);
      expectRejected(r, 'S-02');
      expect(r.response?.hasDoctype).to.equal(true);
    });

    it('C-16 a duplicate ID carried by an Id attribute in another namespace is rejected', function () {
      const xml = ASSERTION_SIGNED().replace(
        '<samlp:Status>',
        `<samlp:Extensions><x:Blob xmlns:x="urn:x" xmlns:wsu="urn:wsu" wsu:Id="${ASSERTION_ID}"/></samlp:Extensions><samlp:Status>`,
      );
      expectRejected(v(xml), 'S-08');
    });

    it('C-17 a NameID in a rebound look-alike namespace is not read as saml:NameID', function () {
      const xml = responseXml({ nameId: null }).replace(
        '<saml:Subject>',
        `<saml:Subject><saml:NameID xmlns:saml="${NS.saml}-evil">${EVIL}</saml:NameID>`,
      );
      const r = v(signAssertion(xml));
      expectRejected(r, 'S-21');
      expect(r.assertion?.nameId).to.equal(undefined);
    });

    it('C-18 a Response signature placed inside the Assertion is judged by its Reference, and rejected', function () {
      const signed = signResponse(responseXml(), {
        placeAfter: "/*/*[local-name()='Assertion']/*[local-name()='Issuer']",
      });
      const r = v(signed);
      expectRejected(r, 'S-10');
      expect(r.assertion).to.equal(undefined);
    });

    it('C-19 the attacker\u2019s SignedInfo added next to the genuine SignedInfo/SignatureValue is rejected', function () {
      const attacker = signAssertion(responseXml({ nameId: { value: EVIL, format: EMAIL } }), {
        key: KEYS.attacker,
      });
      const r = v(attackerSignedInfo(ASSERTION_SIGNED(), attacker));
      expectRejected(r, 'C-01');
      neverEvil(r);
    });

    it('C-20 references come only from the verified SignedInfo: a DigestValue edited after signing is rejected', function () {
      const xml = edit(ASSERTION_SIGNED(), (_d, root) => {
        const dv = firstDs(signatureOf(assertionOf(root)), 'ds:SignedInfo/ds:Reference/ds:DigestValue');
        setText(dv, crypto.createHash('sha256').update('x').digest('base64'));
      });
      expectRejected(v(xml), 'S-15');
    });

    it('C-21 a non-digest DigestValue ("0e…" loose comparison) is rejected', function () {
      const xml = resignAssertionSignature(ASSERTION_SIGNED(), (si) =>
        setText(firstDs(si, 'ds:Reference/ds:DigestValue'), '0e1234567890'),
      );
      expectRejected(v(xml), 'S-10');
    });

    it('C-22 an unsigned Response with an EncryptedAssertion is rejected', function () {
      const xml = responseXml({ assertion: false }).replace(
        '</samlp:Response>',
        `${encryptedAssertionXml()}</samlp:Response>`,
      );
      const r = v(xml);
      expectRejected(r, 'C-22', 'S-33');
      expect(r.response?.encryptedAssertionCount).to.equal(1);
    });

    it('C-23 no usable metadata signing key (e.g. KeyDescriptor dropped) never disables verification', function () {
      const r = v(BOTH(), { idpCertsPem: [] });
      expectRejected(r, 'S-13');
      expect(r.assertion).to.equal(undefined);
    });

    it('C-28 a duplicate attribute is a fatal parse error', function () {
      expectRejected(
        v(BOTH().replace('Version="2.0" IssueInstant', 'Version="2.0" Version="2.0" IssueInstant')),
        'S-02',
      );
    });

    it('C-29 / C-DEEP deep nesting is refused quickly (depth and size bounds), never a stack overflow', function () {
      const t0 = Date.now();
      const deep = `<samlp:Response xmlns:samlp="${NS.samlp}">${'<a>'.repeat(LIMITS.maxDepth + 1)}${'</a>'.repeat(LIMITS.maxDepth + 1)}</samlp:Response>`;
      expectRejected(v(deep), 'S-01');
      // 100,000 levels do not fit the decoded-size bound: refused before parsing.
      expectRejected(verifySamlResponse(encodePostBinding('<a>'.repeat(100_000)), ctx()), 'S-01');
      expect(Date.now() - t0).to.be.below(1000);
    });

    it('C-29 / C-WIDE an unterminated PI with 200 KB of padding and 10k namespace declarations stay bounded', function () {
      const t0 = Date.now();
      expectRejected(v(`<samlp:Response xmlns:samlp="${NS.samlp}"><?x ${' '.repeat(200_000)}`), 'S-02');
      const decls = Array.from({ length: 10_000 }, (_, i) => `xmlns:p${i}="urn:x:${i}"`).join(' ');
      expectRejected(v(responseXml().replace('<samlp:Response ', `<samlp:Response ${decls} `)), 'S-14');
      expect(Date.now() - t0).to.be.below(2000);
    });

    it('C-34 a WithComments transform on the Reference is rejected', function () {
      const signed = signedResponse(
        'assertion',
        {},
        { transforms: [ALG.enveloped, ALG.excC14nWithComments] },
      );
      expectRejected(v(signed), 'S-11');
    });

    it('C-34 comments are never data: a comment added between signed elements leaves the verdict unchanged', function () {
      const signed = signedResponse('assertion', {}, { canonicalization: ALG.excC14nWithComments });
      const xml = signed.replace('<saml:Conditions', '<!-- edited after signing --><saml:Conditions');
      expectAccepted(v(xml));
    });
  });

  describe('section 3: classic XML attacks on the harness parser', function () {
    const doctypes: [string, string][] = [
      ['C-XXE-4 internal entity', `<!DOCTYPE r [<!ENTITY x "y">]>`],
      [
        'C-XXE-4 external SYSTEM entity (file:///etc/passwd)',
        `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>`,
      ],
      [
        'C-XXE-4 OOB parameter entity',
        `<!DOCTYPE foo [ <!ENTITY % xxe SYSTEM "http://127.0.0.1:9/x"> %xxe; ]>`,
      ],
      ['C-XXE-4 external DTD (PUBLIC)', `<!DOCTYPE r PUBLIC "-//x//" "http://127.0.0.1:9/dtd">`],
      [
        'C-DTD-1 billion laughs',
        `<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>`,
      ],
    ];
    for (const [name, dtd] of doctypes) {
      it(`${name} is rejected without expansion or fetch`, function () {
        const r = v(`${dtd}${BOTH().replace(`>${USER}<`, '>&x;<')}`);
        expectRejected(r, 'S-02');
        expect(r.response?.hasDoctype).to.equal(true);
      });
    }

    it('C-XPATH an XPath transform is rejected before it could run', function () {
      const xml = resignAssertionSignature(ASSERTION_SIGNED(), (si) => {
        const t = firstDs(si, 'ds:Reference/ds:Transforms/ds:Transform');
        t.setAttribute('Algorithm', 'http://www.w3.org/TR/1999/REC-xpath-19991116');
      });
      expectRejected(v(xml), 'S-11');
    });

    it('C-XSLT an XSLT transform carrying a stylesheet is rejected', function () {
      const xml = edit(ASSERTION_SIGNED(), (doc, root) => {
        const t = firstDs(
          signatureOf(assertionOf(root)),
          'ds:SignedInfo/ds:Reference/ds:Transforms/ds:Transform',
        );
        t.setAttribute('Algorithm', 'http://www.w3.org/TR/1999/REC-xslt-19991116');
        t.appendChild(doc.createElementNS('http://www.w3.org/1999/XSL/Transform', 'xsl:stylesheet'));
      });
      expectRejected(v(xml), 'S-11');
    });

    const uris: [string, string][] = [
      ['C-EXTREF an http Reference URI', 'http://127.0.0.1:9/x'],
      ['C-EXTREF a file Reference URI', 'file:///etc/passwd'],
      ['C-EXTREF an xpointer Reference URI', `#xpointer(id('${ASSERTION_ID}'))`],
    ];
    for (const [name, uri] of uris) {
      it(`${name} is rejected`, function () {
        const xml = resignAssertionSignature(ASSERTION_SIGNED(), (si) =>
          firstDs(si, 'ds:Reference').setAttribute('URI', uri),
        );
        expectRejected(v(xml), 'S-10');
      });
    }

    it('C-EXTREF URI="" (whole document, which xml-crypto accepts) is rejected', function () {
      const signed = signedResponse('response', {}, { referenceUri: '' });
      expectRejected(v(signed), 'S-10');
    });

    it('C-EXTREF a non-empty Reference URI override produced by the signer is rejected', function () {
      const signed = signedResponse('assertion', {}, { referenceUri: `#${RESPONSE_ID}` });
      expectRejected(v(signed), 'S-10');
    });

    const base64Cases: [string, (b64: string) => string][] = [
      ['characters outside the alphabet', (b) => `PH!!!Nh@bWw+${b}`],
      ['missing padding', (b) => b.replace(/=+$/, '') + (b.endsWith('=') ? '' : 'A')],
      [
        'URL-safe alphabet',
        (b) => b.replace(/\+/g, '-').replace(/\//g, '_') + (/[+/]/.test(b) ? '' : '-___'),
      ],
      ['"+" arriving as a space', (b) => (b.includes('+') ? b.replace(/\+/g, ' ') : ` ${b}`)],
      ['an embedded NUL', (b) => `${b.slice(0, 8)}\u0000${b.slice(8)}`],
      ['non-canonical padding bits', () => 'QR=='],
    ];
    for (const [name, mutate] of base64Cases) {
      it(`C-B64 SAMLResponse with ${name} is rejected`, function () {
        expectRejected(verifySamlResponse(mutate(encodePostBinding(BOTH())), ctx()), 'S-01');
      });
    }

    const encodings: [string, () => Buffer][] = [
      [
        'an encoding="UTF-16" declaration over UTF-8 bytes',
        () => Buffer.from(`<?xml version="1.0" encoding="UTF-16"?>${BOTH()}`),
      ],
      ['a UTF-7 declaration', () => Buffer.from(`<?xml version="1.0" encoding="UTF-7"?>${BOTH()}`)],
      [
        'a UTF-16 byte order mark',
        () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(BOTH(), 'utf16le')]),
      ],
      ['an overlong sequence C0 AF', () => Buffer.concat([Buffer.from(BOTH()), Buffer.from([0xc0, 0xaf])])],
      [
        'a UTF-8 encoded lone surrogate',
        () =>
          Buffer.concat([
            Buffer.from(BOTH().slice(0, 40)),
            Buffer.from([0xed, 0xa0, 0x80]),
            Buffer.from(BOTH().slice(40)),
          ]),
      ],
      [
        'a NUL byte',
        () =>
          Buffer.concat([Buffer.from(BOTH().slice(0, 40)), Buffer.from([0]), Buffer.from(BOTH().slice(40))]),
      ],
    ];
    for (const [name, bytes] of encodings) {
      it(`C-ENC-1 a Response with ${name} is rejected`, function () {
        expectRejected(verifySamlResponse(bytes().toString('base64'), ctx()), 'S-01');
      });
    }

    it('C-KEYINFO a KeyInfo RetrievalMethod is never dereferenced; the metadata key decides', function () {
      const xml = edit(signedResponse('assertion', {}, { keyInfo: false }), (doc, root) => {
        const sig = signatureOf(assertionOf(root));
        const ki = doc.createElementNS(NS.ds, 'ds:KeyInfo');
        const rm = doc.createElementNS(NS.ds, 'ds:RetrievalMethod');
        rm.setAttribute('URI', 'http://127.0.0.1:9/key');
        ki.appendChild(rm);
        sig.appendChild(ki);
      });
      expectAccepted(v(xml));
      expectRejected(v(xml, { idpCertsPem: [KEYS.rogue.cert] }), 'S-15');
    });

    it('C-ENC-2 a homoglyph Audience (Cyrillic а) is compared byte-exactly and rejected', function () {
      const signed = signedResponse('assertion', {
        conditions: { notBefore: at(-30), notOnOrAfter: at(300), audiences: [[SP.replace('a', '\u0430')]] },
      });
      expectRejected(v(signed), 'S-26');
    });

    it('C-ENC-2 a fullwidth-@ Issuer is compared byte-exactly and rejected', function () {
      const signed = signedResponse('assertion', { assertionIssuer: IDP.replace('.', '\uff0e') });
      expectRejected(v(signed), 'S-18');
    });

    const pis: [string, (xml: string) => string][] = [
      ['before the root', (x) => `<?evil x?>${x}`],
      ['inside ds:SignedInfo', (x) => x.replace('<ds:SignedInfo>', '<ds:SignedInfo><?evil x?>')],
      ['inside the NameID', (x) => x.replace(`>${USER}<`, `>alice<?evil x?>@acme.test<`)],
      ['as a misplaced XML declaration', (x) => ` <?xml version="1.0"?>${x}`],
    ];
    for (const [name, mutate] of pis) {
      it(`C-PI a processing instruction ${name} is rejected`, function () {
        expectRejected(v(mutate(BOTH())), 'S-02');
      });
    }

    it('C-PI a comment inside SignedInfo is rejected', function () {
      expectRejected(v(ASSERTION_SIGNED().replace('<ds:SignedInfo>', '<ds:SignedInfo><!-- x -->')), 'C-02');
    });

    it('C-ROOT text after the root element is rejected', function () {
      expectRejected(v(`${BOTH()}trailing`), 'S-02');
    });

    it('C-ROOT an empty document is rejected', function () {
      expectRejected(v(''), 'S-02');
      expectRejected(verifySamlResponse('', ctx()), 'S-02');
    });

    it('C-NS the saml prefix bound to another URI: the element is not an Assertion', function () {
      const xml = responseXml().replace(
        '<saml:Assertion ',
        '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion#" ',
      );
      const r = v(signAssertion(xml));
      expectRejected(r, 'S-07');
      expect(r.assertion).to.equal(undefined);
    });

    it('C-NS a Signature in a look-alike DSig namespace is not a signature', function () {
      const xml = ASSERTION_SIGNED().replace(
        /xmlns:ds="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#"/g,
        `xmlns:ds="${NS.ds}x"`,
      );
      expectRejected(v(xml), 'S-14');
    });

    it('C-NS an unbound prefix is a fatal parse error', function () {
      expectRejected(v(BOTH().replace('<samlp:Status>', '<samlp:Status><evil:x/>')), 'S-02');
    });

    it('C-SIZE / C-14 a SAMLResponse larger than the encoded limit is refused before decoding', function () {
      const t0 = Date.now();
      expectRejected(verifySamlResponse('A'.repeat(LIMITS.maxEncodedBytes + 4), ctx()), 'S-01');
      expectRejected(verifySamlResponseXml(`${BOTH()}${' '.repeat(LIMITS.maxDecodedBytes)}`, ctx()), 'S-01');
      expect(Date.now() - t0).to.be.below(500);
    });
  });

  describe('section 5: strict SP response verification', function () {
    it('S-01 size, base64 and UTF-8 are checked before parsing', function () {
      expectRejected(verifySamlResponse('A'.repeat(LIMITS.maxEncodedBytes + 4), ctx()), 'S-01');
      expectRejected(verifySamlResponse('PH!!!Nh@bWw+', ctx()), 'S-01');
      expectRejected(
        verifySamlResponse(Buffer.from([0x3c, 0xc0, 0xaf, 0x3e]).toString('base64'), ctx()),
        'S-01',
      );
    });

    it('S-02 DOCTYPE, processing instructions, several roots and parse errors are refused by the strict parser', function () {
      for (const xml of [
        `<!DOCTYPE r>${BOTH()}`,
        `<?pi x?>${BOTH()}`,
        `${BOTH()}${BOTH()}`,
        BOTH().slice(0, -5),
      ]) {
        expectRejected(v(xml), 'S-02');
      }
    });

    it('S-03 a root other than samlp:Response is rejected', function () {
      const xml = BOTH().replace(/samlp:Response/g, 'samlp:LogoutResponse');
      expectRejected(v(xml), 'S-03');
    });

    it('S-03 a Response in a look-alike namespace is rejected', function () {
      expectRejected(v(BOTH().replace(`xmlns:samlp="${NS.samlp}"`, `xmlns:samlp="${NS.samlp}:x"`)), 'S-03');
    });

    it('S-03 Version="1.1" is rejected', function () {
      expectRejected(v(signedResponse('assertion', { version: '1.1' })), 'S-03');
    });

    it('S-04 a Destination other than the ACS (trailing slash) is rejected', function () {
      expectRejected(v(signedResponse('assertion', { destination: `${ACS}/` })), 'S-04');
    });

    it('S-05 InResponseTo for another request is rejected', function () {
      const r = v(BOTH(), { expectedInResponseTo: '_another_request_0123456789abcdef' });
      expectRejected(r, 'S-05', 'S-23');
    });

    it('S-05 a missing InResponseTo while a request is outstanding is rejected', function () {
      const signed = signedResponse('assertion', {
        inResponseTo: null,
        confirmations: [{ method: BEARER, recipient: ACS, notOnOrAfter: at(300) }],
      });
      expectRejected(v(signed), 'S-05', 'S-23');
    });

    it('S-05 an unsolicited Response is rejected unless IdP-initiated SSO is enabled', function () {
      const signed = signedResponse('assertion', {
        inResponseTo: null,
        confirmations: [{ method: BEARER, recipient: ACS, notOnOrAfter: at(300) }],
      });
      expectRejected(v(signed, { expectedInResponseTo: null }), 'S-05');
      expectAccepted(v(signed, { expectedInResponseTo: null, allowUnsolicited: true }));
    });

    it('S-05 an InResponseTo when no request is outstanding is rejected', function () {
      expectRejected(v(BOTH(), { expectedInResponseTo: null, allowUnsolicited: true }), 'S-05', 'S-23');
    });

    it('S-06 an unsigned error Response is reported from the raw document, untrusted, without S-14', function () {
      const xml = responseXml({
        assertion: false,
        statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
        statusSubCode: 'urn:oasis:names:tc:SAML:2.0:status:NoPassive',
      });
      const r = v(xml);
      expectRejected(r, 'S-06');
      expect(r.findings.map((f) => f.code)).to.not.include('S-14');
      expect(r.response?.trusted).to.equal(false);
      expect(r.response?.statusSubCode).to.equal('urn:oasis:names:tc:SAML:2.0:status:NoPassive');
      expect(r.response?.inResponseTo).to.equal(REQUEST_ID);
      expect(r.response?.destination).to.equal(ACS);
      expect(r.response?.assertionCount).to.equal(0);
    });

    it('S-06 a signed error Response is read from signed bytes (trusted)', function () {
      const r = v(
        signedResponse('response', {
          assertion: false,
          statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
        }),
      );
      expectRejected(r, 'S-06');
      expect(r.response?.trusted).to.equal(true);
    });

    it('S-07 a Success Response without any assertion is rejected', function () {
      expectRejected(v(signedResponse('response', { assertion: false })), 'S-07');
    });

    it('S-08 duplicate IDs between Response and Assertion are rejected', function () {
      const xml = ASSERTION_SIGNED().replace(`ID="${RESPONSE_ID}"`, `ID="${ASSERTION_ID}"`);
      expectRejected(v(xml), 'S-08');
    });

    it('S-09 a ds:Signature in samlp:Status is rejected', function () {
      const xml = edit(BOTH(), (_doc, root) => {
        const status = root.getElementsByTagNameNS(NS.samlp, 'Status')[0] as XmlElement;
        status.appendChild(signatureOf(assertionOf(root)).cloneNode(true));
      });
      expectRejected(v(xml), 'S-09');
    });

    it('S-09 a ds:Signature not immediately after Issuer is rejected', function () {
      const xml = edit(ASSERTION_SIGNED(), (_doc, root) => {
        const a = assertionOf(root);
        a.appendChild(signatureOf(a));
      });
      expectRejected(v(xml), 'S-09');
    });

    it('S-10 two References in SignedInfo are rejected', function () {
      const xml = resignAssertionSignature(ASSERTION_SIGNED(), (si) =>
        si.appendChild(firstDs(si, 'ds:Reference').cloneNode(true)),
      );
      expectRejected(v(xml), 'S-10');
    });

    it('S-11 inclusive c14n as CanonicalizationMethod is rejected', function () {
      expectRejected(v(signedResponse('assertion', {}, { canonicalization: ALG.c14n })), 'S-11');
    });

    it('S-11 a transform list without enveloped-signature is rejected', function () {
      const xml = resignAssertionSignature(ASSERTION_SIGNED(), (si) => {
        const t = firstDs(si, 'ds:Reference/ds:Transforms/ds:Transform');
        t.parentNode?.removeChild(t);
      });
      expectRejected(v(xml), 'S-11');
    });

    it('S-12 rsa-sha1 is rejected by policy although it verifies', function () {
      const r = v(signedResponse('assertion', {}, { signatureAlgorithm: 'rsa-sha1' }));
      expectRejected(r, 'S-12');
    });

    it('S-12 a sha1 DigestMethod is rejected by policy', function () {
      expectRejected(v(signedResponse('assertion', {}, { digestAlgorithm: 'sha1' })), 'S-12');
    });

    it('S-13 an RSA-1024 key is refused even when it is the pinned metadata key', function () {
      const r = v(signedResponse('assertion', {}, { key: KEYS.weak }), { idpCertsPem: [KEYS.weak.cert] });
      expectRejected(r, 'S-13');
    });

    it('S-13 a KeyInfo certificate other than the metadata key is flagged, never used', function () {
      const xml = edit(ASSERTION_SIGNED(), (_doc, root) => {
        const x509 = firstDs(signatureOf(assertionOf(root)), 'ds:KeyInfo/ds:X509Data/ds:X509Certificate');
        setText(x509, KEYS.attacker.cert.replace(/-----[^-]+-----|\s/g, ''));
      });
      expectAccepted(v(xml), 'S-13');
    });

    it('S-13 key rollover: any pinned certificate of sufficient strength may verify', function () {
      expectAccepted(v(BOTH(), { idpCertsPem: [KEYS.rogue.cert, KEYS.idp.cert] }));
    });

    it('S-14 WantAssertionsSigned: a Response-only signature is not enough', function () {
      expectRejected(v(RESPONSE_SIGNED(), { requireAssertionSigned: true }), 'S-14');
    });

    it('S-14 both signatures present: an invalid Assertion signature fails although the Response one verifies', function () {
      const xml = signResponse(signAssertion(responseXml(), { key: KEYS.attacker }));
      const r = v(xml);
      expectRejected(r, 'S-15');
      expect(r.response?.signature?.valid).to.equal(true);
      expect(r.assertion).to.equal(undefined);
    });

    it('S-15 a NameID edited after signing is rejected (digest mismatch)', function () {
      const xml = edit(ASSERTION_SIGNED(), (_doc, root) => setText(nameIdOf(assertionOf(root)), EVIL));
      const r = v(xml);
      expectRejected(r, 'S-15');
      expect(r.assertion).to.equal(undefined);
    });

    it('S-15 a Response signed by another IdP key is rejected (bad SignatureValue)', function () {
      expectRejected(v(signedResponse('assertion', {}, { key: KEYS.rogue })), 'S-15');
    });

    it('S-16 identity comes from the signed reference: unsigned additions outside it never reach AssertionInfo', function () {
      const xml = ASSERTION_SIGNED().replace(
        '<samlp:Status>',
        `<samlp:Extensions><x:NameID xmlns:x="urn:x">${EVIL}</x:NameID></samlp:Extensions><samlp:Status>`,
      );
      const r = v(xml);
      expectAccepted(r);
      expect(r.assertion?.nameId?.value).to.equal(USER);
    });

    it('S-17 a Response Issuer other than the IdP is rejected', function () {
      expectRejected(v(signedResponse('assertion', { responseIssuer: 'https://idp.evil.test' })), 'S-17');
    });

    it('S-17 a Response Issuer with a non-entity Format is rejected', function () {
      const xml = responseXml().replace(
        `<saml:Issuer>${IDP}</saml:Issuer><samlp:Status>`,
        `<saml:Issuer Format="${EMAIL}">${IDP}</saml:Issuer><samlp:Status>`,
      );
      expectRejected(v(signResponse(signAssertion(xml))), 'S-17');
    });

    it('S-17 a signed Response without Issuer is rejected', function () {
      expectRejected(v(signedResponse('response', { responseIssuer: null })), 'S-17');
    });

    it('S-18 an Assertion Issuer other than the IdP is rejected', function () {
      expectRejected(v(signedResponse('assertion', { assertionIssuer: 'https://idp.globex.test' })), 'S-18');
    });

    it('S-18 an Assertion IssueInstant in the future is rejected', function () {
      expectRejected(v(signedResponse('assertion', { assertionIssueInstant: at(600) })), 'S-18');
    });

    it('S-18 an Assertion Version other than 2.0 is rejected', function () {
      const xml = responseXml().replace(
        `ID="${ASSERTION_ID}" Version="2.0"`,
        `ID="${ASSERTION_ID}" Version="2.1"`,
      );
      expectRejected(v(signAssertion(xml)), 'S-18');
    });

    it('S-19 short IDs are flagged, not rejected', function () {
      const r = v(signedResponse('response', { responseId: '_r1', assertionId: '_a1' }));
      expectAccepted(r, 'S-19');
    });

    it('S-20 a time with a +02:00 offset is rejected', function () {
      const signed = signedResponse('assertion', { issueInstant: '2026-11-27T22:00:00+02:00' });
      expectRejected(v(signed), 'S-20');
    });

    it('S-20 a time without a zone is rejected', function () {
      const signed = signedResponse('assertion', {
        conditions: { notBefore: '2026-11-27T19:59:30', notOnOrAfter: at(300), audiences: [[SP]] },
      });
      expectRejected(v(signed), 'S-20');
    });

    it('S-21 two NameIDs in Subject are rejected', function () {
      const xml = responseXml().replace('<saml:Subject>', `<saml:Subject><saml:NameID>${EVIL}</saml:NameID>`);
      expectRejected(v(signAssertion(xml)), 'S-21');
    });

    it('S-21 an Assertion without Subject is rejected', function () {
      const xml = responseXml().replace(/<saml:Subject>.*<\/saml:Subject>/, '');
      expectRejected(v(signAssertion(xml)), 'S-21');
    });

    it('S-21 an empty NameID is rejected', function () {
      expectRejected(v(signedResponse('assertion', { nameId: { value: '', format: EMAIL } })), 'S-21');
    });

    it('S-21 a NameID with surrounding whitespace is rejected', function () {
      expectRejected(
        v(signedResponse('assertion', { nameId: { value: ` ${USER} `, format: EMAIL } })),
        'S-21',
      );
    });

    it('S-22 a NameID Format other than the requested one is rejected', function () {
      const r = v(ASSERTION_SIGNED(), {
        requestedNameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
      });
      expectRejected(r, 'S-22');
      expectAccepted(v(ASSERTION_SIGNED(), { requestedNameIdFormat: EMAIL }));
    });

    it('S-22 an SPNameQualifier naming another SP is rejected', function () {
      expectRejected(
        v(
          signedResponse('assertion', {
            nameId: { value: USER, format: EMAIL, spNameQualifier: 'https://other.sp' },
          }),
        ),
        'S-22',
      );
    });

    it('S-22 a NameQualifier naming another IdP is rejected', function () {
      expectRejected(
        v(
          signedResponse('assertion', {
            nameId: { value: USER, format: EMAIL, nameQualifier: 'https://other.idp' },
          }),
        ),
        'S-22',
      );
    });

    const confirmation = defaultSpec().confirmations[0] as ReturnType<
      typeof defaultSpec
    >['confirmations'][number];
    const badConfirmations: [string, Partial<typeof confirmation>][] = [
      ['a holder-of-key method only', { method: 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key' }],
      ['a Recipient other than the ACS', { recipient: 'https://evil.test/acs' }],
      ['an expired NotOnOrAfter', { notOnOrAfter: at(-181) }],
      ['a NotBefore (forbidden for bearer)', { notBefore: at(-60) }],
      ['an InResponseTo for another request', { inResponseTo: '_other_request_00112233445566778899' }],
      ['no NotOnOrAfter', { notOnOrAfter: undefined }],
    ];
    for (const [name, change] of badConfirmations) {
      it(`S-23 a SubjectConfirmation with ${name} is rejected`, function () {
        expectRejected(
          v(signedResponse('assertion', { confirmations: [{ ...confirmation, ...change }] })),
          'S-23',
        );
      });
    }

    it('S-23 one satisfying bearer confirmation among others is enough', function () {
      const signed = signedResponse('assertion', {
        confirmations: [{ ...confirmation, recipient: 'https://evil.test/acs' }, confirmation],
      });
      expectAccepted(v(signed));
    });

    it('S-24 an Address other than the client address is flagged', function () {
      const signed = signedResponse('assertion', {
        confirmations: [{ ...confirmation, address: '192.0.2.1' }],
      });
      expectAccepted(v(signed, { clientAddress: '198.51.100.7' }), 'S-24');
    });

    it('S-25 Conditions NotBefore in the future is rejected', function () {
      expectRejected(
        v(
          signedResponse('assertion', {
            conditions: { notBefore: at(600), notOnOrAfter: at(900), audiences: [[SP]] },
          }),
        ),
        'S-25',
      );
    });

    it('S-25 expired Conditions are rejected', function () {
      expectRejected(
        v(
          signedResponse('assertion', {
            conditions: { notBefore: at(-900), notOnOrAfter: at(-600), audiences: [[SP]] },
          }),
        ),
        'S-25',
      );
    });

    it('S-25 NotBefore after NotOnOrAfter is rejected', function () {
      expectRejected(
        v(
          signedResponse('assertion', {
            conditions: { notBefore: at(100), notOnOrAfter: at(50), audiences: [[SP]] },
          }),
        ),
        'S-25',
      );
    });

    it('S-25 a validity window longer than the policy maximum is flagged', function () {
      const signed = signedResponse('assertion', {
        conditions: { notBefore: at(-30), notOnOrAfter: at(86_400), audiences: [[SP]] },
      });
      expectAccepted(v(signed), 'S-25');
    });

    it('S-26 an Audience naming another SP is rejected', function () {
      expectRejected(
        v(
          signedResponse('assertion', {
            conditions: { notBefore: at(-30), notOnOrAfter: at(300), audiences: [['https://other.sp']] },
          }),
        ),
        'S-26',
      );
    });

    it('S-26 every AudienceRestriction must name the SP (AND across elements)', function () {
      const signed = signedResponse('assertion', {
        conditions: { notBefore: at(-30), notOnOrAfter: at(300), audiences: [[SP], ['https://other.sp']] },
      });
      expectRejected(v(signed), 'S-26');
    });

    it('S-39 text inside an element-only element of a correctly signed Assertion is rejected', function () {
      for (const el of ['AudienceRestriction', 'Conditions', 'Subject', 'AuthnStatement']) {
        const xml = responseXml().replace(`</saml:${el}>`, `Stryker was here!</saml:${el}>`);
        expect(xml, el).to.include('Stryker was here!');
        const r = v(signAssertion(xml));
        expectRejected(r, 'S-39');
        expect(
          r.findings.map((f) => f.code),
          el,
        ).to.not.include('S-15');
      }
      // The status elements too (samlp:Status, samlp:StatusCode).
      for (const el of ['Status', 'StatusCode']) {
        const xml = responseXml().replace(`</samlp:${el}>`, `Stryker was here!</samlp:${el}>`);
        expect(xml, el).to.include('Stryker was here!');
        expectRejected(v(signAssertion(xml)), 'S-39');
      }
      // Whitespace between elements (a pretty-printed Assertion) is not text: accepted.
      expectAccepted(v(signAssertion(responseXml().replace('</saml:Conditions>', '\n  </saml:Conditions>'))));
    });

    it('S-26 any Audience within one AudienceRestriction suffices (OR within)', function () {
      const signed = signedResponse('assertion', {
        conditions: { notBefore: at(-30), notOnOrAfter: at(300), audiences: [['https://other.sp', SP]] },
      });
      expectAccepted(v(signed));
    });

    it('S-26 an Assertion without Conditions is rejected', function () {
      expectRejected(v(signedResponse('assertion', { conditions: null })), 'S-26');
    });

    it('S-27 an unknown Condition type is Indeterminate and rejected', function () {
      const extra = `<saml:Condition xmlns:xsi="${NS.xsi}" xmlns:x="urn:x" xsi:type="x:Custom"/>`;
      const signed = signedResponse('assertion', {
        conditions: { notBefore: at(-30), notOnOrAfter: at(300), audiences: [[SP]], extra },
      });
      expectRejected(v(signed), 'S-27');
    });

    it('S-27 OneTimeUse is accepted once and refused on replay (replay cache)', function () {
      const signed = signedResponse('assertion', {
        conditions: {
          notBefore: at(-30),
          notOnOrAfter: at(300),
          audiences: [[SP]],
          extra: '<saml:OneTimeUse/>',
        },
      });
      const replayCache = new ReplayCache();
      expectAccepted(v(signed, { replayCache }));
      expectRejected(v(signed, { replayCache }), 'S-31');
    });

    it('S-28 an Assertion without AuthnStatement is rejected', function () {
      expectRejected(v(signedResponse('assertion', { authn: [] })), 'S-28');
    });

    it('S-28 an AuthnInstant in the future is rejected', function () {
      expectRejected(
        v(signedResponse('assertion', { authn: [{ instant: at(600), classRef: PPT }] })),
        'S-28',
      );
    });

    it('S-28 an AuthnInstant older than the sane bound is rejected', function () {
      expectRejected(
        v(signedResponse('assertion', { authn: [{ instant: at(-3 * 86_400), classRef: PPT }] })),
        'S-28',
      );
    });

    it('S-28 ForceAuthn: an AuthnInstant before the request is rejected', function () {
      const signed = signedResponse('assertion', { authn: [{ instant: at(-600), classRef: PPT }] });
      expectAccepted(v(signed));
      expectRejected(v(signed, { forceAuthnSince: new Date(NOW.getTime() - 60_000) }), 'S-28');
    });

    it('S-29 a SessionNotOnOrAfter already passed is flagged', function () {
      const signed = signedResponse('assertion', {
        authn: [{ instant: at(-10), classRef: PPT, sessionNotOnOrAfter: at(-5) }],
      });
      expectAccepted(v(signed), 'S-29');
    });

    it('S-30 an AuthnContextClassRef that does not match an exact RequestedAuthnContext is rejected', function () {
      const requestedAuthnContext = {
        comparison: 'exact' as const,
        classRefs: ['urn:oasis:names:tc:SAML:2.0:ac:classes:MultiFactor'],
      };
      expectRejected(v(ASSERTION_SIGNED(), { requestedAuthnContext }), 'S-30');
    });

    it('S-30 minimum comparison: PasswordProtectedTransport satisfies minimum Password, not minimum X509', function () {
      const min = (ref: string): Partial<VerifyContext> => ({
        requestedAuthnContext: { comparison: 'minimum', classRefs: [ref] },
      });
      expectAccepted(v(ASSERTION_SIGNED(), min('urn:oasis:names:tc:SAML:2.0:ac:classes:Password')));
      expectRejected(v(ASSERTION_SIGNED(), min('urn:oasis:names:tc:SAML:2.0:ac:classes:X509')), 'S-30');
    });

    it('S-31 a replayed Response is rejected by the replay cache', function () {
      const replayCache = new ReplayCache();
      expectAccepted(v(BOTH(), { replayCache }));
      expectRejected(v(BOTH(), { replayCache }), 'S-31');
    });

    it('S-32 duplicate Attribute names are rejected', function () {
      const signed = signedResponse('assertion', {
        attributes: [
          { name: 'role', values: ['user'] },
          { name: 'role', values: ['admin'] },
        ],
      });
      expectRejected(v(signed), 'S-32');
    });

    it('S-32 an AttributeValue with nested elements is rejected', function () {
      const xml = responseXml().replace(
        '<saml:AttributeValue>staff</saml:AttributeValue>',
        `<saml:AttributeValue xmlns:xsi="${NS.xsi}" xmlns:xs="${NS.xs}" xsi:type="xs:anyType"><role>admin</role></saml:AttributeValue>`,
      );
      expectRejected(v(signAssertion(xml)), 'S-32');
    });

    it('S-33 a signed Response with an EncryptedAssertion is refused: the gateway cannot decrypt and verify it', function () {
      const xml = responseXml({ assertion: false }).replace(
        '</samlp:Response>',
        `${encryptedAssertionXml()}</samlp:Response>`,
      );
      const r = v(signResponse(xml));
      expectRejected(r, 'S-33');
      expect(r.findings.map((f) => f.code)).to.not.include('C-22');
      expect(r.response?.trusted).to.equal(true);
    });

    it('S-36 an error Response carrying an Assertion is flagged (and rejected for its status)', function () {
      const r = v(
        signedResponse('assertion', { statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' }),
      );
      expectRejected(r, 'S-06');
      expect(r.findings.filter((f) => f.severity === 'flag').map((f) => f.code)).to.include('S-36');
    });

    it('S-38 a signed Response without Destination is rejected', function () {
      expectRejected(v(signedResponse('response', { destination: null })), 'S-38');
    });

    it('S-38 an unsigned Response without Destination is fine when the Assertion is signed', function () {
      expectAccepted(v(signedResponse('assertion', { destination: null })));
    });

    describe('S-40 clock skew', function () {
      const skewed = (notBefore: string, notOnOrAfter: string): string =>
        signedResponse('assertion', {
          conditions: { notBefore, notOnOrAfter, audiences: [[SP]] },
          confirmations: [{ ...confirmation, notOnOrAfter }],
          authn: [{ instant: at(-200), classRef: PPT }],
          issueInstant: at(-200),
          assertionIssueInstant: at(-200),
        });

      it('S-40 NotBefore (skew − 1 s) ahead passes, (skew + 1 s) ahead fails', function () {
        expectAccepted(v(skewed(at(179), at(600))));
        expectRejected(v(skewed(at(181), at(600))), 'S-25');
      });

      it('S-40 NotOnOrAfter (skew − 1 s) behind passes, (skew + 1 s) behind fails', function () {
        expectAccepted(v(skewed(at(-400), at(-179))));
        expectRejected(v(skewed(at(-400), at(-181))), 'S-25', 'S-23');
      });

      it('S-40 the skew is configurable (60 s)', function () {
        expectAccepted(v(skewed(at(59), at(600)), { skewSeconds: 60 }));
        expectRejected(v(skewed(at(61), at(600)), { skewSeconds: 60 }), 'S-25');
      });
    });
  });
});
