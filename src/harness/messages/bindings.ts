import {
  AFTER_ROOT_ISSUER,
  ALG,
  encodePostBinding,
  encodeRedirectBinding,
  signEnveloped,
  signRedirectQuery,
} from '../xml';
import { HarnessError } from '../types';

export type RedirectSigAlg = 'rsa-sha256' | 'rsa-sha1' | 'rsa-sha512';

export interface SigningKey {
  keyPem: string;
  certPem: string;
}

const SIGALG_URI: Record<RedirectSigAlg, string> = {
  'rsa-sha256': ALG.rsaSha256,
  'rsa-sha1': ALG.rsaSha1,
  'rsa-sha512': ALG.rsaSha512,
};

/** The query parameters of an HTTP-Redirect message, URL-encoded exactly as they will be sent. */
export interface RedirectParams {
  /** The encoded message (sent as SAMLResponse when `param` says so). */
  SAMLRequest: string;
  /** The message's parameter name: SAMLRequest unless a SAMLResponse (a LogoutResponse) is sent. */
  param?: 'SAMLRequest' | 'SAMLResponse';
  RelayState?: string;
  SigAlg?: string;
  Signature?: string;
  /** SAMLBind §3.4.4: the encoding's URI (omitted = DEFLATE); not part of the signed octets. */
  SAMLEncoding?: string;
}

/**
 * SAMLBind §3.4.4.1: the signed octets are SAMLRequest=…&RelayState=…&SigAlg=… over the URL-encoded
 * values as sent (RelayState omitted when absent).
 */
export function redirectParams(
  xml: string,
  opts: {
    relayState?: string;
    sign?: SigningKey;
    sigAlg?: RedirectSigAlg;
    param?: 'SAMLRequest' | 'SAMLResponse';
  } = {},
): RedirectParams {
  const p: RedirectParams = { SAMLRequest: encodeURIComponent(encodeRedirectBinding(xml)) };
  if (opts.param === 'SAMLResponse') p.param = 'SAMLResponse';
  if (opts.relayState !== undefined) p.RelayState = encodeURIComponent(opts.relayState);
  if (opts.sign) {
    const alg = opts.sigAlg ?? 'rsa-sha256';
    p.SigAlg = encodeURIComponent(SIGALG_URI[alg]);
    const octets = signedOctets(p);
    p.Signature = encodeURIComponent(signRedirectQuery(octets, opts.sign.keyPem, alg));
  }
  return p;
}

export function signedOctets(p: RedirectParams): string {
  const parts = [`${p.param ?? 'SAMLRequest'}=${p.SAMLRequest}`];
  if (p.RelayState !== undefined) parts.push(`RelayState=${p.RelayState}`);
  if (p.SigAlg !== undefined) parts.push(`SigAlg=${p.SigAlg}`);
  return parts.join('&');
}

/** Joins params (already encoded) in the given order onto the SSO URL. */
export function redirectUrl(
  ssoUrl: string,
  p: RedirectParams,
  order: Exclude<keyof RedirectParams, 'param'>[] = [
    'SAMLRequest',
    'SAMLEncoding',
    'RelayState',
    'SigAlg',
    'Signature',
  ],
): string {
  const q = order
    .filter((k) => p[k] !== undefined)
    .map((k) => `${k === 'SAMLRequest' ? (p.param ?? k) : k}=${p[k]}`);
  return `${ssoUrl}${ssoUrl.includes('?') ? '&' : '?'}${q.join('&')}`;
}

export interface RequestSignOptions {
  sha1?: boolean;
  /** A SHA-1 DigestMethod under the RSA-SHA256 SignatureMethod. */
  sha1Digest?: boolean;
  /** Hostile variants: sign another element (by its ID), another Reference URI, transforms or canonicalization. */
  referenceId?: string;
  referenceUri?: string;
  transforms?: string[];
  canonicalization?: string;
}

/** Enveloped signature right after saml:Issuer, as SAML core §5 and the device-token profile place it. */
export function signRequestXml(
  xml: string,
  id: string,
  key: SigningKey,
  opts: RequestSignOptions = {},
): string {
  return signEnveloped(xml, {
    privateKeyPem: key.keyPem,
    certPem: key.certPem,
    referenceId: opts.referenceId ?? id,
    placeAfter: AFTER_ROOT_ISSUER,
    signatureAlgorithm: opts.sha1 ? 'rsa-sha1' : 'rsa-sha256',
    digestAlgorithm: opts.sha1 || opts.sha1Digest ? 'sha1' : 'sha256',
    referenceUri: opts.referenceUri,
    transforms: opts.transforms,
    canonicalization: opts.canonicalization,
  });
}

export function postFields(xml: string, relayState?: string): Record<string, string> {
  const f: Record<string, string> = { SAMLRequest: encodePostBinding(xml) };
  if (relayState !== undefined) f.RelayState = relayState;
  return f;
}

/** The SAMLRequest parameter value of an HTTP-Redirect message (deflate, base64, URL-encode). */
export function redirectEncode(xml: string): string {
  return encodeURIComponent(encodeRedirectBinding(xml));
}

/** Signs already-encoded Redirect params exactly as they stand (non-canonical encodings included). */
export function signRedirectParams(
  p: RedirectParams,
  key: SigningKey,
  alg: RedirectSigAlg = 'rsa-sha256',
): RedirectParams {
  const withAlg = { ...p, SigAlg: p.SigAlg ?? encodeURIComponent(SIGALG_URI[alg]) };
  return {
    ...withAlg,
    Signature: encodeURIComponent(signRedirectQuery(signedOctets(withAlg), key.keyPem, alg)),
  };
}

/**
 * The SAMLRequest and RelayState of `p` (as sent) with every percent-escape in lower case (%2f, not %2F):
 * a legal, non-canonical encoding a verifier must sign over as received (SAMLBind §3.4.4.1). Unsigned:
 * sign the result with signRedirectParams. A HarnessError when there is no escape to lower, since the
 * request would then be the canonical one.
 */
export function lowercaseEscapes(p: RedirectParams): RedirectParams {
  const lower = (x: string) => x.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  const out: RedirectParams = { SAMLRequest: lower(p.SAMLRequest), RelayState: lower(p.RelayState ?? '') };
  if (p.param) out.param = p.param;
  if (out.SAMLRequest === p.SAMLRequest && out.RelayState === (p.RelayState ?? '')) {
    throw new HarnessError(
      'ERR_INTERNAL',
      'lowercaseEscapes changed nothing: the Redirect parameters carry no upper-case percent-escape',
      'give the request a RelayState with reserved characters (e.g. "a/b c=d")',
    );
  }
  return out;
}
