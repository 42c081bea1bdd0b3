/**
 * Short durations for on-call messages: "45 s", "47 min", "2 h 5 min", "3 d 4 h". Two units at
 * most, rounded down, so "for 47 min" never overstates how long something has been broken. The
 * certificate check's formatDuration speaks in whole days ("expires in 5 days"); readiness needs
 * minutes, and chat lines stay short.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function formatElapsed(ms: number): string {
  const abs = Math.max(0, ms);
  if (abs < MINUTE) return `${Math.floor(abs / 1000)} s`;
  if (abs < HOUR) return `${Math.floor(abs / MINUTE)} min`;
  if (abs < DAY) {
    const h = Math.floor(abs / HOUR);
    const m = Math.floor((abs % HOUR) / MINUTE);
    return m === 0 ? `${h} h` : `${h} h ${m} min`;
  }
  const d = Math.floor(abs / DAY);
  const h = Math.floor((abs % DAY) / HOUR);
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}

/** Time from `since` (ISO or Date) to `now`, e.g. "47 min". */
export function elapsedSince(since: string | Date, now: Date): string {
  return formatElapsed(now.getTime() - new Date(since).getTime());
}

/** "30 s ago"; a clock skewed into the future reads "just now" rather than a negative age. */
export function ago(at: string | Date, now: Date): string {
  const ms = now.getTime() - new Date(at).getTime();
  return ms < 1000 ? 'just now' : `${formatElapsed(ms)} ago`;
}
