import { describe, expect, it } from 'vitest';
import { declaredBodyTooLarge } from '../../../src/http/declared-body-too-large.js';

describe('declaredBodyTooLarge', () => {
  it('compares Content-Length with the limit', () => {
    expect(declaredBodyTooLarge(undefined, 10)).toBe(false);
    expect(declaredBodyTooLarge('10', 10)).toBe(false);
    expect(declaredBodyTooLarge('11', 10)).toBe(true);
  });
});
