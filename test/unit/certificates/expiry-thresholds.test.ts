import { describe, expect, it } from 'vitest';
import {
  daysLeft,
  defaultThresholds,
  expiryStateOf,
  severityOfExpiry,
} from '../../../src/checks/certificates/expiry-thresholds.js';
import { daysFrom, issueCa, issueCert, issueLeaf } from '../../../src/simulator/cert-factory.js';

const now = new Date('2026-11-21T12:00:00Z');
const t = defaultThresholds;

describe('expiryStateOf with default thresholds (28/14 days, CA 90/30)', () => {
  it.each([
    [29, 'ok'],
    [28, 'warning'],
    [15, 'warning'],
    [14, 'critical'],
    [1, 'critical'],
  ] as const)('a leaf with %i days left is %s', (days, state) => {
    const cert = issueLeaf('boundary', now, days).x509;
    expect(daysLeft(cert, now)).toBe(days);
    expect(expiryStateOf(cert, now, t)).toBe(state);
  });

  it('rounds partial days down: 28 days and 23 hours left is still 28 (warning)', () => {
    const cert = issueLeaf('partial', now, 28 + 23 / 24).x509;
    expect(daysLeft(cert, now)).toBe(28);
    expect(expiryStateOf(cert, now, t)).toBe('warning');
  });

  it('is expired one second after notAfter and at notAfter itself', () => {
    const cert = issueCert({
      commonName: 'gone',
      notBefore: daysFrom(now, -90),
      notAfter: new Date(now.getTime() - 1000),
    }).x509;
    expect(expiryStateOf(cert, now, t)).toBe('expired');
    expect(daysLeft(cert, now)).toBe(0);
    const longGone = issueCert({
      commonName: 'long gone',
      notBefore: daysFrom(now, -90),
      notAfter: new Date(daysFrom(now, -12).getTime() - 1000),
    }).x509;
    expect(daysLeft(longGone, now)).toBe(-12);
    const atEdge = issueLeaf('edge', now, 0).x509;
    expect(expiryStateOf(atEdge, now, t)).toBe('expired');
    expect(daysLeft(atEdge, now)).toBe(0);
  });

  it('uses CA thresholds for CAs: 60 days is a warning for a CA and ok for a leaf', () => {
    const ca = issueCa('ca', now, { ageDays: 300, lifetimeDays: 360 }).x509;
    expect(daysLeft(ca, now)).toBe(60);
    expect(expiryStateOf(ca, now, t)).toBe('warning');
    expect(expiryStateOf(issueLeaf('leaf', now, 60).x509, now, t)).toBe('ok');
    const caIn30 = issueCa('ca30', now, { ageDays: 330, lifetimeDays: 360 }).x509;
    expect(expiryStateOf(caIn30, now, t)).toBe('critical');
    const caIn91 = issueCa('ca91', now, { ageDays: 269, lifetimeDays: 360 }).x509;
    expect(expiryStateOf(caIn91, now, t)).toBe('ok');
  });

  it('is not-yet-valid before notBefore', () => {
    const cert = issueCert({
      commonName: 'future',
      notBefore: daysFrom(now, 1),
      notAfter: daysFrom(now, 91),
    }).x509;
    expect(expiryStateOf(cert, now, t)).toBe('not-yet-valid');
  });

  it('honours custom thresholds', () => {
    const cert = issueLeaf('custom', now, 6).x509;
    expect(expiryStateOf(cert, now, { ...t, warningDays: 7, criticalDays: 1 })).toBe('warning');
  });
});

describe('severityOfExpiry', () => {
  it.each([
    ['ok', 'ok'],
    ['warning', 'warning'],
    ['critical', 'critical'],
    ['expired', 'critical'],
    ['not-yet-valid', 'warning'],
  ] as const)('%s -> %s', (state, severity) => {
    expect(severityOfExpiry(state)).toBe(severity);
  });
});
