/** Signing keys of the reference IdP, loaded once from fixtures/keys (never per request). */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type KeyName = 'idp-acme' | 'idp-globex' | 'idp-rogue' | 'weak';

export interface SigningKey {
  name: KeyName;
  privateKey: crypto.KeyObject;
  certPem: string;
  /** Base64 DER of the certificate, as it goes into ds:X509Certificate. */
  certBase64: string;
}

let fixturesDir: string | undefined;
const cache = new Map<KeyName, SigningKey>();

/** Walks up from this file until a folder holding fixtures/keys is found (works from src/ and dist/src/). */
export function findFixturesDir(start: string = __dirname): string {
  if (fixturesDir) return fixturesDir;
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, 'fixtures');
    if (fs.existsSync(path.join(candidate, 'keys'))) {
      fixturesDir = candidate;
      return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`reference-idp: no fixtures/keys folder above ${start}`);
    dir = parent;
  }
}

export function loadSigningKey(name: KeyName): SigningKey {
  const hit = cache.get(name);
  if (hit) return hit;
  const dir = path.join(findFixturesDir(), 'keys');
  const keyPem = fs.readFileSync(path.join(dir, `${name}.key.pem`), 'utf8');
  const certPem = fs.readFileSync(path.join(dir, `${name}.cert.pem`), 'utf8');
  const cert = new crypto.X509Certificate(certPem);
  const key: SigningKey = {
    name,
    privateKey: crypto.createPrivateKey(keyPem),
    certPem: cert.toString(),
    certBase64: cert.raw.toString('base64'),
  };
  cache.set(name, key);
  return key;
}
