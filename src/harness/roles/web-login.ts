import type { RunContext } from '../run-context';
import { AuthnRequestBuilder, BINDING_POST } from '../messages/authn-request';
import {
  postFields,
  redirectParams,
  redirectUrl,
  signRequestXml,
  type RedirectParams,
  type RedirectSigAlg,
  type RequestSignOptions,
  type SigningKey,
} from '../messages/bindings';
import { record } from '../evidence/context';
import type { FlowResult, Requested } from './client/browser-flow';
import { throughGateway } from './through-gateway';
import { UserAgent } from './client/user-agent';
import type { VerifyResult } from './gateway/verifier';
import { NotApplicable } from '../checks/verdict';
import type { IdpMetadata } from '../targets/idp-metadata';
import { CLIENT_SOURCE_ADDRESSES, requireAlone } from './admin';

export type Binding = 'redirect' | 'post';
export type GatewayEntity = 'default' | 'signed' | 'encrypted';

export interface WebLoginOptions {
  binding?: Binding;
  /** Adjusts the request the gateway builds (the known-good one) before it is encoded. */
  request?: (b: AuthnRequestBuilder) => void;
  /** Changes the XML after building, before signing (hostile variants). */
  xml?: (xml: string) => string;
  /** Changes the XML after signing (tampering). */
  afterSigning?: (xml: string) => string;
  relayState?: string;
  /** Sign the request (Redirect: query signature; POST: enveloped). Default: what the IdP metadata asks. */
  sign?: boolean;
  signKey?: SigningKey;
  /** POST: how the enveloped signature is made (e.g. a SHA-1 DigestMethod under RSA-SHA256). */
  signOptions?: RequestSignOptions;
  sigAlg?: RedirectSigAlg;
  /** Which gateway entity sends it: the default one, the one registered with AuthnRequestsSigned, or the one with the encryption key. */
  entity?: GatewayEntity;
  /** Another entityID of the same gateway (one a check registered itself, roles/sp-registration.ts). */
  issuer?: string;
  /** Form-login credentials; null = none (the client stops at a login form). Default: the target's login.form. */
  credentials?: { username: string; password: string } | null;
  /** Continue in an existing browser (IdP session cookies). */
  ua?: UserAgent;
  /** Redirect: build the final URL from the encoded params (reorder, re-encode, add params). */
  redirect?: (p: RedirectParams, ssoUrl: string, xml: string) => string;
  /** POST: change the form fields sent. */
  postForm?: (f: Record<string, string>) => Record<string, string>;
}

export interface WebLogin extends FlowResult {
  request: {
    id: string;
    xml: string;
    binding: Binding;
    relayState?: string;
    signed: boolean;
    issuer: string;
  };
  /** What the request asked for (judged on every Success). */
  requested: Requested;
  /** The gateway's verdict on what was posted to its ACS. */
  verify?: VerifyResult;
  ua: UserAgent;
  startedAt: Date;
}

export function ssoUrlFor(idp: IdpMetadata, binding: Binding): string {
  const url = binding === 'redirect' ? idp.ssoRedirect : idp.ssoPost;
  if (!url) {
    // The metadata checks report the missing endpoint; here the scenario just cannot run.
    throw new NotApplicable(
      `the IdP metadata lists no HTTP-${binding === 'redirect' ? 'Redirect' : 'POST'} SingleSignOnService`,
    );
  }
  return url;
}

export function newBrowser(s: RunContext, localAddress?: string): UserAgent {
  // A client.sourceAddresses address exists for throttling: its failure window is shared state.
  if (localAddress !== undefined)
    requireAlone('the throttling window of a client source address', CLIENT_SOURCE_ADDRESSES);
  return new UserAgent({ timeoutMs: s.config.timeouts.exchangeMs, localAddress });
}

/** The gateway builds a known-good AuthnRequest for the saml-web-sso target. */
export function webRequest(
  s: RunContext,
  binding: Binding,
  entity: GatewayEntity = 'default',
): AuthnRequestBuilder {
  const gw = s.config.gateway;
  const issuer =
    entity === 'signed' ? gw.signedEntityId : entity === 'encrypted' ? gw.encryption?.entityId : gw.entityId;
  if (!issuer)
    throw new NotApplicable(
      entity === 'encrypted'
        ? 'the target config has no gateway.encryption (an SP that publishes an encryption key)'
        : 'the target config has no gateway.signedEntityId (an SP registered with AuthnRequestsSigned="true")',
    );
  return new AuthnRequestBuilder(s.now())
    .withDestination(ssoUrlFor(s.idp, binding))
    .withAcsUrl(s.gateway.acsUrl)
    .withProtocolBinding(BINDING_POST)
    .withIssuer(issuer);
}

/** One browser login at the saml-web-sso target: request, IdP pages, form login, ACS. */
export async function webLogin(s: RunContext, opts: WebLoginOptions = {}): Promise<WebLogin> {
  const binding = opts.binding ?? 'redirect';
  const entity = opts.entity ?? 'default';
  const builder = webRequest(s, binding, entity);
  if (opts.issuer) builder.withIssuer(opts.issuer);
  opts.request?.(builder);
  let xml = builder.toXml();
  if (opts.xml) xml = opts.xml(xml);
  const sign =
    opts.sign ??
    (builder.issuer === s.config.gateway.signedEntityId || s.idp.wantAuthnRequestsSigned === 'true');
  const key = opts.signKey ?? s.gatewayKey;
  if (sign && binding === 'post') xml = signRequestXml(xml, builder.id, key, opts.signOptions);
  if (opts.afterSigning) xml = opts.afterSigning(xml);
  const ssoUrl = ssoUrlFor(s.idp, binding);
  record({
    kind: 'saml',
    label: `AuthnRequest (${binding})`,
    at: new Date().toISOString(),
    saml: { messageType: 'AuthnRequest', binding, xml },
  });

  const ua = opts.ua ?? newBrowser(s);

  const first =
    binding === 'redirect'
      ? () => {
          const p = redirectParams(xml, {
            relayState: opts.relayState,
            sign: sign ? key : undefined,
            sigAlg: opts.sigAlg,
          });
          const url = opts.redirect ? opts.redirect(p, ssoUrl, xml) : redirectUrl(ssoUrl, p);
          return ua.send('GET', url, { label: 'HTTP-Redirect AuthnRequest' });
        }
      : () => {
          let form = postFields(xml, opts.relayState);
          if (opts.postForm) form = opts.postForm(form);
          return ua.send('POST', ssoUrl, { form, label: 'HTTP-POST AuthnRequest' });
        };

  const credentials = opts.credentials === undefined ? s.config.login?.form : (opts.credentials ?? undefined);
  const startedAt = s.now();
  const { flow, verify } = await throughGateway(s.gateway, {
    ua,
    login: {
      requestId: builder.id,
      spEntityId: builder.issuer ?? '',
      idpEntityId: s.idp.entityId ?? '',
      idpCertsPem: s.idp.signingCerts,
      requestedNameIdFormat: builder.nameIdPolicy?.format,
    },
    ssoUrl,
    first,
    credentials,
  });
  return {
    ...flow,
    request: {
      id: builder.id,
      xml,
      binding,
      relayState: opts.relayState,
      signed: sign,
      issuer: builder.issuer ?? '',
    },
    requested: { spEntityId: builder.issuer ?? '', acsUrl: s.gateway.acsUrl, idpEntityId: s.idp.entityId },
    verify,
    ua,
    startedAt,
  };
}
