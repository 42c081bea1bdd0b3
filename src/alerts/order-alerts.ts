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
