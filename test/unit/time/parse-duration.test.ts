import { describe, expect, it } from 'vitest';
import { DurationError, formatDurationShort, parseDuration } from '../../../src/time/parse-duration.js';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;

function errorOf(text: string, limits?: Parameters<typeof parseDuration>[1]): string {
  try {
    parseDuration(text, limits);
  } catch (err) {
    expect(err).toBeInstanceOf(DurationError);
    expect((err as DurationError).code).toBe('duration-invalid');
    return (err as DurationError).userMessage;
  }
  throw new Error(`expected "${text}" to be refused`);
}

describe('parseDuration', () => {
  it.each([
    ['30m', 30 * M],
    ['1h', H],
    ['4h', 4 * H],
    ['24h', 24 * H],
    ['2d', 2 * D],
    ['1w', 7 * D],
    ['1h30m', 90 * M],
    ['1h 30m', 90 * M],
    [' 2 Hours ', 2 * H],
    ['90min', 90 * M],
    ['4H', 4 * H],
  ])('%s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('explains what is wrong and what to type instead', () => {
    expect(errorOf('')).toBe(
      'give a duration; use a whole number and a unit (m, h, d, w), e.g. 30m, 4h, 24h, 2d or 1h30m',
    );
    expect(errorOf('30')).toBe('"30" needs a unit: 30m (minutes), 30h (hours) or 30d (days)');
    expect(errorOf('5x')).toMatch(/^"5x" is not a duration; use a whole number and a unit/);
    expect(errorOf('1.5h')).toMatch(/^"1.5h" is not a duration/);
    expect(errorOf('-1h')).toMatch(/^"-1h" is not a duration/);
    expect(errorOf('soon')).toMatch(/^"soon" is not a duration/);
    expect(errorOf('0m')).toBe('"0m" is too short; the minimum is 1m');
    expect(errorOf('8d')).toBe(
      '"8d" is longer than the maximum of 7d; pick 7d or less and extend it later if needed',
    );
    expect(errorOf('3h', { maxMs: 2 * H })).toMatch(/maximum of 2h/);
  });

  it('accepts exactly the maximum', () => {
    expect(parseDuration('7d')).toBe(7 * D);
    expect(parseDuration('168h')).toBe(7 * D);
  });
});

describe('formatDurationShort', () => {
  it('writes what parseDuration reads', () => {
    expect(formatDurationShort(90 * M)).toBe('1h30m');
    expect(formatDurationShort(2 * D)).toBe('2d');
    expect(formatDurationShort(D + 4 * H)).toBe('1d4h');
    expect(formatDurationShort(59_999)).toBe('0m');
    for (const text of ['30m', '4h', '1d4h', '6d23h59m'])
      expect(formatDurationShort(parseDuration(text))).toBe(text);
  });
});
