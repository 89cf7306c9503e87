/**
 * The Redactor's two shortcuts against the plain definition of what it removes, on seeded random text:
 * - registered secrets: the skipping scan (FormIndex) must find every occurrence of every form that an
 *   indexOf per form finds, merging overlapping ones into one REDACTED;
 * - field patterns: running each only when needsOf says the text can hold a match must give what
 *   running every pattern always gives.
 * The text mixes secrets in their travel forms, keyword fragments (`secretoken=`, `PassWd"`, `api_key :`),
 * non-ASCII look-alikes (Kelvin sign, dotted I) and random characters.
 */
import { expect } from 'chai';
import { formsOf, PATTERN_RULES, REDACTED, Redactor } from '../../src/harness/evidence/redact';

/** A small seeded PRNG (mulberry32): the same cases on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the Redactor means: every occurrence of every form (longest at each start), merged, then every pattern. */
function plainRedact(secrets: readonly string[], text: string): string {
  const forms = [...new Set(secrets.filter((s) => s.length >= 4).flatMap(formsOf))];
  const longest = new Map<number, number>();
  for (const f of forms)
    for (let i = text.indexOf(f); i >= 0; i = text.indexOf(f, i + 1))
      longest.set(i, Math.max(longest.get(i) ?? 0, f.length));
  let out = '';
  let copied = 0;
  let start = -1;
  let end = -1;
  for (const i of [...longest.keys()].sort((a, b) => a - b)) {
    const e = i + (longest.get(i) as number);
    if (end >= 0 && i < end) end = Math.max(end, e);
    else {
      if (end >= 0) out += text.slice(copied, start) + REDACTED;
      if (end >= 0) copied = end;
      start = i;
      end = e;
    }
  }
  const replaced = end < 0 ? text : out + text.slice(copied, start) + REDACTED + text.slice(end);
  return PATTERN_RULES.reduce((o, rule) => o.replace(rule.re, rule.replace), replaced);
}

const ALPHABET =
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=-_%.:"\n\t &?;[]{}<>\u212a\u0130\u00e9';
const FRAGMENTS = [
  'password=',
  'passwd=',
  'PassWd"',
  'PASSWORD"',
  'pass=',
  'secretoken=',
  'passecret=',
  'api_key :',
  'x-api-key:\t',
  '\nX-Api-Key : v',
  '\nsecret \t: w',
  'Token: ',
  '"apiKey": "',
  '"private_key":"',
  'Cookie: a=b; c=d',
  '\nset-cookie: s=1; Path=/',
  '\nAuthorization: Bearer x',
  '"authorization": "Basic y"',
  'KEY=',
  'ke',
  'y=',
  '\u212aey=',
  '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----',
  '<ds:KeyInfo><ds:X509Data>',
];

describe('Redactor shortcuts', () => {
  it('redact as every form found by indexOf and every pattern run always (seeded random text)', function () {
    this.timeout(60000);
    const rand = prng(20261208);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const word = (n: number, alphabet: string) =>
      Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    let cases = 0;
    let redacted = 0;
    for (let round = 0; round < 400; round++) {
      const secrets = Array.from({ length: 1 + Math.floor(rand() * 6) }, () =>
        word(3 + Math.floor(rand() * 14), rand() < 0.5 ? 'abAB12' : ALPHABET),
      );
      const r = new Redactor(secrets);
      for (let k = 0; k < 25; k++) {
        let text = '';
        for (let parts = 1 + Math.floor(rand() * 14); parts > 0; parts--) {
          const s = pick(secrets);
          const x = rand();
          if (x < 0.2) text += s;
          else if (x < 0.3) text += encodeURIComponent(s);
          else if (x < 0.45) text += Buffer.from(word(Math.floor(rand() * 3), 'xyz') + s).toString('base64');
          else if (x < 0.6) text += pick(FRAGMENTS);
          else text += word(Math.floor(rand() * 24), ALPHABET);
        }
        const got = r.redact(text);
        expect(got, JSON.stringify({ secrets, text })).to.equal(plainRedact(secrets, text));
        cases++;
        if (got !== text) redacted++;
      }
    }
    // The cases exercise both outcomes.
    expect(cases).to.equal(10000);
    expect(redacted).to.be.within(3000, 9900);
  });

  it('finds forms at every offset of long base64 text, and none where there are none', () => {
    const rand = prng(7);
    const secret = 'tok-0123456789abcdef';
    const r = new Redactor([secret]);
    const b64 = (n: number) =>
      Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256))).toString('base64');
    for (let off = 0; off < 40; off++) {
      const text = b64(off + 30).slice(0, off) + secret + b64(30);
      expect(r.redact(text)).to.equal(plainRedact([secret], text));
      expect(r.redact(text)).to.include(REDACTED);
    }
    const clean = b64(200000);
    expect(r.redact(clean)).to.equal(plainRedact([secret], clean));
  });
});
