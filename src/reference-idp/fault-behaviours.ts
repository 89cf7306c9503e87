/**
 * Behaviours only a named fault reaches: the hand-written mutants the kill matrix proves killed. They live
 * here, outside the protocol files that mutation analysis mutates (stryker.config.json "mutate"), so the
 * mutation score measures the conformant behaviour. The protocol files call them where a fault may apply;
 * without the fault they do nothing.
 */
import * as crypto from 'node:crypto';
import type { Param } from './codec';
import { parseUrlEncoded } from './codec';
import { TOKEN_SYNTAX } from './constants';
import type { Faults } from './faults';
import type { SpCert } from './sp-metadata';

/**
 * Fault fetch-external-references: what a parser that resolves external entities and a verifier that
 * follows RetrievalMethod or XSLT document() would do — GET every http(s) URL the request names there
 * (at most 2 s each), then go on to reject the request as usual.
 */
export async function fetchReferences(xml: string): Promise<void> {
  const urls = new Set<string>();
  const patterns = [
    /<!ENTITY[^>]*?(?:SYSTEM|PUBLIC\s+"[^"]*")\s+["'](https?:\/\/[^"']+)["']/g,
    /<!DOCTYPE[^>[]*?SYSTEM\s+["'](https?:\/\/[^"']+)["']/g,
    /RetrievalMethod[^>]*?URI=["'](https?:\/\/[^"']+)["']/g,
    /document\(\s*['"](https?:\/\/[^'"]+)['"]/g,
  ];
  for (const re of patterns) for (const m of xml.matchAll(re)) urls.add(m[1] as string);
  await Promise.all(
    [...urls].map(async (url) => {
      try {
        await fetch(url, { signal: AbortSignal.timeout(2000) });
      } catch {
        // unreachable or refused: the fault only shows the fetch, never its result
      }
    }),
  );
}

/** The HTTP-Redirect parameters an HMAC over the query covers (request-signature.ts extends it). */
export interface RedirectParams {
  samlRequest: Param;
  relayState?: Param;
  sigAlg?: Param;
  signature?: Param;
}

/**
 * Faults redirect-hmac-pem-key / redirect-hmac-der-key: the public certificate used as an HMAC key (key
 * confusion). Without either fault nothing verifies (false).
 */
export function hmacKeyConfusion(p: RedirectParams, certs: SpCert[], faults: Faults): boolean {
  const forms: ((c: SpCert) => Buffer)[] = [];
  if (faults.has('redirect-hmac-pem-key')) forms.push((c) => Buffer.from(c.pem));
  if (faults.has('redirect-hmac-der-key')) forms.push((c) => Buffer.from(c.der, 'base64'));
  if (forms.length === 0) return false;
  const octets = ['SAMLRequest', 'RelayState', 'SigAlg']
    .map(
      (n) => [n, n === 'SAMLRequest' ? p.samlRequest : n === 'RelayState' ? p.relayState : p.sigAlg] as const,
    )
    .filter(([, v]) => v)
    .map(([n, v]) => `${n}=${(v as Param).raw}`)
    .join('&');
  const got = p.signature?.value ?? '';
  return forms.some((key) =>
    certs.some((c) => crypto.createHmac('sha1', key(c)).update(octets).digest('base64') === got),
  );
}

/**
 * The *-crashes faults (device-token.ts, a malformed Authorization header): whether the header makes the
 * faulty IdP crash (HTTP 500) instead of answering AuthnFailed.
 */
export function tokenCrashes(raw: string | undefined, faults: Faults): boolean {
  if (raw === undefined) return false;
  if (raw === '') return faults.has('empty-authorization-crashes');
  const space = raw.indexOf(' ');
  if (space < 0) return faults.has('scheme-only-crashes');
  const token = raw.slice(space + 1);
  if (/^[A-Za-z0-9\-._~+/=]*$/.test(token)) {
    if (token.length < 16) return faults.has('short-token-crashes');
    if (token.length > 512) return faults.has('long-token-crashes');
    return false;
  }
  return faults.has('bad-char-token-crashes') && !/\s/.test(token);
}

const SAML_PARAMS = new Set(['SAMLRequest', 'RelayState', 'SigAlg', 'Signature', 'SAMLEncoding']);

/** Fault token-from-query: a token-shaped value of any parameter that is not a SAML binding's own. */
export function tokenFromParams(params: Param[]): string | undefined {
  return params.find((p) => !SAML_PARAMS.has(p.name) && TOKEN_SYNTAX.test(p.value))?.value;
}

/** Fault throttle-valid-token-bypasses: the presented Authorization carries a live token of the tenant. */
export function hasLiveToken(
  presented: { kind: string; value?: string },
  tenant: { findTokenByValue(value: string): { deleted?: boolean } | undefined },
): boolean {
  if (presented.kind !== 'token' || presented.value === undefined) return false;
  const t = tenant.findTokenByValue(presented.value);
  return !!t && !t.deleted;
}

/** Query parameters of a POST: only faults look at them (token-from-query, device-attrs-from-headers). */
export function queryParamsOfPost(query: string): Param[] {
  try {
    return parseUrlEncoded(query);
  } catch {
    return [];
  }
}
