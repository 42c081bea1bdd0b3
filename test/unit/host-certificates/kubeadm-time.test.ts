import { describe, expect, it } from 'vitest';
import {
  formatKubeadmExpires,
  formatResidualTime,
} from '../../../src/checks/host-certificates/kubeadm-time.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('formatKubeadmExpires', () => {
  it("uses Go's `Jan 02, 2006 15:04 MST` in UTC, dropping seconds", () => {
    expect(formatKubeadmExpires(new Date('2027-01-02T15:04:59Z'))).toBe('Jan 02, 2027 15:04 UTC');
    expect(formatKubeadmExpires(new Date('2026-12-31T23:59:00Z'))).toBe('Dec 31, 2026 23:59 UTC');
    expect(formatKubeadmExpires(new Date('2035-08-17T09:03:00Z'))).toBe('Aug 17, 2035 09:03 UTC');
  });
});

describe('formatResidualTime (ShortHumanDuration of whole seconds)', () => {
  it.each([
    [-2 * S, '<invalid>'],
    [-400 * D, '<invalid>'],
    [-1999, '0s'],
    [-1 * S, '0s'],
    [0, '0s'],
    [59 * S + 999, '59s'],
    [60 * S, '1m'],
    [59 * M + 59 * S, '59m'],
    [1 * H, '1h'],
    [23 * H + 59 * M, '23h'],
    [1 * D, '1d'],
    [364 * D + 23 * H, '364d'],
    [365 * D, '1y'],
    [3645 * D, '9y'],
    [3650 * D, '10y'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatResidualTime(ms)).toBe(text);
  });
});
