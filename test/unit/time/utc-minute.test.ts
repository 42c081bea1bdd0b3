import { describe, expect, it } from 'vitest';
import { isoUtcMinute, utcMinute } from '../../../src/time/utc-minute.js';

describe('utcMinute', () => {
  it('spells the time to the minute in UTC, from an ISO string or a Date in any zone', () => {
    expect(utcMinute('2026-11-21T10:02:59.999Z')).toBe('2026-11-21 10:02 UTC');
    expect(utcMinute('2026-11-21T11:02:00+01:00')).toBe('2026-11-21 10:02 UTC');
    expect(utcMinute(new Date(Date.UTC(2026, 0, 5, 3, 4, 5)))).toBe('2026-01-05 03:04 UTC');
  });

  it('shows an unparseable time as given instead of failing the message', () => {
    expect(utcMinute('')).toBe('');
    expect(utcMinute('yesterday')).toBe('yesterday');
  });
});

describe('isoUtcMinute', () => {
  it('drops the seconds of an ISO time and keeps the Z', () => {
    expect(isoUtcMinute('2026-03-02T10:14:33Z')).toBe('2026-03-02T10:14Z');
    expect(isoUtcMinute('2026-03-02T10:14:33.120Z')).toBe('2026-03-02T10:14Z');
    expect(isoUtcMinute(new Date('2026-03-02T10:14:33.120Z'))).toBe('2026-03-02T10:14Z');
  });

  it('leaves a string that is not a UTC ISO time unchanged', () => {
    expect(isoUtcMinute('2026-03-02T10:14:33+01:00')).toBe('2026-03-02T10:14:33+01:00');
    expect(isoUtcMinute('-')).toBe('-');
  });
});
