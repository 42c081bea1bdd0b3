const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "2026-11-21 10:02 UTC (47 min)": the absolute time in UTC, so everyone on call reads the same
 * clock whatever their Slack timezone, plus how long ago as of rendering (the message is edited on
 * every transition, which refreshes it).
 */
export function formatSince(iso: string, now: Date): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const absolute = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const ms = now.getTime() - at.getTime();
  return ms < 0 ? absolute : `${absolute} (${formatElapsed(ms)})`;
}

/** Two units at most: "47 min", "3 h 5 min", "2 d 4 h". */
export function formatElapsed(ms: number): string {
  if (ms < MINUTE) return 'less than a minute';
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min`;
  if (ms < DAY) {
    const h = Math.floor(ms / HOUR);
    const m = Math.floor((ms % HOUR) / MINUTE);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(ms / DAY);
  const h = Math.floor((ms % DAY) / HOUR);
  return h ? `${d} d ${h} h` : `${d} d`;
}
