/**
 * Assertions on verifier results: verdict and finding codes (never message prose).
 */
import { expect } from 'chai';
import type { VerifyResult } from '../../src/harness/roles/gateway/verifier';

function describe(r: VerifyResult): string {
  return (
    r.findings
      .map((f) => `${f.severity} ${f.code}: ${f.message}${f.actual ? ` [${f.actual}]` : ''}`)
      .join('\n  ') || '(no findings)'
  );
}

export function codes(r: VerifyResult, severity: 'reject' | 'flag' = 'reject'): string[] {
  return r.findings.filter((f) => f.severity === severity).map((f) => f.code);
}

/** Rejected, with every one of `expected` among the reject findings. */
export function expectRejected(r: VerifyResult, ...expected: string[]): void {
  expect(r.accepted, `expected a rejection, findings:\n  ${describe(r)}`).to.equal(false);
  const got = codes(r);
  for (const c of expected) expect(got, `finding ${c} missing, findings:\n  ${describe(r)}`).to.include(c);
}

/** Accepted: no reject finding; `flags` must each be present as a flag. */
export function expectAccepted(r: VerifyResult, ...flags: string[]): void {
  expect(r.accepted, `expected acceptance, findings:\n  ${describe(r)}`).to.equal(true);
  expect(codes(r), describe(r)).to.deep.equal([]);
  const got = codes(r, 'flag');
  for (const c of flags) expect(got, `flag ${c} missing, findings:\n  ${describe(r)}`).to.include(c);
}
