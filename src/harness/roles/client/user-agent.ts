import { httpExchange, type Direction, type HttpResponse } from './http';

/** A minimal cookie jar: name=value per host, Path and expiry ignored (one short-lived browser per login). */
export class CookieJar {
  private readonly byHost = new Map<string, Map<string, string>>();

  set(host: string, name: string, value: string): void {
    if (!this.byHost.has(host)) this.byHost.set(host, new Map());
    this.byHost.get(host)!.set(name, value);
  }

  store(url: string, setCookies: string[]): void {
    const host = new URL(url).host;
    for (const sc of setCookies) {
      const [pair = ''] = sc.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0\b/i.test(sc) || value === '') this.byHost.get(host)?.delete(name);
      else this.set(host, name, value);
    }
  }

  header(url: string): string | undefined {
    const jar = this.byHost.get(new URL(url).host);
    if (!jar || jar.size === 0) return undefined;
    return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  clear(host?: string): void {
    if (host) this.byHost.delete(host);
    else this.byHost.clear();
  }
}

export interface UserAgentOptions {
  timeoutMs: number;
  localAddress?: string;
  maxBodyBytes?: number;
}

export function formEncode(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** The browser-like user agent of the client role: cookies, no script execution, bounded exchanges. */
export class UserAgent {
  readonly jar = new CookieJar();
  constructor(readonly opts: UserAgentOptions) {}

  async send(
    method: 'GET' | 'POST',
    url: string,
    opts: {
      form?: Record<string, string>;
      body?: string;
      headers?: Record<string, string | string[]>;
      direction?: Direction;
      label?: string;
    } = {},
  ): Promise<HttpResponse> {
    const headers: Record<string, string | string[]> = {
      accept: 'text/html,application/xhtml+xml',
      ...opts.headers,
    };
    const cookie = this.jar.header(url);
    if (cookie) headers.cookie = cookie;
    let body = opts.body;
    if (opts.form) {
      body = formEncode(opts.form);
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await httpExchange({
      method,
      url,
      headers,
      body,
      localAddress: this.opts.localAddress,
      timeoutMs: this.opts.timeoutMs,
      maxBodyBytes: this.opts.maxBodyBytes,
      direction: opts.direction ?? 'client->idp',
      label: opts.label,
    });
    this.jar.store(url, res.setCookies);
    return res;
  }
}
