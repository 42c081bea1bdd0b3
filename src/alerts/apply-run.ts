import type { Alert } from '../domain/alert.js';
import type { CheckName, Finding } from '../domain/finding.js';
import { VigilError } from '../domain/vigil-error.js';
import type { AlertChanges, AlertStore } from './alert-store.js';
import type { LifecyclePolicy } from './lifecycle-policy.js';
import { expectedSeqOf, reconcile } from './reconcile.js';

export interface ApplyRunInput {
  cluster: string;
  check: CheckName;
  runId: string;
  reachable: boolean;
  findings: readonly Finding[];
  now: Date;
  /**
   * Which stored alerts this run judges. reconcile() judges every `cluster` alert with every check;
   * the watchdog's alert (source `watchdog`) must only be judged by the watchdog, and the watchdog
   * must not judge the cluster-access alert, or each would resolve the other's.
   */
  judges(alert: Alert): boolean;
}

export interface ApplyRunDeps {
  alerts: AlertStore;
  policy: LifecyclePolicy;
  /**
   * Called with the changes about to be applied, before apply, so a rerun knows which alerts it may
   * have written. Only a hint: whether they landed is read from the store, never from this record.
   */
  beforeApply?(changes: AlertChanges): Promise<void>;
  /** Attempts on seq conflicts (an acknowledgement racing the run); each re-reads and re-decides. */
  maxConflicts?: number;
}

/**
 * Reconciles one run (a check run, a watchdog tick) with the stored alerts and applies the result
 * with the store's seq-conditional write, retrying on conflict: each attempt re-reads and re-decides.
 * Returns what was applied; nothing was written when it has no alerts. Safe to call twice with the
 * same runId: reconcile leaves alerts whose `lastRunId` is this run alone. Throws a retryable
 * `run-conflict` VigilError after `maxConflicts` lost races.
 */
export async function applyRun(input: ApplyRunInput, deps: ApplyRunDeps): Promise<AlertChanges> {
  const attempts = deps.maxConflicts ?? 5;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const stored = (
      await Promise.all(
        [...new Set<CheckName>([input.check, 'cluster'])].map((check) =>
          deps.alerts.alertsFor(input.cluster, check),
        ),
      )
    )
      .flat()
      .filter(input.judges);
    const ids = await reserveIds(stored, input.findings, deps.alerts);
    const changes = reconcile({
      cluster: input.cluster,
      check: input.check,
      runId: input.runId,
      reachable: input.reachable,
      findings: input.findings,
      stored,
      now: input.now,
      policy: deps.policy,
      newId: () => {
        const id = ids.shift();
        if (id === undefined) throw new Error('applyRun reserved too few alert ids; this is a bug');
        return id;
      },
    });
    if (changes.alerts.length === 0) return changes;
    await deps.beforeApply?.(changes);
    if (await deps.alerts.apply(changes, expectedSeqOf(stored))) return changes;
  }
  throw new VigilError(
    'run-conflict',
    `run ${input.runId} on ${input.cluster}/${input.check} lost ${attempts} races with other writers; will retry`,
    { retryable: true },
  );
}

/**
 * Ids the run may need, reserved before the pure reconcile (which takes a synchronous newId): one per
 * non-ok finding without an open alert (an upper bound; unused ids are simply never seen).
 */
async function reserveIds(
  stored: readonly Alert[],
  findings: readonly Finding[],
  store: AlertStore,
): Promise<string[]> {
  const open = new Set(stored.filter((a) => a.state !== 'resolved').map((a) => a.fingerprint));
  const needed = new Set(
    findings.filter((f) => f.severity !== 'ok' && !open.has(f.fingerprint)).map((f) => f.fingerprint),
  );
  return Promise.all([...needed].map(() => store.newId()));
}
