/**
 * The Single Logout messages the gateway reads (roles/gateway/logout-message.ts) and builds
 * (messages/logout.ts): Redirect signatures judged over the octets as received.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { redirectParams, redirectUrl } from '../../src/harness/messages/bindings';
import { logoutResponseXml } from '../../src/harness/messages/logout';
import { sloName } from '../../src/harness/roles/gateway/gateway';
import { readRedirectMessage } from '../../src/harness/roles/gateway/logout-message';
import { ALG, encodeRedirectBinding, signRedirectQuery } from '../../src/harness/xml';

const KEYS = path.resolve(__dirname, '..', '..', '..', 'fixtures', 'keys');
const key = (name: string) => readFileSync(path.join(KEYS, name), 'utf8');

function redirectQuery(xml: string, relayState: string | undefined, keyPem?: string): string {
  const parts = [`SAMLResponse=${encodeURIComponent(encodeRedirectBinding(xml))}`];
  if (relayState !== undefined) parts.push(`RelayState=${encodeURIComponent(relayState)}`);
  if (keyPem) {
    parts.push(`SigAlg=${encodeURIComponent(ALG.rsaSha256)}`);
    parts.push(`Signature=${encodeURIComponent(signRedirectQuery(parts.join('&'), keyPem, 'rsa-sha256'))}`);
  }
  return parts.join('&');
}

describe('Single Logout messages', () => {
  const response = logoutResponseXml({
    issuer: 'https://idp.test/metadata',
    destination: 'http://127.0.0.1:1/slo/sp',
    inResponseTo: '_req1',
    now: new Date(),
  });
  const cert = key('gateway.cert.pem');

  it('reads a signed HTTP-Redirect LogoutResponse and verifies its query signature', () => {
    const m = readRedirectMessage(redirectQuery(response, 'rs', key('gateway.key.pem')), 'SAMLResponse', [
      cert,
    ]);
    expect(m.root).to.equal('LogoutResponse');
    expect(m.inResponseTo).to.equal('_req1');
    expect(m.issuer).to.equal('https://idp.test/metadata');
    expect(m.status?.top).to.equal('urn:oasis:names:tc:SAML:2.0:status:Success');
    expect(m.relayState).to.equal('rs');
    expect(m.signature).to.include({ kind: 'redirect', verifies: true, sigAlg: ALG.rsaSha256 });
  });

  it('a signature by another key, or over other octets, does not verify; none is kind "none"', () => {
    const other = readRedirectMessage(
      redirectQuery(response, 'rs', key('attacker.key.pem')),
      'SAMLResponse',
      [cert],
    );
    expect(other.signature.verifies).to.equal(false);
    const tampered = redirectQuery(response, 'rs', key('gateway.key.pem')).replace(
      'RelayState=rs',
      'RelayState=xx',
    );
    expect(readRedirectMessage(tampered, 'SAMLResponse', [cert]).signature.verifies).to.equal(false);
    expect(
      readRedirectMessage(redirectQuery(response, undefined), 'SAMLResponse', [cert]).signature.kind,
    ).to.equal('none');
  });

  it('an undecodable message is a parse error, never a LogoutResponse', () => {
    const m = readRedirectMessage('SAMLResponse=%%%', 'SAMLResponse', [cert]);
    expect(m.parseError).to.be.a('string');
    expect(m.root).to.equal(undefined);
  });

  it('the Redirect builder of messages/bindings signs a SAMLResponse over its own parameter name', () => {
    const p = redirectParams(response, {
      relayState: 'rs',
      sign: { keyPem: key('gateway.key.pem'), certPem: cert },
      param: 'SAMLResponse',
    });
    const url = redirectUrl('http://127.0.0.1:1/slo', p);
    expect(url).to.match(/\?SAMLResponse=[^&]+&RelayState=rs&SigAlg=[^&]+&Signature=/);
    const m = readRedirectMessage(url.slice(url.indexOf('?') + 1), 'SAMLResponse', [cert]);
    expect(m.signature).to.include({ kind: 'redirect', verifies: true });
  });

  it('gives every entityID its own SingleLogoutService path, valid in a URL', () => {
    const ids = [
      'https://gateway.test/sp',
      'https://other.test/sp',
      'https://gateway.test/sp/',
      'urn:example:sp',
      'urn:example:other-sp',
      'https://gateway.test/a b?c#d',
    ];
    const names = ids.map(sloName);
    expect(new Set(names).size).to.equal(ids.length);
    for (const n of names) expect(n).to.match(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(sloName('urn:example:sp'), 'base64url').toString()).to.equal('urn:example:sp');
  });
});
