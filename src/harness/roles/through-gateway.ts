import { runBrowserFlow, type FlowResult } from './client/browser-flow';
import type { HttpResponse } from './client/http';
import type { UserAgent } from './client/user-agent';
import { GATEWAY_SESSION_COOKIE, type GatewayServer, type PendingLogin } from './gateway/gateway';
import type { VerifyResult } from './gateway/verifier';

/**
 * One login round trip as a real SP does it: the gateway opens a browser session for the request it
 * sent, the client drives the IdP from `first` until a Response reaches the ACS (or not), and the
 * gateway's verdict on what it received comes back with the flow.
 */
export async function throughGateway(
  gateway: GatewayServer,
  args: {
    ua: UserAgent;
    login: Omit<PendingLogin, 'received' | 'evidence'>;
    ssoUrl: string;
    first: () => Promise<HttpResponse>;
    credentials?: { username: string; password: string };
    maxSteps?: number;
  },
): Promise<{ flow: FlowResult; verify?: VerifyResult }> {
  const gwSession = gateway.begin(args.login);
  args.ua.jar.set(new URL(gateway.acsUrl).host, GATEWAY_SESSION_COOKIE, gwSession);
  try {
    const flow = await runBrowserFlow(args.first, {
      ua: args.ua,
      idpOrigins: new Set([new URL(args.ssoUrl).origin]),
      acsUrls: new Set([gateway.acsUrl]),
      credentials: args.credentials,
      maxSteps: args.maxSteps,
    });
    return { flow, verify: gateway.result(gwSession)?.received?.verify };
  } finally {
    gateway.end(gwSession);
  }
}
