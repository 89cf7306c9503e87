import http from 'node:http';
import https from 'node:https';
import type { EvidenceItem } from '../../types';
import { record } from '../../evidence/context';

export type Direction = NonNullable<EvidenceItem['http']>['direction'];

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  /** A list value sends the header once per item (a repeated header, for hostile variants). */
  headers?: Record<string, string | string[]>;
  body?: string;
  /** Source address on loopback (throttling checks use 127.0.0.2 and up). */
  localAddress?: string;
  timeoutMs: number;
  /** Bodies beyond this are cut (and the exchange marked truncated): a hostile IdP cannot fill memory. */
  maxBodyBytes?: number;
  direction: Direction;
  label?: string;
  /** A liveness probe: bypasses the exchange guard (it is what the guard asks). */
  probe?: boolean;
}

export interface HttpResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  /** Raw Set-Cookie values. */
  setCookies: string[];
  body: string;
  truncated: boolean;
  durationMs: number;
}

/**
 * Why an exchange produced no HTTP answer. `timeout`: nothing within timeoutMs; `refused`: nobody
 * listens; `reset`: the connection was cut before a complete answer; `network`: any other socket error;
 * `target-gone`: not sent, the target already stopped answering (see the exchange guard).
 */
export const NO_ANSWER_REASONS = ['timeout', 'refused', 'reset', 'network', 'target-gone'] as const;
export type NoAnswerReason = (typeof NO_ANSWER_REASONS)[number];

/** Whether a failure reason (of an exchange or a browser flow) means the target gave no answer at all. */
export function isNoAnswer(reason: string): reason is NoAnswerReason {
  return (NO_ANSWER_REASONS as readonly string[]).includes(reason);
}

/** An exchange that produced no HTTP answer: never a verdict about the IdP by itself (ERROR, not FAIL). */
export class ExchangeFailed extends Error {
  constructor(
    readonly reason: NoAnswerReason,
    message: string,
    readonly url?: string,
  ) {
    super(message);
    this.name = 'ExchangeFailed';
    // No stack frames in what a person reads: the message is the whole story (IDPC_DEBUG shows more).
    this.stack = `${this.name}: ${message}`;
  }
}

/** The socket error codes, typed. */
export function noAnswerReason(code: string | undefined): NoAnswerReason {
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return 'reset';
  if (code === 'ETIMEDOUT') return 'timeout';
  return 'network';
}

/**
 * Consulted by every exchange towards the target (not the gateway): `gone()` names why the target is
 * considered gone (the exchange then fails at once, unsent), `failed()` is awaited after an exchange
 * got no answer, before the caller sees it (so the next exchange already knows). Set by the runner.
 */
export interface ExchangeGuard {
  gone(): string | undefined;
  failed(req: HttpRequest, e: ExchangeFailed): Promise<void>;
}
let guard: ExchangeGuard | undefined;
export function setExchangeGuard(g: ExchangeGuard | undefined): void {
  guard = g;
}
const guarded = (req: HttpRequest) => !req.probe && req.direction !== 'client->gateway';

/** 1 MiB: a SAML page is a few kB; a larger answer is cut and judged as oversize. */
export const DEFAULT_MAX_BODY = 1024 * 1024;

let exchanges = 0;
/** HTTP exchanges made by this process (for `npm run bench`). */
export function exchangeCount(): number {
  return exchanges;
}

function flatHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** One HTTP exchange, bounded in time and size, recorded as evidence. */
export function httpExchange(req: HttpRequest): Promise<HttpResponse> {
  const started = Date.now();
  exchanges++;
  const url = new URL(req.url);
  const lib = url.protocol === 'https:' ? https : http;
  const maxBody = req.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const headers: Record<string, string | string[]> = { 'user-agent': 'idp-conformance', ...req.headers };
  if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
  // The evidence shows a repeated header as its values joined (RFC 9110 §5.3 reads them so).
  const shown = Object.fromEntries(
    Object.entries(headers).map(([k, x]) => [k, Array.isArray(x) ? x.join(', ') : x]),
  );
  const evidence: EvidenceItem = {
    kind: 'http',
    label: `${req.method} ${url.pathname}${req.label ? ` (${req.label})` : ''}`,
    at: new Date(started).toISOString(),
    http: {
      direction: req.direction,
      method: req.method,
      url: req.url,
      requestHeaders: shown,
      requestBody: req.body,
    },
  };
  record(evidence);

  const gone = guarded(req) ? guard?.gone() : undefined;
  if (gone) {
    evidence.http!.error = `not sent: ${gone}`;
    evidence.http!.durationMs = 0;
    return Promise.reject(new ExchangeFailed('target-gone', `not sent: ${gone}`, req.url));
  }

  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const fail = (reason: NoAnswerReason, message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      evidence.http!.error = message;
      evidence.http!.durationMs = Date.now() - started;
      const err = new ExchangeFailed(reason, message, req.url);
      const g = guarded(req) ? guard : undefined;
      if (!g) return reject(err);
      g.failed(req, err).then(
        () => reject(err),
        () => reject(err),
      );
    };
    const r = lib.request(
      url,
      { method: req.method, headers, localAddress: req.localAddress, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        res.on('data', (c: Buffer) => {
          if (truncated) return;
          if (size + c.length > maxBody) {
            chunks.push(c.subarray(0, maxBody - size));
            size = maxBody;
            truncated = true;
            res.destroy();
            finish();
            return;
          }
          chunks.push(c);
          size += c.length;
        });
        const finish = () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const body = Buffer.concat(chunks).toString('utf8');
          const out: HttpResponse = {
            url: req.url,
            status: res.statusCode ?? 0,
            headers: flatHeaders(res.headers),
            setCookies: res.headers['set-cookie'] ?? [],
            body,
            truncated,
            durationMs: Date.now() - started,
          };
          Object.assign(evidence.http!, {
            status: out.status,
            responseHeaders: out.headers,
            responseBody: truncated ? `${body.slice(0, 65536)}\n[… truncated at ${maxBody} bytes]` : body,
            durationMs: out.durationMs,
          });
          resolve(out);
        };
        res.on('end', finish);
        res.on('error', (e: NodeJS.ErrnoException) =>
          truncated ? undefined : fail('reset', `${e.code ?? 'ECONNRESET'}: ${e.message}`),
        );
        res.on('aborted', () => (truncated ? undefined : fail('reset', 'ECONNRESET: the answer was cut')));
      },
    );
    const timer = setTimeout(() => {
      fail('timeout', `no answer within ${req.timeoutMs} ms`);
      r.destroy();
    }, req.timeoutMs);
    r.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(noAnswerReason(e.code), `${e.code ?? 'error'}: ${e.message}`);
    });
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}
