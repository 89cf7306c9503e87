/**
 * URL comparisons of the reference IdP: the exact one [CORE] §3.2.1 asks for Destination, and the wrong
 * ones of the single-variant faults (ACS and Destination compared loosely, one way each).
 */
import type { Faults } from './faults';

/**
 * The single-variant ACS faults: each compares the requested ACS URL with a registered one in one
 * wrong way (host prefix, userinfo taken for the host, normalized path, unchecked scheme, no query, no
 * trailing slash).
 */
export function looseAcsMatch(requested: string, registered: string, faults: Faults): boolean {
  const reg = safeUrl(registered);
  if (!reg) return false;
  if (faults.has('acs-non-http-unchecked') && !/^https?:/i.test(requested)) return true;
  if (faults.has('acs-userinfo-host-confusion')) {
    const m = /^(https?:)\/\/([^/@]+)@[^/]*(\/.*)?$/i.exec(requested);
    if (m && `${m[1]}//${m[2]}${m[3] ?? ''}` === registered) return true;
  }
  const req = safeUrl(requested);
  if (!req) return false;
  if (faults.has('acs-host-prefix-match')) {
    const same = req.protocol === reg.protocol && req.port === reg.port && req.pathname === reg.pathname;
    if (same && req.hostname !== reg.hostname && req.hostname.startsWith(reg.hostname)) return true;
  }
  if (faults.has('acs-normalized-before-compare') && /\/\.\.?(\/|$)/.test(requested) && req.href === reg.href)
    return true;
  if (faults.has('acs-query-ignored') && req.search !== '' && requested.split('?')[0] === registered)
    return true;
  if (faults.has('acs-subpath-accepted') && requested.startsWith(`${registered}/`)) return true;
  if (
    faults.has('acs-trailing-slash-ignored') &&
    requested.endsWith('/') &&
    requested.slice(0, -1) === registered
  )
    return true;
  return false;
}

/** [CORE] §3.2.1 (exact) and the Destination faults' wrong comparisons. */
export function destinationMatches(destination: string, sso: string, faults: Faults): boolean {
  if (destination === sso) return true;
  if (faults.has('destination-prefix-match') && destination.startsWith(sso)) return true;
  if (faults.has('destination-subpath-accepted') && destination.startsWith(`${sso}/`)) return true;
  if (faults.has('destination-query-ignored') && destination.split('?')[0] === sso) return true;
  const last = sso.slice(sso.lastIndexOf('/'));
  return faults.has('destination-last-segment-only') && last.length > 1 && destination.endsWith(last);
}

function safeUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}
