/** Plain saml-web-sso behaviour for browser logins: sessions, IsPassive/ForceAuthn, NameID, attributes. */
import * as crypto from 'node:crypto';
import type { Attributed, ErrorSpec, RequestedAuthnContext } from './authn-request';
import { flag } from './authn-request';
import { ATTRNAME_FORMAT, AUTHN_CONTEXT, NAMEID, tenantScope } from './constants';
import type { Faults } from './faults';
import type { NameIdSpec, SamlAttribute, SubjectInfo } from './response';
import { newId } from './response';
import type { PasswordUser, Session, Tenant } from './store';
import type { SpRecord, SubjectIdentifier } from './sp-metadata';

export type BrowserDecision =
  { kind: 'error'; error: ErrorSpec } | { kind: 'session'; session: Session } | { kind: 'login-form' };

const SUPPORTED_FORMATS = new Set<string>([
  NAMEID.unspecified,
  NAMEID.email,
  NAMEID.persistent,
  NAMEID.transient,
]);

export function browserDecision(
  tenant: Tenant,
  a: Attributed,
  sessionId: string | undefined,
  now: number,
  faults: Faults,
): BrowserDecision {
  const format = a.info.nameIdFormat;
  if (format !== undefined && !SUPPORTED_FORMATS.has(format) && !faults.has('ignore-nameid-policy')) {
    // [CORE] §3.4.1.1: a Format the IdP cannot supply gets InvalidNameIDPolicy.
    return {
      kind: 'error',
      error: { top: 'Requester', second: 'InvalidNameIDPolicy', message: 'unsupported NameID format' },
    };
  }
  const rac = a.info.requestedAuthnContext;
  if (
    rac &&
    ((faults.has('requested-authn-context-exact-refused') && rac.comparison === 'exact') ||
      (faults.has('requested-authn-context-maximum-refused') && rac.comparison === 'maximum') ||
      (faults.has('requested-authn-context-no-default-comparison') && rac.comparison === undefined) ||
      !passwordSatisfies(
        faults.has('requested-authn-context-minimum-as-better') && rac.comparison === 'minimum'
          ? { ...rac, comparison: 'better' }
          : rac,
      )) &&
    !faults.has('downgrade-authn-context') &&
    !(faults.has('requested-authn-context-no-comparison-unenforced') && rac.comparison === undefined) &&
    !(
      faults.has('requested-authn-context-exact-unenforced') &&
      rac.comparison === 'exact' &&
      rac.classRefs.length > 0
    ) &&
    !(faults.has('requested-authn-context-declref-ignored') && rac.classRefs.length === 0)
  ) {
    return {
      kind: 'error',
      error: {
        top: 'Responder',
        second: 'NoAuthnContext',
        message: 'the requested authentication context is not available',
      },
    };
  }
  const session = tenant.liveSession(sessionId, now);
  const live = session && tenant.directory.find(session.userKey) ? session : undefined;
  const forceFlag = faults.has('forceauthn-one-ignored')
    ? a.info.forceAuthn === 'true'
    : flag(a.info.forceAuthn);
  const forceAuthn = forceFlag && !faults.has('forceauthn-reuses-session');
  const passive = faults.has('ispassive-one-ignored') ? a.info.isPassive === 'true' : flag(a.info.isPassive);
  if (passive && !faults.has('ispassive-shows-login')) {
    // [CORE] §3.4.1: IsPassive: no visible UI; without a usable session → NoPassive.
    if (live && !forceAuthn) return { kind: 'session', session: live };
    return {
      kind: 'error',
      error: { top: 'Responder', second: 'NoPassive', message: 'no session for a passive request' },
    };
  }
  if (live && !forceAuthn) return { kind: 'session', session: live };
  return { kind: 'login-form' };
}

/** A form login is PasswordProtectedTransport ([CORE] §3.3.2.2.1 comparison rules). */
function passwordSatisfies(rac: RequestedAuthnContext): boolean {
  // Stryker disable next-line ConditionalExpression: the schema allows class references or declaration references, never both; with declaration references only, refs is empty and every branch below answers false alike.
  if (rac.declRefs > 0) return false;
  const refs = rac.classRefs;
  switch (rac.comparison ?? 'exact') {
    case 'exact':
    case 'maximum':
      return refs.includes(AUTHN_CONTEXT.passwordProtectedTransport);
    case 'minimum':
      return [
        AUTHN_CONTEXT.passwordProtectedTransport,
        AUTHN_CONTEXT.password,
        AUTHN_CONTEXT.unspecified,
      ].some((c) => refs.includes(c));
    // Stryker disable next-line all: "better" is "stronger (as deemed by the responder)" ([SAMLCore] §3.3.2.2.1): no observer outside the IdP can tell a conformant answer to it from another, so no check sends it.
    case 'better':
      // Stryker disable next-line all: as above ("better" is the responder's to deem).
      return [AUTHN_CONTEXT.password, AUTHN_CONTEXT.unspecified].some((c) => refs.includes(c));
    default:
      return false;
  }
}

export function checkPassword(
  tenant: Tenant,
  username: string,
  password: string,
  faults: Faults,
): PasswordUser | undefined {
  const name = username.trim().toLowerCase();
  const user = tenant.passwords.find((p) => p.logins.includes(name));
  if (!user) return undefined;
  if (faults.has('accept-any-password')) return user;
  const a = crypto.createHash('sha256').update(password).digest();
  const b = crypto.createHash('sha256').update(user.password).digest();
  return crypto.timingSafeEqual(a, b) ? user : undefined;
}

const SUBJECT_ID = 'urn:oasis:names:tc:SAML:attribute:subject-id';
const PAIRWISE_ID = 'urn:oasis:names:tc:SAML:attribute:pairwise-id';

/**
 * saml2int SDP-IDP13/15: what the SP's metadata asks for (entity attribute subject-id:req) decides
 * which identifier is released: subject-id, pairwise-id, none of them, or (any) the pairwise-id, the one
 * that tells SPs less (subject-id when pairwise-id is not supported). Without a signal (SDP-IDP17: free)
 * the subject-id is released. The SP's release policy (admin releaseIdentifiers) applies to all of them: an
 * identifier it does not allow is never released (a signalled one is refused first, identifierRefusal).
 */
function subjectIdentifiers(
  tenant: Tenant,
  userId: string,
  uid: string,
  spEntityId: string,
  faults: Faults,
): SamlAttribute[] {
  const sp = tenant.sps.get(spEntityId);
  let req = faults.has('subject-id-signal-ignored') ? undefined : sp?.subjectIdReq;
  if (faults.has('subject-id-signal-swapped') && (req === 'subject-id' || req === 'pairwise-id'))
    req = req === 'subject-id' ? 'pairwise-id' : 'subject-id';
  const scope = faults.has('subject-id-wrong-scope') ? 'other.example' : tenantScope(tenant.name);
  const format = faults.has('attribute-nameformat-basic') ? ATTRNAME_FORMAT.basic : ATTRNAME_FORMAT.uri;
  const one = (name: string, friendlyName: string, value: string): SamlAttribute => ({
    name,
    nameFormat: format,
    friendlyName,
    values: [value],
  });
  if (req === 'none') return [];
  // The release policy (admin) narrows every path, the signalled ones and the one without a signal.
  const can = releasable(sp, faults);
  // pairwise-id when signalled, or for "any" where the policy allows it; else subject-id (signalled,
  // "any" under a subject-id-only policy, or no signal: SDP-IDP17 leaves that choice to the IdP).
  const release: SubjectIdentifier =
    req === 'pairwise-id' || (req === 'any' && can.includes('pairwise-id')) ? 'pairwise-id' : 'subject-id';
  // A fault: "any" gets pairwise-id whatever the release policy allows, which then withholds it.
  if (faults.has('subject-id-any-pairwise-despite-policy') && req === 'any' && !can.includes('pairwise-id'))
    return [];
  if (!can.includes(release)) return [];
  if (release === 'pairwise-id') {
    // Profile §3.4: opaque, per (subject, relying party); hex is within the uniqueID characters.
    const input = faults.has('pairwise-id-not-per-sp')
      ? userId.toLowerCase()
      : `${userId.toLowerCase()}\n${spEntityId}`;
    const unique = crypto
      .createHmac('sha256', tenant.nameIdSecret)
      .update(`pairwise\n${input}`)
      .digest('hex');
    return [one(PAIRWISE_ID, 'pairwise-id', `${unique.slice(0, 40)}@${scope}`)];
  }
  // Profile §3.3: uniqueID@scope, the uniqueID alphanumeric first, then alphanumerics, "=" and "-".
  // Stryker disable next-line StringLiteral: which character replaces those the profile forbids in the uniqueID is the IdP's choice; the profile fixes only the syntax, which both meet.
  const fill = '-';
  const unique = `${faults.has('subject-id-bad-chars') ? '_' : ''}${uid.toLowerCase().replace(/[^a-z0-9=-]/g, fill)}`;
  return [one(SUBJECT_ID, 'subject-id', `${unique}@${scope}`)];
}

/**
 * Mode subject-id-only: the IdP supports subject-id alone, which SDP-IDP13 allows ("one or both"); "any"
 * is then met with subject-id, and pairwise-id cannot be met.
 */
function subjectIdOnly(faults: Faults): boolean {
  return faults.mode('subject-id-only');
}

/**
 * What this IdP releases to the SP: its support, narrowed by the SP's release policy (admin); under the
 * fault release-policy-ignored the policy is not read.
 */
function releasable(sp: SpRecord | undefined, faults: Faults): SubjectIdentifier[] {
  const supported: SubjectIdentifier[] = subjectIdOnly(faults)
    ? // Stryker disable next-line ArrayDeclaration: only under the conformant mode subject-id-only (mutation analysis runs no modes; the kill matrix runs the mode).
      ['subject-id']
    : ['subject-id', 'pairwise-id'];
  const policy = faults.has('release-policy-ignored') ? undefined : sp?.releaseIdentifiers;
  return policy ? supported.filter((i) => policy.includes(i)) : supported;
}

/**
 * SDP-IDP16: a signal the IdP cannot or will not satisfy fails the request, with a SAML error status
 * (SDP-IDP16-error-status, the SHOULD) or, under the fault signal-refused-with-error-page, with an error
 * page (`page`).
 */
export function identifierRefusal(
  tenant: Tenant,
  spEntityId: string,
  faults: Faults,
): (ErrorSpec & { page?: boolean }) | undefined {
  const sp = tenant.sps.get(spEntityId);
  const req = sp?.subjectIdReq;
  const denied = (message: string): ErrorSpec & { page?: boolean } => ({
    top: 'Responder',
    second: 'RequestDenied',
    message,
    page: faults.has('signal-refused-with-error-page'),
  });
  if (faults.has('subject-id-req-any-refused') && req === 'any')
    return denied('unsupported subject-id:req value');
  // A fault: subject-id is released to SPs that do not ask for it, refused to those that do.
  if (faults.has('subject-id-refused-when-signalled') && req === 'subject-id')
    return denied('subject-id is not released to this SP');
  const can = releasable(sp, faults);
  if ((req === 'subject-id' || req === 'pairwise-id') && !can.includes(req))
    return denied(`${req} is not released to this SP`);
  if (req === 'any' && can.length === 0) return denied('no subject identifier is released to this SP');
  return undefined;
}

export function webSubject(
  tenant: Tenant,
  session: Session,
  spEntityId: string,
  requestedFormat: string | undefined,
  faults: Faults,
): SubjectInfo | undefined {
  const rec = tenant.directory.find(session.userKey);
  if (!rec) return undefined;
  const mail = rec.mail ?? (rec.userId.includes('@') ? rec.userId : undefined);
  // Stryker disable next-line LogicalOperator,StringLiteral: for the users the reference IdP seeds, uid is the login, which is the local part of the userId, so both sides give the same value; which local name backs uid for a record without one is the IdP's choice (SDP-IDP13 fixes only the identifiers' syntax).
  const uid = rec.uid ?? rec.userId.split('@')[0];
  let nameId: NameIdSpec;
  if (faults.has('nameid-format-ignores-policy') || requestedFormat === NAMEID.transient) {
    const leak = faults.has('transient-nameid-is-mail') && requestedFormat === NAMEID.transient;
    nameId = { format: NAMEID.transient, value: leak ? (mail ?? rec.userId) : newId() };
  } else if (requestedFormat === NAMEID.persistent) {
    // Stable and opaque per (user, SP); never reveals the user ID to the SP.
    const value = crypto
      .createHmac('sha256', tenant.nameIdSecret)
      .update(`${rec.userId.toLowerCase()}\n${spEntityId}`)
      .digest('base64url');
    nameId = {
      format: NAMEID.persistent,
      value,
      nameQualifier: tenant.urls.entityId,
      spNameQualifier: spEntityId,
    };
  } else {
    nameId = { format: NAMEID.email, value: mail ?? rec.userId };
  }
  const uri = (name: string, friendlyName: string, values: string[]): SamlAttribute => ({
    name,
    nameFormat: faults.has('attribute-nameformat-basic') ? ATTRNAME_FORMAT.basic : ATTRNAME_FORMAT.uri,
    friendlyName,
    values,
  });
  const attributes: SamlAttribute[] = [];
  if (mail) attributes.push(uri('urn:oid:0.9.2342.19200300.100.1.3', 'mail', [mail]));
  if (rec.displayName)
    attributes.push(uri('urn:oid:2.16.840.1.113730.3.1.241', 'displayName', [rec.displayName]));
  if (uid) attributes.push(uri('urn:oid:0.9.2342.19200300.100.1.1', 'uid', [uid]));
  if (rec.memberOf && rec.memberOf.length > 0) {
    attributes.push(uri('urn:oid:1.3.6.1.4.1.5923.1.5.1.1', 'isMemberOf', rec.memberOf));
  }
  if (!tenant.deviceToken && uid)
    attributes.push(...subjectIdentifiers(tenant, rec.userId, uid, spEntityId, faults));
  return {
    nameId,
    authnInstant: session.authnInstant,
    sessionIndex: session.sessionIndex,
    authnContextClassRef: AUTHN_CONTEXT.passwordProtectedTransport,
    attributes,
  };
}
