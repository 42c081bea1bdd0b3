import { describe, expect, it } from 'vitest';
import { alertIdFor } from '../../../src/alerts/alert-id.js';

describe('alertIdFor', () => {
  it('gives short, distinct, typable ids that start with a letter', () => {
    const seen = new Set<string>();
    for (let n = 1; n <= 50_000; n++) {
      const id = alertIdFor(n);
      expect(id).toMatch(/^[a-hj-km-np-z][a-hj-km-np-z2-9]{4}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(50_000);
  });

  it('does not read as a sequence', () => {
    expect(alertIdFor(1)).not.toBe('aaaaa');
    expect(alertIdFor(2).slice(0, 4)).not.toBe(alertIdFor(1).slice(0, 4));
  });

  it('grows to 6 characters after 23 * 31^4 alerts, still distinct at the boundary', () => {
    const last5 = 23 * 31 ** 4;
    expect(alertIdFor(last5)).toHaveLength(5);
    expect(alertIdFor(last5 + 1)).toHaveLength(6);
    expect(alertIdFor(last5 + 2)).not.toBe(alertIdFor(last5 + 1));
  });

  it('refuses counters that are not positive integers', () => {
    expect(() => alertIdFor(0)).toThrow(RangeError);
    expect(() => alertIdFor(1.5)).toThrow(RangeError);
  });
});
