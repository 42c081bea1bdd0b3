/**
 * Times to the minute, in UTC: readers are in many time zones, and seconds are noise for expiries
 * and alerts. Two spellings, by audience.
 */

/**
 * `2026-11-21 10:02 UTC`, for chat messages and answers: the zone is spelled out for people. An
 * unparseable time is shown as given (a string) rather than failing the whole message.
 */
export function utcMinute(at: Date | string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return String(at);
  return d.toISOString().replace(/T(\d\d:\d\d):\d\d\.\d{3}Z$/, ' $1 UTC');
}

/**
 * `2026-03-02T10:14Z`, for findings (summaries, evidence, the table's NOT AFTER column): ISO 8601,
 * so it sorts and greps, and short enough for a table. A string is only trimmed of its seconds;
 * one that is not ISO with a `Z` is returned unchanged.
 */
export function isoUtcMinute(at: Date | string): string {
  const iso = typeof at === 'string' ? at : at.toISOString();
  return iso.replace(/:\d\d(\.\d+)?Z$/, 'Z');
}
