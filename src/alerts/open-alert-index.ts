import type { Alert } from '../domain/alert.js';

/** One page of open alerts, worst first (compareAlerts), and how many are open in all. */
export interface OpenAlertPage {
  alerts: Alert[];
  total: number;
  bySeverity: { critical: number; unknown: number; warning: number };
}

/**
 * Open alerts a page at a time (issue 12: `/k8s alerts` must not read every open alert to show 20).
 * Implemented by the alert store, which keeps the ranking in the same atomic step as the alerts.
 */
export interface OpenAlertIndex {
  /**
   * Open alerts of the given clusters, positions `start` to `start + count - 1` worst first, with the
   * totals of those clusters.
   */
  pageOpen(clusters: readonly string[], start: number, count: number): Promise<OpenAlertPage>;
  /** How many alerts are open on each cluster, by severity, in the order asked. */
  countOpen(clusters: readonly string[]): Promise<OpenAlertPage['bySeverity'][]>;
}
