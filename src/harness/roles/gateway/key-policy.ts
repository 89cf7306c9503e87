/**
 * SDP-MD06 / SDP-MD07 (and DT-MD-01): the IdP keys the gateway trusts. One rule for the verifier (S-13:
 * a weaker metadata key is not used) and for the metadata checks that judge the keys themselves.
 */
export const KEY_MIN_BITS = { rsa: 2048, ec: 256 } as const;

/** The words a verdict or finding uses for the rule. */
export const KEY_MIN_TEXT = `RSA ≥ ${KEY_MIN_BITS.rsa} or EC ≥ ${KEY_MIN_BITS.ec} bits`;

/** Whether a key (certKeyInfo's type and size) is strong enough to trust. */
export function strongKey(k: { type: string; bits: number }): boolean {
  return (k.type === 'rsa' && k.bits >= KEY_MIN_BITS.rsa) || (k.type === 'ec' && k.bits >= KEY_MIN_BITS.ec);
}
