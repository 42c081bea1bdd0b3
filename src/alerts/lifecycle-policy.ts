import type { AlertsConfig } from '../config/alerts-config.js';

const HOUR_MS = 3_600_000;

/** The knobs of the lifecycle, in milliseconds and run counts (pure functions take this, not the config). */
export interface LifecyclePolicy {
  /** Consecutive ok (or absent) runs before an alert resolves, so a flapping probe does not spam. */
  resolveAfterOkRuns: number;
  /** Reminder interval for firing, unacknowledged alerts (Alertmanager's repeat_interval); 0 = never. */
  repeatIntervalMs: number;
  /** A resolved alert whose finding comes back within this window reopens (same id, same chat message); 0 = never. */
  reopenWindowMs: number;
}

export const defaultLifecyclePolicy: Readonly<LifecyclePolicy> = Object.freeze({
  resolveAfterOkRuns: 2,
  repeatIntervalMs: 4 * HOUR_MS,
  reopenWindowMs: 24 * HOUR_MS,
});

export function lifecyclePolicy(config: Readonly<AlertsConfig>): LifecyclePolicy {
  return {
    resolveAfterOkRuns: config.resolveAfterOkRuns,
    repeatIntervalMs: config.repeatIntervalHours * HOUR_MS,
    reopenWindowMs: config.reopenWindowHours * HOUR_MS,
  };
}
