import type { Actor, Alert, Transition, TransitionKind } from '../domain/alert.js';

/** vigil itself, the actor of every transition a check run or the clock causes. */
export const systemActor: Actor = Object.freeze({ kind: 'system', id: 'system', name: 'vigil' });

export interface TransitionNote {
  reason: string;
  notify: boolean;
  actor?: Actor;
  origin: string;
}

/** Optional alert fields that a transition can clear. */
type Clearable = 'held' | 'acknowledged' | 'snoozed' | 'resolvedAt';

/**
 * One alert being changed by a pure lifecycle function: collects the named transitions and works out
 * the new `seq`. `seq` is the alert's version: each transition takes the next value (its id is
 * `${alertId}-${seq}`, the outbox's idempotency key), and a write without a transition (okRuns,
 * lastSeenAt) still advances it by one, so the store's seq check also catches those writes racing an
 * acknowledgement (otherwise the ack, read before, would silently undo them).
 */
export class AlertEdit {
  readonly before: Alert | undefined;
  alert: Alert;
  readonly transitions: Transition[] = [];
  private readonly at: string;
  private dirty = false;

  constructor(alert: Alert, at: string, isNew = false) {
    this.before = isNew ? undefined : alert;
    this.alert = alert;
    this.at = at;
    this.dirty = isNew;
  }

  /** A silent change: stored, never announced. */
  update(patch: Partial<Alert>, clear: Clearable[] = []): void {
    const next: Alert = { ...this.alert, ...patch };
    for (const key of clear) delete next[key];
    this.alert = next;
    this.dirty = true;
  }

  /** A named change: stored, audited, and announced when `note.notify`. */
  record(
    kind: TransitionKind,
    patch: Partial<Alert>,
    note: TransitionNote,
    clear: Clearable[] = [],
  ): Transition {
    const from = { state: this.alert.state, severity: this.alert.severity };
    const seq = this.alert.seq + 1;
    // The opening transition has no previous state to speak of.
    const isOpening = kind === 'opened' && this.before === undefined;
    this.update({ ...patch, seq }, clear);
    if (from.state !== this.alert.state || from.severity !== this.alert.severity) {
      this.alert = { ...this.alert, changedAt: this.at };
    }
    const transition: Transition = {
      id: `${this.alert.id}-${seq}`,
      alertId: this.alert.id,
      seq,
      kind,
      at: this.at,
      reason: note.reason,
      ...(isOpening ? {} : { from }),
      to: { state: this.alert.state, severity: this.alert.severity },
      actor: note.actor ?? systemActor,
      origin: note.origin,
      notify: note.notify,
    };
    this.transitions.push(transition);
    return transition;
  }

  get changed(): boolean {
    return this.dirty;
  }

  /** The alert to write (seq advanced for a silent write) and its transitions, or null if unchanged. */
  result(): { alert: Alert; transitions: Transition[] } | null {
    if (!this.dirty) return null;
    const before = this.before?.seq ?? 0;
    const alert = this.alert.seq > before ? this.alert : { ...this.alert, seq: before + 1 };
    return { alert, transitions: this.transitions };
  }
}
