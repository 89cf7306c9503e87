/** A small gateway + client world around one reference IdP instance, shared by the tests. */
import { startReferenceIdp } from '../../src/reference-idp';
import type { ReferenceIdp, ReferenceIdpOptions } from '../../src/reference-idp';
import type { DeviceFacts, HttpResult, RequestOptions } from './helpers';
import { adminCall, authnRequest, deviceContext, key, postForm, signPost, spMetadata } from './helpers';

export const GATEWAY = key('gateway');
export const GATEWAY_2 = key('gateway-2');
export const ATTACKER = key('attacker');
export const IDP_ACME = key('idp-acme');
export const IDP_GLOBEX = key('idp-globex');

export const ACS = 'http://127.0.0.1:7400/acs';

export class World {
  private seq = 0;
  constructor(readonly idp: ReferenceIdp) {}

  static async start(opts: ReferenceIdpOptions = {}): Promise<World> {
    return new World(await startReferenceIdp(opts));
  }

  close(): Promise<void> {
    return this.idp.close();
  }

  /** Registers a fresh gateway entity at a tenant and returns its entityID. */
  async registerGateway(
    tenant: 'web' | 'acme' | 'globex',
    o: { signed?: boolean; certs?: string[]; entityId?: string; subjectIdReq?: string } = {},
  ): Promise<string> {
    const entityId = o.entityId ?? `https://gateway.test/sp/${tenant}/${++this.seq}`;
    const res = await adminCall(
      this.idp.tenants[tenant],
      'PUT',
      '/service-providers',
      spMetadata({
        entityId,
        acs: ACS,
        certs: o.certs ?? [GATEWAY.certPem],
        signed: o.signed,
        subjectIdReq: o.subjectIdReq,
      }),
      'application/samlmetadata+xml',
    );
    if (res.status !== 201 && res.status !== 200)
      throw new Error(`registration failed: ${res.status} ${res.body}`);
    return entityId;
  }

  async createToken(tenant: 'acme' | 'globex' = 'acme'): Promise<{ id: string; token: string }> {
    const res = await adminCall(this.idp.tenants[tenant], 'POST', '/device-tokens', {
      password: 'secret-123',
    });
    if (res.status !== 201) throw new Error(`token creation failed: ${res.status} ${res.body}`);
    return JSON.parse(res.body) as { id: string; token: string };
  }

  facts(tenant: 'acme' | 'globex' = 'acme', over: Partial<DeviceFacts> = {}): DeviceFacts {
    const t = this.idp.tenants[tenant];
    return {
      userId: `user${++this.seq}@${t.userDomain}`,
      userDomain: t.userDomain as string,
      cloudName: t.cloudName as string,
      ...over,
    };
  }

  /** One device-token login: the gateway's signed request, posted by the client with its token. */
  async deviceLogin(o: {
    tenant?: 'acme' | 'globex';
    gateway: string;
    token?: string;
    facts: DeviceFacts;
    request?: Partial<RequestOptions>;
    mutate?: (xml: string, id: string) => string;
    afterSigning?: (xml: string) => string;
    signWith?: { keyPem: string; certPem: string } | null;
    relayState?: string;
    headers?: Record<string, string | string[]>;
    localAddress?: string;
  }): Promise<HttpResult & { requestId: string }> {
    const tenant = this.idp.tenants[o.tenant ?? 'acme'];
    const { id, xml: built } = authnRequest({
      issuer: o.gateway,
      destination: tenant.ssoUrl,
      acs: ACS,
      isPassive: true,
      extensions: deviceContext(o.facts),
      ...o.request,
    });
    let xml = o.mutate ? o.mutate(built, id) : built;
    if (o.signWith !== null) xml = signPost(xml, o.request?.id ?? id, o.signWith ?? GATEWAY);
    if (o.afterSigning) xml = o.afterSigning(xml);
    const fields: Record<string, string> = { SAMLRequest: Buffer.from(xml).toString('base64') };
    if (o.relayState !== undefined) fields.RelayState = o.relayState;
    const headers: Record<string, string | string[]> = { ...o.headers };
    if (o.token !== undefined) headers.Authorization = `DeviceToken ${o.token}`;
    const res = await postForm(tenant.ssoUrl, fields, headers, o.localAddress);
    return { ...res, requestId: o.request?.id ?? id };
  }
}

export function idpCert(tenant: 'web' | 'acme' | 'globex'): string {
  return tenant === 'globex' ? IDP_GLOBEX.certPem : IDP_ACME.certPem;
}
