/** Small node:http helpers: bounded body reading, typed replies, cookies. */
import type * as http from 'node:http';
import { Reject } from './errors';
import { errorPage } from './html';

/** Beyond this the body is not even drained: the connection is dropped. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

/**
 * Reads the body up to `limit` bytes; a larger body is drained (so the client can read the answer) and
 * refused with 413.
 */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > DRAIN_LIMIT) req.destroy();
    });
    req.on('end', () => {
      if (size > limit) reject(new Reject(413, 'the request body is larger than allowed'));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
    req.on('close', () => reject(new Reject(400, 'the request was aborted')));
  });
}

const BASE_HEADERS = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export function sendHtml(
  res: http.ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  send(res, status, 'text/html; charset=utf-8', html, headers);
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', status === 204 ? '' : JSON.stringify(body));
}

export function sendText(res: http.ServerResponse, status: number, contentType: string, body: string): void {
  send(res, status, contentType, body);
}

export function sendReject(res: http.ServerResponse, r: Reject): void {
  sendHtml(res, r.status, errorPage(r.status, r.message), r.headers);
}

function send(
  res: http.ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const extra: Record<string, string | number> = { ...BASE_HEADERS, ...headers };
  if (status !== 204) {
    extra['Content-Type'] = contentType;
    extra['Content-Length'] = Buffer.byteLength(body, 'utf8');
  }
  res.writeHead(status, extra);
  res.end(status === 204 ? undefined : body);
}

export function redirect(res: http.ServerResponse, location: string): void {
  res.writeHead(302, { ...BASE_HEADERS, Location: location, 'Content-Length': 0 });
  res.end();
}

export function readCookie(req: http.IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The TCP peer (forwarding headers are ignored: profile "Throttling"). */
export function clientAddress(req: http.IncomingMessage): string {
  const a = req.socket.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}
