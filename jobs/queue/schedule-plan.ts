import { CronExpressionParser } from 'cron-parser';
import { ConfigError } from '../../src/domain/config-error.js';
import type { VigilConfig } from '../../src/config/config-schema.js';
import {
  defaultCheckPatterns,
  scheduledChecks,
  type ScheduledCheck,
} from '../../src/config/schedules-config.js';

/** One cluster-wide schedule: BullMQ creates one run-check job per tick, whatever the replica count. */
export interface PlannedSchedule {
  /** Stable scheduler id; no `:` (BullMQ job ids derive from it) and never all digits. */
  schedulerId: string;
  cluster: string;
  check: ScheduledCheck;
  pattern: string;
  timezone: string;
}

export const schedulerIdPrefix = 'check-';

export function schedulerIdFor(cluster: string, check: ScheduledCheck): string {
  return `${schedulerIdPrefix}${cluster}-${check}`;
}

/**
 * Every (cluster, check) pair with its effective pattern: per-cluster override, then `schedules.checks`,
 * then the default; `false` at either level turns the pair off. Throws ConfigError when an override
 * names a cluster that is not configured (the schema alone cannot see `clusters:`).
 */
export function planSchedules(
  config: Readonly<Pick<VigilConfig, 'clusters' | 'schedules'>>,
): PlannedSchedule[] {
  const known = new Set(config.clusters.map((c) => c.name));
  const unknown = Object.keys(config.schedules.clusters).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      'config',
      unknown.map((name) => ({
        key: `schedules.clusters.${name}`,
        message: `no cluster named "${name}" under clusters:; configured: ${[...known].join(', ')}`,
      })),
    );
  }
  const plan: PlannedSchedule[] = [];
  for (const cluster of config.clusters) {
    const overrides = config.schedules.clusters[cluster.name] ?? {};
    for (const check of scheduledChecks) {
      const pattern = resolvePattern(overrides[check], config.schedules.checks[check], check);
      if (pattern === false) continue;
      plan.push({
        schedulerId: schedulerIdFor(cluster.name, check),
        cluster: cluster.name,
        check,
        pattern,
        timezone: config.schedules.timezone,
      });
    }
  }
  return plan;
}

function resolvePattern(
  override: string | false | undefined,
  global: string | false | undefined,
  check: ScheduledCheck,
): string | false {
  if (override !== undefined) return override;
  if (global !== undefined) return global;
  return defaultCheckPatterns[check];
}

/**
 * The time of the `count`-th scheduled tick at or before `before` (1 = the latest), read with
 * cron-parser as BullMQ does, so the watchdog expects runs exactly when the schedulers create them.
 */
export function previousTick(
  schedule: Pick<PlannedSchedule, 'pattern' | 'timezone'>,
  before: Date,
  count: number,
): Date {
  // cron-parser's prev() is strictly before currentDate; one ms later includes a tick at `before`.
  const ticks = CronExpressionParser.parse(schedule.pattern, {
    tz: schedule.timezone,
    currentDate: new Date(before.getTime() + 1),
  });
  let tick = ticks.prev();
  for (let i = 1; i < count; i++) tick = ticks.prev();
  return tick.toDate();
}
