/** A moment as a wall clock in one IANA time zone reads it. */
export interface ZonedClock {
  /** The calendar day there, `YYYY-MM-DD`. */
  day: string;
  /** Minutes since that day's midnight there (0–1439). */
  minuteOfDay: number;
  /** `HH:MM` there. */
  time: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * Reads `at` in `timeZone` (validated by the config, src/config/schedules-config.ts
 * `isValidTimezone`), so "09:00 Europe/Berlin" is 08:00 UTC in winter and 07:00 in summer without
 * vigil doing any DST arithmetic of its own.
 */
export function zonedClock(at: Date, timeZone: string): ZonedClock {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  const [year, month, day, hour, minute] = [
    part('year'),
    part('month'),
    part('day'),
    part('hour'),
    part('minute'),
  ];
  return {
    day: `${year}-${month}-${day}`,
    minuteOfDay: Number(hour) * 60 + Number(minute),
    time: `${hour}:${minute}`,
  };
}
