import { describe, expect, it } from 'vitest';
import { coarseDuration, wordedDuration } from '../../../src/time/worded-duration.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('coarseDuration', () => {
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
    expect(coarseDuration(ms)).toBe(text);
  });
});

describe('wordedDuration', () => {
  it('uses two units, rounded down', () => {
    expect(wordedDuration(30_000)).toBe('less than a minute');
    expect(wordedDuration(60_000)).toBe('1 minute');
    expect(wordedDuration(3 * HOUR + 5 * MIN + 59_000)).toBe('3 hours 5 minutes');
    expect(wordedDuration(24 * HOUR)).toBe('1 day');
    expect(wordedDuration(2 * DAY + 3 * HOUR + 59 * MIN)).toBe('2 days 3 hours');
    expect(wordedDuration(-5 * MIN)).toBe('less than a minute');
  });

  it('keeps the second unit and counts days past a year, where coarseDuration does not', () => {
    expect(wordedDuration(DAY + 23 * HOUR)).toBe('1 day 23 hours');
    expect(coarseDuration(DAY + 23 * HOUR)).toBe('1 day');
    expect(wordedDuration(400 * DAY)).toBe('400 days');
    expect(coarseDuration(400 * DAY)).toBe('1 year 35 days');
  });
});
