/** Human durations for messages ("expires in 3 days", "expired 2 years 14 days ago"). */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * Whole units, rounded down so that "14 days" never overstates the time left (the same floor as
 * `daysLeft`). Years are 365 days: a message needs the order of magnitude, not calendar precision.
 */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const days = Math.floor(abs / DAY_MS);
  if (days >= 365) {
    const years = Math.floor(days / 365);
    const rest = days % 365;
    return rest === 0 ? plural(years, 'year') : `${plural(years, 'year')} ${plural(rest, 'day')}`;
  }
  if (days >= 1) return plural(days, 'day');
  const hours = Math.floor(abs / HOUR_MS);
  if (hours >= 1) return plural(hours, 'hour');
  const minutes = Math.floor(abs / MINUTE_MS);
  if (minutes >= 1) return plural(minutes, 'minute');
  return 'less than a minute';
}

/** "in 5 days" when `target` is after `now`, "3 days ago" otherwise. */
export function formatAgoOrIn(target: Date, now: Date): string {
  const diff = target.getTime() - now.getTime();
  const text = formatDuration(diff);
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}
