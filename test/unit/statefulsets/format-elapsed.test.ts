import { describe, expect, it } from 'vitest';
import { ago, formatElapsed } from '../../../src/checks/statefulsets/format-elapsed.js';
import { isAre, nameList } from '../../../src/checks/statefulsets/name-list.js';

const s = 1000;
const min = 60 * s;
const h = 60 * min;
const d = 24 * h;

describe('formatElapsed', () => {
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
    expect(formatElapsed(ms)).toBe(text);
  });

  it('says "just now" for a timestamp from a clock slightly ahead, never a negative age', () => {
    const now = new Date('2026-11-21T12:00:00Z');
    expect(ago('2026-11-21T12:00:05Z', now)).toBe('just now');
    expect(ago('2026-11-21T11:59:30Z', now)).toBe('30 s ago');
  });
});

describe('nameList', () => {
  it('joins names the way a sentence does, and shortens long lists', () => {
    expect(nameList(['mongo-1'])).toBe('mongo-1');
    expect(nameList(['mongo-1', 'mongo-2'])).toBe('mongo-1 and mongo-2');
    expect(nameList(['a', 'b', 'c', 'd'])).toBe('a, b, c and d');
    expect(nameList(['a', 'b', 'c', 'd', 'e', 'f'])).toBe('a, b, c and 3 more');
    expect(isAre(1)).toBe('is');
    expect(isAre(2)).toBe('are');
  });
});
