import { ExchangeFailed, type HttpResponse, type NoAnswerReason } from './http';
import { formValue, parseHtml, type HtmlForm, type HtmlPage } from './html';
import type { UserAgent } from './user-agent';

/** How the IdP handed a SAML Response to the user agent. */
export interface Delivery {
  via: 'post-form' | 'redirect-query';
  /** Absolute URL the IdP sent the browser to. */
  action: string;
  method: string;
  fields: Record<string, string>;
  samlResponse?: string;
  relayState?: string;
  relayStatePresent: boolean;
  /** Field names in the form, in order (to check nothing but SAMLResponse/RelayState is sent). */
  fieldNames: string[];
}

export interface IdpPage {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  page: HtmlPage;
}

/** What a login request asked for: whose assertion, for which SP, delivered where. */
export interface Requested {
  spEntityId: string;
  acsUrl: string;
  /** The entityID of the IdP the request went to (its metadata's), which the Response must name as Issuer. */
  idpEntityId?: string;
  /** The principal the request names (device-token UserId); absent where the IdP picks it (web login). */
  principal?: string;
}

export interface FlowResult {
  pages: IdpPage[];
  /** A form with a password field was shown (interactive login). */
  loginFormShown: boolean;
  /** Credentials were submitted through a login form. */
  loggedIn: boolean;
  delivery?: Delivery;
  /** The delivery's action is one of the gateway's ACS URLs and the client posted it there. */
  postedToGateway: boolean;
  gatewayResponse?: HttpResponse;
  /** The last HTTP status the IdP answered with. */
  lastStatus?: number;
  /** The IdP did not answer (timeout or connection error) at some step. */
  failure?: { reason: NoAnswerReason | 'oversize' | 'bad-url'; message: string; url: string };
  /** Every IdP answer in order, redirects included (status, headers): what a token-leak check scans. */
  hops: { url: string; status: number; headers: Record<string, string> }[];
  /** A redirect or form to an origin that is neither the IdP's nor the gateway's: never followed. */
  foreignNavigation?: string;
  /**
   * The flow stopped with a step still to follow (maxSteps, or a third intermediate hidden-field form): it
   * ended nowhere the client could judge.
   */
  stepLimit?: boolean;
}

export interface BrowserFlowOptions {
  ua: UserAgent;
  /** Origins the client follows redirects and forms to (the IdP's). */
  idpOrigins: Set<string>;
  /** Exact URLs of the gateway's ACS: the only places a SAMLResponse is posted to. */
  acsUrls: Set<string>;
  credentials?: { username: string; password: string };
  maxSteps?: number;
  /**
   * Origins a redirect carrying a SAMLResponse is followed to instead of ending the flow as the
   * delivery (Single Logout: a session participant's LogoutResponse on its way back to the IdP).
   */
  passOnSamlResponseTo?: Set<string>;
}

function fieldsOf(form: HtmlForm): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of form.inputs) out[i.name] = i.value;
  return out;
}

function resolve(base: string, ref: string | undefined): string {
  return new URL(ref === undefined || ref === '' ? base : ref, base).toString();
}

function deliveryFromForm(pageUrl: string, form: HtmlForm): Delivery {
  const fields = fieldsOf(form);
  let action: string;
  try {
    action = resolve(pageUrl, form.action);
  } catch {
    action = String(form.action);
  }
  return {
    via: 'post-form',
    action,
    method: form.method,
    fields,
    samlResponse: fields.SAMLResponse,
    relayState: formValue(form, 'RelayState'),
    relayStatePresent: form.inputs.some((i) => i.name === 'RelayState'),
    fieldNames: form.inputs.map((i) => i.name),
  };
}

function deliveryFromRedirect(location: string): Delivery {
  const u = new URL(location);
  const fields: Record<string, string> = {};
  for (const [k, v] of u.searchParams) fields[k] = v;
  return {
    via: 'redirect-query',
    action: location,
    method: 'get',
    fields,
    samlResponse: fields.SAMLResponse,
    relayState: fields.RelayState,
    relayStatePresent: 'RelayState' in fields,
    fieldNames: Object.keys(fields),
  };
}

/**
 * Drives one browser step sequence from a first IdP request until the IdP hands over a SAML Response,
 * shows a page the client cannot go on from, or stops answering. Never runs scripts; posts a
 * SAMLResponse only to an exact gateway ACS URL.
 */
export async function runBrowserFlow(
  first: () => Promise<HttpResponse>,
  opts: BrowserFlowOptions,
): Promise<FlowResult> {
  const result: FlowResult = {
    pages: [],
    hops: [],
    loginFormShown: false,
    loggedIn: false,
    postedToGateway: false,
  };
  const maxSteps = opts.maxSteps ?? 12;
  let next: (() => Promise<HttpResponse>) | 'done' | undefined = first;
  let submittedCredentials = false;
  let hiddenSubmits = 0;

  for (let n = 0; next && n < maxSteps; n++) {
    let res: HttpResponse;
    try {
      res = await (next as () => Promise<HttpResponse>)();
    } catch (e) {
      if (e instanceof ExchangeFailed) {
        result.failure = { reason: e.reason, message: e.message, url: e.url ?? '' };
        return result;
      }
      throw e;
    }
    next = undefined;
    result.lastStatus = res.status;
    result.hops.push({ url: res.url, status: res.status, headers: res.headers });
    try {
      next = await step(res);
    } catch (e) {
      // A Location or form action that is no URL is the IdP's defect, judged as such.
      if ((e as NodeJS.ErrnoException).code !== 'ERR_INVALID_URL') throw e;
      result.failure = {
        reason: 'bad-url',
        message: `the IdP sent an invalid URL (${(e as { input?: string }).input ?? '?'})`,
        url: res.url,
      };
      return result;
    }
    if (next === 'done') return result;
  }
  if (next) result.stepLimit = true;
  return result;

  /** One answer: what to do next (a request), or 'done'. */
  async function step(res: HttpResponse): Promise<(() => Promise<HttpResponse>) | 'done' | undefined> {
    if (res.truncated) {
      // An answer this large is no SAML exchange: judge it as such instead of parsing a fragment.
      result.failure = {
        reason: 'oversize',
        message: `an answer larger than ${res.body.length} bytes (cut there)`,
        url: res.url,
      };
      return 'done';
    }

    if (res.status >= 300 && res.status < 400 && res.headers.location) {
      const location = resolve(res.url, res.headers.location);
      const loc = new URL(location);
      if (loc.searchParams.has('SAMLResponse') && !opts.passOnSamlResponseTo?.has(loc.origin)) {
        result.delivery = deliveryFromRedirect(location);
        return 'done';
      }
      if (!opts.idpOrigins.has(loc.origin)) {
        result.foreignNavigation = location;
        return 'done';
      }
      return () => opts.ua.send('GET', location, { label: 'redirect' });
    }

    const isHtml = (res.headers['content-type'] ?? '').includes('html') || /<form|<html/i.test(res.body);
    const page = isHtml ? parseHtml(res.body) : { forms: [], scripts: 0, interactive: 0 };
    result.pages.push({ url: res.url, status: res.status, headers: res.headers, body: res.body, page });

    const samlForm = page.forms.find((f) => f.inputs.some((i) => i.name === 'SAMLResponse'));
    if (samlForm) {
      const delivery = deliveryFromForm(res.url, samlForm);
      result.delivery = delivery;
      if (opts.acsUrls.has(delivery.action) && delivery.method === 'post') {
        const form: Record<string, string> = {};
        // Post what a browser would: every named field of the form.
        for (const i of samlForm.inputs) form[i.name] = i.value;
        try {
          result.gatewayResponse = await opts.ua.send('POST', delivery.action, {
            form,
            direction: 'client->gateway',
            label: 'SAMLResponse to the gateway ACS',
          });
          result.postedToGateway = true;
        } catch (e) {
          if (!(e instanceof ExchangeFailed)) throw e;
          result.failure = { reason: e.reason, message: `gateway: ${e.message}`, url: delivery.action };
        }
      }
      return 'done';
    }

    const loginForm = page.forms.find((f) => f.hasPassword);
    if (loginForm) {
      result.loginFormShown = true;
      if (!opts.credentials || submittedCredentials) return 'done';
      const action = resolve(res.url, loginForm.action);
      if (!opts.idpOrigins.has(new URL(action).origin)) {
        result.foreignNavigation = action;
        return 'done';
      }
      const form = fieldsOf(loginForm);
      const userField = loginForm.inputs.find(
        (i) => ['text', 'email'].includes(i.type) && i.type !== 'password',
      );
      const passField = loginForm.inputs.find((i) => i.type === 'password');
      if (userField) form[userField.name] = opts.credentials.username;
      if (passField) form[passField.name] = opts.credentials.password;
      submittedCredentials = true;
      result.loggedIn = true;
      return () =>
        loginForm.method === 'post'
          ? opts.ua.send('POST', action, { form, label: 'login form' })
          : opts.ua.send('GET', `${action.split('?')[0]}?${new URLSearchParams(form)}`, {
              label: 'login form',
            });
    }

    // An intermediate page whose only form has hidden fields (some IdPs bounce through one).
    const hiddenOnly = page.forms.find(
      (f) => f.inputs.length > 0 && f.inputs.every((i) => i.type === 'hidden'),
    );
    if (hiddenOnly && hiddenSubmits >= 2) {
      // Past the cap the flow stops with a step it did not follow: it ended nowhere (stepLimit).
      result.stepLimit = true;
      return 'done';
    }
    if (hiddenOnly) {
      hiddenSubmits++;
      const action = resolve(res.url, hiddenOnly.action);
      if (!opts.idpOrigins.has(new URL(action).origin)) {
        result.foreignNavigation = action;
        return 'done';
      }
      const form = fieldsOf(hiddenOnly);
      return () =>
        hiddenOnly.method === 'post'
          ? opts.ua.send('POST', action, { form, label: 'intermediate form' })
          : opts.ua.send('GET', `${action.split('?')[0]}?${new URLSearchParams(form)}`, {
              label: 'intermediate form',
            });
    }
    return undefined;
  }
}
