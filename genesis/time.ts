// The genesis time: ISO-8601 in UTC in the file, milliseconds since the Unix epoch in code and
// in the hashed form. Only the "Z" spelling is accepted, so a file never depends on a zone.
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;

/** Latest instant whose ISO form still has a 4-digit year: 9999-12-31T23:59:59.999Z. */
export const MAX_GENESIS_TIME_MS = 253_402_300_799_999;

export type TimeResult = { ok: true; ms: number } | { ok: false; reason: string };

export function parseGenesisTime(text: string): TimeResult {
  const m = ISO_UTC.exec(text);
  const example = "2026-11-22T00:00:00.000Z";
  if (!m) return { ok: false, reason: `"${text.slice(0, 40)}" is not an ISO-8601 UTC time like ${example}` };
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  const millis = Number((m[7] ?? "").padEnd(3, "0"));
  if ((year as number) < 1970) return { ok: false, reason: `"${text}" is before 1970` };
  const ms = Date.UTC(year as number, (month as number) - 1, day, hour, minute, second, millis);
  // Date.UTC rolls 2026-02-30 over into March; a real date reads back the same.
  const back = new Date(ms);
  if (
    Number.isNaN(ms) ||
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== (month as number) - 1 ||
    back.getUTCDate() !== day ||
    back.getUTCHours() !== hour ||
    back.getUTCMinutes() !== minute ||
    back.getUTCSeconds() !== second
  ) {
    return { ok: false, reason: `"${text}" is not a real date and time` };
  }
  return { ok: true, ms };
}

export function formatGenesisTime(ms: number): string {
  return new Date(ms).toISOString();
}
