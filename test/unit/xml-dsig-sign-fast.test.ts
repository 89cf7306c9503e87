/**
 * The signing shortcut (xml/dsig-sign-fast.ts) against xml-crypto: whenever the shortcut signs, the text
 * is byte for byte what xml-crypto's computeSignature gives for the same input and options; whenever it
 * declines, signEnveloped still gives xml-crypto's text (or its error). Over requests the harness builds,
 * hand-made texts aimed at each condition (escaping, CR, comments, PIs, CDATA, namespaces, where the
 * Issuer is, IDs held twice or by a prefixed attribute, a Signature or CanonicalizationMethod already
 * inside, a prefix without namespace, an `iD` that xml-crypto's xpath reads as an ID) and seeded random
 * documents.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { signEnveloped, signWithXmlCrypto, type SignOptions } from '../../src/harness/xml/dsig';
import { fastSignEnveloped } from '../../src/harness/xml/dsig-sign-fast';
import { AFTER_ROOT_ISSUER, DIGEST_ALGS, SIG_ALGS } from '../../src/harness/xml/sign-options';
import { AuthnRequestBuilder } from '../../src/harness/messages/authn-request';

const KEYS = path.resolve(__dirname, '..', '..', '..', 'fixtures', 'keys');
const keyPem = fs.readFileSync(path.join(KEYS, 'gateway.key.pem'), 'utf8');
const certPem = fs.readFileSync(path.join(KEYS, 'gateway.cert.pem'), 'utf8');

/** What signEnveloped gives through the shortcut (undefined: it declined). */
function fast(xml: string, opts: SignOptions): string | undefined {
  return fastSignEnveloped(xml, opts, {
    signatureAlgorithm: SIG_ALGS[opts.signatureAlgorithm ?? 'rsa-sha256'],
    digestAlgorithm: DIGEST_ALGS[opts.digestAlgorithm ?? 'sha256'],
    keyInfoContent: () => {
      // the same KeyInfo content xml-crypto builds through signEnveloped's getKeyInfoContent
      const signed = signWithXmlCrypto('<r ID="k"><Issuer>i</Issuer></r>', {
        privateKeyPem: keyPem,
        ...(opts.certPem ? { certPem: opts.certPem } : {}),
        referenceId: 'k',
      });
      return /<ds:KeyInfo>([\s\S]*)<\/ds:KeyInfo>/.exec(signed)?.[1] ?? null;
    },
  });
}

function xmlCrypto(xml: string, opts: SignOptions): string {
  try {
    return signWithXmlCrypto(xml, opts);
  } catch (e) {
    return `throws: ${String(e)}`;
  }
}

/** Signs with both; returns whether the shortcut applied. */
function same(xml: string, opts: SignOptions): boolean {
  const f = fast(xml, opts);
  const x = xmlCrypto(xml, opts);
  if (f !== undefined) expect(f, `${xml}\n${JSON.stringify({ ...opts, privateKeyPem: '…' })}`).to.equal(x);
  let viaApi: string;
  try {
    viaApi = signEnveloped(xml, opts);
  } catch (e) {
    viaApi = `throws: ${String(e)}`;
  }
  expect(viaApi).to.equal(x);
  return f !== undefined;
}

const P =
  'xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"';
const TEXTS: [string, string, boolean][] = [
  // [name, xml, the shortcut must apply with the defaults]
  [
    'plain',
    `<samlp:AuthnRequest ${P} ID="_a" Version="2.0"><saml:Issuer>https://sp</saml:Issuer><samlp:NameIDPolicy AllowCreate="true"/></samlp:AuthnRequest>`,
    true,
  ],
  [
    'declaration and whitespace',
    `<?xml version="1.0" encoding="UTF-8"?>\n<samlp:AuthnRequest ${P} ID="_a">\n  <saml:Issuer>sp</saml:Issuer>\n  <samlp:NameIDPolicy/>\n</samlp:AuthnRequest>\n`,
    true,
  ],
  [
    'escaping',
    `<samlp:AuthnRequest ${P} ID="_a" Destination="https://idp/?a=1&amp;b=&lt;2&gt;&quot;'"><saml:Issuer>a &amp; b &lt; c &gt; d " '</saml:Issuer><x y="&#9;tab&#10;nl"/></samlp:AuthnRequest>`,
    true,
  ],
  [
    'carriage returns',
    `<samlp:AuthnRequest ${P} ID="_a"><saml:Issuer>a&#13;b\r\nc</saml:Issuer><x y="a&#13;b"/></samlp:AuthnRequest>`,
    true,
  ],
  [
    'comments, PIs, CDATA',
    `<!--c0--><?pi x?><samlp:AuthnRequest ${P} ID="_a"><!--c1--><saml:Issuer>sp<!--c2--></saml:Issuer><?p q?><e><![CDATA[<x>&]]></e></samlp:AuthnRequest><!--c3-->`,
    true,
  ],
  [
    'default namespace and redeclarations',
    `<AuthnRequest xmlns="urn:oasis:names:tc:SAML:2.0:protocol" ID="_a"><Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">sp</Issuer><e xmlns="" xmlns:p="urn:x" p:a="1"><p:f/></e></AuthnRequest>`,
    true,
  ],
  [
    'unicode',
    `<samlp:AuthnRequest ${P} ID="_a"><saml:Issuer>äé☃ 𝄞 \u2028</saml:Issuer><x a="𝄞"/></samlp:AuthnRequest>`,
    true,
  ],
  [
    'Issuer not first',
    `<samlp:AuthnRequest ${P} ID="_a"><samlp:Extensions/><saml:Issuer>sp</saml:Issuer></samlp:AuthnRequest>`,
    true,
  ],
  ['no Issuer', `<samlp:AuthnRequest ${P} ID="_a"><samlp:NameIDPolicy/></samlp:AuthnRequest>`, true],
  ['empty root', `<samlp:AuthnRequest ${P} ID="_a"/>`, true],
  [
    'nested target',
    `<samlp:AuthnRequest ${P} ID="_r"><saml:Issuer>sp</saml:Issuer><samlp:Extensions><x ID="_a"><saml:Issuer>in</saml:Issuer></x></samlp:Extensions></samlp:AuthnRequest>`,
    true,
  ],
  [
    'ID held twice',
    `<samlp:AuthnRequest ${P} ID="_a"><saml:Issuer>sp</saml:Issuer><x ID="_a"/></samlp:AuthnRequest>`,
    false,
  ],
  [
    'Id and ID on one element',
    `<samlp:AuthnRequest ${P} ID="_a" Id="_b"><saml:Issuer>sp</saml:Issuer></samlp:AuthnRequest>`,
    false,
  ],
  [
    'prefixed ID attribute',
    `<samlp:AuthnRequest ${P} xmlns:q="urn:q" q:ID="_a"><saml:Issuer>sp</saml:Issuer></samlp:AuthnRequest>`,
    false,
  ],
  // found by a second review: xml-crypto's xpath matches @ID case-insensitively when it looks for the Issuer
  ['an iD elsewhere, with an Issuer', `<r ID="_a"><b iD="_a"><Issuer/></b></r>`, false],
  [
    'an iD elsewhere, before the Issuer',
    `<r ID="_a"><b iD="_a"><Issuer>in</Issuer></b><Issuer>out</Issuer></r>`,
    false,
  ],
  ['an iD on the target', `<r iD="_a"><Issuer/></r>`, false],
  [
    'no such ID',
    `<samlp:AuthnRequest ${P} ID="_b"><saml:Issuer>sp</saml:Issuer></samlp:AuthnRequest>`,
    false,
  ],
  [
    'a Signature inside',
    `<samlp:AuthnRequest ${P} ID="_a"><saml:Issuer>sp</saml:Issuer><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignatureValue/></ds:Signature></samlp:AuthnRequest>`,
    false,
  ],
  [
    'a CanonicalizationMethod child',
    `<samlp:AuthnRequest ${P} ID="_a"><saml:Issuer>sp</saml:Issuer><CanonicalizationMethod><InclusiveNamespaces PrefixList="saml"/></CanonicalizationMethod></samlp:AuthnRequest>`,
    false,
  ],
  [
    'a prefix bound to nothing',
    `<samlp:AuthnRequest ${P} ID="_a"><saml:Issuer>sp</saml:Issuer><p:x xmlns:p=""/></samlp:AuthnRequest>`,
    false,
  ],
  [
    'an undeclared prefix',
    `<samlp:AuthnRequest ${P} ID="_a"><saml:Issuer>sp</saml:Issuer><u:x/></samlp:AuthnRequest>`,
    false,
  ],
  ['not well-formed', `<samlp:AuthnRequest ${P} ID="_a"><saml:Issuer>sp</samlp:AuthnRequest>`, false],
  [
    'duplicate attribute',
    `<samlp:AuthnRequest ${P} ID="_a" a="1" a="2"><saml:Issuer>sp</saml:Issuer></samlp:AuthnRequest>`,
    false,
  ],
];

const OPTIONS: [string, Partial<SignOptions>][] = [
  ['defaults', {}],
  ['with the certificate', { certPem }],
  ["after the root's Issuer (the request signer)", { placeAfter: AFTER_ROOT_ISSUER, certPem }],
  ['rsa-sha1 / sha1', { signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1' }],
  ['rsa-sha384 / sha384', { signatureAlgorithm: 'rsa-sha384', digestAlgorithm: 'sha384' }],
  ['rsa-sha512 / sha256', { signatureAlgorithm: 'rsa-sha512', digestAlgorithm: 'sha256' }],
];

describe('xml/dsig-sign-fast: the signing shortcut gives xml-crypto’s text', function () {
  this.timeout(120000);

  for (const [name, xml, applies] of TEXTS) {
    it(`${name}: the same text (or the same refusal) with every option`, () => {
      let applied = 0;
      for (const [, o] of OPTIONS)
        if (same(xml, { privateKeyPem: keyPem, referenceId: '_a', ...o })) applied++;
      if (applies) expect(applied).to.be.greaterThan(0);
      else expect(applied).to.equal(0);
    });
  }

  it('declines what signEnveloped does otherwise: transforms, another C14N, a Reference URI, another place, a quote in the ID', () => {
    const xml = TEXTS[0]![1];
    const base: SignOptions = { privateKeyPem: keyPem, referenceId: '_a' };
    for (const o of [
      { transforms: ['http://www.w3.org/2001/10/xml-exc-c14n#'] },
      { canonicalization: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315' },
      { referenceUri: '' },
      { referenceUri: '#other' },
      { placeAfter: "/*/*[local-name()='NameIDPolicy']" },
    ])
      expect(fast(xml, { ...base, ...o }), JSON.stringify(o)).to.equal(undefined);
    expect(fast(`<r ID="a'b"><Issuer/></r>`, { ...base, referenceId: "a'b" })).to.equal(undefined);
    expect(() => signEnveloped(`<r ID="a'b"><Issuer/></r>`, { ...base, referenceId: "a'b" })).to.throw(
      /quotes/,
    );
  });

  it('requests the harness builds, with every option', () => {
    const now = new Date('2026-12-08T00:00:00Z');
    const requests = [
      new AuthnRequestBuilder(now).withId('_a').withIssuer('https://gw.test/sp').toXml(),
      new AuthnRequestBuilder(now)
        .withId('_a')
        .withIssuer('https://gw.test/sp?a=1&b=2')
        .withDestination('https://idp.test/sso')
        .withAcsUrl('https://gw.test/acs')
        .withNameIdPolicy({ format: 'urn:x', allowCreate: 'true' })
        .withIsPassive()
        .withForceAuthn()
        .withExtensions('<samlp:Extensions><x:dc xmlns:x="urn:dc">a &amp; b</x:dc></samlp:Extensions>')
        .withRequestedAuthnContext({ comparison: 'exact', classRefs: ['urn:c'] })
        .toXml(),
      new AuthnRequestBuilder(now).withId('_a').withIssuer(undefined).toXml(),
    ];
    for (const xml of requests)
      for (const [, o] of OPTIONS)
        expect(same(xml, { privateKeyPem: keyPem, referenceId: '_a', ...o }), xml).to.equal(
          !(o.placeAfter && !xml.includes('Issuer')),
        );
  });

  it('seeded random documents', () => {
    let seed = 20261208;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const texts = [
      'a',
      ' ',
      '&amp;',
      '&lt;',
      '&gt;',
      '"',
      "'",
      '\r\n',
      '&#13;',
      '\t',
      'é',
      '𝄞',
      ']]>'.slice(0, 2),
    ];
    const attrValues = ['1', '&amp;&lt;&quot;', "'", '&#10;', '&#13;', '\t', 'x y'];
    const names = ['a', 'b', 'p:c', 'q:d', 'Issuer', 'saml:Issuer'];
    const element = (depth: number): string => {
      const name = pick(names);
      const attrs = Array.from({ length: Math.floor(rand() * 3) }, (_, i) =>
        rand() < 0.05 ? ` iD="_a"` : ` ${pick(['x', 'y', 'p:z'])}${i}="${pick(attrValues)}"`,
      ).join('');
      const ns = rand() < 0.2 ? ' xmlns="urn:d"' : '';
      if (depth > 3 || rand() < 0.3) return `<${name}${ns}${attrs}>${pick(texts)}</${name}>`;
      const kids = Array.from({ length: Math.floor(rand() * 4) }, () =>
        rand() < 0.7 ? element(depth + 1) : pick(['<!--k-->', '<?pi d?>', '<![CDATA[c&]]>', pick(texts)]),
      ).join('');
      return `<${name}${ns}${attrs}>${kids}</${name}>`;
    };
    let applied = 0;
    for (let i = 0; i < 300; i++) {
      const xml = `<r xmlns:p="urn:p" xmlns:q="urn:q" xmlns:saml="urn:s" ID="_a">${element(0)}${element(0)}</r>`;
      if (same(xml, { privateKeyPem: keyPem, referenceId: '_a', ...pick(OPTIONS)[1] })) applied++;
    }
    expect(applied).to.be.greaterThan(150);
  });
});
