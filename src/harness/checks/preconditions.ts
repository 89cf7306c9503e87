/**
 * Root causes (issue 9, item 4): one cause, one FAIL. The preflight's control login shows whether the
 * gateway can trust this IdP's Responses at all; if it cannot (no usable signing key in the metadata, a
 * signature algorithm outside the policy, or signatures that do not verify with it), the check that judges that cause is the root, and every other
 * check whose own answer fails for the same cause is BLOCKED by it instead of repeating its FAIL.
 *
 * Calibrated, never guessed: without a preflight (--no-preflight, mutation analysis) nothing is BLOCKED,
 * and a check whose own answer fails for another reason than the control's keeps its own verdict.
 */
import type { Precondition, ProfileId } from '../types';
import type { VerifyResult } from '../roles/gateway/verifier';
import { Blocked, type ConformanceFailure, type Verdict } from './verdict';

/** The checks that judge the signing key of the metadata, per profile. */
export const KEY_ROOTS = {
  'saml-web-sso': { none: 'SDP-MD08-signing-certificate', weak: 'SDP-MD06-key-size' },
  'device-token': { none: 'DT-MD-01-idp-metadata', weak: 'DT-MD-01-idp-metadata' },
} as const;

/** The checks that judge that the IdP's signatures verify with the metadata key, per profile. */
export const SIGNATURE_ROOTS: Record<ProfileId, string> = {
  'saml-web-sso': 'SAMLProf-4.1.4.5-signatures-verify',
  'device-token': 'DT-SIG-07-response-signature',
};

/** The checks that judge the IdP's signature algorithms, per profile (a SHA-1 or HMAC signature, S-12). */
export const ALGORITHM_ROOTS: Record<ProfileId, string> = {
  'saml-web-sso': 'SDP-ALG01-signature-algorithms',
  'device-token': 'DT-SIG-07-response-signature',
};

const rejects = (v: VerifyResult | undefined) => (v?.findings ?? []).filter((f) => f.severity === 'reject');

/** What the control login's Response says about trust (undefined: its Assertion was trusted, or no Response). */
export function trustPrecondition(
  profile: ProfileId,
  verify: VerifyResult | undefined,
  signingCerts: number,
): Precondition | undefined {
  if (!verify?.response || verify.assertion) return undefined;
  const r = rejects(verify);
  const key = r.find((f) => f.code === 'S-13');
  if (key) {
    const root = KEY_ROOTS[profile][signingCerts === 0 ? 'none' : 'weak'];
    return {
      root,
      reason: `no usable IdP signing key in the metadata (${key.actual ?? key.message})`,
      codes: ['S-13'],
    };
  }
  const alg = r.find((f) => f.code === 'S-12');
  if (alg) {
    return {
      root: ALGORITHM_ROOTS[profile],
      reason: `no trusted Response: ${alg.message}`,
      codes: ['S-12'],
    };
  }
  const sig = r.find((f) => f.code === 'S-15' || f.code === 'S-14');
  if (sig) {
    return {
      root: SIGNATURE_ROOTS[profile],
      reason: `no trusted Response: ${sig.message}`,
      codes: ['S-14', 'S-15'],
    };
  }
  return undefined;
}

/** The failed precondition of this check's profile, unless the check is its root. */
export function failedPrecondition(v: Verdict): Precondition | undefined {
  const p = v.precondition;
  return p && p.root !== v.def.id ? p : undefined;
}

/**
 * BLOCKED when this answer fails for the cause the control found (its findings show the precondition's
 * codes: the Responses untrusted, so the root judges it once); otherwise nothing happens and the caller
 * judges the answer itself. Checks that judge signature validity call it after judging what needs no key
 * (a signature is present at all). `original` is the FAIL the check would have given, kept in case the
 * root does not fail after all (the runner then restores it).
 */
export function blockIfUntrusted(
  v: Verdict,
  verify: VerifyResult | undefined,
  original?: ConformanceFailure,
): void {
  const p = failedPrecondition(v);
  if (!p) return;
  if (!rejects(verify).some((f) => p.codes.includes(f.code))) return;
  throw new Blocked(p.root, p.reason, original);
}
