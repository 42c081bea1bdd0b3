const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** `2026-11-21 10:02 UTC`: chat readers are in many time zones, so times are UTC and say so. */
export function utcMinute(at: Date | string): string {
  const iso = (typeof at === 'string' ? new Date(at) : at).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Compact, rounded down: `3 min`, `2 h 5 min`, `3 d 4 h` (the style of alert messages). */
export function shortDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE_MS) return 'less than a minute';
  const days = Math.floor(abs / DAY_MS);
  const hours = Math.floor((abs % DAY_MS) / HOUR_MS);
  const minutes = Math.floor((abs % HOUR_MS) / MINUTE_MS);
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return `${minutes} min`;
}

/** `3 min ago`; a time slightly in the future (clock skew between replicas) reads as `just now`. */
export function ago(at: Date | string, now: Date): string {
  const ms = now.getTime() - new Date(at).getTime();
  if (ms < MINUTE_MS) return 'just now';
  return `${shortDuration(ms)} ago`;
}

/** The footer of every answer from stored results, so nobody mistakes an old run for the present. */
export function dataAgeFooter(at: Date | string, now: Date): string {
  return `data from ${ago(at, now)} (${utcMinute(at)})`;
}
