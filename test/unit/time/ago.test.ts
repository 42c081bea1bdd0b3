import { describe, expect, it } from 'vitest';
import { ago, agoOrIn, agoWithSeconds } from '../../../src/time/ago.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const now = new Date('2026-11-21T12:00:00Z');

describe('ago', () => {
  it('counts minutes and up, in compact units', () => {
    expect(ago('2026-11-21T11:57:00Z', now)).toBe('3 min ago');
    expect(ago(new Date(now.getTime() - 2 * HOUR - 5 * MIN), now)).toBe('2 h 5 min ago');
    expect(ago('2026-11-18T08:00:00Z', now)).toBe('3 d 4 h ago');
  });

  it('says "just now" under a minute and for a time slightly ahead (clock skew), never a negative age', () => {
    expect(ago('2026-11-21T11:59:30Z', now)).toBe('just now');
    expect(ago('2026-11-21T12:00:05Z', now)).toBe('just now');
  });
});

describe('agoWithSeconds', () => {
  it('says "just now" for a timestamp from a clock slightly ahead, never a negative age', () => {
    expect(agoWithSeconds('2026-11-21T12:00:05Z', now)).toBe('just now');
    expect(agoWithSeconds('2026-11-21T11:59:30Z', now)).toBe('30 s ago');
  });

  it('reads like ago from a minute up', () => {
    for (const at of ['2026-11-21T11:59:00Z', '2026-11-21T11:13:00Z', '2026-11-18T08:00:00Z']) {
      expect(agoWithSeconds(at, now)).toBe(ago(at, now));
    }
  });
});

describe('agoOrIn', () => {
  it('says "in" for the future and "ago" for the past', () => {
    expect(agoOrIn(new Date(now.getTime() + 5 * DAY), now)).toBe('in 5 days');
    expect(agoOrIn(new Date(now.getTime() - 3 * DAY - HOUR), now)).toBe('3 days ago');
    expect(agoOrIn(new Date(now.getTime() - 2 * HOUR), now)).toBe('2 hours ago');
  });
});
