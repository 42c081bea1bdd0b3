import type { AlertStore } from '../../src/alerts/alert-store.js';
import { applyRun } from '../../src/alerts/apply-run.js';
import type { LifecyclePolicy } from '../../src/alerts/lifecycle-policy.js';
import type { SnapshotStore } from '../../src/alerts/snapshot-store.js';
import { incidentsOf } from '../../src/checks/incidents.js';
import { runClusterChecks, type RunChecksDeps } from '../../src/checks/run-checks.js';
import type { VigilConfig } from '../../src/config/config-schema.js';
import type { ScheduledCheck } from '../../src/config/schedules-config.js';
import type { Transition } from '../../src/domain/alert.js';
import { handOverRun, type TransitionSink } from '../notify/transition-sink.js';

/** What a run-check job carries; BullMQ's job id is the run id. */
export interface RunCheckJobData {
  cluster: string;
  check: ScheduledCheck;
  /**
   * Transitions this run was about to apply (saved before applying): which alerts a rerun should look
   * at. Not proof that they happened (the run may have died before applying, or lost a race).
   */
  pending?: Transition[];
}

export interface RunCheckDeps {
  config: Readonly<VigilConfig>;
  /** How checks reach clusters, as for `vigil check` (connect, probeTls, now, checks, log). */
  checks: RunChecksDeps;
  snapshots: SnapshotStore;
  alerts: AlertStore;
  policy: LifecyclePolicy;
  outbox: TransitionSink;
  /** Persists job data (BullMQ `job.updateData`), so a rerun after a crash knows what it may have applied. */
  saveData(data: RunCheckJobData): Promise<void>;
}

export type RunCheckResult =
  | {
      ran: true;
      findings: number;
      reachable: boolean;
      transitions: number;
      /** Checks that threw inside the run (each became a `check-error` finding). */
      failedChecks: number;
    }
  | { ran: false; reason: string };

/**
 * One check on one cluster: run it, store the snapshot that slash commands answer from, reconcile
 * with the stored alerts and hand the transitions to the outbox. BullMQ may run the same job twice
 * (a stalled worker): reconcile leaves alerts already stamped with this run id alone, and transitions
 * applied by a first run that died before enqueueing them are taken from the relay by the rerun.
 */
export async function runCheckJob(
  data: RunCheckJobData,
  runId: string,
  deps: RunCheckDeps,
): Promise<RunCheckResult> {
  const cluster = deps.config.clusters.find((c) => c.name === data.cluster);
  if (!cluster) {
    // A job queued before the cluster left the config: nothing to check, nothing to fail.
    return { ran: false, reason: `cluster ${data.cluster} is no longer configured` };
  }
  if (data.pending?.length) {
    const alertIds = [...new Set(data.pending.map((t) => t.alertId))];
    // What the first attempt applied and never enqueued is in the relay, and only what it applied:
    // re-sending the saved transitions instead could send one that never happened, whose id
    // (`${alertId}-${seq}`) may by now name a real one, which the outbox would then drop as a duplicate.
    await deps.outbox.relay(alertIds);
    if (await appliedBefore(alertIds, runId, deps.alerts))
      return { ran: false, reason: `rerun of ${runId}: already applied; unsent transitions handed over` };
  }

  const now = deps.checks.now();
  const result = await runClusterChecks(deps.config, cluster, { only: [data.check], now }, deps.checks);
  await deps.snapshots.put({
    cluster: data.cluster,
    check: data.check,
    at: deps.checks.now().toISOString(),
    reachable: result.reachable,
    findings: result.findings,
    unobserved: result.unobserved,
  });
  const changes = await applyRun(
    {
      cluster: data.cluster,
      check: data.check,
      runId,
      reachable: result.reachable,
      // One alert per cause (the same certificate in many Secrets); the snapshot keeps every place.
      findings: incidentsOf(result.findings, now),
      now,
      judges: (alert) => alert.source !== 'watchdog',
    },
    {
      alerts: deps.alerts,
      policy: deps.policy,
      beforeApply: async (c) => {
        await deps.saveData({ ...data, pending: c.transitions });
      },
    },
  );
  await handOverRun(changes, deps.outbox);
  return {
    ran: true,
    findings: result.findings.length,
    reachable: result.reachable,
    transitions: changes.transitions.length,
    failedChecks: result.findings.filter((f) => f.source === 'check-error').length,
  };
}

/** Whether this run's write landed: an alert it was about to write carries its run id. */
async function appliedBefore(alertIds: string[], runId: string, alerts: AlertStore): Promise<boolean> {
  for (const id of alertIds) if ((await alerts.get(id))?.lastRunId === runId) return true;
  return false;
}
