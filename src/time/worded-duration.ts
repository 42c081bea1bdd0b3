import { DAY_MS, HOUR_MS, MINUTE_MS } from './time-units.js';

/**
 * Durations with the units spelled out, for sentences ("Resolved after 2 days 3 hours"). The
 * compact form (compact-duration.ts) is for fields and lists where width counts.
 */

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * "2 days 3 hours", "3 hours 5 minutes", "12 minutes", "less than a minute": two units, rounded
 * down, for an alert's lifetime in its message and thread. Negative durations read as zero.
 */
export function wordedDuration(ms: number): string {
  const abs = Math.max(0, ms);
  const units: [number, string][] = [
    [DAY_MS, 'day'],
    [HOUR_MS, 'hour'],
    [MINUTE_MS, 'minute'],
  ];
  const index = units.findIndex(([size]) => abs >= size);
  if (index < 0) return 'less than a minute';
  const [size, name] = units[index] as [number, string];
  const whole = Math.floor(abs / size);
  const parts = [plural(whole, name)];
  const next = units[index + 1];
  if (next) {
    const rest = Math.floor((abs - whole * size) / next[0]);
    if (rest > 0) parts.push(plural(rest, next[1]));
  }
  return parts.join(' ');
}

/**
 * One whole unit ("5 days", "5 hours", "12 minutes"), or years and days from a year up ("2 years 14
 * days"), for certificate lifetimes and the findings that sit beside them. It differs from
 * wordedDuration on purpose: "expires in 14 days" must agree with the DAYS LEFT column (the same
 * floor as `daysLeft`, so it never overstates the time left), and lifetimes span years, where the
 * hours are noise. Years are 365 days: a message needs the order of magnitude, not calendar
 * precision. The sign is ignored (see agoOrIn in ago.ts).
 */
export function coarseDuration(ms: number): string {
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
