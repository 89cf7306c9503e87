/**
 * Preflight (issue 9, item 1): before a profile's checks, make sure the run can mean something. The IdP
 * metadata must be IdP metadata (not an HTML page, not SP metadata); then one control login per profile
 * must work. A setup mistake (wrong URL, wrong password, an SP the IdP does not know, clocks apart) is
 * then one line with what came back and the fix (exit 2), never dozens of FAILs blamed on the IdP.
 * `--no-preflight` skips all of it (the raw run).
 */
import { HarnessError, type EvidenceItem, type PreflightResult, type ProfileId } from './types';
import { loadIdpMetadata, type IdpMetadata } from './targets/idp-metadata';
import path from 'node:path';
import type { Redactor } from './evidence/redact';
import type { TargetConfig } from './targets/config-types';
import type { RunContext } from './run-context';
import { webLogin } from './roles/web-login';
import { dtTarget, dtToken } from './roles/tenant';
import { silentLogin } from './roles/silent-login';
import { NotApplicable } from './checks/verdict';
import { trustPrecondition } from './checks/preconditions';
import { judgeControl, type ControlAnswer } from './diagnosis';
import { withEvidence } from './evidence/context';
import { writeEvidence } from './evidence/transcript';
import { duringCheck } from './liveness';
import { pageTitle, visibleText } from './roles/client/html';

function looksLikeHtml(md: IdpMetadata): boolean {
  if (/html/i.test(md.contentType ?? '')) return true;
  if (/^html$/i.test(md.rootName ?? '')) return true;
  return /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!doctype\s+html|<html[\s>])/i.test(md.xml);
}

/**
 * What came back instead of IdP metadata, in a few words with a quote, or undefined when the document is
 * IdP metadata (an EntityDescriptor with an IDPSSODescriptor). Its content (endpoints, keys) is judged by
 * the metadata checks, not here.
 */
export function metadataProblem(md: IdpMetadata): { what: string; fix: string } | undefined {
  const ct = md.contentType ? ` (${(md.contentType.split(';')[0] ?? '').trim()})` : '';
  const fix =
    "point it at the IdP's SAML 2.0 metadata document (an md:EntityDescriptor with an md:IDPSSODescriptor), e.g. the metadata URL the IdP's admin console shows";
  if (looksLikeHtml(md)) {
    const title = pageTitle(md.xml);
    const text = visibleText(md.xml);
    return {
      what: `an HTML page${ct}${title ? ` titled "${title}"` : ''}${text ? `: "${text}"` : ''}, not SAML metadata`,
      fix,
    };
  }
  if (md.parseError) {
    const text = md.xml.replace(/\s+/g, ' ').trim().slice(0, 80);
    return {
      what: `a document that is not acceptable XML metadata${ct} (${md.parseError})${text ? `: "${text}"` : ''}`,
      fix,
    };
  }
  if (!md.roles) {
    return { what: `XML whose root is <${md.rootName ?? '?'}>, not an md:EntityDescriptor${ct}`, fix };
  }
  if (!md.hasIdpSsoDescriptor) {
    const roles = md.roles.length ? md.roles.map((r) => `md:${r}`).join(', ') : 'no role descriptor';
    const sp = md.roles.includes('SPSSODescriptor');
    return {
      what: `an md:EntityDescriptor${md.entityId ? ` (entityID ${md.entityId})` : ''} without an md:IDPSSODescriptor (it has ${roles})${sp ? ': that is SP metadata' : ''}`,
      fix,
    };
  }
  return undefined;
}

/**
 * The target's IdP metadata (idp.metadata), checked to be IdP metadata unless `preflight` is off. When
 * loading or the check fails (exit 2, no verdict) what came back (the HTTP exchange and the document) is
 * written to evidence/preflight-metadata/ under the report dir, and the error names that folder.
 */
export async function loadTargetMetadata(
  config: TargetConfig,
  reportDir: string,
  redactor: Redactor,
  preflight: boolean,
): Promise<IdpMetadata> {
  const evidence: EvidenceItem[] = [];
  try {
    const md = await loadIdpMetadata(config.idp.metadata, config.timeouts.exchangeMs, evidence);
    if (preflight) preflightMetadata(md, 'idp.metadata');
    return md;
  } catch (e) {
    if (!(e instanceof HarnessError) || evidence.length === 0) throw e;
    const files = writeEvidence(reportDir, 'preflight-metadata', evidence, redactor);
    const where = path.join(reportDir, ...path.posix.dirname(files[0] ?? 'evidence/x').split('/'));
    throw new HarnessError(e.code, `${e.message} (what came back: ${where}${path.sep})`, e.hint);
  }
}

/** Preflight, metadata: exit 2 (ERR_METADATA) with what came back and the fix when it is no IdP metadata. */
export function preflightMetadata(md: IdpMetadata, field: string): void {
  const p = metadataProblem(md);
  if (!p) return;
  const from = /^https?:\/\//.test(md.source) ? `${md.source} answered` : `${md.source} holds`;
  throw new HarnessError('ERR_METADATA', `${field}: ${from} ${p.what}`, p.fix);
}

/** What the preflight found, for the report; `stopReason` set when a control failed (the run stops). */
export interface PreflightOutcome {
  results: PreflightResult[];
  stopReason?: string;
}

interface Control {
  ok: boolean;
  diagnosis?: string;
  note?: string;
  answer?: ControlAnswer;
  /** What the control did, for the console: "HTTP-Redirect login as alice". */
  what: string;
}

async function webControl(s: RunContext): Promise<Control | { skipped: string }> {
  const bindings = (['redirect', 'post'] as const).filter((b) =>
    b === 'redirect' ? s.idp.ssoRedirect : s.idp.ssoPost,
  );
  if (bindings.length === 0)
    return { skipped: 'the IdP metadata lists no HTTP-Redirect or HTTP-POST SingleSignOnService' };
  const form = s.config.login?.form;
  let first: Control | undefined;
  // One working binding is enough: a binding the IdP refuses is for the checks to judge, not a setup error.
  for (const binding of bindings) {
    const now = s.now();
    const r = await webLogin(s, { binding });
    const what = `HTTP-${binding === 'redirect' ? 'Redirect' : 'POST'} login${form ? ` as ${form.username}` : ''}`;
    const verdict = judgeControl(r, {
      profile: 'saml-web-sso',
      spEntityId: r.request.issuer,
      acsUrl: s.gateway.acsUrl,
      username: form?.username,
      now,
    });
    const c: Control = { ok: verdict.ok, diagnosis: verdict.diagnosis, answer: r, what };
    if (c.ok) return c;
    first ??= c;
    if (s.liveness?.gone()) break;
  }
  return first!;
}

async function deviceTokenControl(s: RunContext): Promise<Control | { skipped: string }> {
  const t = await dtTarget(s);
  if (s.config.deviceToken?.metadata) preflightMetadata(t.idp, 'deviceToken.metadata');
  if (!t.idp.ssoPost)
    return { skipped: 'the device-token tenant metadata lists no HTTP-POST SingleSignOnService' };
  let token: string;
  try {
    token = (await dtToken(s, 'valid')).token;
  } catch (e) {
    if (e instanceof NotApplicable) return { skipped: e.reason };
    throw e;
  }
  const now = s.now();
  const r = await silentLogin(s, { token });
  const caps = s.config.capabilities;
  const verdict = judgeControl(r, {
    profile: 'device-token',
    spEntityId: s.config.gateway.entityId,
    acsUrl: s.gateway.acsUrl,
    now,
    harnessMadeSetup: caps.tokenAdmin && caps.spAdmin && !!t.admin,
  });
  return {
    ok: verdict.ok,
    diagnosis: verdict.diagnosis,
    note: verdict.note,
    answer: r,
    what: 'silent login with a valid token',
  };
}

/**
 * Preflight, control logins: one per profile, before its checks. A failed control stops the run (no
 * per-check verdicts, exit 2) with the diagnosis; a passed one calibrates the preconditions the checks
 * rely on (can the gateway trust this IdP's Responses at all? see checks/preconditions.ts).
 */
export async function runPreflight(
  s: RunContext,
  profiles: readonly ProfileId[],
  log: (line: string) => void = () => undefined,
): Promise<PreflightOutcome> {
  const out: PreflightOutcome = { results: [] };
  for (const profile of profiles) {
    const evidence: EvidenceItem[] = [];
    const c = await duringCheck(`the preflight (${profile} control login)`, () =>
      withEvidence(evidence, () => (profile === 'device-token' ? deviceTokenControl(s) : webControl(s))),
    );
    // The metadata the control relied on (its fetch and the document) comes first in its evidence.
    const md = profile === 'device-token' ? (await s.deviceToken.target?.catch(() => undefined))?.idp : s.idp;
    evidence.unshift(...(md?.evidence ?? []));
    const files = writeEvidence(s.reportDir, `preflight-${profile}`, evidence, s.redactor);
    if ('skipped' in c) {
      out.results.push({ profile, ok: true, skipped: c.skipped, evidence: files });
      log(`preflight ${profile}: skipped (${c.skipped}): the checks run without a control`);
      continue;
    }
    if (!c.ok) {
      const gone = s.liveness?.gone();
      const diagnosis = s.redactor.redact(c.diagnosis ?? 'the control login failed');
      out.results.push({ profile, ok: false, diagnosis, evidence: files });
      out.stopReason = gone ?? `preflight ${profile}: the control login (${c.what}) failed: ${diagnosis}`;
      log(`preflight ${profile}: FAILED — ${diagnosis}`);
      break;
    }
    const certs = profile === 'device-token' ? (await dtTarget(s)).idp.signingCerts : s.idp.signingCerts;
    const pre = trustPrecondition(profile, c.answer?.verify, certs.length);
    const result: PreflightResult = { profile, ok: true, evidence: files };
    if (c.note) result.note = c.note;
    if (pre) {
      (s.preconditions ??= {})[profile] = pre;
      result.note = `the control Response cannot be trusted — ${pre.reason}: checks that need a trusted Response are BLOCKED by ${pre.root}`;
    }
    out.results.push(result);
    log(`preflight ${profile}: passed (${c.what})${result.note ? `; ${result.note}` : ''}`);
  }
  return out;
}
