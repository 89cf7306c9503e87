/**
 * Review of issue 10: the SDP-IDP32 control (a request signed by a key of neither certificate) is BLOCKED
 * by SDP-IDP05's finding when it was served, and BLOCKED without a FAIL when it ended neither refused nor
 * served (a login form, a navigation not followed, an oversize page); no answer is ERROR (a HarnessError).
 * And an extra SP entity whose registration failed is not memoized: the next check registers afresh; one
 * is memoized per entity and options, and a release policy is sent only under capabilities.spReleasePolicy.
 */
import { expect } from 'chai';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  expectControlRefused,
  expectRefusal,
  expectRefusalAgainst,
  expectRefused,
} from '../../src/harness/checks/outcomes';
import { Blocked, ConformanceFailure, NotApplicable, Verdict } from '../../src/harness/checks/verdict';
import { HarnessError, type CheckDef } from '../../src/harness/types';
import { registerExtraEntity } from '../../src/harness/roles/sp-registration';
import type { RunContext } from '../../src/harness/run-context';
import type { Answer } from '../../src/harness/checks/outcomes';
import type { VerifyResult } from '../../src/harness/roles/gateway/verifier';

const ROOT = 'SDP-IDP05-redirect-unknown-key';
const DEF = {
  id: 'SDP-IDP32-key-rollover',
  requirements: ['SDP-IDP32'],
  level: 'MUST',
} as unknown as CheckDef;

function answer(over: Partial<Answer>): Answer {
  return {
    pages: [],
    hops: [],
    loginFormShown: false,
    loggedIn: false,
    postedToGateway: false,
    request: { id: '_r' },
    ...over,
  };
}

function delivered(statusCode: string, assertions: number, trusted = false): Answer {
  const verify = {
    accepted: trusted,
    findings: [],
    response: {
      statusCode: `urn:oasis:names:tc:SAML:2.0:status:${statusCode}`,
      assertionCount: assertions,
      encryptedAssertionCount: 0,
    },
    ...(trusted ? { assertion: { attributes: [] } } : {}),
  } as unknown as VerifyResult;
  return answer({
    delivery: {
      via: 'post-form',
      action: 'http://127.0.0.1:1/acs',
      fields: {},
    } as unknown as Answer['delivery'],
    postedToGateway: true,
    lastStatus: 200,
    verify,
  });
}

/** What `judge` threw, or `ok` when it returned. */
function thrown(judge: () => void, ok: string): unknown {
  try {
    judge();
    return ok;
  } catch (e) {
    return e;
  }
}

function judged(control: Answer): unknown {
  return thrown(() => expectControlRefused(new Verdict(DEF), control, ROOT), 'refused');
}

describe('SDP-IDP32 control: BLOCKED when served or inconclusive, ERROR without an answer, FAIL only for a wrong answer', () => {
  it('a timeout is a HarnessError (ERROR), not BLOCKED and not a FAIL', () => {
    const e = judged(
      answer({ failure: { reason: 'timeout', message: 'no answer within 5000 ms', url: 'http://idp/sso' } }),
    );
    expect(e).to.be.instanceOf(HarnessError);
    expect((e as HarnessError).code).to.equal('ERR_TIMEOUT');
  });

  it('a connection refused is a HarnessError (ERR_TARGET_UNREACHABLE)', () => {
    const e = judged(
      answer({ failure: { reason: 'refused', message: 'ECONNREFUSED', url: 'http://idp/sso' } }),
    );
    expect((e as HarnessError).code).to.equal('ERR_TARGET_UNREACHABLE');
  });

  it('a served control (a trusted Success) is BLOCKED by SDP-IDP05, with the FAIL it would give', () => {
    const e = judged(delivered('Success', 1, true));
    expect(e).to.be.instanceOf(Blocked);
    expect((e as Blocked).root).to.equal(ROOT);
    expect((e as Blocked).original).to.be.instanceOf(ConformanceFailure);
  });

  it('a Success whose assertion the gateway does not trust is served too: BLOCKED', () => {
    expect(judged(delivered('Success', 1))).to.be.instanceOf(Blocked);
  });

  it('an error Response without Assertion and an error page are refusals', () => {
    expect(judged(delivered('Requester', 0))).to.equal('refused');
    const page = { url: 'http://idp/sso', status: 403, headers: {}, body: 'denied', page: { forms: [] } };
    expect(judged(answer({ lastStatus: 403, pages: [page] as unknown as Answer['pages'] }))).to.equal(
      'refused',
    );
  });

  it('a flow that ends at the login form did not establish the refusal: BLOCKED by SDP-IDP05, no FAIL to restore', () => {
    const page = {
      url: 'http://idp/login',
      status: 200,
      headers: {},
      body: '',
      page: { forms: [{ hasPassword: true }] },
    };
    const e = judged(answer({ lastStatus: 200, pages: [page] as unknown as Answer['pages'] }));
    expect(e).to.be.instanceOf(Blocked);
    expect((e as Blocked).root).to.equal(ROOT);
    expect((e as Blocked).original).to.equal(undefined);
  });

  it('a navigation the client did not follow, an oversize page and an invalid URL are BLOCKED too', () => {
    for (const control of [
      answer({ lastStatus: 302, foreignNavigation: 'https://elsewhere.test/' }),
      answer({
        failure: { reason: 'oversize', message: 'an answer larger than 1 bytes', url: 'http://idp/sso' },
      }),
      answer({
        failure: { reason: 'bad-url', message: 'the IdP sent an invalid URL', url: 'http://idp/sso' },
      }),
    ]) {
      const e = judged(control);
      expect(e).to.be.instanceOf(Blocked);
      expect((e as Blocked).original).to.equal(undefined);
    }
  });

  it('a flow stopped at the step limit is no refusal: BLOCKED as the control, ERR_UNJUDGEABLE as a negative', () => {
    const stopped = answer({ lastStatus: 200, stepLimit: true });
    const e = judged(stopped);
    expect(e).to.be.instanceOf(Blocked);
    expect((e as Blocked).original).to.equal(undefined);
    for (const judge of [
      () => expectRefusal(new Verdict(DEF), stopped),
      () => expectRefused(new Verdict(DEF), stopped, 'error-page'),
    ]) {
      const x = thrown(judge, 'refused');
      expect(x).to.be.instanceOf(HarnessError);
      expect((x as HarnessError).code).to.equal('ERR_UNJUDGEABLE');
    }
  });

  it('a negative judged against a control that got no answer is ERROR, not a FAIL of the check', () => {
    const control = answer({ failure: { reason: 'reset', message: 'ECONNRESET', url: 'http://idp/sso' } });
    const e = thrown(
      () => expectRefusalAgainst(new Verdict(DEF), control, answer({ lastStatus: 403 })),
      'judged',
    );
    expect(e).to.be.instanceOf(HarnessError);
    expect((e as HarnessError).code).to.equal('ERR_TARGET_UNREACHABLE');
  });

  it('a negative judged against a control stopped at the step limit is ERR_UNJUDGEABLE, not a FAIL', () => {
    const e = thrown(
      () =>
        expectRefusalAgainst(
          new Verdict(DEF),
          answer({ lastStatus: 200, stepLimit: true }),
          answer({ lastStatus: 403 }),
        ),
      'judged',
    );
    expect(e).to.be.instanceOf(HarnessError);
    expect((e as HarnessError).code).to.equal('ERR_UNJUDGEABLE');
  });

  it('an error Response the IdP got wrong (delivered to another ACS) is a FAIL of the check', () => {
    const wrong = { ...delivered('Requester', 0), postedToGateway: false };
    expect(judged(wrong)).to.be.instanceOf(ConformanceFailure);
  });
});

describe('registerExtraEntity does not memoize a failed registration', () => {
  let server: http.Server;
  let ctx: RunContext;
  let calls = 0;
  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls++;
        res.writeHead(calls === 1 ? 500 : 201, { 'content-type': 'text/plain' });
        res.end(calls === 1 ? 'try later' : 'ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  after(() => {
    server.close();
  });

  it('the first attempt fails with a coded error, the next one registers', async () => {
    const port = (server.address() as AddressInfo).port;
    ctx = {
      config: {
        capabilities: { spAdmin: true },
        idp: { admin: { baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k' } },
        gateway: { entityId: 'https://gateway.test/sp' },
        timeouts: { exchangeMs: 5000 },
      },
      gateway: { acsUrl: 'http://127.0.0.1:1/acs' },
      gatewayKey: { certPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' },
      memo: new Map(),
    } as unknown as RunContext;
    const e = await registerExtraEntity(ctx, { suffix: 'x' }, 'test').catch((x: unknown) => x);
    expect(e).to.be.instanceOf(HarnessError);
    expect((e as HarnessError).code).to.equal('ERR_TARGET_START');
    expect(await registerExtraEntity(ctx, { suffix: 'x' }, 'test')).to.equal('https://gateway.test/sp/x');
    expect(await registerExtraEntity(ctx, { suffix: 'x' }, 'test')).to.equal('https://gateway.test/sp/x');
    expect(calls).to.equal(2);
  });
});

describe('registerExtraEntity: options and the release-policy capability', () => {
  let server: http.Server;
  let ctx: RunContext;
  const urls: string[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      urls.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.writeHead(201).end('ok'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  after(() => {
    server.close();
  });
  const start = (spReleasePolicy: boolean) => {
    urls.length = 0;
    ctx = {
      config: {
        capabilities: { spAdmin: true, spReleasePolicy },
        idp: {
          admin: { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'k' },
        },
        gateway: { entityId: 'https://gateway.test/sp' },
        timeouts: { exchangeMs: 5000 },
      },
      gateway: { acsUrl: 'http://127.0.0.1:1/acs' },
      gatewayKey: { certPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' },
      memo: new Map(),
    } as unknown as RunContext;
  };

  it('sends no releaseIdentifiers without capabilities.spReleasePolicy: NOT_APPLICABLE naming it', async () => {
    start(false);
    const e = await registerExtraEntity(ctx, { suffix: 'w', releaseIdentifiers: [] }, 'test').catch(
      (x: unknown) => x,
    );
    expect(e).to.be.instanceOf(NotApplicable);
    expect((e as Error).message).to.contain('capabilities.spReleasePolicy');
    expect(urls).to.deep.equal([]);
  });

  it('sends the release policy with the capability', async () => {
    start(true);
    await registerExtraEntity(
      ctx,
      { suffix: 'w', releaseIdentifiers: ['subject-id', 'pairwise-id'] },
      'test',
    );
    expect(urls).to.deep.equal(['/service-providers?releaseIdentifiers=subject-id%2Cpairwise-id']);
  });

  it('registers once per entity and options; the same entity with other options is a coded spec bug', async () => {
    start(true);
    await registerExtraEntity(ctx, { suffix: 'a', subjectIdReq: 'any' }, 'test');
    await registerExtraEntity(ctx, { suffix: 'a', subjectIdReq: 'any' }, 'test');
    await registerExtraEntity(ctx, { suffix: 'b', subjectIdReq: 'any', releaseIdentifiers: [] }, 'test');
    expect(urls).to.have.length(2);
    const e = await registerExtraEntity(ctx, { suffix: 'a', subjectIdReq: 'subject-id' }, 'test').catch(
      (x: unknown) => x,
    );
    expect(e).to.be.instanceOf(HarnessError);
    expect((e as HarnessError).code).to.equal('ERR_INTERNAL');
    expect(urls).to.have.length(2);
  });
});
