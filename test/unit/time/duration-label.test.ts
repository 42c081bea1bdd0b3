import { describe, expect, it } from 'vitest';
import { durationLabel } from '../../../src/time/duration-label.js';

describe('durationLabel', () => {
  it('spells snooze durations for buttons and menus', () => {
    expect(durationLabel('1h')).toBe('1 h');
    expect(durationLabel('30m')).toBe('30 min');
    expect(durationLabel('1h30m')).toBe('1 h 30 min');
    expect(durationLabel('2d')).toBe('2 d');
  });

  it('leaves anything that is not a duration as given', () => {
    expect(durationLabel('weird')).toBe('weird');
    expect(durationLabel('soon')).toBe('soon');
    expect(durationLabel('4 h')).toBe('4 h');
  });
});
