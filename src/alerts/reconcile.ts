import type { Alert, Transition } from '../domain/alert.js';
import type { CheckName, Finding } from '../domain/finding.js';
import { compareSeverity } from '../domain/severity.js';
import type { AlertChanges } from './alert-store.js';
import { judgeOpenAlert, openAlert, reopenOrOpen, type RunContext } from './judge-alert.js';
import type { LifecyclePolicy } from './lifecycle-policy.js';
import { isSymptom, rootCause } from './root-cause.js';

export interface ReconcileInput {
  cluster: string;
  /** The check that ran. Its findings and the cluster's root-cause findings (check `cluster`) are judged. */
  check: CheckName;
  /** The check run (BullMQ job) id: an alert whose `lastRunId` equals it is left alone (at-least-once). */
  runId: string;
  /** False when the API could not be reached: per-object alerts are held, not resolved. */
  reachable: boolean;
  /** Every finding of the run, ok ones included (ok counts toward resolving). */
  findings: readonly Finding[];
  /**
   * The stored alerts of this cluster for `check` AND for `cluster` (the root-cause alerts): pass
   * `[...await store.alertsFor(c, check), ...await store.alertsFor(c, 'cluster')]`. Without the
   * latter, an unreachable cluster would open a second root-cause alert (the store refuses it).
   */
  stored: readonly Alert[];
  now: Date;
  policy: LifecyclePolicy;
  /** A fresh, unused alert id (synchronous: reserve ids with AlertStore.newId first, see applyRun). */
  newId: () => string;
}

/**
 * Reconciles one check run with the stored alerts (ARCHITECTURE.md house rule 5: a pure function of previous state,
 * findings and now, every change a named transition with a reason). Rules:
 * - a non-ok finding without an open alert opens one (`unknown` findings too: vigil could not judge);
 *   ok findings never create anything;
 * - severity up: `escalated`, announced even when acknowledged or snoozed (which it clears);
 *   severity down: `de-escalated`, not announced;
 * - ok or absent for `resolveAfterOkRuns` consecutive runs: `resolved`; a non-ok run resets the count;
 * - back within the reopen window after resolving: `reopened` (same id), later a new alert;
 * - unreachable cluster or failed check: per-object alerts `held` (no resolve, no reminder), no new
 *   per-object alerts; the root-cause alert is judged normally; `released` when visible again;
 * - `reminder` for firing, unacknowledged, unheld alerts not announced for `repeatIntervalMs`;
 * - acknowledgements and snoozes past their expiry end first (`unacknowledged`, `unsnoozed`).
 */
export function reconcile(input: ReconcileInput): AlertChanges {
  const inScope = (check: CheckName) => check === input.check || check === 'cluster';
  const findings = byFingerprint(
    input.findings.filter((f) => f.cluster === input.cluster && inScope(f.check)),
  );
  const run: RunContext = {
    runId: input.runId,
    now: input.now,
    at: input.now.toISOString(),
    origin: `check-run:${input.runId}`,
    policy: input.policy,
    rootCause: rootCause(input, findings.values()),
  };
  const current = currentByFingerprint(
    input.stored.filter((a) => a.cluster === input.cluster && inScope(a.check)),
  );

  const changes: AlertChanges = { alerts: [], transitions: [] };
  const add = (decision: { alert: Alert; transitions: Transition[] } | null) => {
    if (!decision) return;
    changes.alerts.push(decision.alert);
    changes.transitions.push(...decision.transitions);
  };

  for (const [fp, alert] of current) {
    if (alert.lastRunId === input.runId) continue; // this run was applied already
    const finding = findings.get(fp);
    if (alert.state !== 'resolved') add(judgeOpenAlert(alert, finding, run));
    else if (finding && finding.severity !== 'ok' && !(run.rootCause !== undefined && isSymptom(finding))) {
      add(reopenOrOpen(alert, finding, input.newId, run));
    }
  }
  for (const [fp, finding] of findings) {
    if (current.has(fp) || finding.severity === 'ok') continue;
    // Inhibited: while blind, a symptom of the root cause is not a new incident.
    if (run.rootCause !== undefined && isSymptom(finding)) continue;
    add(openAlert(finding, input.newId(), run));
  }
  return changes;
}

/** `expectedSeq` for AlertStore.apply: the versions the decisions were based on. */
export function expectedSeqOf(stored: readonly Alert[]): Record<string, number> {
  return Object.fromEntries(stored.map((a) => [a.id, a.seq]));
}

/** One finding per fingerprint; the worst wins if a check ever reports an object twice. */
function byFingerprint(findings: readonly Finding[]): Map<string, Finding> {
  const map = new Map<string, Finding>();
  for (const f of findings) {
    const seen = map.get(f.fingerprint);
    if (!seen || compareSeverity(f.severity, seen.severity) > 0) map.set(f.fingerprint, f);
  }
  return map;
}

/**
 * The alert that speaks for each fingerprint: the open one, else the most recently resolved one
 * (older resolved alerts are history and are never touched again).
 */
function currentByFingerprint(alerts: readonly Alert[]): Map<string, Alert> {
  const map = new Map<string, Alert>();
  const rank = (a: Alert) => (a.state === 'resolved' ? 0 : 1);
  const time = (a: Alert) => (a.state === 'resolved' ? (a.resolvedAt ?? a.changedAt) : a.openedAt);
  for (const a of alerts) {
    const seen = map.get(a.fingerprint);
    if (!seen || rank(a) > rank(seen) || (rank(a) === rank(seen) && time(a) > time(seen)))
      map.set(a.fingerprint, a);
  }
  return map;
}
