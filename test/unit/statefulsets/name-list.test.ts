import { describe, expect, it } from 'vitest';
import { isAre, nameList } from '../../../src/checks/statefulsets/name-list.js';

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
