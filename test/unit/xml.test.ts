/**
 * The harness XML layer: strict parsing, bounded codecs, namespace-aware selection, serialization,
 * enveloped signatures and certificate helpers.
 */
import { expect } from 'chai';
import * as crypto from 'node:crypto';
import * as zlib from 'node:zlib';
import {
  ALG,
  LIMITS,
  NS,
  XmlRejected,
  certKeyInfo,
  certPemFromBase64,
  childElements,
  decodeBase64Strict,
  decodePostBinding,
  decodeRedirectBinding,
  decodeUtf8Strict,
  encodePostBinding,
  encodeRedirectBinding,
  inflateRawBounded,
  parseXml,
  resignSignature,
  select,
  selectElements,
  selectOne,
  serialize,
  signEnveloped,
  signRedirectQuery,
  textOf,
  verifyEnveloped,
  type XmlElement,
  type XmlRejectCode,
} from '../../src/harness/xml';
import { ASSERTION_ID, KEYS, RESPONSE_ID, responseXml } from '../fixtures-build/responses';

function rejects(fn: () => unknown, code: XmlRejectCode): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected XmlRejected ${code}`).to.be.instanceOf(XmlRejected);
  expect((caught as XmlRejected).code).to.equal(code);
}

function signatures(xml: string): XmlElement[] {
  return selectElements('//ds:Signature', parseXml(xml));
}

describe('xml layer', function () {
  describe('parseXml (strict)', function () {
    it('parses a document with an XML declaration and surrounding comments', function () {
      const doc = parseXml(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!--c--><a xmlns="urn:a"><b/></a><!--d-->\n',
      );
      expect(doc.documentElement?.localName).to.equal('a');
    });

    const cases: [string, string, XmlRejectCode][] = [
      ['a DOCTYPE with internal subset', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', 'XML_DOCTYPE'],
      ['a DOCTYPE without subset', '<!DOCTYPE a><a/>', 'XML_DOCTYPE'],
      ['an ENTITY declaration', '<a><!ENTITY x "y"></a>', 'XML_DOCTYPE'],
      ['a PI before the root', '<?evil x?><a/>', 'XML_PI'],
      ['a PI inside the tree', '<a><b><?evil x?></b></a>', 'XML_PI'],
      ['an XML declaration not at the start', ' <?xml version="1.0"?><a/>', 'XML_PARSE'],
      ['two roots', '<a/><b/>', 'XML_MULTIPLE_ROOTS'],
      ['text after the root', '<a/>text', 'XML_PARSE'],
      ['an empty document', '', 'XML_EMPTY'],
      ['whitespace only', ' \n ', 'XML_EMPTY'],
      ['a comment only', '<!-- x -->', 'XML_EMPTY'],
      ['a duplicate attribute', '<a x="1" x="2"/>', 'XML_PARSE'],
      ['an unbound prefix', '<p:a/>', 'XML_PARSE'],
      ['an undefined entity', '<a>&x;</a>', 'XML_PARSE'],
      ['a raw NUL', '<a>\u0000</a>', 'XML_PARSE'],
      ['a NUL character reference', '<a>&#0;</a>', 'XML_PARSE'],
      ['a control character reference in an attribute', '<a b="&#x1;"/>', 'XML_PARSE'],
      ['a lone surrogate', '<a>\ud800</a>', 'XML_PARSE'],
      ['an encoding="UTF-16" declaration', '<?xml version="1.0" encoding="UTF-16"?><a/>', 'XML_ENCODING'],
      ['a byte order mark inside the text', '\ufeff<a/>', 'XML_ENCODING'],
      [
        'nesting deeper than the limit',
        `${'<a>'.repeat(LIMITS.maxDepth + 2)}${'</a>'.repeat(LIMITS.maxDepth + 2)}`,
        'XML_TOO_LARGE',
      ],
      ['text larger than maxDecodedBytes', `<a>${'x'.repeat(LIMITS.maxDecodedBytes)}</a>`, 'XML_TOO_LARGE'],
    ];
    for (const [name, text, code] of cases) {
      it(`rejects ${name} with ${code}`, function () {
        rejects(() => parseXml(text), code);
      });
    }

    it('builds the same text as xml-crypto\u2019s bundled parser (U+2029 stays, CR LF becomes LF)', function () {
      const doc = parseXml('<a>x\u2029y\r\nz\u2028w</a>');
      expect(textOf(doc.documentElement as XmlElement)).to.equal('x\u2029y\nz\nw');
    });

    it('rejects a non-string', function () {
      rejects(() => parseXml(42 as unknown as string), 'XML_PARSE');
    });
  });

  describe('codecs', function () {
    it('decodeBase64Strict accepts CRLF line breaks and round-trips', function () {
      expect(decodeBase64Strict('PGE+\r\nPC9hPg==').toString()).to.equal('<a></a>');
    });

    const bad: [string, string, XmlRejectCode][] = [
      ['invalid characters (Node would drop them)', 'PH!!!Nh@bWw+', 'XML_BAD_BASE64'],
      ['URL-safe alphabet', 'PGE-PC9hPg__', 'XML_BAD_BASE64'],
      ['a space', 'PGE+ PC9hPg==', 'XML_BAD_BASE64'],
      ['a length not a multiple of 4', 'PGE+PC9hPg=', 'XML_BAD_BASE64'],
      ['padding in the middle', 'PG==PC9h', 'XML_BAD_BASE64'],
      ['non-zero padding bits', 'QR==', 'XML_BAD_BASE64'],
    ];
    for (const [name, input, code] of bad) {
      it(`decodeBase64Strict rejects ${name}`, function () {
        rejects(() => decodeBase64Strict(input), code);
      });
    }

    it('C-14 decodeBase64Strict checks size before decoding', function () {
      const t0 = Date.now();
      rejects(() => decodeBase64Strict('A'.repeat(LIMITS.maxEncodedBytes + 1)), 'XML_TOO_LARGE');
      rejects(() => decodeBase64Strict('AAAA'.repeat(1000), 100), 'XML_TOO_LARGE');
      expect(Date.now() - t0).to.be.below(200);
    });

    it('decodeUtf8Strict rejects invalid UTF-8, NUL and UTF-16 BOMs, and drops one UTF-8 BOM', function () {
      rejects(() => decodeUtf8Strict(Buffer.from([0x3c, 0xc0, 0xaf, 0x3e])), 'XML_BAD_UTF8');
      rejects(() => decodeUtf8Strict(Buffer.from([0x3c, 0xed, 0xa0, 0x80, 0x3e])), 'XML_BAD_UTF8');
      rejects(() => decodeUtf8Strict(Buffer.from('<a>\u0000</a>')), 'XML_BAD_UTF8');
      rejects(() => decodeUtf8Strict(Buffer.from([0xff, 0xfe, 0x3c, 0x00])), 'XML_ENCODING');
      rejects(
        () => decodeUtf8Strict(Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x3c])),
        'XML_ENCODING',
      );
      expect(decodeUtf8Strict(Buffer.from([0xef, 0xbb, 0xbf, 0x3c, 0x61, 0x2f, 0x3e]))).to.equal('<a/>');
    });

    it('C-13 / C-DEFL-1 inflateRawBounded caps a deflate bomb (10 MB of zeros, ~1000:1) at the output limit', function () {
      const bomb = zlib.deflateRawSync(Buffer.alloc(10_000_000));
      const t0 = Date.now();
      rejects(() => inflateRawBounded(bomb), 'XML_INFLATE_LIMIT');
      rejects(() => decodeRedirectBinding(bomb.toString('base64')), 'XML_INFLATE_LIMIT');
      expect(Date.now() - t0).to.be.below(1000);
    });

    it('C-DEFL-2 inflateRawBounded rejects zlib-wrapped, gzip, truncated streams and trailing garbage', function () {
      const raw = zlib.deflateRawSync(Buffer.from('<a>hello</a>'));
      rejects(() => inflateRawBounded(zlib.deflateSync(Buffer.from('<a/>'))), 'XML_INFLATE');
      rejects(() => inflateRawBounded(zlib.gzipSync(Buffer.from('<a/>'))), 'XML_INFLATE');
      rejects(() => inflateRawBounded(raw.subarray(0, raw.length - 2)), 'XML_INFLATE');
      rejects(() => inflateRawBounded(Buffer.concat([raw, Buffer.from('junk')])), 'XML_INFLATE');
      expect(inflateRawBounded(raw).toString()).to.equal('<a>hello</a>');
    });

    it('POST and Redirect bindings round-trip UTF-8 text', function () {
      const xml = '<a>é ✓ 𝄞</a>';
      expect(decodePostBinding(encodePostBinding(xml))).to.equal(xml);
      expect(decodeRedirectBinding(encodeRedirectBinding(xml))).to.equal(xml);
      expect(encodeRedirectBinding(xml)).to.match(/^[A-Za-z0-9+/]+=*$/);
    });
  });

  describe('selection and serialization', function () {
    const doc = parseXml(
      `<p:Response xmlns:p="${NS.samlp}" xmlns:a="${NS.saml}" xmlns:fake="${NS.saml}#"><a:Issuer>i</a:Issuer>` +
        `<fake:Assertion/><a:Assertion ID="x"><a:NameID>adm<!---->in</a:NameID></a:Assertion></p:Response>`,
    );

    it('select matches namespace URIs, not the document prefixes', function () {
      expect(selectElements('/samlp:Response/saml:Assertion', doc)).to.have.length(1);
      expect(selectOne('/samlp:Response/saml:Assertion', doc)?.getAttribute('ID')).to.equal('x');
      expect(select('//saml:Assertion', doc)).to.have.length(1);
      expect(select('string(/samlp:Response/saml:Issuer)', doc)).to.deep.equal([]);
    });

    it('textOf returns the full text of a comment-split value', function () {
      expect(textOf(selectOne('//saml:NameID', doc) as XmlElement)).to.equal('admin');
    });

    it('childElements filters by exact namespace and local name', function () {
      const root = doc.documentElement as XmlElement;
      expect(childElements(root)).to.have.length(3);
      expect(childElements(root, NS.saml, 'Assertion')).to.have.length(1);
      expect(childElements(root, NS.saml)).to.have.length(2);
    });

    it('C-30 serialize keeps the XML declaration and refuses injection-prone content', function () {
      const d = parseXml('<?xml version="1.0" encoding="UTF-8"?><a><b>x</b></a>');
      expect(serialize(d)).to.equal('<?xml version="1.0" encoding="UTF-8"?><a><b>x</b></a>');
      (d.documentElement as XmlElement).appendChild(d.createComment('--><evil/><!--'));
      expect(() => serialize(d)).to.throw();
    });
  });

  describe('enveloped signatures', function () {
    const xml = responseXml();

    it('signEnveloped places ds:Signature after the signed element Issuer, with explicit algorithms and KeyInfo', function () {
      const signed = signEnveloped(xml, {
        privateKeyPem: KEYS.idp.key,
        certPem: KEYS.idp.cert,
        referenceId: ASSERTION_ID,
      });
      const sig = signatures(signed)[0] as XmlElement;
      expect((sig.parentNode as XmlElement).getAttribute('ID')).to.equal(ASSERTION_ID);
      expect((sig.previousSibling as XmlElement).localName).to.equal('Issuer');
      expect(sig.prefix).to.equal('ds');
      expect(selectOne('ds:KeyInfo/ds:X509Data/ds:X509Certificate', sig)).to.not.equal(undefined);
      const check = verifyEnveloped(signed, sig, [KEYS.idp.cert]);
      expect(check.valid, check.error).to.equal(true);
      expect(check.referenceUri).to.equal(`#${ASSERTION_ID}`);
      expect(check.signatureAlgorithm).to.equal(ALG.rsaSha256);
      expect(check.digestAlgorithm).to.equal(ALG.sha256);
      expect(check.canonicalization).to.equal(ALG.excC14n);
      expect(check.transforms).to.deep.equal([ALG.enveloped, ALG.excC14n]);
      expect(check.signedXml?.startsWith('<saml:Assertion')).to.equal(true);
      expect(check.signedXml).to.not.include('ds:Signature');
    });

    it('signEnveloped prepends the Signature when the element has no Issuer, and refuses an unknown ID', function () {
      const signed = signEnveloped('<r xmlns="urn:r" ID="_r1"><a>x</a></r>', {
        privateKeyPem: KEYS.idp.key,
        referenceId: '_r1',
      });
      const root = parseXml(signed).documentElement as XmlElement;
      expect(childElements(root)[0]?.localName).to.equal('Signature');
      expect(verifyEnveloped(signed, childElements(root)[0] as XmlElement, [KEYS.idp.cert]).valid).to.equal(
        true,
      );
      expect(() =>
        signEnveloped('<r ID="_r1"/>', { privateKeyPem: KEYS.idp.key, referenceId: '_nope' }),
      ).to.throw();
    });

    it('verifyEnveloped tries each certificate (rollover) and reports which one verified', function () {
      const signed = signEnveloped(xml, { privateKeyPem: KEYS.idp.key, referenceId: RESPONSE_ID });
      const check = verifyEnveloped(signed, signatures(signed)[0] as XmlElement, [
        KEYS.rogue.cert,
        KEYS.idp.cert,
      ]);
      expect(check.valid).to.equal(true);
      expect(check.certIndex).to.equal(1);
    });

    it('verifyEnveloped caches on what it verified: a ds:Signature edited in the DOM is verified anew', function () {
      const signed = signEnveloped(xml, { privateKeyPem: KEYS.idp.key, referenceId: RESPONSE_ID });
      const sig = signatures(signed)[0] as XmlElement;
      expect(verifyEnveloped(signed, sig, [KEYS.idp.cert]).valid).to.equal(true);
      // The same text and position, but SignedInfo now names another reference: not the cached result.
      const ref = childElements(
        childElements(sig, NS.ds, 'SignedInfo')[0] as XmlElement,
        NS.ds,
        'Reference',
      )[0];
      (ref as XmlElement).setAttribute('URI', `#${ASSERTION_ID}`);
      expect(verifyEnveloped(signed, sig, [KEYS.idp.cert]).valid).to.equal(false);
    });

    it('verifyEnveloped never trusts KeyInfo: an attacker signature with its certificate in KeyInfo is invalid', function () {
      const signed = signEnveloped(xml, {
        privateKeyPem: KEYS.attacker.key,
        certPem: KEYS.attacker.cert,
        referenceId: ASSERTION_ID,
      });
      const check = verifyEnveloped(signed, signatures(signed)[0] as XmlElement, [KEYS.idp.cert]);
      expect(check.valid).to.equal(false);
      expect(check.signedXml).to.equal(undefined);
      expect(check.error).to.be.a('string');
    });

    it('verifyEnveloped reports a digest mismatch and an empty trust list as invalid, never throwing', function () {
      const signed = signEnveloped(xml, { privateKeyPem: KEYS.idp.key, referenceId: ASSERTION_ID });
      const tampered = signed.replace('alice@acme.test</saml:NameID>', 'admin@acme.test</saml:NameID>');
      expect(
        verifyEnveloped(tampered, signatures(tampered)[0] as XmlElement, [KEYS.idp.cert]).valid,
      ).to.equal(false);
      expect(verifyEnveloped(signed, signatures(signed)[0] as XmlElement, []).valid).to.equal(false);
    });

    it('signs and verifies rsa-sha384 with sha384 digests', function () {
      const signed = signEnveloped(xml, {
        privateKeyPem: KEYS.idp.key,
        referenceId: ASSERTION_ID,
        signatureAlgorithm: 'rsa-sha384',
        digestAlgorithm: 'sha384',
      });
      const check = verifyEnveloped(signed, signatures(signed)[0] as XmlElement, [KEYS.idp.cert]);
      expect(check.valid, check.error).to.equal(true);
      expect(check.signatureAlgorithm).to.equal(ALG.rsaSha384);
    });

    it('referenceUri overrides produce the hostile Reference with a correct SignatureValue', function () {
      const empty = signEnveloped(xml, {
        privateKeyPem: KEYS.idp.key,
        referenceId: RESPONSE_ID,
        referenceUri: '',
      });
      expect(selectOne('//ds:Reference', parseXml(empty))?.getAttribute('URI')).to.equal('');
      expect(verifyEnveloped(empty, signatures(empty)[0] as XmlElement, [KEYS.idp.cert]).valid).to.equal(
        true,
      );
      const other = signEnveloped(xml, {
        privateKeyPem: KEYS.idp.key,
        referenceId: ASSERTION_ID,
        referenceUri: `#${RESPONSE_ID}`,
      });
      const check = verifyEnveloped(other, signatures(other)[0] as XmlElement, [KEYS.idp.cert]);
      expect(check.referenceUri).to.equal(`#${RESPONSE_ID}`);
      // The digest was computed over the Assertion, so the rewritten Reference no longer matches.
      expect(check.valid).to.equal(false);
    });

    it('an HMAC SignatureMethod keyed with the public certificate is not verified (HMAC disabled)', function () {
      const signed = signEnveloped(xml, { privateKeyPem: KEYS.idp.key, referenceId: ASSERTION_ID });
      const hmac = resignSignature(signed, {
        hmacKey: Buffer.from(KEYS.idp.cert),
        signatureAlgorithm: ALG.hmacSha1,
      });
      const check = verifyEnveloped(hmac, signatures(hmac)[0] as XmlElement, [KEYS.idp.cert]);
      expect(check.valid).to.equal(false);
      expect(check.signatureAlgorithm).to.equal(ALG.hmacSha1);
    });
  });

  describe('certificates and redirect signatures', function () {
    it('certKeyInfo reads key type and size', function () {
      const strong = certKeyInfo(KEYS.idp.cert);
      expect(strong).to.include({ type: 'rsa', bits: 2048 });
      expect(strong.der.equals(new crypto.X509Certificate(KEYS.idp.cert).raw)).to.equal(true);
      expect(certKeyInfo(KEYS.weak.cert)).to.include({ type: 'rsa', bits: 1024 });
      expect(certKeyInfo(KEYS.ec.cert)).to.include({ type: 'ec', bits: 256, curve: 'prime256v1' });
      expect(() => certKeyInfo('not a certificate')).to.throw();
    });

    it('certPemFromBase64 normalizes metadata X509Certificate text (whitespace, line breaks) to PEM', function () {
      const body = KEYS.idp.cert.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
      const messy = `\n   ${body.slice(0, 70)}\n\t${body.slice(70)}  \n`;
      const pem = certPemFromBase64(messy);
      expect(
        new crypto.X509Certificate(pem).raw.equals(new crypto.X509Certificate(KEYS.idp.cert).raw),
      ).to.equal(true);
      expect(certPemFromBase64(KEYS.idp.cert)).to.equal(pem);
      rejects(() => certPemFromBase64('MII!!'), 'XML_BAD_BASE64');
      rejects(() => certPemFromBase64('   '), 'XML_BAD_BASE64');
    });

    it('signRedirectQuery signs the ASCII octets with the named algorithm', function () {
      const octets =
        'SAMLRequest=abc%2B&RelayState=x&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256';
      for (const [alg, hash] of [
        ['rsa-sha256', 'sha256'],
        ['rsa-sha1', 'sha1'],
        ['rsa-sha512', 'sha512'],
      ] as const) {
        const sig = Buffer.from(signRedirectQuery(octets, KEYS.idp.key, alg), 'base64');
        expect(crypto.verify(hash, Buffer.from(octets), KEYS.idp.cert, sig)).to.equal(true);
      }
    });

    it('exposes the namespace and algorithm vocabulary', function () {
      expect(NS.dt).to.equal('urn:idp-conformance:device-token:1.0');
      expect(NS.ec).to.equal(ALG.excC14n);
      expect(LIMITS).to.include({ maxEncodedBytes: 400_000, maxDecodedBytes: 262_144 });
    });
  });
});
