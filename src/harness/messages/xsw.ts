import { newId } from './authn-request';

/**
 * Signature-wrapping mutators for signed AuthnRequests (attack catalogue X-15…X-18): each takes the
 * known-good signed request and an evil edit, and returns a document whose signature still verifies
 * over the original while the root carries the evil content. String surgery on our own serialization.
 */
const SIG = /<ds:Signature[\s\S]*<\/ds:Signature>/;
const ROOT_OPEN = /<samlp:AuthnRequest\b[^>]*>/;

function parts(signed: string) {
  const sig = SIG.exec(signed)?.[0];
  if (!sig) throw new Error('xsw: the request carries no ds:Signature');
  const original = signed.replace(sig, '');
  return { sig, original };
}

/** The evil root: the original without its signature, a fresh ID (unless kept), and the edit applied. */
function evilRoot(original: string, edit: (xml: string) => string, keepId: boolean): string {
  const e = edit(original);
  return keepId ? e : e.replace(ROOT_OPEN, (open) => open.replace(/\bID="[^"]*"/, `ID="${newId()}"`));
}

const afterIssuer = (xml: string, insert: string) => xml.replace(/(<\/saml:Issuer>)/, `$1${insert}`);
const insideSignatureEnd = (sig: string, insert: string) =>
  sig.replace(/<\/ds:Signature>$/, `${insert}</ds:Signature>`);

export type XswVariant = 'xsw1' | 'xsw2' | 'extensions' | 'extensions-same-id' | 'object';

export function wrapRequest(signed: string, variant: XswVariant, edit: (xml: string) => string): string {
  const { sig, original } = parts(signed);
  const inner = original;
  switch (variant) {
    case 'xsw1':
      // Evil root; the signature holds the original request as its last child.
      return afterIssuer(evilRoot(original, edit, false), insideSignatureEnd(sig, inner));
    case 'xsw2':
      // Evil root; the original request inserted just before the signature.
      return afterIssuer(evilRoot(original, edit, false), `${inner}${sig}`);
    case 'extensions':
    case 'extensions-same-id': {
      // Evil root (unsigned); the original signed request inside samlp:Extensions.
      const evil = evilRoot(original, edit, variant === 'extensions-same-id');
      return evil.includes('</samlp:Extensions>')
        ? evil.replace('</samlp:Extensions>', `${signed}</samlp:Extensions>`)
        : afterIssuer(evil, `<samlp:Extensions>${signed}</samlp:Extensions>`);
    }
    case 'object':
      // Evil root keeping the signature, whose ds:Object carries the original.
      return afterIssuer(
        evilRoot(original, edit, false),
        insideSignatureEnd(sig, `<ds:Object>${inner}</ds:Object>`),
      );
  }
}
