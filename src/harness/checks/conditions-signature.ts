/**
 * The signatures on a Response and its Assertion as named conditions, shared by both profiles
 * (saml-web-sso's SAMLProf-4.1.4.5 / SDP-ALG01 / SAMLCore-5.4.x checks and device-token's DT-SIG-07).
 * Every signature the gateway read in an allowed position is judged, whether or not it was the one the
 * gateway trusted: a bad Assertion signature under a good Response signature is still judged.
 */
import type { VerifyResult } from '../roles/gateway/verifier';
import type { SignatureReport } from '../roles/gateway/verifier-types';
import { WHERE } from '../roles/gateway/verifier-types';
import { POLICY } from './policy';
import { condition, equals, holds, oneOf, type Expectation } from './conditions';

/** The signatures of one answer, each with the element it signs ('Response' or 'Assertion'). */
export interface Signed {
  signatures: { on: 'Response' | 'Assertion'; id: string; sig: SignatureReport }[];
}

/** The signatures the gateway read in what it received (none when nothing was received). */
export function signedBy(verify: VerifyResult | undefined): Signed {
  return {
    signatures: (verify?.signatures ?? []).map((sig) => ({
      on: sig.on === 'response' ? 'Response' : 'Assertion',
      id: sig.parentId,
      sig,
    })),
  };
}

const each = (s: Signed, judge: (x: Signed['signatures'][number]) => Expectation[]) =>
  s.signatures.flatMap(judge);

/** SAMLProf §4.1.4.5 / DT-SIG-07: the Response or the Assertion carries a signature at all. */
export const SIGNATURE_PRESENT = condition<Signed>({
  id: 'signature-present',
  requirements: ['SAMLProf-4.1.4.5', 'DT-SIG-07'],
  judge: (s) => [
    holds(s.signatures.length > 0, 'signatures', 'at least one, on the Response or the Assertion', 'none'),
  ],
});

/** SAMLProf §4.1.4.5, SAMLCore §5.4, SDP-MD01 / DT-SIG-07: each one made with a key of the IdP metadata. */
export const SIGNATURES_VERIFY = condition<Signed>({
  id: 'signatures-verify',
  requirements: ['SAMLProf-4.1.4.5', 'SAMLCore-5.4', 'SDP-MD01', 'DT-SIG-07'],
  judge: (s) =>
    each(s, (x) => [
      holds(
        x.sig.verifiesWithMetadataKey,
        `${x.on} signature`,
        'made with a signing key of the IdP metadata',
        x.sig.error ?? 'invalid',
      ),
    ]),
});

/** SDP-ALG01 / DT-SIG-07: RSA or ECDSA with SHA-256 or stronger, digests SHA-256 or stronger. */
export const SIGNATURE_ALGORITHMS = condition<Signed>({
  id: 'signature-algorithms',
  requirements: ['SDP-ALG01', 'DT-SIG-07'],
  judge: (s) =>
    each(s, (x) => [
      oneOf(
        `${x.on} SignatureMethod`,
        x.sig.signatureAlgorithm,
        POLICY.signatureAlgorithms,
        WHERE.signature.signatureAlgorithm,
      ),
      oneOf(
        `${x.on} DigestMethod`,
        x.sig.digestAlgorithm,
        POLICY.digestAlgorithms,
        WHERE.signature.digestAlgorithm,
      ),
    ]),
});

/** SAMLCore §5.4.2 / DT-SIG-07: the Reference is "#" and the ID of the element the signature is in. */
export const SIGNATURE_REFERENCE = condition<Signed>({
  id: 'signature-reference',
  requirements: ['SAMLCore-5.4.2', 'DT-SIG-07'],
  judge: (s) =>
    each(s, (x) => [
      equals(`${x.on} Reference URI`, x.sig.referenceUri, `#${x.id}`, WHERE.signature.referenceUri),
    ]),
});

/** SAMLCore §5.4: the signature is enveloped (the enveloped-signature transform). */
export const ENVELOPED_SIGNATURE = condition<Signed>({
  id: 'enveloped-signature',
  requirements: ['SAMLCore-5.4'],
  judge: (s) =>
    each(s, (x) => [
      holds(
        x.sig.transforms.includes(POLICY.enveloped),
        `${x.on} transforms`,
        'the enveloped-signature transform',
        x.sig.transforms.join(' '),
        WHERE.signature.transforms,
      ),
    ]),
});

const EXCLUSIVE = [POLICY.excC14n, POLICY.excC14nWithComments];

/**
 * SAMLCore §5.4.3 (SHOULD: exclusive C14N, with or without comments, for SignedInfo and as a transform)
 * and §5.4.4 (SHOULD NOT: other transforms than enveloped-signature and exclusive C14N).
 */
export const EXCLUSIVE_C14N = condition<Signed>({
  id: 'exclusive-c14n',
  requirements: ['SAMLCore-5.4.3', 'SAMLCore-5.4.4'],
  judge: (s) =>
    each(s, (x) => [
      oneOf(
        `${x.on} CanonicalizationMethod`,
        x.sig.canonicalization,
        EXCLUSIVE,
        WHERE.signature.canonicalization,
      ),
      holds(
        x.sig.transforms.some((t) => EXCLUSIVE.includes(t)),
        `${x.on} transforms`,
        'an exclusive C14N transform',
        x.sig.transforms.join(' '),
        WHERE.signature.transforms,
      ),
      holds(
        x.sig.transforms.every((t) => t === POLICY.enveloped || EXCLUSIVE.includes(t)),
        `${x.on} transforms`,
        'enveloped-signature and exclusive C14N only',
        x.sig.transforms.join(' '),
        WHERE.signature.transforms,
      ),
    ]),
});

/** DT-SIG-07 (MUST, stricter than SAMLCore §5.4.3's SHOULD): SignedInfo canonicalized with exc-c14n. */
export const EXC_C14N_SIGNED_INFO = condition<Signed>({
  id: 'exc-c14n-signed-info',
  requirements: ['DT-SIG-07'],
  judge: (s) =>
    each(s, (x) => [
      equals(
        `${x.on} CanonicalizationMethod`,
        x.sig.canonicalization,
        POLICY.excC14n,
        WHERE.signature.canonicalization,
      ),
    ]),
});
