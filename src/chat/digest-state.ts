import type { ChatPlatformName } from '../domain/alert.js';
import type { PostedRef } from './chat-message.js';

/** One channel's digest of one day, as last posted or edited. */
export interface DigestRecord {
  ref: PostedRef;
  /** The refresh slot it shows: 0 is the post at `digest.at`, n the n-th refresh after it. */
  slot: number;
  /** When it was posted or last edited (ISO). */
  at: string;
}

/** A digest destination: a platform and its channel, conversation alias or room. */
export interface DigestChannel {
  platform: ChatPlatformName;
  destination: string;
}

/**
 * What the digest job (jobs/digest/) remembers across replicas, declared here below src/redis as the
 * outbox's state is (outbox-state.ts): the day's message to edit, and who does each slot's work.
 */
export interface DigestState {
  latest(channel: DigestChannel, day: string): Promise<DigestRecord | null>;
  /** True for exactly one caller per channel, day and slot, across replicas, until released or `ttlMs`. */
  claim(channel: DigestChannel, day: string, slot: number, ttlMs: number): Promise<boolean>;
  /** Gives a claim back after a failed delivery, so the next tick tries the slot again. */
  release(channel: DigestChannel, day: string, slot: number): Promise<void>;
  record(channel: DigestChannel, day: string, record: DigestRecord, ttlMs: number): Promise<void>;
}
