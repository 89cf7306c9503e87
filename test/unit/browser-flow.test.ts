/**
 * The browser follower's endings that the Single Logout refusals tell apart (specs/saml-web-sso/slo.spec.ts):
 * a flow cut at its step limit says so (stepLimit), so a redirect loop is never read as an IdP error page.
 */
import { expect } from 'chai';
import { runBrowserFlow } from '../../src/harness/roles/client/browser-flow';
import type { HttpResponse } from '../../src/harness/roles/client/http';
import type { UserAgent } from '../../src/harness/roles/client/user-agent';

const IDP = 'http://idp.test';

function answer(url: string, status: number, headers: Record<string, string>, body = ''): HttpResponse {
  return { url, status, headers, setCookies: [], body, truncated: false, durationMs: 0 };
}

/** A user agent whose every request is answered by `reply`. */
function agent(reply: (url: string) => HttpResponse): UserAgent {
  return { send: async (_m: string, url: string) => reply(url) } as unknown as UserAgent;
}

describe('browser flow endings', () => {
  it('a redirect loop ends at the step limit, flagged as such (no page to judge)', async () => {
    const loop = (url: string) => answer(url, 302, { location: `${IDP}/loop?n=${url.length}` });
    const ua = agent(loop);
    const r = await runBrowserFlow(() => ua.send('GET', `${IDP}/slo`), {
      ua,
      idpOrigins: new Set([IDP]),
      acsUrls: new Set(),
      maxSteps: 5,
    });
    expect(r.stepLimit).to.equal(true);
    expect(r.hops).to.have.length(5);
    expect(r.failure).to.equal(undefined);
    expect(r.delivery).to.equal(undefined);
  });

  it('an error page ends the flow without the step-limit flag', async () => {
    const ua = agent((url) =>
      url.endsWith('/slo')
        ? answer(url, 302, { location: `${IDP}/error` })
        : answer(url, 400, { 'content-type': 'text/html' }, '<html><body>refused</body></html>'),
    );
    const r = await runBrowserFlow(() => ua.send('GET', `${IDP}/slo`), {
      ua,
      idpOrigins: new Set([IDP]),
      acsUrls: new Set(),
      maxSteps: 5,
    });
    expect(r.stepLimit).to.equal(undefined);
    expect(r.lastStatus).to.equal(400);
    expect(r.pages.at(-1)?.url).to.equal(`${IDP}/error`);
  });

  it('a third intermediate hidden-field form is a step not followed: the flow ends flagged stepLimit', async () => {
    let n = 0;
    const bounce = (url: string) =>
      answer(
        url,
        200,
        { 'content-type': 'text/html' },
        `<html><body><form method="post" action="${IDP}/bounce/${++n}"><input type="hidden" name="s" value="${n}"></form></body></html>`,
      );
    const ua = agent(bounce);
    const r = await runBrowserFlow(() => ua.send('GET', `${IDP}/sso`), {
      ua,
      idpOrigins: new Set([IDP]),
      acsUrls: new Set(),
      maxSteps: 12,
    });
    expect(r.hops).to.have.length(3);
    expect(r.stepLimit).to.equal(true);
    expect(r.delivery).to.equal(undefined);
  });
});
