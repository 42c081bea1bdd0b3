import { describe, expect, it } from 'vitest';
import { formatSince } from '../../../src/time/format-since.js';

const now = new Date('2026-11-21T10:49:30Z');

describe('formatSince', () => {
  it('gives the UTC minute and how long ago, in compact units', () => {
    expect(formatSince('2026-11-21T10:02:10Z', now)).toBe('2026-11-21 10:02 UTC (47 min)');
    expect(formatSince('2026-11-19T06:00:00Z', now)).toBe('2026-11-19 06:00 UTC (2 d 4 h)');
    expect(formatSince('2026-11-21T10:49:00Z', now)).toBe('2026-11-21 10:49 UTC (less than a minute)');
  });

  it('shows no age for a time ahead of now, and an unparseable time as given', () => {
    expect(formatSince('2026-11-21T10:50:00Z', now)).toBe('2026-11-21 10:50 UTC');
    expect(formatSince('not a time', now)).toBe('not a time');
  });
});
