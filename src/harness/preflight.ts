/**
 * Preflight (issue 9, item 1): before a profile's checks, make sure the run can mean something. The IdP
 * metadata must be IdP metadata (not an HTML page, not SP metadata); then one control login per profile
 * must work. A setup mistake (wrong URL, wrong password, an SP the IdP does not know, clocks apart) is
 * then one line with what came back and the fix (exit 2), never dozens of FAILs blamed on the IdP.
 * `--no-preflight` skips all of it (the raw run).
 */
import { HarnessError } from './types';
import type { IdpMetadata } from './targets/idp-metadata';
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
  const ct = md.contentType ? ` (${md.contentType.split(';')[0].trim()})` : '';
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

/** Preflight, metadata: exit 2 (ERR_METADATA) with what came back and the fix when it is no IdP metadata. */
export function preflightMetadata(md: IdpMetadata, field: string): void {
  const p = metadataProblem(md);
  if (!p) return;
  const from = /^https?:\/\//.test(md.source) ? `${md.source} answered` : `${md.source} holds`;
  throw new HarnessError('ERR_METADATA', `${field}: ${from} ${p.what}`, p.fix);
}
