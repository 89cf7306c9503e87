/**
 * What the gateway's SingleLogoutService reads from a LogoutResponse or LogoutRequest the IdP sent it
 * ([CORE] §3.7, [BIND] §3.4.4.1 / §3.5): decoded strictly, fields read, every signature judged against
 * the IdP metadata keys whatever the binding. Nothing here gives a verdict: the checks do.
 */
import {
  NS,
  childElements,
  decodePostBinding,
  decodeRedirectBinding,
  descendantElements,
  parseXml,
  textOf,
  verifyEnveloped,
  verifyRedirectQuery,
  type XmlElement,
} from '../../xml';

export interface LogoutMessage {
  binding: 'redirect' | 'post';
  /** samlp:LogoutResponse or samlp:LogoutRequest as received (decoded). */
  xml?: string;
  /** The message could not be decoded or parsed (the reason). */
  parseError?: string;
  /** Local name of the document element. */
  root?: string;
  id?: string;
  version?: string;
  issueInstant?: string;
  issuer?: string;
  destination?: string;
  inResponseTo?: string;
  notOnOrAfter?: string;
  status?: { top?: string; second?: string; message?: string };
  nameId?: { value: string; format?: string; nameQualifier?: string; spNameQualifier?: string };
  encryptedId: boolean;
  sessionIndexes: string[];
  relayState?: string;
  signature: {
    /** How the message was signed: a Redirect query signature, an enveloped XML signature, or not at all. */
    kind: 'redirect' | 'xml' | 'none';
    sigAlg?: string;
    /** Verifies with one of the IdP metadata certificates. */
    verifies: boolean;
    error?: string;
  };
}

function attr(el: XmlElement, name: string): string | undefined {
  return el.hasAttribute(name) ? (el.getAttribute(name) ?? undefined) : undefined;
}

function read(out: LogoutMessage, xml: string): XmlElement | undefined {
  out.xml = xml;
  let root: XmlElement;
  try {
    root = parseXml(xml).documentElement as unknown as XmlElement;
  } catch (e) {
    out.parseError = (e as Error).message;
    return undefined;
  }
  out.root = root.localName ?? undefined;
  out.id = attr(root, 'ID');
  out.version = attr(root, 'Version');
  out.issueInstant = attr(root, 'IssueInstant');
  out.destination = attr(root, 'Destination');
  out.inResponseTo = attr(root, 'InResponseTo');
  out.notOnOrAfter = attr(root, 'NotOnOrAfter');
  const issuer = childElements(root, NS.saml, 'Issuer')[0];
  if (issuer) out.issuer = textOf(issuer).trim();
  const status = childElements(root, NS.samlp, 'Status')[0];
  if (status) {
    const top = childElements(status, NS.samlp, 'StatusCode')[0];
    const second = top ? childElements(top, NS.samlp, 'StatusCode')[0] : undefined;
    const message = childElements(status, NS.samlp, 'StatusMessage')[0];
    out.status = {
      top: top ? attr(top, 'Value') : undefined,
      second: second ? attr(second, 'Value') : undefined,
      message: message ? textOf(message).trim() : undefined,
    };
  }
  const nameId = childElements(root, NS.saml, 'NameID')[0];
  if (nameId)
    out.nameId = {
      value: textOf(nameId).trim(),
      format: attr(nameId, 'Format'),
      nameQualifier: attr(nameId, 'NameQualifier'),
      spNameQualifier: attr(nameId, 'SPNameQualifier'),
    };
  out.encryptedId = childElements(root, NS.saml, 'EncryptedID').length > 0;
  out.sessionIndexes = childElements(root, NS.samlp, 'SessionIndex').map((e) => textOf(e).trim());
  return root;
}

function empty(binding: LogoutMessage['binding']): LogoutMessage {
  return { binding, encryptedId: false, sessionIndexes: [], signature: { kind: 'none', verifies: false } };
}

/** Raw (still percent-encoded) query parameters in order; a repeated name keeps its first value. */
function rawParams(rawQuery: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of rawQuery.split('&')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    if (name && !out.has(name)) out.set(name, eq < 0 ? '' : part.slice(eq + 1));
  }
  return out;
}

function formDecode(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return '';
  }
}

/** An HTTP-Redirect message: `param` (SAMLRequest or SAMLResponse), RelayState, SigAlg, Signature. */
export function readRedirectMessage(
  rawQuery: string,
  param: 'SAMLRequest' | 'SAMLResponse',
  idpCertsPem: readonly string[],
): LogoutMessage {
  const out = empty('redirect');
  const p = rawParams(rawQuery);
  const raw = p.get(param);
  if (p.has('RelayState')) out.relayState = formDecode(p.get('RelayState') ?? '');
  if (raw === undefined) {
    out.parseError = `no ${param} parameter`;
    return out;
  }
  let xml: string;
  try {
    xml = decodeRedirectBinding(formDecode(raw));
  } catch (e) {
    out.parseError = (e as Error).message;
    return out;
  }
  const root = read(out, xml);
  if (p.has('SigAlg') || p.has('Signature')) {
    const sigAlg = formDecode(p.get('SigAlg') ?? '');
    // [BIND] §3.4.4.1: the octets are the parameters as received, in this order.
    const octets = [param, 'RelayState', 'SigAlg']
      .filter((n) => p.has(n))
      .map((n) => `${n}=${p.get(n)}`)
      .join('&');
    const verifies = verifyRedirectQuery(octets, formDecode(p.get('Signature') ?? ''), sigAlg, idpCertsPem);
    out.signature = {
      kind: 'redirect',
      sigAlg,
      verifies,
      ...(verifies ? {} : { error: 'the query signature does not verify with an IdP metadata key' }),
    };
  } else if (root && descendantElements(root, NS.ds, 'Signature').length > 0) {
    // [BIND] §3.4.4.1: an enveloped signature must be removed before a Redirect message is encoded.
    out.signature = {
      kind: 'xml',
      verifies: false,
      error: 'an enveloped ds:Signature in an HTTP-Redirect message',
    };
  }
  return out;
}

/** An HTTP-POST message (form fields): its signature is the enveloped one on the root element. */
export function readPostMessage(
  fields: Record<string, string>,
  param: 'SAMLRequest' | 'SAMLResponse',
  idpCertsPem: readonly string[],
): LogoutMessage {
  const out = empty('post');
  if ('RelayState' in fields) out.relayState = fields.RelayState;
  let xml: string;
  try {
    xml = decodePostBinding(fields[param] ?? '');
  } catch (e) {
    out.parseError = (e as Error).message;
    return out;
  }
  const root = read(out, xml);
  const sig = root ? childElements(root, NS.ds, 'Signature')[0] : undefined;
  if (sig) {
    const check = verifyEnveloped(xml, sig, [...idpCertsPem]);
    const refersToRoot = check.valid && (check.referenceUri ?? '') === `#${out.id ?? ''}`;
    out.signature = {
      kind: 'xml',
      sigAlg: check.signatureAlgorithm,
      verifies: refersToRoot,
      ...(refersToRoot ? {} : { error: check.error ?? 'the signature does not cover the message' }),
    };
  }
  return out;
}
