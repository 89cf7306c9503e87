/**
 * Enveloped XML signatures over XML this IdP writes itself. The response builder writes every element
 * directly in Exclusive XML Canonicalization form (sorted attributes, explicit end tags, c14n escaping,
 * each namespace declared where exc-c14n renders it), so the canonical octets of an element are its own
 * text and no DOM round trip is needed. Incoming signatures are never verified here (see request-signature).
 */
import * as crypto from 'node:crypto';
import { ALG, NS } from './constants';
import type { SigningKey } from './keys';

const INCLUSIVE_C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';

/** The namespace declarations of the root start tag (other than ds), as inclusive C14N renders them in SignedInfo. */
function rootNamespaces(element: string): string {
  const start = element.slice(0, element.indexOf('>'));
  const decls = [...start.matchAll(/ xmlns:([A-Za-z0-9_-]+)="([^"]*)"/g)]
    .filter((m) => m[1] !== 'ds')
    .sort((a, b) => ((a[1] as string) < (b[1] as string) ? -1 : 1));
  return decls.map((m) => ` xmlns:${m[1]}="${m[2]}"`).join('');
}

/** Exc-c14n text node escaping (W3C C14N §2.3). */
export function c14nText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => TEXT[c] as string);
}

/** Exc-c14n attribute value escaping (W3C C14N §2.3). */
export function c14nAttr(s: string): string {
  return s.replace(/[&<"\t\n\r]/g, (c) => ATTR[c] as string);
}

const TEXT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };
const ATTR: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};

export interface SignOptions {
  key: SigningKey;
  /** The sign-with-sha1 fault: rsa-sha1 and sha1 digests. */
  sha1?: boolean;
  /** The signature-reference-empty-uri fault: URI="" although the digest covers the element only. */
  emptyUri?: boolean;
  /**
   * The sign-inclusive-c14n fault (root elements only): inclusive C14N 1.0. The element's text is also its
   * inclusive canonical form when it is the document root; SignedInfo then carries every namespace in scope.
   */
  inclusiveC14n?: boolean;
}

/**
 * Signs `element` (canonical text of an element whose ID is `id`) and places the ds:Signature right after
 * its first saml:Issuer ([CORE] §5.4.2: enveloped, Reference "#ID", enveloped-signature + exc-c14n).
 */
export function signElement(element: string, id: string, o: SignOptions): string {
  const digestAlg = o.sha1 ? ALG.sha1 : ALG.sha256;
  const digest = crypto
    .createHash(o.sha1 ? 'sha1' : 'sha256')
    .update(element, 'utf8')
    .digest('base64');
  const c14n = o.inclusiveC14n ? INCLUSIVE_C14N : ALG.excC14n;
  const body =
    `<ds:CanonicalizationMethod Algorithm="${c14n}"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="${o.sha1 ? ALG.rsaSha1 : ALG.rsaSha256}"></ds:SignatureMethod>` +
    `<ds:Reference URI="${o.emptyUri ? '' : `#${c14nAttr(id)}`}"><ds:Transforms>` +
    `<ds:Transform Algorithm="${ALG.enveloped}"></ds:Transform>` +
    `<ds:Transform Algorithm="${c14n}"></ds:Transform></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${digestAlg}"></ds:DigestMethod><ds:DigestValue>${digest}</ds:DigestValue>` +
    `</ds:Reference>`;
  // SignedInfo is canonicalized as its own apex, so it carries the ds declaration there.
  const inScope = o.inclusiveC14n ? rootNamespaces(element) : '';
  const canonicalSignedInfo = `<ds:SignedInfo xmlns:ds="${NS.ds}"${inScope}>${body}</ds:SignedInfo>`;
  const value = crypto
    .sign(o.sha1 ? 'sha1' : 'sha256', Buffer.from(canonicalSignedInfo, 'utf8'), o.key.privateKey)
    .toString('base64');
  const signature =
    `<ds:Signature xmlns:ds="${NS.ds}"><ds:SignedInfo>${body}</ds:SignedInfo>` +
    `<ds:SignatureValue>${value}</ds:SignatureValue>` +
    `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${o.key.certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
    `</ds:Signature>`;
  const at = element.indexOf('</saml:Issuer>');
  if (at < 0) throw new Error('signElement: no saml:Issuer to place the signature after');
  const cut = at + '</saml:Issuer>'.length;
  return element.slice(0, cut) + signature + element.slice(cut);
}
