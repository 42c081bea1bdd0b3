import type { AlertChanges, AlertStore } from '../../src/alerts/alert-store.js';
import { reviewAlert } from '../../src/alerts/alert-timers.js';
import type { LifecyclePolicy } from '../../src/alerts/lifecycle-policy.js';
import type { Alert } from '../../src/domain/alert.js';
import { handOverRun, type TransitionSink } from '../notify/transition-sink.js';
import type { Heartbeat } from './heartbeat.js';

/** A housekeeping job carries nothing: each run looks at every open alert as of its own `now`. */
export type HousekeepingJobData = Record<string, never>;

export interface HousekeepingDeps {
  alerts: Pick<AlertStore, 'listOpen' | 'get' | 'apply'>;
  policy: LifecyclePolicy;
  outbox: TransitionSink;
  now(): Date;
  /**
   * Clusters with a scheduled check that stopped running, as the watchdog judges them
   * (jobs/start-jobs.ts wires jobs/watchdog's assessSchedules): the heartbeat waits for none.
   */
  staleClusters(now: Date): Promise<string[]>;
  heartbeat?: Heartbeat;
  /** Attempts per alert on seq conflicts (a check run or a person writing it meanwhile). */
  maxConflicts?: number;
}

export interface HousekeepingResult {
  /** Open alerts looked at. */
  reviewed: number;
  /** Transitions applied and handed to the outbox (unacknowledged, unsnoozed, reminder). */
  transitions: number;
  /** Alerts left for the next tick after `maxConflicts` lost races. */
  conflicts: number;
  /** Clusters with a scheduled check that stopped running (no heartbeat then). */
  stale: string[];
  /** `sent`, `failed`, `withheld` (a stale check), `off` (no VIGIL_HEARTBEAT_URL). */
  heartbeat: 'sent' | 'failed' | 'withheld' | 'off';
}

/** Told how each housekeeping run went (src/metrics counts heartbeats). */
export interface HousekeepingObserver {
  housekept(result: HousekeepingResult): void;
}

/**
 * One housekeeping cycle: ends acknowledgements and snoozes whose time is up and sends the reminders
 * that are due, on time rather than at the alert's next check run (a certificate check runs every 6 h;
 * a 1 h snooze must not last 6). The decisions are reviewAlert's (src/alerts/alert-timers.ts), the
 * ones a check run makes in reconcile; each is written conditionally on the alert's seq and handed to
 * the outbox, so a check run or an acknowledgement racing it is never lost, and a second run of the
 * same tick finds nothing due: idempotent. Then, when every scheduled check is on time, the heartbeat.
 */
export async function runHousekeeping(deps: HousekeepingDeps): Promise<HousekeepingResult> {
  const now = deps.now();
  const open = await deps.alerts.listOpen();
  const applied: AlertChanges = { alerts: [], transitions: [] };
  let conflicts = 0;
  for (const alert of open) {
    const outcome = await reviewAndApply(alert, now, deps);
    if (outcome === 'conflict') conflicts++;
    else if (outcome) {
      applied.alerts.push(outcome.alert);
      applied.transitions.push(...outcome.transitions);
    }
  }
  // Also takes over transitions a writer died holding: the outbox's sweep runs on every tick.
  await handOverRun(applied, deps.outbox);

  const stale = await deps.staleClusters(now);
  let heartbeat: HousekeepingResult['heartbeat'] = 'off';
  if (deps.heartbeat && stale.length > 0) heartbeat = 'withheld';
  else if (deps.heartbeat) heartbeat = (await deps.heartbeat.beat()) ? 'sent' : 'failed';
  return { reviewed: open.length, transitions: applied.transitions.length, conflicts, stale, heartbeat };
}

/** reviewAlert, applied only if the alert is still the version decided on; re-read and re-decided if not. */
async function reviewAndApply(
  alert: Alert,
  now: Date,
  deps: HousekeepingDeps,
): Promise<ReturnType<typeof reviewAlert> | 'conflict'> {
  let current: Alert | null = alert;
  for (let attempt = 1; attempt <= (deps.maxConflicts ?? 5); attempt++) {
    if (!current) return null;
    const decision = reviewAlert(current, now, deps.policy);
    if (!decision) return null;
    const changes = { alerts: [decision.alert], transitions: decision.transitions };
    if (await deps.alerts.apply(changes, { [current.id]: current.seq })) return decision;
    current = await deps.alerts.get(current.id);
  }
  return 'conflict';
}
