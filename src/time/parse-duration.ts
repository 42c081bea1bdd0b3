import { VigilError } from '../domain/vigil-error.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, WEEK_MS } from './time-units.js';

/** A snooze or an acknowledgement expiry longer than a week is a forgotten alert, not a pause. */
export const maxSnoozeMs = WEEK_MS;

const unitMs: Record<string, number> = {
  m: MINUTE_MS,
  min: MINUTE_MS,
  mins: MINUTE_MS,
  minute: MINUTE_MS,
  minutes: MINUTE_MS,
  h: HOUR_MS,
  hr: HOUR_MS,
  hrs: HOUR_MS,
  hour: HOUR_MS,
  hours: HOUR_MS,
  d: DAY_MS,
  day: DAY_MS,
  days: DAY_MS,
  w: WEEK_MS,
  week: WEEK_MS,
  weeks: WEEK_MS,
};

const example = 'use a whole number and a unit (m, h, d, w), e.g. 30m, 4h, 24h, 2d or 1h30m';

/** A duration typed in chat that cannot be used; `userMessage` says what to type instead. */
export class DurationError extends VigilError {
  constructor(message: string) {
    super('duration-invalid', message);
    this.name = 'DurationError';
  }
}

export interface DurationLimits {
  /** Default 1 minute. */
  minMs?: number;
  /** Default 7 days (maxSnoozeMs). */
  maxMs?: number;
}

/**
 * Parses what people type after `snooze ID` or on a button: `30m`, `4h`, `24h`, `2d`, `1w`, `1h30m`,
 * `2 hours` (case-insensitive). Seconds are refused on purpose: nothing in vigil runs that often.
 * Throws DurationError with a message fit for chat.
 */
export function parseDuration(text: string, limits: DurationLimits = {}): number {
  const input = text.trim().toLowerCase();
  if (input === '') throw new DurationError(`give a duration; ${example}`);
  if (/^\d+$/.test(input)) {
    throw new DurationError(
      `"${text.trim()}" needs a unit: ${input}m (minutes), ${input}h (hours) or ${input}d (days)`,
    );
  }
  const part = /(\d+)\s*([a-z]+)\s*/y;
  let total = 0;
  let matched = 0;
  while (matched < input.length) {
    part.lastIndex = matched;
    const m = part.exec(input);
    const unit = m?.[2] === undefined ? undefined : unitMs[m[2]];
    if (!m || unit === undefined) throw new DurationError(`"${text.trim()}" is not a duration; ${example}`);
    total += Number(m[1]) * unit;
    matched = part.lastIndex;
  }
  return checkDurationMs(total, limits, text.trim());
}

/** Applies the same bounds to a duration given in milliseconds (a button value, an API call). */
export function checkDurationMs(ms: number, limits: DurationLimits = {}, typed?: string): number {
  const shown = typed ?? formatDurationShort(ms);
  const minMs = limits.minMs ?? MINUTE_MS;
  const maxMs = limits.maxMs ?? maxSnoozeMs;
  if (!Number.isFinite(ms) || ms < minMs) {
    throw new DurationError(`"${shown}" is too short; the minimum is ${formatDurationShort(minMs)}`);
  }
  if (ms > maxMs) {
    throw new DurationError(
      `"${shown}" is longer than the maximum of ${formatDurationShort(maxMs)}; pick ${formatDurationShort(maxMs)} or less and extend it later if needed`,
    );
  }
  return ms;
}

/**
 * The inverse of parseDuration for messages: `4h`, `1h30m`, `2d`, `7d` (rounded down to minutes).
 * Unlike compactDuration ("4 h") it is spelled as a user would type it, so that a snooze or a limit
 * quoted in a reply can be typed back as is.
 */
export function formatDurationShort(ms: number): string {
  let rest = Math.max(0, Math.floor(ms / MINUTE_MS)) * MINUTE_MS;
  if (rest === 0) return '0m';
  let out = '';
  for (const [unit, size] of [
    ['d', DAY_MS],
    ['h', HOUR_MS],
    ['m', MINUTE_MS],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}
