/**
 * The harness's fast answers to xml-crypto's fixed XPath expressions (the reference IdP has none: it
 * verifies with plain xml-crypto, an implementation of its own) select
 * exactly what xpath selects, on both xmldom versions, for documents built to trip a naive walker:
 * duplicate and namespaced ID attributes, namespace declarations named like ID attributes, comments,
 * CDATA, nested and foreign-namespace Signatures. Anything else is left to xpath.
 */
import { expect } from 'chai';
import { createRequire } from 'node:module';
import { parseXml } from '../../src/harness/xml';
import * as harness from '../../src/harness/xml/fast-xpath';

// xml-crypto's own nested xmldom 0.8 and xpath: the parser and evaluator the fast paths stand in for.
const xmlCryptoRequire = createRequire(require.resolve('xml-crypto'));
interface Parser {
  parseFromString(text: string, type: string): unknown;
}
const { DOMParser: DOMParser08 } = xmlCryptoRequire('@xmldom/xmldom') as { DOMParser: new () => Parser };
const xmlCryptoXPath = xmlCryptoRequire('xpath') as { selectWithResolver: unknown };

const DS = 'http://www.w3.org/2000/09/xmldsig#';
const DOCS = [
  `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0">
  <saml:Issuer>idp<!-- c1 --></saml:Issuer>
  <ds:Signature xmlns:ds="${DS}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="c14n"/>
  <ds:SignatureMethod Algorithm="rsa"/><ds:Reference URI="#_r1"><ds:Transforms><ds:Transform Algorithm="env"/></ds:Transforms>
  <ds:DigestMethod Algorithm="sha"/><ds:DigestValue>abc</ds:DigestValue></ds:Reference></ds:SignedInfo>
  <ds:SignatureValue><![CDATA[sig]]>more<!-- c2 -->tail</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>MII</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>
  <saml:Assertion ID="_a1" xmlns:ID="_r1"><saml:Issuer>idp</saml:Issuer>
    <Signature><SignedInfo/></Signature>
    <x:Signature xmlns:x="urn:other"><x:SignatureValue>no</x:SignatureValue></x:Signature>
    <saml:Subject foo:ID="_a1" xmlns:foo="urn:foo" Id="_a1" id="_x"><!-- c3 --><saml:NameID>n</saml:NameID></saml:Subject>
  </saml:Assertion>
  <Extra ID="_r1"><ds:Signature xmlns:ds="${DS}"><ds:SignatureMethod Algorithm="inner"/></ds:Signature></Extra>
</samlp:Response>`,
  `<root xmlns="urn:default" ID=""><child ID="" Id="v"/><Issuer>a</Issuer><Issuer xmlns="urn:x">b</Issuer><!-- top --></root>`,
  `<a:Envelope xmlns:a="urn:a"><a:Issuer/><a:Body a:ID="_b"><SignedInfo xmlns="${DS}"/></a:Body></a:Envelope>`,
];
const IDS = ['_r1', '_a1', '_x', '_b', '', 'v', 'missing'];
const NAMES = [
  'Signature',
  'SignedInfo',
  'KeyInfo',
  'SignatureValue',
  'X509Certificate',
  'Issuer',
  'Subject',
];

function expressions(): string[] {
  const out = ['//*', './/comment()'];
  for (const id of IDS) {
    for (const a of ['ID', 'Id', 'id']) out.push(`//*[@*[local-name(.)='${a}']='${id}']`);
    out.push(`//*[@ID='${id}' or @Id='${id}' or @id='${id}']`);
  }
  for (const n of NAMES) {
    out.push(`//*[local-name()='${n}']`, `.//*[local-name(.)='${n}']`, `./*[local-name(.)='${n}']`);
    out.push(`/*/*[local-name()='${n}']`, `.//*[local-name(.)='${n}']/text()`);
    out.push(`.//*[local-name(.)='${n}']/@Algorithm`);
  }
  const sig = `local-name(.)='Signature' and namespace-uri(.)='${DS}'`;
  out.push(`.//*[${sig}]`, `//*[${sig}]`);
  return out;
}

function contexts(doc: unknown): unknown[] {
  const d = doc as { documentElement: { firstChild: unknown; childNodes: ArrayLike<unknown> } };
  const all: unknown[] = [doc, d.documentElement];
  const kids = d.documentElement.childNodes;
  for (let i = 0; i < kids.length; i++) all.push(kids[i]);
  return all;
}

describe('xml fast XPath (xml-crypto expressions)', () => {
  for (const [label, mod] of [['harness', harness]] as const) {
    for (const [parserName, parse] of [
      ['xmldom 0.9', (t: string): unknown => parseXml(t)],
      ['xmldom 0.8', (t: string): unknown => new DOMParser08().parseFromString(t, 'text/xml')],
    ] as const) {
      it(`${label}: selects what xpath selects (${parserName})`, () => {
        let compared = 0;
        for (const text of DOCS) {
          const doc = parse(text);
          for (const ctx of contexts(doc)) {
            for (const e of expressions()) {
              const fast = mod.fastSelect(e, ctx);
              if (fast === undefined) continue;
              const slow = mod.slowSelect(e, ctx) as unknown[];
              expect(fast.length, `${e} from ${String((ctx as { nodeName: string }).nodeName)}`).to.equal(
                slow.length,
              );
              fast.forEach((n, i) => expect(n === slow[i], `${e} #${i}`).to.equal(true));
              compared++;
            }
          }
        }
        expect(compared).to.be.greaterThan(500);
      });
    }

    it(`${label}: leaves other expressions, and absolute paths from elements, to xpath`, () => {
      const doc = parseXml(DOCS[0] as string);
      expect(mod.fastSelect("//*[@ID='a' or @Id='b']", doc)).to.equal(undefined);
      expect(mod.fastSelect('//saml:Issuer', doc)).to.equal(undefined);
      expect(mod.fastSelect("//*[local-name()='Issuer']", doc.documentElement)).to.equal(undefined);
      expect(mod.fastSelect("//*[@*[local-name(.)='ID']='_r1']", doc.documentElement)).to.equal(undefined);
    });

    it(`${label}: withFastXPath restores xpath afterwards, also when the call throws`, () => {
      const before = xmlCryptoXPath.selectWithResolver;
      let inside: unknown;
      expect(() =>
        mod.withFastXPath(() => {
          inside = xmlCryptoXPath.selectWithResolver;
          throw new Error('boom');
        }),
      ).to.throw('boom');
      expect(mod.withFastXPath(() => 7)).to.equal(7);
      expect(inside).to.not.equal(before);
      expect(xmlCryptoXPath.selectWithResolver).to.equal(before);
    });
  }
});
