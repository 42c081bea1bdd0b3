import { DAY_MS } from './time-units.js';

/** Weekday names as vigil.yaml spells them, in `Date.getUTCDay()` order (Sunday first). */
export const weekdayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type WeekdayName = (typeof weekdayNames)[number];

/** A local wall-clock range, "HH:MM"; an `end` at or before `start` ends the next day (22:00-04:00). */
export interface TimeRange {
  start: string;
  end: string;
}

/**
 * A recurring window in local time: on the listed weekdays (all when absent), during the listed
 * ranges (the whole day when absent). A range belongs to the day it starts on.
 */
export interface WeeklyWindow {
  timezone: string;
  weekdays?: readonly WeekdayName[] | undefined;
  times?: readonly TimeRange[] | undefined;
}

/** One occurrence of a window: [start, end) in UTC ms. */
export interface Occurrence {
  start: number;
  end: number;
}

/** Whether the IANA zone is known to this Node (its ICU data); vigil.yaml is checked with it. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's offset from UTC at that instant, in ms (Berlin in summer: +2 h). */
function offsetMs(at: number, zone: string): number {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return local - Math.floor(at / 1000) * 1000;
}

/**
 * The instant of a local wall-clock time. A time the clocks skip (02:30 when they jump from 02:00
 * to 03:00) is the instant the same distance after the jump (03:30); a time that happens twice (the
 * autumn hour) is its first occurrence.
 */
export function zonedInstant(dayUtc: number, minutes: number, zone: string): number {
  const guess = dayUtc + minutes * 60_000;
  const halfDay = DAY_MS / 2;
  // No zone changes its offset twice within 12 hours: the offsets around the time are all it can have.
  const offsets = new Set([guess - halfDay, guess, guess + halfDay].map((t) => offsetMs(t, zone)));
  const valid = [...offsets]
    .map((o) => guess - o)
    .filter((t) => t + offsetMs(t, zone) === guess)
    .sort((a, b) => a - b);
  return valid[0] ?? guess - offsetMs(guess - halfDay, zone);
}

/** The local calendar day (as a UTC-midnight timestamp) and weekday of an instant in a zone. */
function localDay(at: number, zone: string): number {
  const local = at + offsetMs(at, zone);
  return Math.floor(local / DAY_MS) * DAY_MS;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** The occurrences that start on one local day. */
function occurrencesOn(day: number, window: WeeklyWindow): Occurrence[] {
  const weekday = weekdayNames[new Date(day).getUTCDay()] as WeekdayName;
  if (window.weekdays && !window.weekdays.includes(weekday)) return [];
  const ranges = window.times ?? [{ start: '00:00', end: '00:00' }];
  return ranges.map((r) => {
    const s = minutesOf(r.start);
    const e = minutesOf(r.end);
    return {
      start: zonedInstant(day, s, window.timezone),
      end: zonedInstant(e <= s ? day + DAY_MS : day, e, window.timezone),
    };
  });
}

/** Longest chain of back-to-back occurrences considered (a window every day merges into a week). */
const MAX_MERGED_DAYS = 8;

/**
 * The occurrence of the window that contains `at`, or undefined. Occurrences that touch or overlap
 * (sat and sun, or 22:00-24:00 then 00:00-06:00) are one: it ends when the last of them ends, so
 * alerts muted on Saturday are not announced at midnight only to be muted again.
 */
export function occurrenceAt(window: WeeklyWindow, at: number): Occurrence | undefined {
  const near = (from: number, to: number) => {
    const out: Occurrence[] = [];
    for (let day = from; day <= to; day += DAY_MS) out.push(...occurrencesOn(day, window));
    return out;
  };
  const today = localDay(at, window.timezone);
  const found = near(today - DAY_MS, today).find((o) => o.start <= at && at < o.end);
  if (!found) return undefined;
  let { start, end } = found;
  const span = MAX_MERGED_DAYS * DAY_MS;
  const around = near(localDay(start, window.timezone) - span, localDay(end, window.timezone) + span);
  // Grow both ways while another occurrence touches the current span; bounded by the list's size.
  for (let grown = true, rounds = 0; grown && rounds < around.length; rounds++) {
    grown = false;
    for (const o of around) {
      if (o.start <= end && o.end > end) {
        end = o.end;
        grown = true;
      }
      if (o.end >= start && o.start < start) {
        start = o.start;
        grown = true;
      }
    }
  }
  return { start, end };
}
