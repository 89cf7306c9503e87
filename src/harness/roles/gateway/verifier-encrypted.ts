/**
 * S-33 / C-22 (attack catalogue), SDP-IDP11 and the encryption half of SDP-ALG01: the gateway opens an
 * EncryptedAssertion with its own decryption key, and only when the IdP used the algorithms SDP-ALG01
 * allows (AES-GCM content, RSA-OAEP key transport); CBC or RSA PKCS#1 v1.5 are refused, never decrypted.
 * The plaintext is parsed strictly and its own signature verified as any other. It is trusted only when
 * that signature, or the Response signature (which covers the cipher text), verified with the metadata
 * key. Nothing of an assertion that could not be opened is read.
 */
import {
  ENC_ALG,
  NS,
  XmlRejected,
  childElements,
  decryptElement,
  describeEncrypted,
  unwrapContentKey,
  descendantElements,
  parseXml,
  verifyEnveloped,
  DecryptionFailed,
  type XmlElement,
} from '../../xml';
import { attr, clip, type Findings } from './verifier-findings';
import { checkSignatureShape, type SigEntry } from './verifier-structure';
import type { EncryptionInfo, VerifyContext } from './verifier-types';

const WHERE = '/samlp:Response/saml:EncryptedAssertion';
/** SDP-ALG01 "Block Encryption" and "Key Transport". */
export const ALLOWED_DATA_ALGORITHMS: readonly string[] = [ENC_ALG.aes128gcm, ENC_ALG.aes256gcm];
export const ALLOWED_KEY_ALGORITHMS: readonly string[] = [ENC_ALG.rsaOaepMgf1p, ENC_ALG.rsaOaep];
const INNER = /^Encrypted(ID|Attribute|Assertion)$/;

export interface OpenedAssertion {
  info: EncryptionInfo;
  /** The decrypted Assertion, only when it may be trusted (from signed bytes, or under a verified Response signature). */
  assertion?: XmlElement;
  /** The decrypted Assertion's own signature, when it has one. */
  sig?: SigEntry;
}

/**
 * `src` is the Response to read the EncryptedAssertion from: the verified signed bytes when the Response
 * signature verified (`responseVerified`), else the raw document.
 */
export function openEncryptedAssertion(
  src: XmlElement,
  ctx: VerifyContext,
  certsPem: string[],
  responseVerified: boolean,
  f: Findings,
): OpenedAssertion {
  const fail = (
    outcome: EncryptionInfo['outcome'],
    message: string,
    info: EncryptionInfo,
    actual?: string,
  ) => {
    info.outcome = outcome;
    if (actual !== undefined) info.error = clip(actual);
    f.reject('S-33', message, { where: WHERE, actual });
    // Encryption is not authentication: without a verified Response signature nothing vouches for it.
    if (!responseVerified)
      f.reject(
        'C-22',
        'EncryptedAssertion without a verified Response signature: encryption is not authentication',
        {
          where: WHERE,
        },
      );
    return { info };
  };
  const info: EncryptionInfo = { outcome: 'structure', innerEncrypted: [] };
  const container = childElements(src, NS.saml, 'EncryptedAssertion')[0];
  if (!container) return fail('structure', 'no EncryptedAssertion directly under the Response', info);
  const parts = describeEncrypted(container);
  if (parts.dataAlgorithm !== undefined) info.dataAlgorithm = parts.dataAlgorithm;
  if (parts.keyAlgorithm !== undefined) info.keyAlgorithm = parts.keyAlgorithm;
  if (parts.keyDigest !== undefined) info.keyDigest = parts.keyDigest;

  const keys = Array.isArray(ctx.decryptionKeysPem) ? ctx.decryptionKeysPem : [];
  if (keys.length === 0)
    return fail(
      'no-key',
      'EncryptedAssertion: the harness gateway holds no decryption key, so the assertion cannot be verified',
      info,
    );
  if (parts.dataCount !== 1 || parts.keyCount !== 1)
    return fail(
      'structure',
      'EncryptedAssertion must hold one EncryptedData with one EncryptedKey',
      info,
      `${parts.dataCount} EncryptedData, ${parts.keyCount} EncryptedKey`,
    );
  const dataOk = ALLOWED_DATA_ALGORITHMS.includes(parts.dataAlgorithm ?? '');
  const keyOk = ALLOWED_KEY_ALGORITHMS.includes(parts.keyAlgorithm ?? '');
  if (!dataOk || !keyOk) {
    // An allowed key transport is still unwrapped (the content is not decrypted): whether the assertion
    // was encrypted for the SP's key is then known even when the content algorithm is refused.
    if (keyOk) info.keyUnwrapped = unwraps(container, keys);
    return fail(
      'algorithm-refused',
      'EncryptedAssertion uses an algorithm SDP-ALG01 does not allow; it is not decrypted',
      info,
      [
        !dataOk ? `content ${parts.dataAlgorithm ?? '(absent)'}` : '',
        !keyOk ? `key ${parts.keyAlgorithm ?? '(absent)'}` : '',
      ]
        .filter(Boolean)
        .join(', '),
    );
  }

  let plain: string;
  try {
    plain = decryptElement(container, keys);
  } catch (e) {
    if (!(e instanceof DecryptionFailed)) throw e;
    return fail(
      'decrypt-failed',
      'the EncryptedAssertion does not decrypt with the gateway key',
      info,
      e.message,
    );
  }
  let root: XmlElement | null;
  try {
    root = parseXml(plain).documentElement;
  } catch (e) {
    if (!(e instanceof XmlRejected)) throw e;
    return fail(
      'not-an-assertion',
      'the decrypted content is not acceptable XML',
      info,
      `${e.code} ${e.message}`,
    );
  }
  if (!root || root.namespaceURI !== NS.saml || root.localName !== 'Assertion' || !attr(root, 'ID')) {
    return fail(
      'not-an-assertion',
      'the decrypted content is not one saml:Assertion with an ID',
      info,
      root ? `{${root.namespaceURI ?? ''}}${root.localName}` : '(empty)',
    );
  }
  info.outcome = 'decrypted';
  info.keyUnwrapped = true;
  info.innerEncrypted = descendantElements(root)
    .filter((e) => e.namespaceURI === NS.saml && INNER.test(e.localName ?? ''))
    .map((e) => `saml:${e.localName}`);
  return { info, ...trust(root, plain, certsPem, responseVerified, ctx, f) };
}

/** Whether the EncryptedKey unwraps with one of the gateway's keys (RSA-OAEP only; nothing is decrypted). */
function unwraps(container: XmlElement, keys: readonly string[]): boolean {
  try {
    unwrapContentKey(container, keys);
    return true;
  } catch (e) {
    if (!(e instanceof DecryptionFailed)) throw e;
    return false;
  }
}

/** The decrypted Assertion's signature, judged as any other; then whether the Assertion may be trusted. */
function trust(
  root: XmlElement,
  plain: string,
  certsPem: string[],
  responseVerified: boolean,
  ctx: VerifyContext,
  f: Findings,
): { assertion?: XmlElement; sig?: SigEntry } {
  const id = attr(root, 'ID') ?? '';
  const where = `${WHERE}/saml:Assertion/ds:Signature`;
  const direct = childElements(root, NS.ds, 'Signature');
  const all = descendantElements(root, NS.ds, 'Signature');
  if (all.length > direct.length || direct.length > 1) {
    f.reject('S-09', 'ds:Signature in the decrypted Assertion outside the one allowed position', { where });
    return {};
  }
  const el = direct[0];
  if (!el) {
    if (ctx.requireAssertionSigned) {
      f.reject('S-14', 'the decrypted Assertion is not signed and the policy requires signed assertions', {
        where,
      });
      return {};
    }
    if (!responseVerified) {
      f.reject('C-22', 'neither the Response nor the decrypted Assertion carries a verified signature', {
        where: WHERE,
      });
      return {};
    }
    return { assertion: root };
  }
  const prev = el.previousSibling;
  let p = prev;
  while (p && p.nodeType !== 1) p = p.previousSibling;
  if (!p || (p as XmlElement).localName !== 'Issuer' || (p as XmlElement).namespaceURI !== NS.saml)
    f.reject('S-09', 'ds:Signature is not immediately after saml:Issuer (schema position)', { where });
  const keyInfoCerts: string[] = [];
  const usable = checkSignatureShape(el, root, root, [root], f, keyInfoCerts);
  const sig: SigEntry = { el, parent: root, on: 'assertion', parentId: id, usable, keyInfoCerts };
  if (!usable) return { sig };
  sig.check = verifyEnveloped(plain, el, certsPem);
  if (!sig.check.valid) {
    f.reject('S-15', 'the decrypted Assertion signature does not verify with the IdP metadata key', {
      where,
      actual: sig.check.error,
    });
    return { sig };
  }
  try {
    const signed = parseXml(sig.check.signedXml ?? '').documentElement;
    if (
      signed &&
      signed.namespaceURI === NS.saml &&
      signed.localName === 'Assertion' &&
      attr(signed, 'ID') === id
    )
      return { assertion: signed, sig };
  } catch (e) {
    if (!(e instanceof XmlRejected)) throw e;
  }
  f.reject('S-16', `the signed reference is not the decrypted Assertion ${id}`, { where });
  return { sig };
}
