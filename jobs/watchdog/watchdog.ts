import type { AlertStore } from '../../src/alerts/alert-store.js';
import { applyRun } from '../../src/alerts/apply-run.js';
import type { CheckFailure, CheckFailures } from '../../src/alerts/check-failures.js';
import type { LifecyclePolicy } from '../../src/alerts/lifecycle-policy.js';
import type { SnapshotStore } from '../../src/alerts/snapshot-store.js';
import { utcMinute } from '../../src/time/utc-minute.js';
import { wordedDuration } from '../../src/time/worded-duration.js';
import type { Finding } from '../../src/domain/finding.js';
import { fingerprint } from '../../src/domain/fingerprint.js';
import { handOverRun, type TransitionSink } from '../notify/transition-sink.js';
import { previousTick, type PlannedSchedule } from '../queue/schedule-plan.js';

export interface WatchdogTolerance {
  /** Scheduled runs that may be missed before the alert... */
  missedRuns: number;
  /** ...counting only ticks older than this (a slow but healthy run is not missed). */
  graceSeconds: number;
}

export interface AssessInput {
  plan: readonly PlannedSchedule[];
  lastRuns: readonly { cluster: string; check: string; at: string }[];
  failures: ReadonlyMap<string, CheckFailure>;
  now: Date;
  /** When this process started watching: nothing is "missed" before the schedulers had a chance. */
  startedAt: Date;
  tolerance: WatchdogTolerance;
}

export const watchdogSource = 'watchdog';

/**
 * One finding per cluster: `ok` while every scheduled check has run recently enough, otherwise
 * "vigil is not checking cluster X" with since when, per check what was missed, the last error, and
 * the usual causes. The tool that watches must be watched: this is how a dead queue gets noticed.
 */
export function assessSchedules(input: AssessInput): Finding[] {
  const reference = new Date(input.now.getTime() - input.tolerance.graceSeconds * 1000);
  const lastRun = new Map(input.lastRuns.map((r) => [`${r.cluster}/${r.check}`, r.at]));
  const clusters = [...new Set(input.plan.map((s) => s.cluster))];
  return clusters.map((cluster) => {
    const stale: {
      schedule: PlannedSchedule;
      lastAt: string | undefined;
      failure: CheckFailure | undefined;
    }[] = [];
    for (const schedule of input.plan.filter((s) => s.cluster === cluster)) {
      const key = `${cluster}/${schedule.check}`;
      const lastAt = lastRun.get(key);
      const seen = Math.max(lastAt ? Date.parse(lastAt) : 0, input.startedAt.getTime());
      const deadline = previousTick(schedule, reference, input.tolerance.missedRuns);
      if (seen >= deadline.getTime()) continue;
      const failure = input.failures.get(key);
      const relevant = failure && (!lastAt || failure.at > lastAt) ? failure : undefined;
      stale.push({ schedule, lastAt, failure: relevant });
    }
    const base = {
      cluster,
      check: 'cluster' as const,
      source: watchdogSource,
      object: `vigil schedules for cluster ${cluster}`,
      fingerprint: fingerprint(cluster, 'cluster', watchdogSource, cluster),
    };
    if (stale.length === 0) {
      return {
        ...base,
        severity: 'ok' as const,
        summary: `vigil is checking cluster ${cluster} on schedule`,
      };
    }
    const known = stale.map((s) => s.lastAt).filter((at): at is string => at !== undefined);
    const since = known.length === stale.length ? known.sort()[0] : undefined;
    const sinceText = since
      ? `since ${utcMinute(since)} (${wordedDuration(input.now.getTime() - Date.parse(since))} ago)`
      : `since at least ${utcMinute(input.startedAt.toISOString())}`;
    const lastError = stale.find((s) => s.failure)?.failure;
    return {
      ...base,
      severity: 'unknown' as const,
      summary: `vigil is not checking cluster ${cluster}: no ${stale.map((s) => s.schedule.check).join(', ')} run ${sinceText}`,
      evidence: [
        ...stale.map(
          ({ schedule, lastAt }) =>
            `${schedule.check}: last run ${lastAt ? utcMinute(lastAt) : 'never (since this replica started)'}; scheduled "${schedule.pattern}" (${schedule.timezone}), ${input.tolerance.missedRuns} or more runs missed`,
        ),
        ...stale
          .filter((s) => s.failure)
          .map(
            ({ schedule, failure }) =>
              `${schedule.check}: last error at ${utcMinute(failure?.at ?? '')}: ${failure?.message ?? ''}`,
          ),
      ],
      nextStep:
        `Likely causes: ${lastError ? `the check job is failing (last error: ${lastError.message}); ` : 'the check job failing; '}` +
        'Redis down or unreachable (check REDIS_URL and the Redis pod); vigil workers crashed or stuck (check the vigil pods, restarts and logs). ' +
        `\`vigil check --cluster ${cluster}\` runs the checks by hand meanwhile.`,
    };
  });
}

export interface WatchdogDeps {
  plan: readonly PlannedSchedule[];
  snapshots: Pick<SnapshotStore, 'lastRuns'>;
  failures: Pick<CheckFailures, 'all'>;
  alerts: AlertStore;
  policy: LifecyclePolicy;
  outbox: TransitionSink;
  now(): Date;
  startedAt: Date;
  tolerance: WatchdogTolerance;
}

/**
 * One watchdog tick of one replica: assess every cluster and raise or resolve its watchdog alert
 * through the same lifecycle and outbox as check findings. The run id is the scheduled tick time,
 * the same on every replica, so replicas ticking together apply it once.
 */
export async function runWatchdog(
  tickAt: Date,
  deps: WatchdogDeps,
): Promise<{ stale: string[]; transitions: number }> {
  const now = deps.now();
  const [lastRuns, failures] = await Promise.all([deps.snapshots.lastRuns(), deps.failures.all()]);
  const findings = assessSchedules({
    plan: deps.plan,
    lastRuns,
    failures,
    now,
    startedAt: deps.startedAt,
    tolerance: deps.tolerance,
  });
  let transitions = 0;
  for (const finding of findings) {
    const changes = await applyRun(
      {
        cluster: finding.cluster,
        check: 'cluster',
        runId: `watchdog-${Math.floor(tickAt.getTime() / 1000)}`,
        reachable: true,
        findings: [finding],
        now,
        judges: (alert) => alert.source === watchdogSource,
      },
      { alerts: deps.alerts, policy: deps.policy },
    );
    await handOverRun(changes, deps.outbox);
    transitions += changes.transitions.length;
  }
  return { stale: findings.filter((f) => f.severity !== 'ok').map((f) => f.cluster), transitions };
}
