import type { ChatPlatformName } from '../domain/alert.js';

/** One destination of group messages. */
export interface GroupDestination {
  platform: ChatPlatformName;
  destination: string;
}

/** A group message at one destination: alerts that share one summary message (src/alerts/alert-grouping.ts). */
export interface MessageGroup extends GroupDestination {
  /** `grp<n>`: the outbox's target id for the message (its order, pacing and posted ref). */
  id: string;
  /** `cluster=prod,check=certificates` (groupKeyOf). */
  key: string;
  /** The grouped values, for the message ("on prod, certificates"). */
  labels: Record<string, string>;
  openedAt: string;
  /** Member alert ids, in the order they joined. */
  members: string[];
}

/**
 * Which alerts share a group message at each destination, and the order of the group's edits: the
 * outbox (jobs/notify/outbox.ts) decides, src/redis/redis-group-state.ts keeps it for every replica.
 * Declared in the chat layer, like OutboxState, so the Redis code never imports jobs/.
 */
export interface GroupState {
  /**
   * Per alert id: its group at this destination, `''` when it was decided to get its own message,
   * absent when nothing was decided (alerts opened before grouping existed, or not yet seen).
   */
  decisions(dest: GroupDestination, alertIds: readonly string[]): Promise<Map<string, string>>;
  /** The destination's latest group of each key, open or not. */
  current(dest: GroupDestination, keys: readonly string[]): Promise<Map<string, MessageGroup>>;
  /** Records alerts decided alone (never regrouped later; already decided ones are left as they are). */
  decideAlone(dest: GroupDestination, alertIds: readonly string[]): Promise<void>;
  /**
   * Adds undecided alerts to the key's group: the current one (`fresh` false), or a new one replacing
   * `replaces` (the closed group, or none). False when another writer changed the key's group first:
   * re-read and decide again.
   */
  join(
    dest: GroupDestination,
    join: { key: string; labels: Record<string, string>; alertIds: readonly string[]; at: string } & (
      { fresh: false; groupId: string } | { fresh: true; replaces: string | undefined }
    ),
  ): Promise<boolean>;
  /** The group's seq for one member transition: the same on every call, the next one on its first. */
  seqFor(groupId: string, transitionId: string): Promise<number>;
  /** The highest seq given out so far (0 for none). */
  latestSeq(groupId: string): Promise<number>;
  get(groupId: string): Promise<MessageGroup | null>;
}
