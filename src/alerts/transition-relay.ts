import type { Transition } from '../domain/alert.js';

/**
 * Transitions applied but not yet enqueued (Redis: src/redis/redis-transition-relay.ts). The alert
 * store writes them in the same atomic step as the alert; the outbox (jobs/notify/outbox.ts) forgets
 * them once their jobs exist.
 */
export interface TransitionRelay {
  /** The unsent transitions of these alerts. */
  unsent(alertIds: readonly string[]): Promise<Transition[]>;
  /** Alerts (at most `limit`) whose oldest unsent transition was written more than `olderThanMs` ago. */
  stranded(olderThanMs: number, limit: number): Promise<string[]>;
  /** Forgets these transitions; an alert left with none is no longer stranded. */
  handedOver(alertIds: readonly string[], transitions: readonly Transition[]): Promise<void>;
}
