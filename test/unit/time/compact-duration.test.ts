import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compactDuration,
  compactDurationWithSeconds,
  elapsedSince,
} from '../../../src/time/compact-duration.js';

const s = 1000;
const min = 60 * s;
const h = 60 * min;
const d = 24 * h;

describe('compactDurationWithSeconds', () => {
  it.each([
    [0, '0 s'],
    [30 * s, '30 s'],
    [59 * s + 999, '59 s'],
    [min, '1 min'],
    [47 * min + 59 * s, '47 min'],
    [h, '1 h'],
    [2 * h + 5 * min + 30 * s, '2 h 5 min'],
    [23 * h + 59 * min, '23 h 59 min'],
    [d, '1 d'],
    [3 * d + 4 * h + 59 * min, '3 d 4 h'],
    [-5 * s, '0 s'],
  ])('%i ms reads "%s" (rounded down, two units at most)', (ms, text) => {
    expect(compactDurationWithSeconds(ms)).toBe(text);
  });

  it('elapsedSince measures from an ISO time or a Date to now', () => {
    const now = new Date('2026-11-21T12:00:00Z');
    expect(elapsedSince('2026-11-21T11:13:00Z', now)).toBe('47 min');
    expect(elapsedSince(new Date('2026-11-21T11:59:30Z'), now)).toBe('30 s');
    expect(elapsedSince('2026-11-21T12:00:05Z', now)).toBe('0 s');
  });
});

describe('compactDuration', () => {
  it.each([
    [0, 'less than a minute'],
    [59 * s + 999, 'less than a minute'],
    [min, '1 min'],
    [3 * min + 59 * s, '3 min'],
    [h, '1 h'],
    [2 * h + 5 * min, '2 h 5 min'],
    [d, '1 d'],
    [3 * d + 4 * h + 59 * min, '3 d 4 h'],
    [7 * d, '7 d'],
    // The sign is the caller's to word ("until", "ago"): a snooze ending in 4 h reads "4 h".
    [-(4 * h), '4 h'],
    [-(30 * s), 'less than a minute'],
  ])('%i ms reads "%s"', (ms, text) => {
    expect(compactDuration(ms)).toBe(text);
  });

  it('agrees with compactDurationWithSeconds from one minute up; only seconds differ', () => {
    fc.assert(
      fc.property(fc.integer({ min: min, max: 400 * d }), (ms) => {
        expect(compactDurationWithSeconds(ms)).toBe(compactDuration(ms));
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: min - 1 }), (ms) => {
        expect(compactDuration(ms)).toBe('less than a minute');
        expect(compactDurationWithSeconds(ms)).toBe(`${Math.floor(ms / s)} s`);
      }),
    );
  });
});
