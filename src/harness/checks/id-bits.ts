/**
 * SAMLCore §1.3.4: how many random bits an identifier can carry, from its length and the alphabet its
 * characters actually use (decimal 3.32 bits a character, hex 4, base36 5.17, base62 5.95, base64 6).
 * A UUID carries 122 random bits at most (version and variant are fixed). An upper bound: the length is
 * what a check can see; the generator's quality is not.
 */
const ALPHABETS: [RegExp, number][] = [
  [/^[0-9]+$/, 10],
  [/^[0-9a-f]+$/, 16],
  [/^[0-9A-F]+$/, 16],
  [/^[0-9a-z]+$/, 36],
  [/^[0-9A-Z]+$/, 36],
  [/^[0-9A-Za-z]+$/, 62],
  [/^[0-9A-Za-z_-]+$/, 64],
  [/^[0-9A-Za-z+/=]+$/, 64],
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The random part: a short non-random prefix ("_", "ID_", "pfx") is not counted. */
function body(id: string): string {
  return id.replace(/^[A-Za-z]{0,8}[_.-]/, '').replace(/^_/, '');
}

/** Bits per character of the smallest usual alphabet holding every character of `ids`. */
export function alphabetBits(ids: readonly string[]): number {
  const all = ids.map(body).join('');
  const hit = ALPHABETS.find(([re]) => re.test(all));
  // Anything else (dots, colons, ...): printable ASCII at best.
  return Math.log2(hit ? hit[1] : 95);
}

/** Random bits `id` can hold, with the alphabet judged over all the IDs seen from the same IdP. */
export function idRandomBits(id: string, sameSource: readonly string[] = [id]): number {
  const b = body(id);
  if (UUID.test(b)) return 122;
  return Math.floor(
    b.replace(/-/g, '').length * alphabetBits([...sameSource, id].map((x) => body(x).replace(/-/g, ''))),
  );
}
