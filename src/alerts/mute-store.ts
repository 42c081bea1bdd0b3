import type { ActiveMute, Mute } from './mute.js';

/** Where ad-hoc mutes live (Redis: src/redis/redis-mute-store.ts); each expires when it ends. */
export interface MuteStore {
  /** Stores a new mute under a fresh id (`m1`, `m2`, ...). */
  add(mute: Omit<Mute, 'id'>): Promise<Mute>;
  /** The mutes that have not ended at `now`, soonest end first. */
  active(now: Date): Promise<Mute[]>;
  /** Ends a mute at `at` (its held notifications are announced at the next tick); null if unknown or over. */
  end(id: string, at: Date): Promise<Mute | null>;
}

/** One notification held by a muting: an alert at one destination. */
export interface HeldNotification {
  alertId: string;
  platform: string;
  destination: string;
}

/** A muting that has ended with notifications held: what its announcement needs. */
export interface EndedMuting extends ActiveMute {
  held: HeldNotification[];
}

/**
 * The notifications mutings held, and their one announcement per destination when the muting ends
 * (jobs/notify/mute-hold.ts). Once across replicas: a lease while posting, a done mark after.
 */
export interface MuteHolds {
  hold(muting: ActiveMute, notification: HeldNotification): Promise<void>;
  /** Mutings ended by `now` with held notifications, oldest end first, at most `limit`. */
  ended(now: Date, limit: number): Promise<EndedMuting[]>;
  /** True for the one caller that may post this destination's announcement now. */
  claim(mutingKey: string, platform: string, destination: string, leaseMs: number): Promise<boolean>;
  /** Marks the announcement posted (`posted`) or gives the claim back for a later try. */
  settle(mutingKey: string, platform: string, destination: string, posted: boolean): Promise<void>;
  /** Forgets a muting once every destination's announcement is done. */
  finish(mutingKey: string): Promise<void>;
  /** Whether this destination's announcement was already posted. */
  announced(mutingKey: string, platform: string, destination: string): Promise<boolean>;
}
