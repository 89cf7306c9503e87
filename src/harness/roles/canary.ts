import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A listener on loopback that must see no request: hostile payloads point their external entities,
 * DTDs, XSLT and RetrievalMethod URLs at it. Any hit means the IdP fetched something.
 */
export class Canary {
  readonly hits: { method: string; url: string; at: string }[] = [];
  private constructor(
    private readonly server: http.Server,
    readonly baseUrl: string,
  ) {}

  static async start(): Promise<Canary> {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const c = new Canary(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => {
      c.hits.push({ method: req.method ?? '?', url: req.url ?? '', at: new Date().toISOString() });
      res.writeHead(404).end();
    });
    return c;
  }

  url(tag: string): string {
    return `${this.baseUrl}/${encodeURIComponent(tag)}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
