import type { AlertChanges } from '../../src/alerts/alert-store.js';
import type { Alert } from '../../src/domain/alert.js';

/** Hands transitions to the outbox (outbox.ts); alerts are passed when already at hand. */
export interface TransitionSink {
  /** Enqueues the transitions, and any applied but never enqueued ones of the same alerts first. */
  notify(transitions: AlertChanges['transitions'], alerts?: readonly Alert[]): Promise<unknown>;
  /**
   * Enqueues transitions that were applied but never enqueued (their writer died in between): those
   * of `alertIds`, or without them, those left long enough to be sure their writer is gone.
   */
  relay(alertIds?: readonly string[]): Promise<unknown>;
}

/**
 * Hands what a run applied (src/alerts/apply-run.ts) to the outbox, then has the outbox take over
 * transitions stranded by a writer that died after applying (a check run, an acknowledgement): check
 * runs and the watchdog's ticks (every replica, every minute by default) are what keeps running
 * whatever else happened, so a stranded transition goes out about a tick after the outbox's grace
 * (Outbox `strandedAfterMs`).
 */
export async function handOverRun(changes: AlertChanges, outbox: TransitionSink): Promise<void> {
  // No alerts: applyRun wrote nothing, so there is nothing of this run to send.
  if (changes.alerts.length > 0) await outbox.notify(changes.transitions, changes.alerts);
  await outbox.relay();
}
