/**
 * The hostile encodings the harness sends are what they claim to be: the deflate bomb inflates to a
 * 20 MB AuthnRequest of spaces, from about 20 kB, without the harness ever holding the 20 MB.
 */
import { expect } from 'chai';
import { inflateRawSync } from 'node:zlib';
import { hostileEncoding } from '../../src/harness/messages/hostile';

describe('hostile encodings', () => {
  it('the deflate bomb inflates to 20 MiB of spaces inside one AuthnRequest, from ~20 kB', () => {
    const compressed = Buffer.from(hostileEncoding.deflateBomb(), 'base64');
    expect(compressed.length).to.be.lessThan(32 * 1024);
    const xml = inflateRawSync(compressed, { maxOutputLength: 32 * 1024 * 1024 });
    const open = '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">';
    const close = '</samlp:AuthnRequest>';
    expect(xml.length).to.equal(open.length + 20 * 1024 * 1024 + close.length);
    expect(xml.subarray(0, open.length).toString()).to.equal(open);
    expect(xml.subarray(xml.length - close.length).toString()).to.equal(close);
    expect(xml.subarray(open.length, xml.length - close.length).every((b) => b === 0x20)).to.equal(true);
  });
});
