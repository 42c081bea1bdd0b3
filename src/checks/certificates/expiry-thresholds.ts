import type { X509Certificate } from 'node:crypto';
import type { ExpiryState } from '../../domain/finding.js';
import type { Severity } from '../../domain/severity.js';

/**
 * Days before notAfter at which a certificate turns warning / critical. Leaf defaults follow
 * x509-certificate-exporter (28/14 days); CAs get their own, earlier thresholds because replacing a CA
 * is a project (new bundles everywhere), not a pod restart.
 */
export interface ExpiryThresholds {
  warningDays: number;
  criticalDays: number;
  caWarningDays: number;
  caCriticalDays: number;
}

export const defaultThresholds: ExpiryThresholds = {
  warningDays: 28,
  criticalDays: 14,
  caWarningDays: 90,
  caCriticalDays: 30,
};

const DAY_MS = 86_400_000;

// validToDate/validFromDate exist from Node 23; the string fallback keeps the code honest if a
// runtime without them ever loads it.
export function notAfterOf(cert: X509Certificate): Date {
  return (cert.validToDate as Date | undefined) ?? new Date(cert.validTo);
}

export function notBeforeOf(cert: X509Certificate): Date {
  return (cert.validFromDate as Date | undefined) ?? new Date(cert.validFrom);
}

/** Whole days until notAfter, rounded down; negative once expired. */
export function daysLeft(cert: X509Certificate, now: Date): number {
  // Whole days towards zero, so "expired 12 days ago" reads -12 (not -13) and "5 days left" reads 5.
  const d = (notAfterOf(cert).getTime() - now.getTime()) / DAY_MS;
  return (d >= 0 ? Math.floor(d) : -Math.floor(-d)) || 0;
}

export function expiryStateOf(cert: X509Certificate, now: Date, t: ExpiryThresholds): ExpiryState {
  if (now.getTime() < notBeforeOf(cert).getTime()) return 'not-yet-valid';
  if (now.getTime() >= notAfterOf(cert).getTime()) return 'expired';
  const left = daysLeft(cert, now);
  const critical = cert.ca ? t.caCriticalDays : t.criticalDays;
  const warning = cert.ca ? t.caWarningDays : t.warningDays;
  if (left <= critical) return 'critical';
  if (left <= warning) return 'warning';
  return 'ok';
}

/**
 * Expired stays critical (x509-certificate-exporter keeps firing after expiry). Not-yet-valid is a
 * warning: clients reject it, but it usually means clock skew or an early rollout, not an outage.
 */
export function severityOfExpiry(state: ExpiryState): Severity {
  switch (state) {
    case 'ok':
      return 'ok';
    case 'warning':
    case 'not-yet-valid':
      return 'warning';
    case 'critical':
    case 'expired':
      return 'critical';
  }
}
