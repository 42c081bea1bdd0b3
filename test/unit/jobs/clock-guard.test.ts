import { describe, expect, it } from 'vitest';
import { judgeClock } from '../../../jobs/clock-guard/clock-guard.js';

describe('judgeClock: which replica is the one whose clock is off', () => {
  it('a replica 90 s ahead of Redis and of its peers is the outlier; its peers are not', () => {
    expect(judgeClock(90_000, [12, -30], 5_000)).toMatchObject({
      outlier: true,
      peers: 2,
      peersMedianMs: -9,
    });
    expect(judgeClock(12, [-30, 90_000], 5_000).outlier).toBe(false);
    expect(judgeClock(-90_000, [0, 3], 5_000).outlier).toBe(true);
  });

  it('a Redis whose clock is off stops nobody: the replicas agree with each other', () => {
    expect(judgeClock(90_000, [90_100, 89_950], 5_000).outlier).toBe(false);
  });

  it('of two replicas that disagree, the one Redis sides with keeps working', () => {
    expect(judgeClock(0, [90_000], 5_000).outlier).toBe(false);
    expect(judgeClock(90_000, [0], 5_000).outlier).toBe(true);
  });

  it('a replica alone, or within the tolerance, is never an outlier', () => {
    expect(judgeClock(90_000, [], 5_000)).toEqual({ offsetMs: 90_000, peers: 0, outlier: false });
    expect(judgeClock(4_900, [0], 5_000).outlier).toBe(false);
    expect(judgeClock(5_100, [0], 5_000).outlier).toBe(true);
  });
});
