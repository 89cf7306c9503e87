/** xs:dateTime in UTC, the only form the profiles allow ("Times": the Z designator, optional fraction). */

export function formatInstant(ms: number, withOffset = false): string {
  const iso = new Date(ms).toISOString();
  // The timestamps-with-offset fault writes "+00:00", which [CORE] §1.3.3 forbids.
  return withOffset ? iso.replace(/Z$/, '+00:00') : iso;
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z$/;

/** Milliseconds since the epoch, or undefined when the value is not a UTC xs:dateTime with "Z". */
export function parseUtcInstant(s: string): number | undefined {
  const m = DATETIME.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const t = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  const back = new Date(t);
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    back.getUTCHours() !== h ||
    back.getUTCMinutes() !== mi ||
    back.getUTCSeconds() !== sec
  ) {
    return undefined;
  }
  return t;
}
