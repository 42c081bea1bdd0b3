import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from './time-units.js';

/**
 * Compact durations for chat fields, answers and findings: "47 min", "2 h 5 min", "3 d 4 h". Two units
 * at most, rounded down, so "for 47 min" never overstates how long something has been broken. The
 * sign is ignored: callers say "ago" or "until" themselves.
 *
 * Under a minute this reads "less than a minute": chat messages are refreshed on each run, minutes
 * apart, so a count of seconds would be stale before anyone reads it. compactDurationWithSeconds is
 * the variant that counts seconds.
 */
export function compactDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE_MS) return 'less than a minute';
  if (abs < HOUR_MS) return `${Math.floor(abs / MINUTE_MS)} min`;
  if (abs < DAY_MS) {
    const h = Math.floor(abs / HOUR_MS);
    const m = Math.floor((abs % HOUR_MS) / MINUTE_MS);
    return m === 0 ? `${h} h` : `${h} h ${m} min`;
  }
  const d = Math.floor(abs / DAY_MS);
  const h = Math.floor((abs % DAY_MS) / HOUR_MS);
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}

/**
 * compactDuration that counts seconds under a minute ("45 s", then "1 min", "2 h 5 min"), for the
 * StatefulSet check's evidence: readiness probes run every few seconds, so "last failed 30 s ago"
 * is the signal there. A negative duration (a clock skewed into the future) reads "0 s".
 */
export function compactDurationWithSeconds(ms: number): string {
  const abs = Math.max(0, ms);
  return abs < MINUTE_MS ? `${Math.floor(abs / SECOND_MS)} s` : compactDuration(abs);
}

/** Time from `since` (ISO or Date) to `now` with seconds, e.g. "47 min" or "30 s". */
export function elapsedSince(since: string | Date, now: Date): string {
  return compactDurationWithSeconds(now.getTime() - new Date(since).getTime());
}
