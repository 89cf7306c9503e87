/**
 * The Response envelope and what a Success assertion must be for, as named conditions shared by both
 * profiles (saml-web-sso's response checks, device-token's DT-RSP-01/07, and outcomes.ts's expectSuccess,
 * expectRefused and expectErrorStatus): each rule is judged here and nowhere else.
 */
import type { Requested } from '../roles/client/browser-flow';
import type { AssertionInfo, ResponseInfo } from '../roles/gateway/verifier';
import { ENTITY_FORMAT, WHERE } from '../roles/gateway/verifier-types';
import { parseXml } from '../xml';
import { POLICY } from './policy';
import { condition, equals, holds, oneOf, type Expectation } from './conditions';
import { show } from './verdict';

/** The Response alone (status, counts). */
export interface HasResponse {
  response: ResponseInfo;
}

/** A Response the gateway received, with the request it answers. */
export interface Received extends HasResponse {
  requestId: string;
  requested: Requested;
}

/** A trusted assertion and what its request asked for. */
export interface ForRequest {
  assertion: AssertionInfo;
  requested: Requested;
}

/** A Success: the Response, the request, and the assertion read from verified bytes. */
export interface Succeeded extends Received, ForRequest {}

const STATUS = 'urn:oasis:names:tc:SAML:2.0:status:';

export function statusName(uri: string | undefined): string | undefined {
  return uri?.startsWith(STATUS) ? uri.slice(STATUS.length) : uri;
}

const assertions = (r: ResponseInfo) => r.assertionCount + r.encryptedAssertionCount;

function destination(r: Received, required: boolean): Expectation {
  const { destination: d, signed } = r.response;
  const acs = r.requested.acsUrl;
  if (d === undefined && !required)
    return holds(
      !signed,
      'Destination',
      `${acs} (the Response is signed)`,
      'absent',
      WHERE.response.destination,
    );
  return equals('Destination', d, acs, WHERE.response.destination);
}

/**
 * SAMLBind §3.5.5.2: a signed Response's Destination "MUST contain the URL to which the sender has
 * instructed the user agent to deliver the message"; SAMLCore §3.2.2: where present, it is the ACS.
 */
export const RESPONSE_DESTINATION = condition<Received>({
  id: 'response-destination',
  requirements: ['SAMLBind-3.5.5.2', 'SAMLCore-3.2.2'],
  judge: (r) => [destination(r, false)],
});

/** DT-RSP-01/07: every Response (Success or error) carries Destination = the ACS. */
export const RESPONSE_DESTINATION_REQUIRED = condition<Received>({
  id: 'response-destination-required',
  requirements: ['DT-RSP-01', 'DT-RSP-07'],
  judge: (r) => [destination(r, true)],
});

/** SAMLProf §4.1.4.2: "the InResponseTo attribute MUST match the request's ID". */
export const RESPONSE_IN_RESPONSE_TO = condition<Received>({
  id: 'response-inresponseto',
  requirements: ['SAMLProf-4.1.4.2'],
  judge: (r) => [equals('InResponseTo', r.response.inResponseTo, r.requestId, WHERE.response.inResponseTo)],
});

/** A Response with the ID of the request it answers, as sent; undefined where the sender cannot tell it. */
export interface Answering extends HasResponse {
  requestId: string | undefined;
}

/**
 * The ID of the request as sent: its root's ID attribute in `xml`, the request after any edit the check
 * made (webLogin and silentLogin carry it; without it, `id`). Undefined when the sent XML does not parse or
 * its root has no ID: then the IdP could not determine it either, and no InResponseTo is judged.
 */
export function sentRequestId(request: { id: string; xml?: string }): string | undefined {
  if (request.xml === undefined) return request.id;
  try {
    return parseXml(request.xml).documentElement?.getAttribute('ID') || undefined;
  } catch {
    return undefined;
  }
}

/**
 * SAMLCore §3.2.2: InResponseTo "MUST match the value of the corresponding request's ID attribute value".
 * Judged on every error Response that answers a request (outcomes.ts), where present: whether the IdP
 * could determine the ID of a request it refused (then it MUST be present) is not told from outside.
 */
export const ERROR_IN_RESPONSE_TO = condition<Answering>({
  id: 'error-response-inresponseto',
  requirements: ['SAMLCore-3.2.2-inresponseto'],
  judge: ({ response: r, requestId }) =>
    r.inResponseTo === undefined || requestId === undefined
      ? []
      : [
          equals(
            'InResponseTo of the error Response',
            r.inResponseTo,
            requestId,
            WHERE.response.inResponseTo,
          ),
        ],
});

function issuer(r: Received, required: boolean): Expectation {
  const { issuer: i, signed, encryptedAssertionCount } = r.response;
  if (i === undefined && !required)
    return holds(
      !(signed || encryptedAssertionCount > 0),
      'Response Issuer',
      'present (the Response is signed or encloses an encrypted assertion)',
      'absent',
      WHERE.response.issuer,
    );
  return equals('Response Issuer', i, r.requested.idpEntityId, WHERE.response.issuer);
}

/**
 * SAMLProf §4.1.4.2: "If the <Response> message is signed or if an enclosed assertion is encrypted, then
 * the <Issuer> element MUST be present. […] If present it MUST contain the unique identifier of the
 * issuing identity provider".
 */
export const RESPONSE_ISSUER = condition<Received>({
  id: 'response-issuer',
  requirements: ['SAMLProf-4.1.4.2'],
  judge: (r) => [issuer(r, false)],
});

/** DT-RSP-01: the Response Issuer is the IdP entityID, always. */
export const RESPONSE_ISSUER_REQUIRED = condition<Received>({
  id: 'response-issuer-required',
  requirements: ['DT-RSP-01'],
  judge: (r) => [issuer(r, true)],
});

/** SAMLProf §4.1.4.2: the Issuer's "Format attribute MUST be omitted or have a value of …:entity". */
export const RESPONSE_ISSUER_FORMAT = condition<HasResponse>({
  id: 'response-issuer-format',
  requirements: ['SAMLProf-4.1.4.2'],
  judge: ({ response: r }) =>
    r.issuer === undefined
      ? []
      : [oneOf('Issuer Format', r.issuerFormat, [undefined, ENTITY_FORMAT], WHERE.response.issuerFormat)],
});

/** A Success answer: the top-level StatusCode is Success (SAMLCore §3.2.2.2; DT-RSP-01 "Status Success"). */
export const STATUS_SUCCESS = condition<HasResponse>({
  id: 'status-success',
  requirements: ['SAMLCore-3.2.2.2', 'DT-RSP-01'],
  judge: ({ response: r }) => [
    equals('StatusCode', statusName(r.statusCode), 'Success', WHERE.response.statusCode),
  ],
});

/** [CORE] §3.2.2.2: the top-level StatusCode values other than Success. */
const ERROR_TOPS: readonly string[] = ['Requester', 'Responder', 'VersionMismatch'];

/**
 * SAMLProf §4.1.4.1: a request the IdP "cannot or will not satisfy" gets "an appropriate error status":
 * a top-level StatusCode that is present and not Success (a Status without one says nothing), and one of
 * the top-level values [CORE] §3.2.2.2 permits.
 */
export const STATUS_ERROR = condition<HasResponse>({
  id: 'status-error',
  requirements: ['SAMLProf-4.1.3.4', 'SAMLCore-3.2.2.2'],
  judge: ({ response: r }) => {
    const code = statusName(r.statusCode);
    return [
      holds(
        code !== undefined && code !== 'Success',
        'top-level StatusCode',
        'present, with a value other than Success',
        code ?? '(absent)',
        WHERE.response.statusCode,
      ),
      // [CORE] §3.2.2.2: the topmost value MUST be from the top-level list (a second-level code such as
      // RequestDenied belongs nested under Requester or Responder).
      ...(code !== undefined && code !== 'Success'
        ? [oneOf('top-level StatusCode', code, ERROR_TOPS, WHERE.response.statusCode)]
        : []),
    ];
  },
});

/** SDP-IDP10 / DT-RSP-01: a Success Response contains exactly one assertion (plain or encrypted). */
export const ONE_ASSERTION = condition<HasResponse>({
  id: 'one-assertion',
  requirements: ['SDP-IDP10', 'DT-RSP-01'],
  judge: ({ response: r }) => [equals('Assertions', assertions(r), 1, WHERE.response.assertionCount)],
});

/** SAMLProf §4.1.4.2 / DT-RSP-07: an error Response contains no assertion, plain or encrypted. */
export const ERROR_NO_ASSERTION = condition<HasResponse>({
  id: 'error-no-assertion',
  requirements: ['SAMLProf-4.1.4.2', 'DT-RSP-07'],
  judge: ({ response: r }) => [
    equals('Assertions in the error Response', assertions(r), 0, WHERE.response.assertionCount),
  ],
});

/** SAMLProf §4.1.4.5: each assertion is protected by a signature (its own or the Response's). */
export const ASSERTION_SIGNED = condition<Succeeded>({
  id: 'assertion-signed',
  requirements: ['SAMLProf-4.1.4.5', 'DT-SIG-07'],
  judge: (s) => [
    holds(
      s.assertion.signed || s.response.signed,
      'signature',
      'the Assertion or the Response signed',
      'neither',
    ),
  ],
});

/** SAMLProf §4.1.4.2: "an <AudienceRestriction> including the service provider's unique identifier". */
export const AUDIENCE_IS_REQUESTER = condition<ForRequest>({
  id: 'audience-is-requester',
  requirements: ['SAMLProf-4.1.4.2'],
  judge: ({ assertion: a, requested: q }) => {
    const audiences = a.conditions?.audienceRestrictions ?? [];
    return [
      holds(
        audiences.length > 0 && audiences.every((list) => list.includes(q.spEntityId)),
        'Audience of the Success assertion',
        `every AudienceRestriction names the requesting SP ${q.spEntityId}`,
        audiences.length ? JSON.stringify(audiences) : 'no AudienceRestriction',
        WHERE.assertion.audienceRestrictions,
      ),
    ];
  },
});

const bearers = (a: AssertionInfo) => a.subjectConfirmations.filter((c) => c.method === POLICY.bearer);

/**
 * The bearer SubjectConfirmation(s) the SP relies on: those whose Recipient is its ACS. SAMLProf §4.1.4.2
 * asks "at least one bearer <SubjectConfirmation>" to carry the Recipient, InResponseTo and no NotBefore
 * together, so the three conditions judge this one set: RECIPIENT_IS_ACS that it is not empty, the
 * others that every confirmation in it keeps their rule (then one keeps them all).
 */
export function acsBearers({
  assertion: a,
  requested: q,
}: ForRequest): AssertionInfo['subjectConfirmations'] {
  return bearers(a).filter((c) => c.recipient === q.acsUrl);
}

/** No bearer for the ACS: nothing to judge the other bearer rules on, which is no pass. */
function noAcsBearer(s: ForRequest): Expectation {
  const found = bearers(s.assertion).map((c) => c.recipient ?? '(no Recipient)');
  return holds(
    false,
    'bearer SubjectConfirmation for the ACS',
    `one with Recipient ${s.requested.acsUrl}`,
    found.length ? `Recipient ${found.join(', ')}` : 'no bearer SubjectConfirmation',
    WHERE.assertion.recipient,
  );
}

/** SAMLProf §4.1.4.2: a bearer SubjectConfirmationData "Recipient attribute containing the … ACS URL". */
export const RECIPIENT_IS_ACS = condition<ForRequest>({
  id: 'bearer-recipient-is-acs',
  requirements: ['SAMLProf-4.1.4.2'],
  judge: (s) => {
    const bearer = bearers(s.assertion);
    return [
      holds(
        acsBearers(s).length > 0,
        'Recipient of the Success assertion',
        `a bearer SubjectConfirmation with Recipient ${s.requested.acsUrl}`,
        bearer.map((c) => c.recipient ?? '(no Recipient)').join(', ') || 'no bearer SubjectConfirmation',
        WHERE.assertion.recipient,
      ),
    ];
  },
});

/** SAMLProf §4.1.4.2 / DT-RSP-03: the bearer SubjectConfirmationData's InResponseTo "MUST match the request's ID". */
export const BEARER_IN_RESPONSE_TO = condition<Succeeded>({
  id: 'bearer-inresponseto',
  requirements: ['SAMLProf-4.1.4.2', 'DT-RSP-03'],
  judge: (s) => {
    const set = acsBearers(s);
    if (set.length === 0) return [noAcsBearer(s)];
    return set.map((c) =>
      equals(
        'SubjectConfirmationData InResponseTo',
        c.inResponseTo,
        s.requestId,
        WHERE.assertion.subjectConfirmationInResponseTo,
      ),
    );
  },
});

/** SAMLProf §4.1.4.2 / DT-RSP-03: the bearer SubjectConfirmationData "MUST NOT contain a NotBefore attribute". */
export const BEARER_NO_NOT_BEFORE = condition<ForRequest>({
  id: 'bearer-no-notbefore',
  requirements: ['SAMLProf-4.1.4.2', 'DT-RSP-03'],
  judge: (s) => {
    const set = acsBearers(s);
    if (set.length === 0) return [noAcsBearer(s)];
    return set.map((c) =>
      holds(
        c.notBefore === undefined,
        'SubjectConfirmationData NotBefore',
        'absent',
        show(c.notBefore),
        WHERE.assertion.subjectConfirmationNotBefore,
      ),
    );
  },
});

/**
 * The assertion is for the principal the request named (device-token UserId; nothing to judge where the
 * IdP picks the principal), whatever the letter case (the case rule is DT-RSP-02's own check).
 */
export const NAMEID_IS_PRINCIPAL = condition<ForRequest>({
  id: 'nameid-is-requested-principal',
  requirements: ['DT-RSP-02'],
  judge: ({ assertion: a, requested: q }) =>
    q.principal === undefined
      ? []
      : [
          holds(
            a.nameId?.value?.toLowerCase() === q.principal.toLowerCase(),
            'NameID of the Success assertion',
            `the principal the request named (${q.principal})`,
            a.nameId?.value ?? '(no NameID)',
            WHERE.assertion.nameId,
          ),
        ],
});

/** Every Success, in both profiles: the assertion is for this SP, this ACS and this principal. */
export const FOR_REQUESTED = [AUDIENCE_IS_REQUESTER, RECIPIENT_IS_ACS, NAMEID_IS_PRINCIPAL] as const;
