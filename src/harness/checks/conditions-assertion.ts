/**
 * What a Success assertion carries, as named conditions shared by both profiles where the rule is the
 * same: the Conditions validity window (saml-web-sso SAMLCore-2.5.1.2, device-token DT-RSP-04), the
 * AuthnInstant and SessionIndex (SAMLProf-4.1.4.2, DT-RSP-05), distinct message IDs (SAMLCore-1.3.4,
 * DT-RSP-09), and the issue times of the answer.
 */
import type { AssertionInfo, ResponseInfo } from '../roles/gateway/verifier';
import { WHERE } from '../roles/gateway/verifier-types';
import { POLICY } from './policy';
import { condition, equals, holds, type Expectation } from './conditions';

/** An assertion judged at a time (the harness clock when the check judges it). */
export interface AssertionAt {
  assertion: AssertionInfo;
  now: Date;
}

/**
 * SAMLCore §2.5.1.2 / DT-RSP-04: the time of delivery is inside the Conditions window, within the skew
 * (a bound that is absent does not limit; CONDITIONS_BOUNDED requires both where a profile does).
 */
export const CONDITIONS_WINDOW = condition<AssertionAt>({
  id: 'conditions-window',
  requirements: ['SAMLCore-2.5.1.2', 'DT-RSP-04'],
  judge: ({ assertion: a, now }) => {
    const t = now.getTime();
    const nb = a.conditions?.notBefore;
    const nooa = a.conditions?.notOnOrAfter;
    return [
      holds(
        nb === undefined || Date.parse(nb) <= t + POLICY.skewMs,
        'Conditions NotBefore',
        'not after now + skew',
        String(nb),
        WHERE.assertion.conditionsNotBefore,
      ),
      holds(
        nooa === undefined || Date.parse(nooa) > t - POLICY.skewMs,
        'Conditions NotOnOrAfter',
        'after now - skew',
        String(nooa),
        WHERE.assertion.conditionsNotOnOrAfter,
      ),
    ];
  },
});

/** DT-RSP-04: Conditions carry both NotBefore and NotOnOrAfter. */
export const CONDITIONS_BOUNDED = condition<AssertionAt>({
  id: 'conditions-bounded',
  requirements: ['DT-RSP-04'],
  judge: ({ assertion: a }) => [
    holds(
      !!a.conditions?.notBefore,
      'Conditions NotBefore',
      'present',
      'absent',
      WHERE.assertion.conditionsNotBefore,
    ),
    holds(
      !!a.conditions?.notOnOrAfter,
      'Conditions NotOnOrAfter',
      'present',
      'absent',
      WHERE.assertion.conditionsNotOnOrAfter,
    ),
  ],
});

/** SAMLProf §4.1.4.2 (an IdP that supports Single Logout) / DT-RSP-05: the AuthnStatement has a SessionIndex. */
export const SESSION_INDEX = condition<AssertionInfo>({
  id: 'session-index',
  requirements: ['SAMLProf-4.1.4.2', 'DT-RSP-05'],
  judge: (a) => [
    holds(
      !!a.authnStatements[0]?.sessionIndex,
      'SessionIndex',
      'present',
      'absent',
      WHERE.assertion.sessionIndex,
    ),
  ],
});

/** SAMLCore §1.3.4 / DT-RSP-09: the Response and Assertion IDs of several answers are all distinct. */
export const IDS_DISTINCT = condition<readonly string[]>({
  id: 'ids-distinct',
  requirements: ['SAMLCore-1.3.4', 'DT-RSP-09'],
  judge: (ids) => [equals('distinct IDs', new Set(ids).size, ids.length, WHERE.assertion.id)],
});

/** A login's time span: from its first request to the moment the check judges it. */
export interface During {
  from: Date;
  to: Date;
}

/** A time of the answer lies in the login's span, within the skew either way. */
function during(what: string, t: string | undefined, { from, to }: During, where?: string): Expectation {
  const ms = Date.parse(t ?? '');
  const lo = from.getTime() - POLICY.skewMs;
  const hi = to.getTime() + POLICY.skewMs;
  return holds(
    Number.isFinite(ms) && ms >= lo && ms <= hi,
    what,
    `between ${new Date(lo).toISOString()} and ${new Date(hi).toISOString()}`,
    String(t),
    where,
  );
}

/** SAMLProf §4.1.4.2, SAMLCore §2.7.2 / DT-RSP-05: AuthnInstant is the time of the login just made. */
export const AUTHN_INSTANT = condition<{ assertion: AssertionInfo } & During>({
  id: 'authn-instant',
  requirements: ['SAMLProf-4.1.4.2', 'SAMLCore-2.7.2', 'DT-RSP-05'],
  judge: (x) => [
    during('AuthnInstant', x.assertion.authnStatements[0]?.authnInstant, x, WHERE.assertion.authnInstant),
  ],
});

/** SAMLCore §1.3.3 with SDP-G01: the Response and the Assertion were issued during the login. */
export const ISSUE_INSTANTS = condition<{ response: ResponseInfo; assertion: AssertionInfo } & During>({
  id: 'issue-instants',
  requirements: ['SAMLCore-1.3.3', 'SDP-G01'],
  judge: (x) => [
    during('Response IssueInstant', x.response.issueInstant, x, WHERE.response.issueInstant),
    during('Assertion IssueInstant', x.assertion.issueInstant, x, WHERE.assertion.issueInstant),
  ],
});
