/**
 * Properties of the strict gateway on hostile input: never throws, never accepts garbage or a
 * mutated signed Response.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { verifySamlResponse, verifySamlResponseXml } from '../../src/harness/roles/gateway/verifier';
import { encodePostBinding } from '../../src/harness/xml';
import { ctx, signedResponse } from '../fixtures-build/responses';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function tryDecode(b64: string): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(b64, 'base64'));
  } catch {
    return undefined;
  }
}

describe('strict gateway verifier properties', function () {
  it('arbitrary strings as SAMLResponse or as XML never throw and are never accepted', function () {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.fullUnicodeString(),
          fc.base64String(),
          fc.stringOf(fc.constantFrom(...'<>/="samlp:Response ')),
        ),
        (s) => {
          const a = verifySamlResponse(s, ctx());
          const b = verifySamlResponseXml(s, ctx());
          expect(a.accepted).to.equal(false);
          expect(b.accepted).to.equal(false);
          expect(a.findings.length).to.be.greaterThan(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a signed Response with 1-3 base64 characters changed is never accepted (unless only whitespace changed)', function () {
    // No KeyInfo: it is the one part of a signed Response that is neither signed nor used.
    const good = signedResponse('both', {}, { keyInfo: false });
    const b64 = encodePostBinding(good);
    expect(verifySamlResponse(b64, ctx()).accepted).to.equal(true);
    const flat = good.replace(/\s+/g, '');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: b64.length - 1 }), fc.constantFrom(...B64)), {
          minLength: 1,
          maxLength: 3,
        }),
        (edits) => {
          const chars = b64.split('');
          for (const [i, c] of edits) chars[i] = c;
          const mutated = chars.join('');
          fc.pre(mutated !== b64);
          const decoded = tryDecode(mutated);
          fc.pre(decoded === undefined || decoded.replace(/\s+/g, '') !== flat);
          const r = verifySamlResponse(mutated, ctx());
          expect(r.accepted, JSON.stringify(r.findings)).to.equal(false);
          expect(r.findings.map((f) => f.code)).to.not.include('INTERNAL');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('splicing XML fragments into a signed Response never crashes the verifier nor changes accepted identity', function () {
    // Some splices are harmless by design (a comment between elements, an attribute on the unsigned
    // ds:Signature element): the property is that whatever is accepted carries the signed identity.
    const good = signedResponse('both', {}, { keyInfo: false });
    const baseline = verifySamlResponseXml(good, ctx());
    expect(baseline.accepted).to.equal(true);
    const fragments = [
      '<!---->',
      '<?pi x?>',
      `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_x"/>`,
      '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>',
      ' ID="_dup"',
      '&amp;',
      '"',
      '<',
      '>',
      'x',
      '\u0085',
      '<![CDATA[x]]>',
    ];
    fc.assert(
      fc.property(
        fc.nat({ max: good.length - 1 }),
        fc.constantFrom(...fragments),
        fc.nat({ max: 3 }),
        (at, frag, cut) => {
          const mutated = good.slice(0, at) + frag + good.slice(at + cut);
          const r = verifySamlResponseXml(mutated, ctx());
          expect(r.findings.map((f) => f.code)).to.not.include('INTERNAL');
          if (r.accepted) expect(r.assertion, mutated).to.deep.equal(baseline.assertion);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('verifySamlResponse does not throw on non-string input', function () {
    for (const bad of [undefined, null, 42, {}, []]) {
      const r = verifySamlResponse(bad as unknown as string, ctx());
      expect(r.accepted).to.equal(false);
    }
  });
});
