/**
 * Stage 4 of the strict gateway: the fields of the Response and of the Assertion, read from the
 * verified signed bytes (or, for the Response envelope only when it is unsigned, from the raw document,
 * marked untrusted), and judged against the context.
 *
 * Long file: one function per SAML element judged (Response, Assertion, Subject, Conditions,
 * AuthnStatement); they share the findings helpers.
 */
import { NS, NODE_TYPES, childElements, textOf, type XmlElement } from '../../xml';
import { attr, clip, idBits, isNcName, parseUtc, type FindingCode, type Findings } from './verifier-findings';
import {
  ENTITY_FORMAT,
  type AssertionInfo,
  type NameIdInfo,
  type ResponseInfo,
  type VerifyContext,
} from './verifier-types';

export const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
export const STATUS_SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const UNSPECIFIED_FORMATS = new Set([
  'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:unspecified',
]);
/** xsi:type values whose content is plain text (S-32). */
const PLAIN_TYPES = new Set([
  'string',
  'normalizedString',
  'token',
  'anyURI',
  'boolean',
  'integer',
  'int',
  'long',
  'decimal',
  'dateTime',
  'date',
  'base64Binary',
]);
/** Weakest to strongest, for minimum/better/maximum comparisons when the caller gives no ranking. */
const DEFAULT_AUTHN_RANKING = [
  'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:Password',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:X509',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:MultiFactor',
];

export interface Clock {
  now: number;
  skewMs: number;
  maxLifetimeMs: number;
}

function one(parent: XmlElement, ns: string, local: string): XmlElement | undefined {
  return childElements(parent, ns, local)[0];
}

/** S-20: every time value is xs:dateTime UTC with Z. Returns the instant, or undefined (with a finding). */
function time(f: Findings, value: string | undefined, where: string): number | undefined {
  if (value === undefined) return undefined;
  const t = parseUtc(value);
  if (t === undefined) {
    f.reject('S-20', 'time is not an xs:dateTime in UTC with Z', {
      where,
      expected: 'YYYY-MM-DDThh:mm:ss[.fff]Z',
      actual: value,
    });
  }
  return t;
}

/** S-18: an IssueInstant neither in the future nor older than the maximum lifetime (each beyond skew). */
function issueInstantWindow(
  f: Findings,
  t: number | undefined,
  c: Clock,
  what: string,
  where: string,
  value: string,
): void {
  if (t === undefined) return;
  if (t > c.now + c.skewMs)
    f.reject('S-18', `${what} IssueInstant is in the future`, { where, actual: value });
  else if (t < c.now - c.skewMs - c.maxLifetimeMs)
    f.reject('S-18', `${what} IssueInstant is stale`, { where, actual: value });
}

/** The envelope: read from the verified Response bytes when signed, else from the raw document. */
export function readResponse(
  src: XmlElement,
  f: Findings,
): Omit<ResponseInfo, 'assertionCount' | 'encryptedAssertionCount' | 'signed' | 'trusted' | 'hasDoctype'> {
  const issuers = childElements(src, NS.saml, 'Issuer');
  if (issuers.length > 1)
    f.reject('S-17', `${issuers.length} Issuer elements in the Response`, {
      where: '/samlp:Response/saml:Issuer',
    });
  const issuer = issuers[0];
  const statuses = childElements(src, NS.samlp, 'Status');
  if (statuses.length !== 1) {
    f.reject('S-06', `${statuses.length} samlp:Status elements; exactly one is required`, {
      where: '/samlp:Response/samlp:Status',
    });
  }
  const status = statuses[0];
  const code = status ? one(status, NS.samlp, 'StatusCode') : undefined;
  const sub = code ? one(code, NS.samlp, 'StatusCode') : undefined;
  const msg = status ? one(status, NS.samlp, 'StatusMessage') : undefined;
  return {
    id: attr(src, 'ID'),
    version: attr(src, 'Version'),
    issueInstant: attr(src, 'IssueInstant'),
    destination: attr(src, 'Destination'),
    inResponseTo: attr(src, 'InResponseTo'),
    issuer: issuer ? textOf(issuer) : undefined,
    issuerFormat: attr(issuer, 'Format'),
    statusCode: attr(code, 'Value'),
    statusSubCode: attr(sub, 'Value'),
    statusMessage: msg ? clip(textOf(msg), 500) : undefined,
  };
}

/** S-04, S-05, S-17, S-18/S-20 (IssueInstant), S-19, S-38 on the Response envelope. */
export function checkResponse(r: ResponseInfo, ctx: VerifyContext, c: Clock, f: Findings): void {
  if (r.destination !== undefined && r.destination !== ctx.acsUrl) {
    f.reject('S-04', 'Destination is not the ACS URL that received the Response', {
      where: '/samlp:Response/@Destination',
      expected: ctx.acsUrl,
      actual: r.destination,
    });
  }
  if (r.signed && r.destination === undefined) {
    f.reject('S-38', 'a signed Response must carry Destination', {
      where: '/samlp:Response/@Destination',
      expected: ctx.acsUrl,
    });
  }
  checkInResponseTo(f, ctx, r.inResponseTo, 'S-05', '/samlp:Response/@InResponseTo');
  if (r.signed && r.issuer === undefined) {
    f.reject('S-17', 'a signed Response must carry Issuer', {
      where: '/samlp:Response/saml:Issuer',
      expected: ctx.idpEntityId,
    });
  }
  if (r.issuer !== undefined && r.issuer !== ctx.idpEntityId) {
    f.reject('S-17', 'Response Issuer is not the IdP entityID', {
      where: '/samlp:Response/saml:Issuer',
      expected: ctx.idpEntityId,
      actual: r.issuer,
    });
  }
  if (r.issuerFormat !== undefined && r.issuerFormat !== ENTITY_FORMAT) {
    f.reject('S-17', 'Response Issuer Format is not entity', {
      where: '/samlp:Response/saml:Issuer/@Format',
      expected: ENTITY_FORMAT,
      actual: r.issuerFormat,
    });
  }
  const where = '/samlp:Response/@IssueInstant';
  issueInstantWindow(f, time(f, r.issueInstant, where), c, 'Response', where, r.issueInstant ?? '');
  if (r.id !== undefined && idBits(r.id) < 128) {
    f.flag('S-19', 'Response ID looks shorter than 128 bits of randomness', {
      where: '/samlp:Response/@ID',
      actual: r.id,
    });
  }
}

/**
 * S-05 / S-23: InResponseTo must name the outstanding request; absent only when unsolicited Responses
 * are explicitly allowed; present although nothing is outstanding is refused.
 */
function checkInResponseTo(
  f: Findings,
  ctx: VerifyContext,
  irt: string | undefined,
  code: FindingCode,
  where: string,
): void {
  const expected = ctx.expectedInResponseTo;
  if (expected === null) {
    if (irt !== undefined)
      f.reject(code, 'InResponseTo is set but no request is outstanding', {
        where,
        expected: '(absent)',
        actual: irt,
      });
    else if (!ctx.allowUnsolicited)
      f.reject(code, 'unsolicited Response (no InResponseTo) and IdP-initiated SSO is not enabled', {
        where,
      });
    return;
  }
  if (irt === undefined) {
    if (!ctx.allowUnsolicited) f.reject(code, 'InResponseTo is missing', { where, expected });
  } else if (irt !== expected) {
    f.reject(code, 'InResponseTo does not match the outstanding request', { where, expected, actual: irt });
  }
}

/** Reads and judges the Assertion. `a` is the verified signed element (never the raw document). */
export function checkAssertion(a: XmlElement, ctx: VerifyContext, c: Clock, f: Findings): AssertionInfo {
  const base = '/saml:Assertion';
  const info: AssertionInfo = {
    id: attr(a, 'ID') ?? '',
    version: attr(a, 'Version'),
    issueInstant: attr(a, 'IssueInstant'),
    subjectConfirmations: [],
    authnStatements: [],
    attributeStatements: 0,
    attributes: [],
    signed: false,
  };

  // S-18: ID, Version, Issuer, IssueInstant.
  if (!isNcName(info.id))
    f.reject('S-18', 'Assertion ID is missing or not an xs:ID', { where: `${base}/@ID`, actual: info.id });
  if (info.version !== '2.0')
    f.reject('S-18', 'Assertion Version is not 2.0', {
      where: `${base}/@Version`,
      expected: '2.0',
      actual: info.version ?? '(absent)',
    });
  if (info.issueInstant === undefined)
    f.reject('S-18', 'Assertion IssueInstant is missing', { where: `${base}/@IssueInstant` });
  issueInstantWindow(
    f,
    time(f, info.issueInstant, `${base}/@IssueInstant`),
    c,
    'Assertion',
    `${base}/@IssueInstant`,
    info.issueInstant ?? '',
  );
  const issuers = childElements(a, NS.saml, 'Issuer');
  if (issuers.length !== 1) {
    f.reject('S-18', `${issuers.length} Issuer elements in the Assertion; exactly one is required`, {
      where: `${base}/saml:Issuer`,
    });
  }
  const issuer = issuers[0];
  if (issuer) {
    info.issuer = textOf(issuer);
    if (childElements(issuer).length > 0 || info.issuer !== ctx.idpEntityId) {
      f.reject('S-18', 'Assertion Issuer is not the IdP entityID', {
        where: `${base}/saml:Issuer`,
        expected: ctx.idpEntityId,
        actual: info.issuer,
      });
    }
    const fmt = attr(issuer, 'Format');
    if (fmt !== undefined && fmt !== ENTITY_FORMAT) {
      f.reject('S-18', 'Assertion Issuer Format is not entity', {
        where: `${base}/saml:Issuer/@Format`,
        expected: ENTITY_FORMAT,
        actual: fmt,
      });
    }
  }
  if (idBits(info.id) < 128)
    f.flag('S-19', 'Assertion ID looks shorter than 128 bits of randomness', {
      where: `${base}/@ID`,
      actual: info.id,
    });

  checkSubject(a, info, ctx, c, f);
  checkConditions(a, info, ctx, c, f);
  checkAuthnStatements(a, info, ctx, c, f);
  readAttributes(a, info, f);
  return info;
}

function checkSubject(a: XmlElement, info: AssertionInfo, ctx: VerifyContext, c: Clock, f: Findings): void {
  const where = '/saml:Assertion/saml:Subject';
  const subjects = childElements(a, NS.saml, 'Subject');
  if (subjects.length !== 1) {
    f.reject('S-21', `${subjects.length} Subject elements; exactly one is required`, { where });
    return;
  }
  const subject = subjects[0] as XmlElement;
  const nameIds = childElements(subject, NS.saml, 'NameID');
  if (childElements(subject, NS.saml, 'EncryptedID').length > 0) {
    f.reject('S-21', 'EncryptedID cannot be decrypted by the harness gateway', {
      where: `${where}/saml:EncryptedID`,
    });
  } else if (childElements(subject, NS.saml, 'BaseID').length > 0) {
    f.reject('S-21', 'BaseID is not an identifier the gateway accepts', { where: `${where}/saml:BaseID` });
  }
  if (nameIds.length !== 1) {
    f.reject('S-21', `${nameIds.length} NameID elements in Subject; exactly one is required`, {
      where: `${where}/saml:NameID`,
    });
  }
  const n = nameIds[0];
  if (n) {
    const nameId: NameIdInfo = { value: textOf(n) };
    const fmt = attr(n, 'Format');
    const spnq = attr(n, 'SPNameQualifier');
    const nq = attr(n, 'NameQualifier');
    if (fmt !== undefined) nameId.format = fmt;
    if (spnq !== undefined) nameId.spNameQualifier = spnq;
    if (nq !== undefined) nameId.nameQualifier = nq;
    info.nameId = nameId;
    const w = `${where}/saml:NameID`;
    if (childElements(n).length > 0) f.reject('S-21', 'NameID contains elements', { where: w });
    if (nameId.value === '') f.reject('S-21', 'NameID is empty', { where: w });
    else if (nameId.value !== nameId.value.trim())
      f.reject('S-21', 'NameID has leading or trailing whitespace', {
        where: w,
        actual: JSON.stringify(nameId.value),
      });
    // S-22
    const requested = ctx.requestedNameIdFormat;
    if (requested !== undefined && !UNSPECIFIED_FORMATS.has(requested) && fmt !== requested) {
      f.reject('S-22', 'NameID Format is not the one requested in NameIDPolicy', {
        where: `${w}/@Format`,
        expected: requested,
        actual: fmt ?? '(absent)',
      });
    }
    if (spnq !== undefined && spnq !== ctx.spEntityId) {
      f.reject('S-22', 'NameID SPNameQualifier is not this SP', {
        where: `${w}/@SPNameQualifier`,
        expected: ctx.spEntityId,
        actual: spnq,
      });
    }
    if (nq !== undefined && nq !== ctx.idpEntityId) {
      f.reject('S-22', 'NameID NameQualifier is not the IdP', {
        where: `${w}/@NameQualifier`,
        expected: ctx.idpEntityId,
        actual: nq,
      });
    }
  }

  // S-23: at least one bearer confirmation that satisfies every rule.
  const problems: { message: string; expected?: string; actual?: string }[] = [];
  let satisfied = false;
  let bearers = 0;
  for (const sc of childElements(subject, NS.saml, 'SubjectConfirmation')) {
    const scds = childElements(sc, NS.saml, 'SubjectConfirmationData');
    const d = scds[0];
    const entry = {
      method: attr(sc, 'Method'),
      recipient: attr(d, 'Recipient'),
      notOnOrAfter: attr(d, 'NotOnOrAfter'),
      notBefore: attr(d, 'NotBefore'),
      inResponseTo: attr(d, 'InResponseTo'),
      address: attr(d, 'Address'),
    };
    info.subjectConfirmations.push(
      Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined)),
    );
    const w = `${where}/saml:SubjectConfirmation/saml:SubjectConfirmationData`;
    const noa = time(f, entry.notOnOrAfter, `${w}/@NotOnOrAfter`);
    time(f, entry.notBefore, `${w}/@NotBefore`);
    if (entry.method !== BEARER) continue;
    bearers++;
    const before = problems.length;
    if (scds.length !== 1)
      problems.push({ message: `bearer SubjectConfirmation has ${scds.length} SubjectConfirmationData` });
    if (entry.recipient !== ctx.acsUrl) {
      problems.push({
        message: 'Recipient is not the ACS URL',
        expected: ctx.acsUrl,
        actual: entry.recipient ?? '(absent)',
      });
    }
    if (entry.notOnOrAfter === undefined) problems.push({ message: 'NotOnOrAfter is missing' });
    else if (noa !== undefined && c.now - c.skewMs >= noa) {
      problems.push({
        message: 'SubjectConfirmationData has expired',
        expected: `after ${new Date(c.now - c.skewMs).toISOString()}`,
        actual: entry.notOnOrAfter,
      });
    }
    if (entry.notBefore !== undefined)
      problems.push({
        message: 'bearer SubjectConfirmationData must not carry NotBefore',
        actual: entry.notBefore,
      });
    const irtProblem = scdInResponseTo(ctx, entry.inResponseTo);
    if (irtProblem) problems.push(irtProblem);
    if (
      entry.address !== undefined &&
      ctx.clientAddress !== undefined &&
      entry.address !== ctx.clientAddress
    ) {
      f.flag('S-24', 'SubjectConfirmationData Address is not the client address', {
        where: `${w}/@Address`,
        expected: ctx.clientAddress,
        actual: entry.address,
      });
    }
    if (problems.length === before) satisfied = true;
  }
  if (bearers === 0)
    f.reject('S-23', 'no bearer SubjectConfirmation', {
      where: `${where}/saml:SubjectConfirmation`,
      expected: BEARER,
    });
  else if (!satisfied) {
    for (const p of problems)
      f.reject('S-23', p.message, {
        where: `${where}/saml:SubjectConfirmation`,
        expected: p.expected,
        actual: p.actual,
      });
  }
}

function scdInResponseTo(
  ctx: VerifyContext,
  irt: string | undefined,
): { message: string; expected?: string; actual?: string } | undefined {
  const expected = ctx.expectedInResponseTo;
  if (expected === null) {
    return irt === undefined
      ? undefined
      : { message: 'InResponseTo is set but no request is outstanding', actual: irt };
  }
  if (irt === undefined)
    return ctx.allowUnsolicited ? undefined : { message: 'InResponseTo is missing', expected };
  return irt === expected
    ? undefined
    : { message: 'InResponseTo does not match the outstanding request', expected, actual: irt };
}

function checkConditions(
  a: XmlElement,
  info: AssertionInfo,
  ctx: VerifyContext,
  c: Clock,
  f: Findings,
): void {
  const where = '/saml:Assertion/saml:Conditions';
  const all = childElements(a, NS.saml, 'Conditions');
  if (all.length > 1) f.reject('S-25', `${all.length} Conditions elements`, { where });
  const cond = all[0];
  if (!cond) {
    f.reject('S-26', 'no Conditions/AudienceRestriction naming this SP', { where, expected: ctx.spEntityId });
    return;
  }
  const nbS = attr(cond, 'NotBefore');
  const noaS = attr(cond, 'NotOnOrAfter');
  const ars: string[][] = [];
  info.conditions = { audienceRestrictions: ars };
  if (nbS !== undefined) info.conditions.notBefore = nbS;
  if (noaS !== undefined) info.conditions.notOnOrAfter = noaS;
  const nb = time(f, nbS, `${where}/@NotBefore`);
  const noa = time(f, noaS, `${where}/@NotOnOrAfter`);
  if (nb !== undefined && nb > c.now + c.skewMs)
    f.reject('S-25', 'Conditions NotBefore is in the future', { where: `${where}/@NotBefore`, actual: nbS });
  if (noa !== undefined && c.now - c.skewMs >= noa)
    f.reject('S-25', 'Conditions have expired', { where: `${where}/@NotOnOrAfter`, actual: noaS });
  if (nb !== undefined && noa !== undefined && nb >= noa) {
    f.reject('S-25', 'Conditions NotBefore is not before NotOnOrAfter', {
      where,
      actual: `${nbS} .. ${noaS}`,
    });
  }
  const start = nb ?? parseUtc(info.issueInstant);
  if (start !== undefined && noa !== undefined && noa - start > c.maxLifetimeMs) {
    f.flag('S-25', 'assertion validity window is longer than the policy maximum', {
      where,
      expected: `≤ ${c.maxLifetimeMs / 1000} s`,
      actual: `${Math.round((noa - start) / 1000)} s`,
    });
  }
  let oneTimeUse = 0;
  let proxy = 0;
  for (const k of childElements(cond)) {
    if (k.namespaceURI === NS.saml && k.localName === 'AudienceRestriction') {
      const auds = childElements(k, NS.saml, 'Audience').map(textOf);
      ars.push(auds);
      if (!auds.includes(ctx.spEntityId)) {
        f.reject('S-26', 'an AudienceRestriction does not name this SP', {
          where: `${where}/saml:AudienceRestriction`,
          expected: ctx.spEntityId,
          actual: auds.join(' | ') || '(empty)',
        });
      }
    } else if (k.namespaceURI === NS.saml && k.localName === 'OneTimeUse') {
      oneTimeUse++;
      if (!ctx.replayCache)
        f.flag('S-27', 'OneTimeUse cannot be enforced without a replay cache', {
          where: `${where}/saml:OneTimeUse`,
        });
    } else if (k.namespaceURI === NS.saml && k.localName === 'ProxyRestriction') {
      proxy++;
    } else {
      f.reject('S-27', 'unknown condition: the assertion is Indeterminate', {
        where: `${where}/${k.nodeName}`,
        actual: k.nodeName,
      });
    }
  }
  if (oneTimeUse > 1 || proxy > 1)
    f.reject('S-27', 'OneTimeUse / ProxyRestriction may appear at most once', { where });
  if (ars.length === 0)
    f.reject('S-26', 'no AudienceRestriction naming this SP', { where, expected: ctx.spEntityId });
}

function checkAuthnStatements(
  a: XmlElement,
  info: AssertionInfo,
  ctx: VerifyContext,
  c: Clock,
  f: Findings,
): void {
  const where = '/saml:Assertion/saml:AuthnStatement';
  const statements = childElements(a, NS.saml, 'AuthnStatement');
  if (statements.length === 0) f.reject('S-28', 'no AuthnStatement', { where });
  const maxAgeMs = (ctx.maxAuthnAgeSeconds ?? 86_400) * 1000;
  for (const s of statements) {
    const ctxEl = one(s, NS.saml, 'AuthnContext');
    const classRefEl = ctxEl ? one(ctxEl, NS.saml, 'AuthnContextClassRef') : undefined;
    const entry: AssertionInfo['authnStatements'][number] = {};
    const instant = attr(s, 'AuthnInstant');
    const sessionIndex = attr(s, 'SessionIndex');
    const sessionEnd = attr(s, 'SessionNotOnOrAfter');
    if (instant !== undefined) entry.authnInstant = instant;
    if (sessionIndex !== undefined) entry.sessionIndex = sessionIndex;
    if (sessionEnd !== undefined) entry.sessionNotOnOrAfter = sessionEnd;
    if (classRefEl) entry.classRef = textOf(classRefEl);
    info.authnStatements.push(entry);
    const t = time(f, instant, `${where}/@AuthnInstant`);
    if (instant === undefined)
      f.reject('S-28', 'AuthnInstant is missing', { where: `${where}/@AuthnInstant` });
    if (t !== undefined) {
      if (t > c.now + c.skewMs)
        f.reject('S-28', 'AuthnInstant is in the future', {
          where: `${where}/@AuthnInstant`,
          actual: instant,
        });
      else if (t < c.now - c.skewMs - maxAgeMs) {
        f.reject('S-28', 'AuthnInstant is older than the policy allows', {
          where: `${where}/@AuthnInstant`,
          expected: `≤ ${maxAgeMs / 1000} s ago`,
          actual: instant,
        });
      }
      if (ctx.forceAuthnSince && t < ctx.forceAuthnSince.getTime() - c.skewMs) {
        f.reject('S-28', 'ForceAuthn was requested but AuthnInstant predates the request', {
          where: `${where}/@AuthnInstant`,
          expected: `≥ ${ctx.forceAuthnSince.toISOString()}`,
          actual: instant,
        });
      }
    }
    const end = time(f, sessionEnd, `${where}/@SessionNotOnOrAfter`);
    if (end !== undefined && end <= c.now)
      f.flag('S-29', 'SessionNotOnOrAfter has already passed', {
        where: `${where}/@SessionNotOnOrAfter`,
        actual: sessionEnd,
      });
    checkAuthnContext(entry.classRef, ctx, f, `${where}/saml:AuthnContext/saml:AuthnContextClassRef`);
  }
}

/** S-30: the AuthnContextClassRef satisfies the RequestedAuthnContext that was sent. */
function checkAuthnContext(
  classRef: string | undefined,
  ctx: VerifyContext,
  f: Findings,
  where: string,
): void {
  const req = ctx.requestedAuthnContext;
  if (!req || req.classRefs.length === 0) return;
  const comparison = req.comparison ?? 'exact';
  const fail = (): void =>
    f.reject('S-30', `AuthnContextClassRef does not satisfy the requested context (${comparison})`, {
      where,
      expected: req.classRefs.join(' | '),
      actual: classRef ?? '(absent)',
    });
  if (classRef === undefined) return fail();
  if (comparison === 'exact') {
    if (!req.classRefs.includes(classRef)) fail();
    return;
  }
  const ranking = req.ranking ?? DEFAULT_AUTHN_RANKING;
  const rank = ranking.indexOf(classRef);
  const ranks = req.classRefs.map((r) => ranking.indexOf(r)).filter((r) => r >= 0);
  if (rank < 0 || ranks.length === 0) return fail();
  const lo = Math.min(...ranks);
  const hi = Math.max(...ranks);
  const okay = comparison === 'minimum' ? rank >= lo : comparison === 'better' ? rank > lo : rank <= hi;
  if (!okay) fail();
}

function readAttributes(a: XmlElement, info: AssertionInfo, f: Findings): void {
  const where = '/saml:Assertion/saml:AttributeStatement';
  const statements = childElements(a, NS.saml, 'AttributeStatement');
  info.attributeStatements = statements.length;
  const seen = new Set<string>();
  for (const st of statements) {
    if (childElements(st, NS.saml, 'EncryptedAttribute').length > 0) {
      f.flag('S-32', 'EncryptedAttribute cannot be decrypted by the harness gateway', {
        where: `${where}/saml:EncryptedAttribute`,
      });
    }
    for (const at of childElements(st, NS.saml, 'Attribute')) {
      const name = attr(at, 'Name');
      const w = `${where}/saml:Attribute[@Name="${clip(name ?? '', 60)}"]`;
      if (name === undefined || name === '') {
        f.reject('S-32', 'Attribute without Name', { where: `${where}/saml:Attribute` });
        continue;
      }
      if (seen.has(name))
        f.reject('S-32', 'duplicate Attribute Name (privilege injection)', { where: w, actual: name });
      seen.add(name);
      const values: string[] = [];
      let single = true;
      for (const v of childElements(at, NS.saml, 'AttributeValue')) {
        const kids = v.childNodes;
        if (kids.length > 1 || (kids.length === 1 && kids[0]?.nodeType !== NODE_TYPES.TEXT)) single = false;
        if (childElements(v).length > 0)
          f.reject('S-32', 'AttributeValue contains elements, not plain text', {
            where: `${w}/saml:AttributeValue`,
          });
        const type = v.getAttributeNS(NS.xsi, 'type');
        if (type) {
          const local = type.includes(':') ? type.slice(type.indexOf(':') + 1) : type;
          if (!PLAIN_TYPES.has(local))
            f.reject('S-32', 'AttributeValue xsi:type is not a plain-text schema type', {
              where: `${w}/saml:AttributeValue/@xsi:type`,
              actual: type,
            });
        }
        values.push(textOf(v));
      }
      const entry: AssertionInfo['attributes'][number] = { name, values, singleTextValues: single };
      const nameFormat = attr(at, 'NameFormat');
      const friendlyName = attr(at, 'FriendlyName');
      if (nameFormat !== undefined) entry.nameFormat = nameFormat;
      if (friendlyName !== undefined) entry.friendlyName = friendlyName;
      info.attributes.push(entry);
    }
  }
}

/** True when the top-level status is Success. */
export function isSuccess(r: ResponseInfo): boolean {
  return r.statusCode === STATUS_SUCCESS;
}
