/** Binding codecs: strict base64, strict UTF-8, bounded raw inflate, URL-encoded parameters, HTML escaping. */
import * as zlib from 'node:zlib';
import { LIMITS } from './constants';
import { Reject } from './errors';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Buffer.from(s, 'base64') silently drops junk, so validate the alphabet, the length and a round trip. */
export function strictBase64(s: string, what: string): Buffer {
  const compact = s.replace(/\r?\n/g, '');
  if (!BASE64.test(compact) || compact.length % 4 !== 0) throw new Reject(400, `${what} is not valid base64`);
  const buf = Buffer.from(compact, 'base64');
  if (buf.toString('base64') !== compact) throw new Reject(400, `${what} is not canonical base64`);
  return buf;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function strictUtf8(buf: Buffer, what: string): string {
  try {
    return utf8.decode(buf);
  } catch {
    throw new Reject(400, `${what} is not valid UTF-8`);
  }
}

/** Raw DEFLATE (RFC 1951) with a hard output cap: a deflate bomb stops at 256 KiB (profile "Size" → 413). */
export function boundedInflate(buf: Buffer): Buffer {
  try {
    return zlib.inflateRawSync(buf, { maxOutputLength: LIMITS.requestBytes });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Reject(413, 'the inflated SAMLRequest is larger than 256 KiB');
    }
    throw new Reject(400, 'SAMLRequest is not valid raw DEFLATE data');
  }
}

export interface Param {
  name: string;
  value: string;
  /** The value exactly as it appeared on the wire (still percent-encoded): the Redirect signature covers it. */
  raw: string;
}

/** application/x-www-form-urlencoded (query strings and form bodies); malformed percent-encoding → 400. */
export function parseUrlEncoded(s: string): Param[] {
  const out: Param[] = [];
  for (const part of s.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const raw = eq < 0 ? '' : part.slice(eq + 1);
    out.push({ name: formDecode(rawName), value: formDecode(raw), raw });
  }
  return out;
}

function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new Reject(400, 'malformed percent-encoding in the request parameters');
  }
}

/** The single value of a parameter; a repeated SAML parameter is refused (HTTP parameter pollution). */
export function singleParam(params: Param[], name: string): Param | undefined {
  const hits = params.filter((p) => p.name === name);
  if (hits.length > 1) throw new Reject(400, `the parameter ${name} is repeated`);
  return hits[0];
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
