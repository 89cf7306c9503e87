import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { EvidenceItem } from '../../types';
import { HarnessError } from '../../types';
import { currentEvidence, record } from '../../evidence/context';
import { ReplayCache, verifySamlResponse, type VerifyResult } from './verifier';

export const GATEWAY_SESSION_COOKIE = 'gw_session';
// A 1 MiB page (the client cut) URL-encodes to at most about 3 MiB: the verifier, not the socket, judges its size.
const MAX_ACS_BODY = 4 * 1024 * 1024;

/** What the gateway expects of the Response to one AuthnRequest it sent. */
export interface PendingLogin {
  requestId: string;
  spEntityId: string;
  idpEntityId: string;
  idpCertsPem: string[];
  requestedNameIdFormat?: string;
  /** Filled when the browser posts to the ACS. */
  received?: { fields: Record<string, string>; verify: VerifyResult };
  evidence?: EvidenceItem[];
}

function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    // A repeated SAMLResponse is a pollution attempt: keep it visible.
    out[k] = k in out ? `${out[k]}\u0000${v}` : v;
  }
  return out;
}

/** What the gateway's SingleLogoutService answers one GET with (set per logout flow: roles/slo.ts). */
export interface SloAnswer {
  status: number;
  location?: string;
  body?: string;
}
/** One GET (its raw query) or POST (its form fields) at /slo/<name>. */
export type SloHandler = (name: string, rawQuery: string, form?: Record<string, string>) => SloAnswer;

/**
 * The name of an entity's SingleLogoutService path (/slo/<name>): its entityID in unpadded base64url,
 * so two entityIDs never share a path (a URN or a trailing segment two entities share would) and the
 * path needs no escaping.
 */
export function sloName(entityId: string): string {
  return Buffer.from(entityId, 'utf8').toString('base64url');
}

/**
 * The gateway role's ACS: a real HTTP server on loopback. It binds each POST to the browser session
 * (cookie) that started the login, like any SP, and runs the strict verifier on it.
 */
export class GatewayServer {
  private readonly pending = new Map<string, PendingLogin>();
  readonly replayCache = new ReplayCache();
  /** gateway.encryption: the private key EncryptedAssertions are opened with (set by the runner). */
  decryptionKeysPem: string[] = [];
  /** The SingleLogoutService's behaviour while a logout flow runs; none → 404. */
  sloHandler?: SloHandler;
  private constructor(
    private readonly server: http.Server,
    readonly acsUrl: string,
    private readonly now: () => Date,
  ) {}

  static async start(acsUrl: string, now: () => Date = () => new Date()): Promise<GatewayServer> {
    const u = new URL(acsUrl);
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          new HarnessError(
            'ERR_CONFIG_INVALID',
            `gateway.acsUrl: cannot listen on ${u.host} (${e.code})`,
            'choose a free port, or 0 when the IdP registers the gateway through its admin API',
          ),
        ),
      );
      server.listen(Number(u.port || 80), u.hostname, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    // The URL exactly as configured (and registered), only an ephemeral port filled in.
    const actual = u.port === '0' ? acsUrl.replace(`${u.hostname}:0`, `${u.hostname}:${port}`) : acsUrl;
    const gw = new GatewayServer(server, actual, now);
    server.on('request', (req, res) => gw.handle(req, res));
    return gw;
  }

  /** Opens a browser session for one login; the client puts the returned cookie in its jar. */
  begin(login: Omit<PendingLogin, 'received' | 'evidence'>): string {
    const session = randomBytes(16).toString('hex');
    this.pending.set(session, { ...login, evidence: currentEvidence() });
    return session;
  }

  result(session: string): PendingLogin | undefined {
    return this.pending.get(session);
  }

  end(session: string): void {
    this.pending.delete(session);
  }

  /** The HTTP-Redirect SingleLogoutService of one gateway entity (published in its SP metadata). */
  sloUrlFor(entityId: string): string {
    return `${new URL(this.acsUrl).origin}/slo/${sloName(entityId)}`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.acsUrl);
    if ((req.method === 'GET' || req.method === 'POST') && url.pathname.startsWith('/slo/')) {
      const raw = req.url ?? '';
      const q = raw.indexOf('?');
      const name = url.pathname.slice(5);
      const reply = (form?: Record<string, string>) => {
        const answer = this.sloHandler?.(name, q < 0 ? '' : raw.slice(q + 1), form) ?? {
          status: 404,
          body: 'no logout in progress',
        };
        const headers: Record<string, string> = { 'content-type': 'text/plain', 'cache-control': 'no-store' };
        if (answer.location) headers.location = answer.location;
        res.writeHead(answer.status, headers).end(answer.body ?? '');
      };
      // An HTTP-POST message (a LogoutRequest an IdP propagates by form): read, then judged by the specs.
      if (req.method === 'POST') this.readBody(req, res, (body) => reply(parseForm(body)));
      else reply();
      return;
    }
    if (req.method !== 'POST' || url.pathname !== new URL(this.acsUrl).pathname) {
      res.writeHead(404).end('not found');
      return;
    }
    this.readBody(req, res, (body) => {
      const cookie = /(?:^|;\s*)gw_session=([0-9a-f]+)/.exec(req.headers.cookie ?? '')?.[1];
      const login = cookie ? this.pending.get(cookie) : undefined;
      const fields = parseForm(body);
      if (!login) {
        res.writeHead(400).end('no login in progress for this browser session');
        return;
      }
      const verify = verifySamlResponse(fields.SAMLResponse ?? '', {
        idpEntityId: login.idpEntityId,
        idpCertsPem: login.idpCertsPem,
        decryptionKeysPem: this.decryptionKeysPem,
        spEntityId: login.spEntityId,
        acsUrl: this.acsUrl,
        expectedInResponseTo: login.requestId,
        now: this.now(),
        replayCache: this.replayCache,
        requestedNameIdFormat: login.requestedNameIdFormat,
      });
      login.received = { fields, verify };
      if (verify.xml) {
        record(
          {
            kind: 'saml',
            label: 'Response received at the ACS',
            at: new Date().toISOString(),
            saml: { messageType: 'Response', binding: 'HTTP-POST', xml: verify.xml },
          },
          login.evidence,
        );
      }
      res.writeHead(verify.accepted ? 200 : 403, { 'content-type': 'text/plain' });
      res.end(verify.accepted ? 'accepted' : `rejected: ${verify.findings.map((f) => f.code).join(',')}`);
    });
  }

  /** A request body up to MAX_ACS_BODY (413 beyond it). */
  private readBody(req: http.IncomingMessage, res: http.ServerResponse, then: (body: string) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_ACS_BODY) {
        res.writeHead(413).end('too large');
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (size <= MAX_ACS_BODY) then(Buffer.concat(chunks).toString('utf8'));
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
