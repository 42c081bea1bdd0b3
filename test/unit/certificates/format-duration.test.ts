import { describe, expect, it } from 'vitest';
import { formatAgoOrIn, formatDuration } from '../../../src/checks/certificates/format-duration.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('formatDuration', () => {
  it.each([
    [3 * DAY, '3 days'],
    [1 * DAY, '1 day'],
    [DAY + 23 * HOUR, '1 day'],
    [5 * HOUR + 59 * MIN, '5 hours'],
    [1 * HOUR, '1 hour'],
    [12 * MIN + 30_000, '12 minutes'],
    [1 * MIN, '1 minute'],
    [30_000, 'less than a minute'],
    [364 * DAY, '364 days'],
    [365 * DAY, '1 year'],
    [(2 * 365 + 14) * DAY, '2 years 14 days'],
    [366 * DAY, '1 year 1 day'],
    [-3 * DAY, '3 days'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatAgoOrIn', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  it('says "in" for the future and "ago" for the past', () => {
    expect(formatAgoOrIn(new Date(now.getTime() + 5 * DAY), now)).toBe('in 5 days');
    expect(formatAgoOrIn(new Date(now.getTime() - 3 * DAY - HOUR), now)).toBe('3 days ago');
    expect(formatAgoOrIn(new Date(now.getTime() - 2 * HOUR), now)).toBe('2 hours ago');
  });
});
