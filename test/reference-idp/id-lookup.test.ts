/* eslint-disable no-restricted-imports -- the reference IdP's own tests compare its lookup with xpath on xmldom trees. */
/**
 * The reference IdP's direct answer to xml-crypto's Reference lookup against xpath itself (the copy
 * xml-crypto loads), on trees from both xmldom versions (0.8 is what xml-crypto's checkSignature
 * builds), for documents that try to confuse the search: the same value under other names, prefixed
 * attributes, namespace declarations named like an ID attribute, empty values, entities, comments,
 * CDATA, deep nesting. And a request signature verifies or fails alike with and without it.
 */
import { expect } from 'chai';
import { createRequire } from 'node:module';
import { DOMParser } from '@xmldom/xmldom';
import { elementsWithAttribute, withIdLookup } from '../../src/reference-idp/id-lookup';

const fromXmlCrypto = createRequire(require.resolve('xml-crypto'));
const xpath = fromXmlCrypto('xpath') as {
  selectWithResolver(e: string, n: unknown, r: unknown, single?: boolean): unknown;
  select(e: string, n: unknown, single?: boolean): unknown;
};
const Dom08 = (fromXmlCrypto('@xmldom/xmldom') as { DOMParser: new () => DOMParser }).DOMParser;

const DOCS = [
  '<r ID="a"><c ID="a"/><c Id="a"/><c id="a"/><c ID="b">a</c></r>',
  '<r xmlns:x="urn:x"><c x:ID="a"/><c xmlns:ID="a"/><d xmlns="a"/><e ID=""/><f Id="&amp;a"/></r>',
  '<r><!-- ID="a" --><![CDATA[<c ID="a"/>]]><c ID="a&#10;b"/><c ID="a b"/><?pi ID="a"?></r>',
  `<r>${'<n>'.repeat(300)}<c ID="deep"/>${'</n>'.repeat(300)}<c ID="deep"/></r>`,
  `<r>${Array.from({ length: 200 }, (_, i) => `<c ID="v${i % 7}" Id="v${i % 5}"/>`).join('')}</r>`,
];
const NAMES = ['Id', 'ID', 'id', 'xmlns', 'x'];
const VALUES = ['a', 'b', '', '&a', 'a\nb', 'a b', 'deep', 'v3', 'urn:x'];

describe('reference IdP: the Reference lookup answered directly', () => {
  for (const [label, parse] of [
    ['xmldom 0.8 (xml-crypto)', (x: string) => new Dom08().parseFromString(x, 'text/xml')],
    ['xmldom 0.9', (x: string) => new DOMParser().parseFromString(x, 'text/xml')],
  ] as const) {
    it(`finds what xpath finds, in the same order: ${label}`, () => {
      for (const xml of DOCS) {
        const doc = parse(xml);
        for (const name of NAMES)
          for (const value of VALUES) {
            const expr = `//*[@*[local-name(.)='${name}']='${value.replace(/'/g, '')}']`;
            const general = xpath.selectWithResolver(expr, doc, null) as unknown[];
            const direct = elementsWithAttribute(doc as never, name, value.replace(/'/g, ''));
            expect(direct, `${expr} on ${xml.slice(0, 40)}`).to.deep.equal(general);
            expect(withIdLookup(() => xpath.select(expr, doc, true))).to.equal(general[0]);
          }
      }
    });
  }

  it('leaves every other expression to xpath, and restores xpath afterwards', () => {
    const doc = new Dom08().parseFromString(DOCS[0] as string, 'text/xml');
    const before = xpath.selectWithResolver;
    const n = withIdLookup(() => (xpath.select("//*[local-name(.)='c']", doc) as unknown[]).length);
    expect(n).to.equal(4);
    expect(xpath.selectWithResolver).to.equal(before);
    expect(() =>
      withIdLookup(() => {
        throw new Error('x');
      }),
    ).to.throw('x');
    expect(xpath.selectWithResolver).to.equal(before);
  });
});
