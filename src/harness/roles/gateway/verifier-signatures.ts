/** Signature summaries for the checks, and refused signatures looked at for the report only (never for trust). */
import { ALG, describeSignature, verifyEnveloped } from '../../xml';
import type { SigEntry } from './verifier-structure';
import type { SignatureReport, SignatureSummary } from './verifier-types';

/** Asymmetric SignatureMethods a refused signature may still be checked with (never HMAC: key confusion). */
const DIAGNOSTIC_ALGS =
  /^http:\/\/www\.w3\.org\/(2000\/09\/xmldsig#rsa-sha1|2001\/04\/xmldsig-more#(rsa|ecdsa)-sha(256|384|512))$/;

/**
 * For the report only, never for trust: whether a signature the policy refused (SHA-1, a wrong
 * Reference URI, an extra transform) was nevertheless made with a metadata key. Only plain shapes are
 * tried — an asymmetric SignatureMethod, at most two transforms, none with content.
 */
export function diagnosticVerify(xml: string, e: SigEntry, certsPem: string[]): boolean | undefined {
  if (certsPem.length === 0) return undefined;
  const d = describeSignature(e.el);
  if (!d.signatureAlgorithm || !DIAGNOSTIC_ALGS.test(d.signatureAlgorithm)) return undefined;
  if (d.transforms.length > 2) return undefined;
  const plain = (t: string): boolean => t === ALG.enveloped || t === ALG.excC14n || t === ALG.c14n;
  if (!d.transforms.every(plain)) return undefined;
  try {
    return verifyEnveloped(xml, e.el, certsPem).valid;
  } catch {
    return undefined;
  }
}

/** What the checks read of one signature. */
export function summary(e: SigEntry | undefined): SignatureSummary | undefined {
  if (!e) return undefined;
  const c = e.check ?? { valid: false, ...describeSignature(e.el) };
  const s: SignatureSummary = { valid: c.valid, transforms: c.transforms };
  if (c.signatureAlgorithm !== undefined) s.signatureAlgorithm = c.signatureAlgorithm;
  if (c.digestAlgorithm !== undefined) s.digestAlgorithm = c.digestAlgorithm;
  if (c.canonicalization !== undefined) s.canonicalization = c.canonicalization;
  if (c.referenceUri !== undefined) s.referenceUri = c.referenceUri;
  if (c.error !== undefined) s.error = c.error;
  return s;
}

/** Every signature in an allowed position, trusted or not, for the checks that judge each one. */
export function signatureReports(sigs: SigEntry[]): SignatureReport[] {
  return sigs.map((e) => ({
    ...summary(e)!,
    ...(e.keyVerifies === false
      ? { error: `${e.check?.error ?? 'refused'}; it does not verify with the metadata key either` }
      : {}),
    on: e.on,
    parentId: e.parentId,
    policyRefused: !e.usable,
    verifiesWithMetadataKey: e.check?.valid === true || e.keyVerifies === true,
  }));
}
