/**
 * The strict gateway verifier on real Responses captured from independent IdP implementations
 * (fixtures/real-responses: SimpleSAMLphp, auth0 samlp, samlify, saml-idp). The clock is the
 * Response IssueInstant (the captures have expired), the SP is https://gateway.test/sp and the ACS
 * http://127.0.0.1:9999/acs, as captured; InResponseTo is taken from the file.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  verifySamlResponse,
  verifySamlResponseXml,
  type VerifyContext,
  type VerifyResult,
} from '../../src/harness/roles/gateway/verifier';
import { encodePostBinding, parseXml, selectOne } from '../../src/harness/xml';
import { ROOT } from '../fixtures-build/responses';
import { expectAccepted, expectRejected } from '../fixtures-build/expect';

const DIR = path.join(ROOT, 'fixtures', 'real-responses');
const CERT_FILE: Record<string, string> = {
  simplesamlphp: 'idp.crt',
  samlp: 'idp.crt',
  samlify: 'idp.crt',
  'saml-idp': 'idp-public-cert.pem',
};

interface Real {
  xml: string;
  ctx: VerifyContext;
}

function load(file: string, o: Partial<VerifyContext> = {}): Real {
  const idp = file.split('/')[0] as string;
  const xml = readFileSync(path.join(DIR, file), 'utf8');
  const md = parseXml(readFileSync(path.join(DIR, idp, 'idp-metadata.xml'), 'utf8'));
  const root = parseXml(xml).documentElement;
  if (!root) throw new Error(`${file}: no root`);
  const ctx: VerifyContext = {
    idpEntityId: selectOne('/md:EntityDescriptor', md)?.getAttribute('entityID') ?? '',
    idpCertsPem: [readFileSync(path.join(DIR, idp, CERT_FILE[idp] as string), 'utf8')],
    spEntityId: 'https://gateway.test/sp',
    acsUrl: 'http://127.0.0.1:9999/acs',
    expectedInResponseTo: root.getAttribute('InResponseTo') || null,
    now: new Date(root.getAttribute('IssueInstant') ?? ''),
    ...o,
  };
  return { xml, ctx };
}

function verify(file: string, o: Partial<VerifyContext> = {}): VerifyResult {
  const { xml, ctx } = load(file, o);
  return verifySamlResponseXml(xml, ctx);
}

describe('strict gateway verifier on real IdP Responses', function () {
  describe('SimpleSAMLphp 1.19 (xmlseclibs serialization)', function () {
    it('accepts response.xml: Response and Assertion signed (rsa-sha256), transient NameID', function () {
      const r = verify('simplesamlphp/response.xml');
      expectAccepted(r);
      expect(r.response?.trusted).to.equal(true);
      expect(r.assertion?.signed).to.equal(true);
      expect(r.assertion?.nameId?.format).to.equal('urn:oasis:names:tc:SAML:2.0:nameid-format:transient');
      expect(r.assertion?.attributes.find((a) => a.name === 'eduPersonAffiliation')?.values.length).to.equal(
        2,
      );
    });

    it('accepts response-postbinding.xml (request sent over HTTP-POST)', function () {
      expectAccepted(verify('simplesamlphp/response-postbinding.xml'));
    });

    it('accepts resp-other-acs.xml: the IdP answered to the registered ACS, not the one the request named', function () {
      expectAccepted(verify('simplesamlphp/resp-other-acs.xml'));
    });

    it('accepts response-sp-email.xml for its own SP (assertion-only signing, rsa-sha512, emailAddress)', function () {
      const r = verify('simplesamlphp/response-sp-email.xml', {
        spEntityId: 'https://gateway.test/sp-email',
      });
      expectAccepted(r);
      expect(r.response?.trusted).to.equal(false);
      expect(r.assertion?.signature?.signatureAlgorithm).to.equal(
        'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
      );
      expect(r.assertion?.nameId?.value).to.equal('bob@example.org');
    });

    it('rejects response-sp-email.xml at https://gateway.test/sp: audience and SPNameQualifier name another SP', function () {
      expectRejected(verify('simplesamlphp/response-sp-email.xml'), 'S-26', 'S-22');
    });

    it('rejects resp-idp-init.xml (unsolicited) by default, accepts it when IdP-initiated SSO is enabled', function () {
      expectRejected(verify('simplesamlphp/resp-idp-init.xml'), 'S-05');
      expectAccepted(verify('simplesamlphp/resp-idp-init.xml', { allowUnsolicited: true }));
    });

    it('rejects response-sp-enc.xml: the Response signature verifies but the EncryptedAssertion cannot be decrypted here', function () {
      const r = verify('simplesamlphp/response-sp-enc.xml');
      expectRejected(r, 'S-33');
      expect(r.findings.filter((f) => f.severity === 'reject').map((f) => f.code)).to.deep.equal(['S-33']);
      expect(r.response?.trusted).to.equal(true);
      expect(r.response?.encryptedAssertionCount).to.equal(1);
    });

    it('rejects response.xml with one NameID character changed (digest mismatch)', function () {
      const { xml, ctx } = load('simplesamlphp/response.xml');
      const tampered = xml.replace(/(<saml:NameID[^>]*>)_/, '$1X');
      expect(tampered).to.not.equal(xml);
      expectRejected(verifySamlResponseXml(tampered, ctx), 'S-15');
    });

    it('rejects response.xml ten minutes after it was issued (expired)', function () {
      const { xml, ctx } = load('simplesamlphp/response.xml');
      const r = verifySamlResponseXml(xml, { ...ctx, now: new Date(ctx.now.getTime() + 600_000) });
      expectRejected(r, 'S-25', 'S-23');
    });

    it('rejects response.xml posted to another ACS', function () {
      expectRejected(
        verify('simplesamlphp/response.xml', { acsUrl: 'http://127.0.0.1:9998/acs' }),
        'S-04',
        'S-23',
      );
    });
  });

  describe('auth0 samlp 8 (xml-crypto serialization, unprefixed ds)', function () {
    it('accepts response.xml: unsigned Response, signed Assertion (flag: 80-bit Response ID)', function () {
      const r = verify('samlp/response.xml');
      expectAccepted(r, 'S-19');
      expect(r.response?.signed).to.equal(false);
      expect(r.assertion?.nameId?.value).to.equal('alice@example.org');
    });

    it('accepts response-signed-response.xml from its own instance (Issuer http://127.0.0.1:7101/metadata)', function () {
      expectAccepted(
        verify('samlp/response-signed-response.xml', { idpEntityId: 'http://127.0.0.1:7101/metadata' }),
        'S-19',
      );
    });

    it('rejects response-signed-response.xml against the metadata beside it: its Issuer is another entity (7101 vs 7100)', function () {
      expectRejected(verify('samlp/response-signed-response.xml'), 'S-17', 'S-18');
    });

    it('rejects samlp/response.xml verified with another IdP certificate', function () {
      const other = readFileSync(path.join(DIR, 'simplesamlphp', 'idp.crt'), 'utf8');
      expectRejected(verify('samlp/response.xml', { idpCertsPem: [other] }), 'S-15');
    });
  });

  describe('samlify 2.13 (UUID IDs, both signed)', function () {
    for (const file of ['response.xml', 'response-postbinding.xml', 'response-timing.xml']) {
      it(`accepts ${file}`, function () {
        const r = verify(`samlify/${file}`);
        expectAccepted(r);
        expect(r.response?.trusted).to.equal(true);
        expect(r.assertion?.signed).to.equal(true);
      });
    }

    it('accepts response.xml through the base64 HTTP-POST entry point', function () {
      const { xml, ctx } = load('samlify/response.xml');
      expectAccepted(verifySamlResponse(encodePostBinding(xml), ctx));
    });
  });

  describe('saml-idp 1.2 (samlp underneath, unprefixed ds, both signed)', function () {
    it('accepts response.xml (flag: 80-bit Response ID)', function () {
      const r = verify('saml-idp/response.xml');
      expectAccepted(r, 'S-19');
      expect(r.assertion?.attributes.find((a) => a.name === 'groups')?.values).to.deep.equal([
        'Simple IdP Users',
        ' West Coast Users',
        ' Cloud Users',
      ]);
    });
  });
});
