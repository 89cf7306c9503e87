import { readFileSync } from 'node:fs';
import { HarnessError, type EvidenceItem } from '../types';
import { withEvidence } from '../evidence/context';
import { httpExchange } from '../roles/client/http';
import { ExchangeFailed } from '../roles/client/http';
import { visibleText } from '../roles/client/html';
import {
  NS,
  certPemFromBase64,
  childElements,
  parseXml,
  selectElements,
  selectOne,
  textOf,
  XmlRejected,
  type XmlElement,
} from '../xml';
import { BINDING_POST, BINDING_REDIRECT } from '../messages/authn-request';

/** What the harness reads from an IdP's metadata. Absent parts stay undefined: checks judge them. */
export interface IdpMetadata {
  source: string;
  xml: string;
  entityId?: string;
  hasIdpSsoDescriptor: boolean;
  protocolSupport?: string;
  wantAuthnRequestsSigned?: string;
  ssoRedirect?: string;
  ssoPost?: string;
  /** PEM certificates of KeyDescriptors usable for signing (use="signing" or no use). */
  signingCerts: string[];
  nameIdFormats: string[];
  /** shibmd:Scope values (entity or IDPSSODescriptor Extensions) with their regexp attribute. */
  scopes: { value: string; regexp?: string }[];
  /** IDPSSODescriptor/@errorURL (SDP-MD12). */
  errorUrl?: string;
  /** md:SingleLogoutService Binding values (SDP-IDP33). */
  sloBindings: string[];
  /** The HTTP-Redirect SingleLogoutService: Location, and ResponseLocation (else Location) (SDP-IDP25/29). */
  sloRedirect?: { url: string; responseUrl: string };
  /** The IDPSSODescriptor's mdui:UIInfo (SDP-MD09/10), when present. */
  uiInfo?: { displayNames: string[]; logos: string[] };
  /** EmailAddress values of each ContactPerson contactType="technical" (SDP-MD11). */
  technicalContacts: string[][];
  /** EntityDescriptor/@validUntil. */
  validUntil?: string;
  /** Set when the document could not be parsed at all. */
  parseError?: string;
  /** The document element's name as written (e.g. `html`, `md:EntityDescriptor`): the preflight quotes it. */
  rootName?: string;
  /** Role descriptors of the EntityDescriptor (e.g. IDPSSODescriptor, SPSSODescriptor). */
  roles?: string[];
  /** The Content-Type the metadata URL answered with (URLs only): the preflight quotes it. */
  contentType?: string;
  /**
   * What the metadata checks and the preflight show as evidence: the HTTP exchange that fetched the
   * document (URLs only) and the document itself, pretty-printed (redacted when written, like all evidence).
   */
  evidence: EvidenceItem[];
}

/** The metadata document as an evidence item (shown decoded and indented like a SAML message). */
export function metadataDocumentItem(xml: string, source: string): EvidenceItem {
  return {
    kind: 'saml',
    label: 'IdP metadata document',
    at: new Date().toISOString(),
    saml: { messageType: `metadata (${source})`, xml },
  };
}

export function parseIdpMetadata(xml: string, source: string): IdpMetadata {
  const md: IdpMetadata = {
    source,
    xml,
    hasIdpSsoDescriptor: false,
    signingCerts: [],
    nameIdFormats: [],
    scopes: [],
    sloBindings: [],
    technicalContacts: [],
    evidence: [metadataDocumentItem(xml, source)],
  };
  let doc;
  try {
    doc = parseXml(xml);
  } catch (e) {
    md.parseError = e instanceof XmlRejected ? `${e.code}: ${e.message}` : String(e);
    return md;
  }
  md.rootName = doc.documentElement?.nodeName;
  const ed =
    selectOne('/md:EntityDescriptor', doc) ?? selectOne('/md:EntitiesDescriptor/md:EntityDescriptor', doc);
  if (!ed) return md;
  md.entityId = ed.getAttribute('entityID') ?? undefined;
  md.roles = selectElements('*', ed)
    .map((e) => e.localName ?? '')
    .filter((n) => n.endsWith('Descriptor'));
  md.validUntil = ed.getAttribute('validUntil') || undefined;
  md.technicalContacts = childElements(ed, NS.md, 'ContactPerson')
    .filter((c) => c.getAttribute('contactType') === 'technical')
    .map((c) => childElements(c, NS.md, 'EmailAddress').map((e) => textOf(e).trim()));
  const idp = selectOne('md:IDPSSODescriptor', ed);
  if (!idp) return md;
  readExtensions(md, ed, idp);
  md.hasIdpSsoDescriptor = true;
  md.protocolSupport = idp.getAttribute('protocolSupportEnumeration') ?? undefined;
  md.wantAuthnRequestsSigned = idp.getAttribute('WantAuthnRequestsSigned') ?? undefined;
  for (const s of selectElements('md:SingleSignOnService', idp)) {
    const binding = s.getAttribute('Binding');
    const loc = s.getAttribute('Location') ?? undefined;
    if (binding === BINDING_REDIRECT && !md.ssoRedirect) md.ssoRedirect = loc;
    if (binding === BINDING_POST && !md.ssoPost) md.ssoPost = loc;
  }
  for (const kd of selectElements('md:KeyDescriptor', idp)) {
    const use = kd.getAttribute('use');
    if (use && use !== 'signing') continue;
    for (const c of selectElements('ds:KeyInfo/ds:X509Data/ds:X509Certificate', kd)) {
      try {
        md.signingCerts.push(certPemFromBase64(textOf(c)));
      } catch {
        // An unparseable certificate is not a signing key: the metadata checks report it.
      }
    }
  }
  md.nameIdFormats = selectElements('md:NameIDFormat', idp).map((e) => textOf(e).trim());
  return md;
}

/** The visible text of an error page, clipped, as `: "…"` (or nothing). */
function quote(body: string): string {
  const text = visibleText(body, 120);
  return text ? `: "${text}"` : '';
}

const SHIBMD = 'urn:mace:shibboleth:metadata:1.0';
const MDUI = 'urn:oasis:names:tc:SAML:metadata:ui';

/** shibmd:Scope, mdui:UIInfo, errorURL, SingleLogoutService (saml2int SDP-IDP14, SDP-IDP33, SDP-MD09–12). */
function readExtensions(md: IdpMetadata, ed: XmlElement, idp: XmlElement): void {
  const ext = (e: XmlElement) => childElements(e, NS.md, 'Extensions');
  md.scopes = [...ext(ed), ...ext(idp)]
    .flatMap((e) => childElements(e, SHIBMD, 'Scope'))
    .map((s) => {
      const regexp = s.getAttribute('regexp');
      return regexp ? { value: textOf(s).trim(), regexp } : { value: textOf(s).trim() };
    });
  md.errorUrl = idp.getAttribute('errorURL') || undefined;
  const slos = childElements(idp, NS.md, 'SingleLogoutService');
  md.sloBindings = slos.map((e) => e.getAttribute('Binding') ?? '');
  const redirect = slos.find((e) => e.getAttribute('Binding') === BINDING_REDIRECT);
  const location = redirect?.getAttribute('Location');
  if (redirect && location)
    md.sloRedirect = { url: location, responseUrl: redirect.getAttribute('ResponseLocation') || location };
  const ui = ext(idp).flatMap((e) => childElements(e, MDUI, 'UIInfo'))[0];
  if (ui) {
    md.uiInfo = {
      displayNames: childElements(ui, MDUI, 'DisplayName').map((e) => textOf(e).trim()),
      logos: childElements(ui, MDUI, 'Logo').map((e) => textOf(e).trim()),
    };
  }
}

/**
 * Loads metadata from a URL or file. Unreachable or unreadable is a harness error (exit 2). The fetch
 * and the document are recorded into `evidence` (also on failure: the caller may write them) and kept
 * as the result's `evidence`.
 */
export async function loadIdpMetadata(
  location: string,
  timeoutMs: number,
  evidence: EvidenceItem[] = [],
): Promise<IdpMetadata> {
  if (/^https?:\/\//.test(location)) {
    let res;
    try {
      res = await withEvidence(evidence, () =>
        httpExchange({
          method: 'GET',
          url: location,
          timeoutMs,
          direction: 'harness->admin',
          label: 'IdP metadata',
        }),
      );
    } catch (e) {
      const why = e instanceof ExchangeFailed ? e.message : String(e);
      throw new HarnessError(
        'ERR_TARGET_UNREACHABLE',
        `idp.metadata: cannot fetch ${location} (${why})`,
        'start the IdP or fix the URL in the target config',
      );
    }
    if (res.status !== 200) {
      throw new HarnessError(
        'ERR_METADATA',
        `idp.metadata: ${location} answered HTTP ${res.status}${quote(res.body)}`,
        "point idp.metadata at the IdP's SAML 2.0 metadata document (the metadata URL the IdP's admin console shows)",
      );
    }
    const md = parseIdpMetadata(res.body, location);
    if (res.headers['content-type']) md.contentType = res.headers['content-type'];
    evidence.push(...md.evidence);
    md.evidence = evidence;
    return md;
  }
  let text: string;
  try {
    text = readFileSync(location, 'utf8');
  } catch (e) {
    throw new HarnessError(
      'ERR_METADATA',
      `idp.metadata: cannot read ${location} (${(e as Error).message})`,
      'fix the path',
    );
  }
  const md = parseIdpMetadata(text, location);
  evidence.push(...md.evidence);
  md.evidence = evidence;
  return md;
}
