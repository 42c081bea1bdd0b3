import type { ChatPlatformName } from '../domain/alert.js';
import type { PostedRef } from './chat-message.js';

/** One alert's copy in one chat destination: the unit the outbox orders and remembers. */
export interface OutboxTarget {
  alertId: string;
  platform: ChatPlatformName;
  destination: string;
}

export type GateVerdict = 'deliver' | 'done' | 'wait';

export type SlotVerdict =
  /** Send now (a free slot, or the one reserved earlier has come). */
  | { go: true }
  /** Wait `waitMs`; `slotAt` is the slot reserved for this job (absent while the destination is blocked). */
  | { go: false; waitMs: number; slotAt?: number };

/** A destination whose platform does not know it yet (a Teams conversation vigil was not added to). */
export interface HeldDestination {
  platform: ChatPlatformName;
  destination: string;
  /** When the first notification was held for it (ISO). */
  since: string;
  /** Notification jobs waiting for it. */
  jobs: number;
}

/**
 * The outbox's bookkeeping per chat destination, shared by every replica: jobs/notify/ uses it,
 * src/redis/redis-outbox-state.ts implements it. It keeps notifications in order per alert and
 * destination, paces each destination, and remembers where each alert's message is so it is posted
 * once and edited afterwards. A port of the chat layer rather than of jobs/notify/, so that the Redis
 * implementation, which jobs/ wires, never imports jobs/ (.dependency-cruiser.js).
 */
export interface OutboxState {
  /** Registers an enqueued transition (a no-op once that seq is done, so re-enqueueing is harmless). */
  enqueued(target: OutboxTarget, seq: number): Promise<void>;
  /** `done` if this seq was already handled, `wait` while an earlier enqueued seq is not, else `deliver`. */
  gate(target: OutboxTarget, seq: number): Promise<GateVerdict>;
  /** Marks seq handled (delivered, or failed for good) and returns the next pending seq, to wake it. */
  complete(target: OutboxTarget, seq: number): Promise<number | undefined>;
  getPosted(target: OutboxTarget): Promise<PostedRef | null>;
  setPosted(target: OutboxTarget, ref: PostedRef): Promise<void>;
  /**
   * Reserves the destination's next send slot, `minIntervalMs` after the previous one, atomically for
   * every replica. `heldSlotAt` is a slot this job reserved before and has waited for.
   */
  reserveSlot(
    target: Pick<OutboxTarget, 'platform' | 'destination'>,
    minIntervalMs: number,
    heldSlotAt?: number,
  ): Promise<SlotVerdict>;
  /** Stops every send to the destination for `waitMs` (a 429's Retry-After), for every replica. */
  block(target: Pick<OutboxTarget, 'platform' | 'destination'>, waitMs: number): Promise<void>;
  /** Steps of one delivery already done (`posting`, `updated`, `replied`), so a rerun skips them. */
  steps(deliveryId: string): Promise<Set<string>>;
  markStep(deliveryId: string, step: string): Promise<void>;
  /** Records that job `jobId` waits for a destination its platform does not know yet. */
  hold(target: Pick<OutboxTarget, 'platform' | 'destination'>, jobId: string): Promise<void>;
  /** Every held destination, oldest first. */
  held(): Promise<HeldDestination[]>;
  /** Ends the hold of a destination (it is known now); returns the jobs that waited for it. */
  release(target: Pick<OutboxTarget, 'platform' | 'destination'>): Promise<string[]>;
}
