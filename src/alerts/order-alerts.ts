import type { Alert } from '../domain/alert.js';
import { compareSeverity } from '../domain/severity.js';

/** Worst first (critical, unknown, warning), then the longest-open first: the on-call reads top down. */
export function compareAlerts(a: Alert, b: Alert): number {
  return (
    compareSeverity(b.severity, a.severity) ||
    a.openedAt.localeCompare(b.openedAt) ||
    a.id.localeCompare(b.id)
  );
}

/** The open severities, worst first: the bands of openAlertScore. */
export const openSeverities = ['critical', 'unknown', 'warning'] as const;

/** Width of one severity band of openAlertScore: above any time in ms until the year 2286. */
export const SEVERITY_BAND = 1e13;

/**
 * compareAlerts as a number, for a sorted set of open alerts: the severity band (critical first),
 * then the opening time in ms. Equal scores fall back to the member, the id, compared byte by byte,
 * which for ids (lower-case letters and digits, alert-id.ts) is the order of `localeCompare`.
 */
export function openAlertScore(alert: Pick<Alert, 'severity' | 'openedAt'>): number {
  const band = openSeverities.indexOf(alert.severity as (typeof openSeverities)[number]);
  const opened = Date.parse(alert.openedAt);
  return (band < 0 ? openSeverities.length : band) * SEVERITY_BAND + (Number.isFinite(opened) ? opened : 0);
}
