/**
 * Conversations a chat platform can only reach with something it handed us earlier. Teams (Bot
 * Framework) has no "post to channel X" by name: the bot may write proactively only to a
 * conversation whose reference (service URL, conversation id, tenant) it received when it was added
 * there. Routes in vigil.yaml name such a conversation by a readable alias ("platform-sre-alerts"),
 * which this store maps to the stored reference.
 */

export type ConversationKind = 'channel' | 'group' | 'personal';

/** What the platform adapter learns about a conversation; the store adds alias and times. */
export interface ConversationDetails {
  kind: ConversationKind;
  /** The platform's conversation id (Teams: `19:…@thread.tacv2`, `a:…`), without a thread suffix. */
  conversationId: string;
  /** Teams: the team a channel belongs to, so removing vigil from a team forgets all its channels. */
  teamId?: string;
  /** Display only (listing, messages): names can be changed by their owners and never decide anything. */
  teamName?: string;
  channelName?: string;
  /** Group chat topic, or the person's name for a personal chat. */
  title?: string;
  tenantId?: string;
  /** Whatever the platform needs to write there later (Teams: a ConversationReference); opaque here. */
  reference: Record<string, unknown>;
}

export interface StoredConversation extends ConversationDetails {
  /** Lower case, `[a-z0-9][a-z0-9._-]{0,63}`: what `alerts.routes[].teams` names. */
  alias: string;
  /** When vigil first stored it (ISO). */
  storedAt: string;
  /** When it was last refreshed from an activity (ISO): the service URL can move between regions. */
  updatedAt: string;
}

export type RenameResult =
  | { ok: true; previous: string; conversation: StoredConversation }
  | { ok: false; reason: 'taken'; takenBy: StoredConversation }
  | { ok: false; reason: 'unknown' };

/** The port (ARCHITECTURE.md house rule 3); src/redis/redis-conversation-store.ts implements it. */
export interface ConversationStore {
  /**
   * Stores or refreshes a conversation. A known conversation keeps its alias; a new one takes the
   * first of `aliases` no other conversation holds (the caller ends the list with one that cannot
   * collide). Atomic, so two replicas seeing the same installation agree.
   */
  remember(details: ConversationDetails, aliases: readonly string[], now: Date): Promise<StoredConversation>;
  /** The conversation an alias names (case-insensitive), or by its conversation id; null if none. */
  resolve(aliasOrConversationId: string): Promise<StoredConversation | null>;
  /** Gives a stored conversation another alias; the old one stops resolving. */
  rename(conversationId: string, alias: string, now: Date): Promise<RenameResult>;
  /** Drops a conversation (the bot was removed from it); returns what was stored. */
  forget(conversationId: string): Promise<StoredConversation | null>;
  /** Every stored conversation, by alias. */
  list(): Promise<StoredConversation[]>;
}

/** The shape every alias has (the same rule as `alerts.routes[].teams` in vigil.yaml, lower-cased). */
export const conversationAliasPattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;
