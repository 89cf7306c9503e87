/**
 * Issue 9 items 1 and 4 as units: the control login's diagnosis (what the IdP said, the likely cause),
 * the trust precondition it calibrates, and BLOCKED through the verdict, the runner and every report.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { judgeControl, type ControlAnswer, type ControlContext } from '../../src/harness/diagnosis';
import { metadataProblem } from '../../src/harness/preflight';
import { parseIdpMetadata } from '../../src/harness/targets/idp-metadata';
import { trustPrecondition } from '../../src/harness/checks/preconditions';
import { Blocked, ConformanceFailure, Verdict } from '../../src/harness/checks/verdict';
import { exitCodeOf } from '../../src/harness/runner';
import { settleBlocked } from '../../src/harness/root-causes';
import { blockedOriginals } from '../../src/harness/scenario';
import { formatConsoleSummary, summarize } from '../../src/harness/reporting/summary';
import { junitXml } from '../../src/harness/reporting/junit';
import { toConformanceJson } from '../../src/harness/reporting/json';
import { buildMatrix, matrixMarkdown } from '../../src/harness/reporting/matrix';
import type { VerifyResult } from '../../src/harness/roles/gateway/verifier';
import type { FindingCode } from '../../src/harness/findings';
import type { CheckDef, CheckResult, Outcome, RunReport } from '../../src/harness/types';

const CTX: ControlContext = {
  profile: 'saml-web-sso',
  spEntityId: 'https://gateway.test/sp',
  acsUrl: 'http://127.0.0.1:7400/acs',
  username: 'alice',
  now: new Date('2030-01-01T12:00:00Z'),
};

function answer(over: Partial<ControlAnswer>): ControlAnswer {
  return { pages: [], hops: [], loginFormShown: false, loggedIn: false, postedToGateway: false, ...over };
}

function page(status: number, body: string) {
  return {
    url: 'http://idp/sso',
    status,
    headers: {},
    body,
    page: { forms: [], scripts: 0, interactive: 0 },
  };
}

const delivered = (verify: VerifyResult, action = CTX.acsUrl) =>
  answer({
    delivery: {
      via: 'post-form',
      action,
      method: 'post',
      fields: {},
      relayStatePresent: false,
      fieldNames: ['SAMLResponse'],
    },
    postedToGateway: action === CTX.acsUrl,
    verify,
    loggedIn: true,
    loginFormShown: true,
  });

const response = (over: Partial<NonNullable<VerifyResult['response']>> = {}) => ({
  assertionCount: 1,
  encryptedAssertionCount: 0,
  signed: true,
  trusted: true,
  hasDoctype: false,
  statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  issueInstant: CTX.now.toISOString(),
  ...over,
});

describe('preflight and root causes (issue 9, items 1 and 4)', () => {
  describe('metadata that is no IdP metadata', () => {
    it('names an HTML page with its title and text, SP metadata, and any other XML root', () => {
      const html = parseIdpMetadata(
        '<!doctype html><html><head><title>Portal</title></head><body><p>Sign in</p></body></html>',
        'u',
      );
      html.contentType = 'text/html; charset=utf-8';
      expect(metadataProblem(html)?.what).to.equal(
        'an HTML page (text/html) titled "Portal": "Sign in", not SAML metadata',
      );
      const sp = parseIdpMetadata(
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>',
        'u',
      );
      expect(metadataProblem(sp)?.what).to.match(
        /entityID https:\/\/sp\) without an md:IDPSSODescriptor \(it has md:SPSSODescriptor\): that is SP metadata/,
      );
      expect(
        metadataProblem(parseIdpMetadata('<feed xmlns="http://www.w3.org/2005/Atom"/>', 'u'))?.what,
      ).to.match(/root is <feed>/);
      expect(metadataProblem(parseIdpMetadata('{"json": true}', 'u'))?.what).to.match(
        /not acceptable XML metadata/,
      );
    });
  });

  describe('the control login', () => {
    it('passes on a Success Response at the ACS, whatever it holds (the checks judge that)', () => {
      const v = judgeControl(
        delivered({
          accepted: false,
          findings: [{ code: 'S-13', severity: 'reject', message: 'x' }],
          response: response(),
        }),
        CTX,
      );
      expect(v.ok).to.equal(true);
    });

    it('the login form again after the password: wrong credentials, quoting the page', () => {
      const v = judgeControl(
        answer({
          loginFormShown: true,
          loggedIn: true,
          pages: [page(200, '<form><p class=err>Wrong password</p><input type=password name=p></form>')],
        }),
        CTX,
      );
      expect(v.diagnosis).to.match(
        /^wrong credentials: after login\.form \(username "alice"\) was submitted, the IdP showed the login form again "Wrong password" — check login\.form/,
      );
    });

    it("the IdP's error page: the SP or its ACS is not registered", () => {
      const v = judgeControl(
        answer({ lastStatus: 400, pages: [page(400, '<h1>Error</h1><p>unknown Issuer</p>')] }),
        CTX,
      );
      expect(v.diagnosis).to.match(
        /with HTTP 400 and no SAMLResponse "Error unknown Issuer" — likely cause: the SP https:\/\/gateway\.test\/sp or its ACS http:\/\/127\.0\.0\.1:7400\/acs is not registered/,
      );
    });

    it('an error Response: its status and message; another ACS URL: the registration', () => {
      const err = judgeControl(
        delivered({
          accepted: false,
          findings: [],
          response: response({
            statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
            statusSubCode: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
            statusMessage: 'not for you',
          }),
        }),
        CTX,
      );
      expect(err.diagnosis).to.match(
        /error Response: Requester\/RequestDenied, StatusMessage "not for you" — likely cause: the IdP refuses this SP or this user/,
      );
      const other = judgeControl(
        delivered({ accepted: false, findings: [], response: response() }, 'http://elsewhere/acs'),
        CTX,
      );
      expect(other.diagnosis).to.match(
        /sent the Response to http:\/\/elsewhere\/acs, not to gateway\.acsUrl/,
      );
    });

    it('clock skew only when the whole clock is off (IssueInstant and the validity window), not one bad time', () => {
      const later = new Date(CTX.now.getTime() + 2 * 3600_000).toISOString();
      const window = {
        code: 'S-25' as const,
        severity: 'reject' as const,
        message: 'Conditions NotBefore is in the future',
      };
      const skewed = judgeControl(
        delivered({ accepted: false, findings: [window], response: response({ issueInstant: later }) }),
        CTX,
      );
      expect(skewed.diagnosis).to.match(
        /^clock skew: the IdP's clock is about 2 h 0 min ahead of this machine's/,
      );
      // response-issueinstant-skewed: only IssueInstant is off → a finding for SAMLCore-1.3.3, not a setup error.
      const one = judgeControl(
        delivered({ accepted: false, findings: [], response: response({ issueInstant: later }) }),
        CTX,
      );
      expect(one.ok).to.equal(true);
    });
  });

  describe('the trust precondition the control calibrates', () => {
    const verify = (codes: FindingCode[], trusted = false): VerifyResult => ({
      accepted: false,
      findings: codes.map((code) => ({
        code,
        severity: 'reject' as const,
        message: `${code} m`,
        actual: '1 certificate(s), none usable',
      })),
      response: response(),
      ...(trusted ? { assertion: {} as never } : {}),
    });
    it('no usable key → the metadata key check; signatures that do not verify → the signature check', () => {
      expect(trustPrecondition('saml-web-sso', verify(['S-13']), 1)?.root).to.equal('SDP-MD06-key-size');
      expect(trustPrecondition('saml-web-sso', verify(['S-13']), 0)?.root).to.equal(
        'SDP-MD08-signing-certificate',
      );
      expect(trustPrecondition('device-token', verify(['S-13']), 1)?.root).to.equal('DT-MD-01-idp-metadata');
      expect(trustPrecondition('saml-web-sso', verify(['S-15']), 1)?.root).to.equal(
        'SAMLProf-4.1.4.5-signatures-verify',
      );
      expect(trustPrecondition('device-token', verify(['S-15']), 1)?.root).to.equal(
        'DT-SIG-07-response-signature',
      );
    });
    it('nothing when the Assertion was trusted, or untrusted for another reason', () => {
      expect(trustPrecondition('saml-web-sso', verify(['S-13'], true), 1)).to.equal(undefined);
      expect(trustPrecondition('saml-web-sso', verify(['S-08']), 1)).to.equal(undefined);
    });
  });

  describe('BLOCKED', () => {
    const def: CheckDef = {
      id: 'X-1-a',
      profile: 'saml-web-sso',
      family: 'response',
      level: 'MUST',
      requirements: ['X-1'],
      title: 't',
    };
    const res = (id: string, outcome: Outcome, over: Partial<CheckResult> = {}): CheckResult => ({
      ...def,
      id,
      outcome,
      message: `${id} ${outcome}`,
      durationMs: 1,
      evidence: [],
      ...over,
    });

    it('a variant check is BLOCKED only when no variant failed on its own', async () => {
      const v = new Verdict(def);
      const blocked = () => Promise.reject(new Blocked('ROOT-1', 'no key'));
      let e: unknown = await v
        .variants(
          [
            ['a', 1],
            ['b', 2],
          ],
          (c) => (c === 1 ? blocked() : Promise.resolve()),
        )
        .catch((x) => x);
      expect(e).to.be.instanceOf(Blocked);
      e = await v
        .variants(
          [
            ['a', 1],
            ['b', 2],
          ],
          (c) => (c === 1 ? blocked() : Promise.reject(v.failure('w', 'x', 'y'))),
        )
        .catch((x) => x);
      expect(e).to.be.instanceOf(ConformanceFailure);
    });

    it('the root lists what it blocked; a BLOCKED whose root passed gets its own verdict back', () => {
      blockedOriginals.set('B-3', {
        outcome: 'FAIL',
        message: 'B-3 own failure',
        expected: 'x',
        actual: 'y',
      });
      const rs = [
        res('ROOT-1', 'FAIL'),
        res('B-1', 'BLOCKED', { blockedBy: 'ROOT-1' }),
        res('B-2', 'BLOCKED', { blockedBy: 'ROOT-1' }),
        res('ROOT-2', 'PASS'),
        res('B-3', 'BLOCKED', { blockedBy: 'ROOT-2' }),
      ];
      settleBlocked(rs);
      expect(rs[0]?.blocks).to.deep.equal(['B-1', 'B-2']);
      expect(rs[4]).to.include({ outcome: 'FAIL', expected: 'x', actual: 'y' });
      expect(rs[4]?.blockedBy).to.equal(undefined);
      expect(rs[4]?.message).to.match(/^B-3 own failure \(not BLOCKED: ROOT-2 did not fail in this run\)$/);
      blockedOriginals.clear();
    });

    it('counts only through its root: FAIL root → 1, KNOWN root → 0, root not in the run → 2; never a PASS', () => {
      const b = res('B-1', 'BLOCKED', { blockedBy: 'ROOT-1' });
      expect(exitCodeOf([res('ROOT-1', 'FAIL'), b])).to.equal(1);
      expect(exitCodeOf([res('ROOT-1', 'KNOWN'), b])).to.equal(0);
      expect(exitCodeOf([res('P', 'PASS'), b])).to.equal(2);
      expect(summarize([res('ROOT-1', 'FAIL'), b])).to.include({ PASS: 0, FAIL: 1, BLOCKED: 1 });
    });

    it('every report shows the root failure once with what it blocked', () => {
      const rs = [
        res('ROOT-1', 'FAIL', { expected: 'RSA ≥ 2048', actual: 'rsa 1024' }),
        res('B-1', 'BLOCKED', { blockedBy: 'ROOT-1', message: 'blocked by ROOT-1: no usable key' }),
        res('B-2', 'BLOCKED', { blockedBy: 'ROOT-1', message: 'blocked by ROOT-1: no usable key' }),
      ];
      settleBlocked(rs);
      const report: RunReport = {
        schemaVersion: 2,
        harness: { name: 'idp-conformance', version: '0', node: 'v20' },
        target: { name: 'idp' },
        profiles: ['saml-web-sso'],
        startedAt: '2030-01-01T00:00:00.000Z',
        durationMs: 1,
        strict: false,
        summary: summarize(rs),
        results: rs,
        exitCode: exitCodeOf(rs),
      };
      const text = formatConsoleSummary(report);
      expect(text.match(/^FAIL /gm)).to.have.length(1);
      expect(text).to.match(
        /FAIL\s+ROOT-1 [^\n]*\n([^\n]*\n)?\s+↳ blocks 2 checks \(BLOCKED, not judged\): B-1, B-2/,
      );
      expect(text).to.include('BLOCKED 2');
      const json = toConformanceJson(report);
      expect(json.schemaVersion).to.equal(2);
      expect(json.summary.BLOCKED).to.equal(2);
      expect(json.results[0]?.blocks).to.deep.equal(['B-1', 'B-2']);
      expect(json.results[1]?.blockedBy).to.equal('ROOT-1');
      const junit = junitXml(report);
      expect(junit.match(/<failure /g)).to.have.length(1);
      expect(junit).to.include('blocks 2 checks: B-1, B-2');
      expect(junit).to.match(/<skipped message="BLOCKED blocked by ROOT-1: no usable key" type="BLOCKED"\/>/);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idpc-blocked-'));
      try {
        const file = path.join(dir, 'conformance.json');
        fs.writeFileSync(file, JSON.stringify(json));
        const md = matrixMarkdown(buildMatrix([file]));
        expect(md).to.include('| `ROOT-1` | MUST | FAIL (blocks 2) |');
        expect(md).to.include('| `B-1` | MUST | BLOCKED by ROOT-1 |');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
