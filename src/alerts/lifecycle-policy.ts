import { alertsConfigSchema, type AlertsConfig } from '../config/alerts-config.js';
import { HOUR_MS } from '../time/time-units.js';

/** The knobs of the lifecycle, in milliseconds and run counts (pure functions take this, not the config). */
export interface LifecyclePolicy {
  /** Consecutive ok (or absent) runs before an alert resolves, so a flapping probe does not spam. */
  resolveAfterOkRuns: number;
  /** Reminder interval for firing, unacknowledged alerts (Alertmanager's repeat_interval); 0 = never. */
  repeatIntervalMs: number;
  /** A resolved alert whose finding comes back within this window reopens (same id, same chat message); 0 = never. */
  reopenWindowMs: number;
}

/** The policy of an empty `alerts:` section: the config schema's defaults are the only source. */
export const defaultLifecyclePolicy: Readonly<LifecyclePolicy> = Object.freeze(
  lifecyclePolicy(alertsConfigSchema.parse({})),
);

export function lifecyclePolicy(config: Readonly<AlertsConfig>): LifecyclePolicy {
  return {
    resolveAfterOkRuns: config.resolveAfterOkRuns,
    repeatIntervalMs: config.repeatIntervalHours * HOUR_MS,
    reopenWindowMs: config.reopenWindowHours * HOUR_MS,
  };
}
