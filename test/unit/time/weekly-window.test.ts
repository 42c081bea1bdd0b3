import { describe, expect, it } from 'vitest';
import { isTimeZone, occurrenceAt, zonedInstant } from '../../../src/time/weekly-window.js';

const at = (iso: string) => Date.parse(iso);
const iso = (o: { start: number; end: number } | undefined) =>
  o ? { start: new Date(o.start).toISOString(), end: new Date(o.end).toISOString() } : undefined;

describe('zonedInstant', () => {
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`);

  it('turns a Berlin wall-clock time into UTC, winter and summer', () => {
    expect(new Date(zonedInstant(day('2026-01-10'), 22 * 60, 'Europe/Berlin')).toISOString()).toBe(
      '2026-01-10T21:00:00.000Z',
    );
    expect(new Date(zonedInstant(day('2026-07-10'), 22 * 60, 'Europe/Berlin')).toISOString()).toBe(
      '2026-07-10T20:00:00.000Z',
    );
  });

  it('moves a skipped time (spring forward) past the jump, and takes the first of a doubled one', () => {
    // 2026-03-29: 02:00 CET -> 03:00 CEST; 02:30 does not exist, it is 03:30 CEST.
    expect(new Date(zonedInstant(day('2026-03-29'), 150, 'Europe/Berlin')).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    // 2026-10-25: 03:00 CEST -> 02:00 CET; 02:30 happens at 00:30Z (CEST) and 01:30Z (CET).
    expect(new Date(zonedInstant(day('2026-10-25'), 150, 'Europe/Berlin')).toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });
});

describe('occurrenceAt', () => {
  const nightly = { timezone: 'Europe/Berlin', times: [{ start: '22:00', end: '04:00' }] };

  it('finds a range that crosses midnight, from either side of midnight', () => {
    const expected = { start: '2026-01-10T21:00:00.000Z', end: '2026-01-11T03:00:00.000Z' };
    expect(iso(occurrenceAt(nightly, at('2026-01-10T21:30:00Z')))).toEqual(expected);
    expect(iso(occurrenceAt(nightly, at('2026-01-11T02:59:00Z')))).toEqual(expected);
    expect(occurrenceAt(nightly, at('2026-01-11T03:00:00Z'))).toBeUndefined();
    expect(occurrenceAt(nightly, at('2026-01-10T20:59:00Z'))).toBeUndefined();
  });

  it('keeps local hours across DST: the night the clocks go back lasts an hour longer', () => {
    // 22:00 CEST on the 24th is 20:00Z; 04:00 CET on the 25th is 03:00Z: 7 hours.
    expect(iso(occurrenceAt(nightly, at('2026-10-25T01:00:00Z')))).toEqual({
      start: '2026-10-24T20:00:00.000Z',
      end: '2026-10-25T03:00:00.000Z',
    });
    // Spring: 22:00 CET (21:00Z) to 04:00 CEST (02:00Z): 5 hours.
    expect(iso(occurrenceAt(nightly, at('2026-03-29T01:30:00Z')))).toEqual({
      start: '2026-03-28T21:00:00.000Z',
      end: '2026-03-29T02:00:00.000Z',
    });
  });

  it('applies the weekday to the day a range starts on', () => {
    const fridayNight = { ...nightly, weekdays: ['fri' as const] };
    // 2026-01-09 is a Friday; Saturday 01:00 local is still Friday's night.
    expect(occurrenceAt(fridayNight, at('2026-01-10T00:00:00Z'))).toBeDefined();
    expect(occurrenceAt(fridayNight, at('2026-01-10T22:00:00Z'))).toBeUndefined();
  });

  it('merges whole weekend days into one occurrence, local midnight to local midnight', () => {
    const weekend = { timezone: 'Europe/Berlin', weekdays: ['sat' as const, 'sun' as const] };
    const expected = { start: '2026-01-09T23:00:00.000Z', end: '2026-01-11T23:00:00.000Z' };
    expect(iso(occurrenceAt(weekend, at('2026-01-10T10:00:00Z')))).toEqual(expected);
    expect(iso(occurrenceAt(weekend, at('2026-01-11T22:59:00Z')))).toEqual(expected);
    expect(occurrenceAt(weekend, at('2026-01-12T08:00:00Z'))).toBeUndefined();
  });

  it('merges a range ending at 24:00 with one starting at 00:00 the next day', () => {
    const w = {
      timezone: 'UTC',
      weekdays: ['sat' as const, 'sun' as const],
      times: [
        { start: '20:00', end: '24:00' },
        { start: '00:00', end: '06:00' },
      ],
    };
    expect(iso(occurrenceAt(w, at('2026-01-10T21:00:00Z')))).toEqual({
      start: '2026-01-10T20:00:00.000Z',
      end: '2026-01-11T06:00:00.000Z',
    });
  });

  it('knows real zones and refuses made-up ones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Europe/Atlantis')).toBe(false);
  });
});
