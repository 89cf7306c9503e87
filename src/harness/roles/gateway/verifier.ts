/**
 * The strict gateway verifier: the harness's own SP judgement of an IdP Response (attack catalogue
 * section 5, plus the SP rows of sections 1-3). A pure function: no network, the clock is injected.
 *
 * Order: cheap decoding and parsing bounds, then structure of the raw document, then cryptography with
 * the metadata keys only, and only then fields, read from the verified signed bytes
 * (getSignedReferences output, parsed once by the strict parser; never re-serialized). As many findings
 * as can be determined safely are collected; `accepted` is true only without any 'reject' finding.
 */
import {
  NS,
  XmlRejected,
  certKeyInfo,
  childElements,
  decodePostBinding,
  describeSignature,
  parseXml,
  verifyEnveloped,
  type XmlElement,
} from '../../xml';
import {
  BEARER,
  checkAssertion,
  checkResponse,
  isSuccess,
  readResponse,
  type Clock,
} from './verifier-content';
import { Findings, attr, clip, parseUtc, type Finding, type FindingCode } from './verifier-findings';
import { inspectStructure } from './verifier-structure';
import { openEncryptedAssertion } from './verifier-encrypted';
import { diagnosticVerify, signatureReports, summary } from './verifier-signatures';

import {
  ReplayCache,
  type AssertionInfo,
  type EncryptionInfo,
  type NameIdInfo,
  type ResponseInfo,
  type SignatureReport,
  type SignatureSummary,
  type VerifyContext,
  type VerifyResult,
} from './verifier-types';
import { KEY_MIN_TEXT, strongKey } from './key-policy';

export type { Finding, FindingCode };
export { ReplayCache };
export type {
  AssertionInfo,
  EncryptionInfo,
  NameIdInfo,
  ResponseInfo,
  SignatureReport,
  SignatureSummary,
  VerifyContext,
  VerifyResult,
};

/** HTTP-POST SAMLResponse value (base64). Never throws. */
export function verifySamlResponse(samlResponseBase64: string, ctx: VerifyContext): VerifyResult {
  try {
    let xml: string;
    try {
      xml = decodePostBinding(samlResponseBase64);
    } catch (e) {
      if (!(e instanceof XmlRejected)) throw e;
      const f = new Findings();
      f.reject('S-01', `SAMLResponse refused before parsing: ${e.message}`, {
        where: 'SAMLResponse',
        actual: e.code,
      });
      return { accepted: false, findings: f.list };
    }
    return run(xml, ctx);
  } catch (e) {
    return internalError(e);
  }
}

/** The same, on already decoded XML text (fixtures, other bindings). Never throws. */
export function verifySamlResponseXml(xml: string, ctx: VerifyContext): VerifyResult {
  try {
    return run(xml, ctx);
  } catch (e) {
    return internalError(e);
  }
}

function internalError(e: unknown): VerifyResult {
  const f = new Findings();
  f.reject(
    'INTERNAL',
    `the verifier failed; the Response is refused: ${clip(e instanceof Error ? e.message : String(e))}`,
  );
  return { accepted: false, findings: f.list };
}

interface TrustedCert {
  pem: string;
  der: Buffer;
}

/** S-13: only metadata certificates of sufficient strength are used; KeyInfo never is (C-03). */
function trustedCerts(ctx: VerifyContext, f: Findings): TrustedCert[] {
  const out: TrustedCert[] = [];
  const pems = Array.isArray(ctx.idpCertsPem) ? ctx.idpCertsPem : [];
  pems.forEach((pem, i) => {
    try {
      const k = certKeyInfo(pem);
      if (strongKey(k)) out.push({ pem, der: k.der });
      else {
        f.flag('S-13', `metadata certificate #${i} holds a key too weak to trust`, {
          where: 'IdP metadata KeyDescriptor',
          expected: KEY_MIN_TEXT,
          actual: `${k.type} ${k.bits}`,
        });
      }
    } catch (e) {
      f.flag('S-13', `metadata certificate #${i} cannot be read`, {
        where: 'IdP metadata KeyDescriptor',
        actual: clip(String(e)),
      });
    }
  });
  if (out.length === 0) {
    f.reject('S-13', 'no usable IdP signing certificate: signature verification cannot be satisfied', {
      where: 'IdP metadata KeyDescriptor',
      expected: `a certificate with ${KEY_MIN_TEXT}`,
      actual: `${pems.length} certificate(s), none usable`,
    });
  }
  return out;
}

/** Parses a signed reference (canonical XML) and confirms its root is the element the Reference named (S-16). */
function parseSigned(
  canonical: string | undefined,
  ns: string,
  local: string,
  id: string,
  f: Findings,
): XmlElement | undefined {
  try {
    const root = parseXml(canonical ?? '').documentElement;
    if (root && root.namespaceURI === ns && root.localName === local && attr(root, 'ID') === id) return root;
    f.reject('S-16', `the signed reference is not the ${local} with ID ${id}`, {
      expected: `${local} ${id}`,
      actual: root ? `${root.localName} ${attr(root, 'ID') ?? ''}` : '(none)',
    });
  } catch (e) {
    f.reject('S-16', `the signed reference cannot be parsed: ${clip(String(e))}`);
  }
  return undefined;
}

function run(xml: string, ctx: VerifyContext): VerifyResult {
  const f = new Findings();
  const out: VerifyResult = { accepted: false, findings: f.list, xml };
  if (typeof xml !== 'string') {
    f.reject('S-01', 'the Response is not text');
    delete out.xml;
    return out;
  }
  const c: Clock = {
    now: ctx.now.getTime(),
    skewMs: Math.max(0, ctx.skewSeconds ?? 180) * 1000,
    maxLifetimeMs: Math.max(0, ctx.maxLifetimeSeconds ?? 3600) * 1000,
  };
  if (!Number.isFinite(c.now)) throw new Error('VerifyContext.now is not a valid Date');

  // Stage 1: bounded strict parse (S-01, S-02; C-07, C-10, C-11, C-16, C-28, C-29).
  let doc;
  try {
    doc = parseXml(xml);
  } catch (e) {
    if (!(e instanceof XmlRejected)) throw e;
    const code = e.code === 'XML_TOO_LARGE' || e.code === 'XML_ENCODING' ? 'S-01' : 'S-02';
    f.reject(code, `the Response is not acceptable XML: ${e.message}`, { actual: e.code });
    if (e.code === 'XML_DOCTYPE') {
      out.response = {
        assertionCount: 0,
        encryptedAssertionCount: 0,
        signed: false,
        trusted: false,
        hasDoctype: true,
      };
    }
    return out;
  }

  // Stage 2: structure of the raw document (no field is read as data yet).
  const s = inspectStructure(doc, f);
  if (!s) return out;
  const certs = trustedCerts(ctx, f);

  // Stage 3: cryptography, metadata keys only, on the exact string the strict parser accepted.
  for (const e of s.sigs) {
    if (!e.usable) {
      e.check = {
        valid: false,
        ...describeSignature(e.el),
        error: 'refused by the signature policy before verification',
      };
      e.keyVerifies = diagnosticVerify(
        xml,
        e,
        certs.map((t) => t.pem),
      );
      continue;
    }
    if (certs.length === 0) {
      e.check = { valid: false, ...describeSignature(e.el), error: 'no usable trusted certificate' };
      continue;
    }
    e.check = verifyEnveloped(
      xml,
      e.el,
      certs.map((t) => t.pem),
    );
    if (!e.check.valid) {
      f.reject(
        'S-15',
        `the ${e.on === 'response' ? 'Response' : 'Assertion'} signature does not verify with the IdP metadata key`,
        {
          where:
            e.on === 'response'
              ? '/samlp:Response/ds:Signature'
              : '/samlp:Response/saml:Assertion/ds:Signature',
          actual: e.check.error,
        },
      );
    } else {
      const verifying = certs[e.check.certIndex ?? 0];
      const keyInfoDer = e.keyInfoCerts.map((b) => {
        try {
          return Buffer.from(b.replace(/\s+/g, ''), 'base64');
        } catch {
          return Buffer.alloc(0);
        }
      });
      if (verifying && keyInfoDer.length > 0 && !keyInfoDer.some((d) => d.equals(verifying.der))) {
        f.flag('S-13', 'KeyInfo carries a certificate that is not the metadata key (ignored for trust)', {
          where:
            e.on === 'response'
              ? '/samlp:Response/ds:Signature/ds:KeyInfo'
              : '/samlp:Response/saml:Assertion/ds:Signature/ds:KeyInfo',
        });
      }
    }
  }

  // Every signature in an allowed position, trusted or not, for the checks that judge each one.
  out.signatures = signatureReports(s.sigs);

  const respSigs = s.sigs.filter((e) => e.on === 'response');
  const respSig = respSigs.length === 1 ? respSigs[0] : undefined;
  let trustedResponse: XmlElement | undefined;
  if (respSig?.check?.valid) {
    trustedResponse = parseSigned(respSig.check.signedXml, NS.samlp, 'Response', respSig.parentId, f);
  }

  // Stage 4a: the envelope. From the signed bytes when the Response signature verified, else raw (untrusted).
  const src = trustedResponse ?? s.root;
  const response: ResponseInfo = {
    ...readResponse(src, f),
    assertionCount: s.assertionCount,
    encryptedAssertionCount: s.encryptedAssertionCount,
    signed: respSigs.length > 0,
    trusted: trustedResponse !== undefined,
    hasDoctype: false,
  };
  const rs = summary(respSig ?? respSigs[0]);
  if (rs) response.signature = rs;
  out.response = stripUndefined(response);
  checkResponse(response, ctx, c, f);

  const assertionTotal = s.assertionCount + s.encryptedAssertionCount;
  if (!isSuccess(response)) {
    // S-06: an error status is reported; an error Response must carry no assertion (S-36).
    f.reject('S-06', 'top-level StatusCode is not Success', {
      where: '/samlp:Response/samlp:Status/samlp:StatusCode/@Value',
      expected: 'urn:oasis:names:tc:SAML:2.0:status:Success',
      actual: [response.statusCode, response.statusSubCode].filter(Boolean).join(' / ') || '(absent)',
    });
    if (assertionTotal > 0)
      f.flag('S-36', 'an error Response carries an assertion', { where: '/samlp:Response/saml:Assertion' });
    return finish(out, f);
  }
  if (assertionTotal === 0) {
    f.reject('S-07', 'a Success Response without an assertion', {
      where: '/samlp:Response/saml:Assertion',
      expected: '1',
      actual: '0',
    });
  }

  // S-33 / C-22: an EncryptedAssertion is opened with the gateway's key, then judged as any assertion.
  const opened =
    s.encryptedAssertionCount > 0
      ? openEncryptedAssertion(
          trustedResponse ?? s.root,
          ctx,
          certs.map((t) => t.pem),
          trustedResponse !== undefined,
          f,
        )
      : undefined;
  if (opened) out.encryption = opened.info;

  // Stage 4b: the assertion, only from signed bytes.
  const rawAssertion = s.assertionCount === 1 && s.assertions.length === 1 ? s.assertions[0] : undefined;
  const assertionSigs = rawAssertion ? s.sigs.filter((e) => e.parent === rawAssertion) : [];
  const assertionSig = assertionSigs[0];
  if (s.assertionCount > 0) {
    // S-14: a signature must cover the assertion; the policy may demand the assertion's own.
    if (s.sigs.length === 0) {
      f.reject(
        'S-14',
        'no signature in an allowed position: neither the Response nor the Assertion is signed',
        {
          where: '/samlp:Response',
        },
      );
    } else if (ctx.requireAssertionSigned && rawAssertion && assertionSigs.length === 0) {
      f.reject('S-14', 'the Assertion is not signed and the policy requires signed assertions', {
        where: '/samlp:Response/saml:Assertion/ds:Signature',
      });
    }
  }
  let trustedAssertion: XmlElement | undefined = opened?.assertion;
  if (rawAssertion) {
    const rawId = attr(rawAssertion, 'ID') ?? '';
    if (assertionSig?.check?.valid) {
      trustedAssertion = parseSigned(assertionSig.check.signedXml, NS.saml, 'Assertion', rawId, f);
    } else if (!assertionSig && trustedResponse) {
      const inside = childElements(trustedResponse, NS.saml, 'Assertion');
      if (inside.length === 1 && attr(inside[0], 'ID') === rawId) trustedAssertion = inside[0];
      else f.reject('S-16', 'the signed Response does not contain exactly the Assertion of the document');
    }
  }
  if (trustedAssertion) {
    const info = checkAssertion(trustedAssertion, ctx, c, f);
    info.signed = opened ? opened.sig !== undefined : assertionSigs.length > 0;
    const as = summary(opened ? opened.sig : assertionSig);
    if (as) info.signature = as;
    out.assertion = info;
    checkReplay(ctx, c, response, info, f);
  } else if (!f.rejected) {
    // Fail closed: a Success Response is only acceptable with an assertion read from verified bytes.
    f.reject('S-16', 'no assertion could be read from verified signed bytes');
  }
  return finish(out, f);
}

/** S-31: an Assertion or Response ID seen before is a replay. IDs are stored only when accepted. */
function checkReplay(ctx: VerifyContext, c: Clock, r: ResponseInfo, a: AssertionInfo, f: Findings): void {
  const cache = ctx.replayCache;
  if (!cache) return;
  cache.prune(new Date(c.now));
  if (cache.has(a.id))
    f.reject('S-31', 'Assertion ID already consumed (replay)', {
      where: '/saml:Assertion/@ID',
      actual: a.id,
    });
  if (r.id !== undefined && cache.has(r.id))
    f.reject('S-31', 'Response ID already consumed (replay)', { where: '/samlp:Response/@ID', actual: r.id });
  if (f.rejected) return;
  const ends = [
    a.conditions?.notOnOrAfter,
    ...a.subjectConfirmations.filter((s) => s.method === BEARER).map((s) => s.notOnOrAfter),
  ]
    .map((t) => parseUtc(t))
    .filter((t): t is number => t !== undefined);
  const until = new Date((ends.length ? Math.max(...ends) : c.now + c.maxLifetimeMs) + c.skewMs);
  cache.add(a.id, until);
  if (r.id !== undefined) cache.add(r.id, until);
}

function finish(out: VerifyResult, f: Findings): VerifyResult {
  out.accepted = !f.rejected;
  return out;
}

function stripUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
