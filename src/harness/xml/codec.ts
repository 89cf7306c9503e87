/**
 * Transport codecs for SAML bindings: strict base64, strict UTF-8, bounded raw DEFLATE.
 * Every size bound is checked before the work it protects (CVE-2025-54572, CVE-2025-25293).
 */
import * as zlib from 'node:zlib';
import { LIMITS, XmlRejected } from './constants';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Strict base64: only CR/LF may be stripped; the alphabet, padding and length are checked, and the
 * result must round-trip (Buffer.from(…, 'base64') silently drops invalid characters).
 */
export function decodeBase64Strict(b64: string, maxDecodedBytes: number = LIMITS.maxDecodedBytes): Buffer {
  if (typeof b64 !== 'string') throw new XmlRejected('XML_BAD_BASE64', 'base64 input is not a string');
  // Cheap size checks first, on the raw length, before any copying or decoding.
  if (b64.length > LIMITS.maxEncodedBytes) {
    throw new XmlRejected(
      'XML_TOO_LARGE',
      `encoded input is ${b64.length} bytes, limit ${LIMITS.maxEncodedBytes}`,
    );
  }
  const s = b64.replace(/[\r\n]/g, '');
  // Every 4 characters decode to at most 3 bytes: refuse before decoding anything.
  if (Math.ceil(s.length / 4) * 3 > maxDecodedBytes + 2) {
    throw new XmlRejected('XML_TOO_LARGE', `decoded input would exceed ${maxDecodedBytes} bytes`);
  }
  if (!BASE64.test(s))
    throw new XmlRejected('XML_BAD_BASE64', 'base64 input has characters outside the alphabet');
  if (s.length % 4 !== 0)
    throw new XmlRejected('XML_BAD_BASE64', 'base64 input length is not a multiple of 4');
  const buf = Buffer.from(s, 'base64');
  if (buf.toString('base64') !== s) {
    throw new XmlRejected(
      'XML_BAD_BASE64',
      'base64 input is not canonical (padding bits or misplaced padding)',
    );
  }
  if (buf.length > maxDecodedBytes) {
    throw new XmlRejected('XML_TOO_LARGE', `decoded input is ${buf.length} bytes, limit ${maxDecodedBytes}`);
  }
  return buf;
}

/**
 * Strict UTF-8: invalid sequences, lone surrogates, NUL bytes and UTF-16/UTF-32 byte order marks are
 * rejected. A single UTF-8 BOM is removed.
 */
export function decodeUtf8Strict(buf: Buffer): string {
  if (!Buffer.isBuffer(buf)) throw new XmlRejected('XML_BAD_UTF8', 'input is not a byte buffer');
  if ((buf[0] === 0xfe && buf[1] === 0xff) || (buf[0] === 0xff && buf[1] === 0xfe)) {
    throw new XmlRejected('XML_ENCODING', 'UTF-16/UTF-32 byte order mark on input that must be UTF-8');
  }
  if (buf.includes(0)) throw new XmlRejected('XML_BAD_UTF8', 'NUL byte in input');
  let text: string;
  try {
    // ignoreBOM false (the default): one leading UTF-8 BOM is consumed by the decoder.
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new XmlRejected('XML_BAD_UTF8', 'input is not valid UTF-8');
  }
  if (text.charCodeAt(0) === 0xfeff) throw new XmlRejected('XML_ENCODING', 'more than one byte order mark');
  return text;
}

/** Raw DEFLATE (RFC 1951) with a hard cap on the output; trailing bytes after the stream are refused. */
export function inflateRawBounded(buf: Buffer, maxBytes: number = LIMITS.maxDecodedBytes): Buffer {
  let out: { buffer: Buffer; engine: zlib.InflateRaw };
  try {
    out = zlib.inflateRawSync(buf, { maxOutputLength: maxBytes, info: true }) as unknown as {
      buffer: Buffer;
      engine: zlib.InflateRaw;
    };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || /too large|maxOutputLength/i.test(String(e))) {
      throw new XmlRejected('XML_INFLATE_LIMIT', `inflated data exceeds ${maxBytes} bytes`);
    }
    throw new XmlRejected('XML_INFLATE', `not a raw DEFLATE stream (${(e as Error).message})`);
  }
  if (out.buffer.length > maxBytes) {
    throw new XmlRejected('XML_INFLATE_LIMIT', `inflated data exceeds ${maxBytes} bytes`);
  }
  if (out.engine.bytesWritten !== buf.length) {
    throw new XmlRejected('XML_INFLATE', 'trailing bytes after the DEFLATE stream');
  }
  return out.buffer;
}

/** HTTP-POST binding: base64 → strict UTF-8 text (no inflation). */
export function decodePostBinding(b64: string): string {
  return decodeUtf8Strict(decodeBase64Strict(b64));
}

/** HTTP-Redirect binding (value already URL-decoded): base64 → bounded inflate → strict UTF-8 text. */
export function decodeRedirectBinding(b64: string): string {
  // The compressed form is never larger than the bound on what it may inflate to.
  return decodeUtf8Strict(inflateRawBounded(decodeBase64Strict(b64, LIMITS.maxDecodedBytes)));
}

export function encodePostBinding(xml: string): string {
  return Buffer.from(xml, 'utf8').toString('base64');
}

/** deflateRaw + base64; the caller URL-encodes for the query string. */
export function encodeRedirectBinding(xml: string): string {
  return zlib.deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64');
}
