import {
  conversationAliasPattern,
  type ConversationDetails,
  type ConversationStore,
  type RenameResult,
  type StoredConversation,
} from '../../../src/chat/conversation-store.js';

/**
 * ConversationStore in memory, with the Redis store's rules (a known conversation keeps its alias,
 * a new one takes the first free candidate, lookups are case-insensitive). The Redis store passes
 * the same assertions in test/integration/teams-conversation-store.test.ts.
 */
export class MemoryConversationStore implements ConversationStore {
  private readonly byId = new Map<string, StoredConversation>();
  private readonly aliases = new Map<string, string>();

  async remember(
    details: ConversationDetails,
    candidates: readonly string[],
    now: Date,
  ): Promise<StoredConversation> {
    const existing = this.byId.get(details.conversationId);
    const at = now.toISOString();
    let alias = existing?.alias;
    if (!alias) {
      alias = candidates
        .map((c) => c.toLowerCase())
        .find((c) => conversationAliasPattern.test(c) && !this.aliases.has(c));
      if (!alias) throw new Error('every candidate alias is taken');
      this.aliases.set(alias, details.conversationId);
    }
    const stored: StoredConversation = {
      ...details,
      alias,
      storedAt: existing?.storedAt ?? at,
      updatedAt: at,
    };
    this.byId.set(details.conversationId, stored);
    return stored;
  }

  async resolve(aliasOrId: string): Promise<StoredConversation | null> {
    const id = this.aliases.get(aliasOrId.trim().toLowerCase()) ?? aliasOrId.trim();
    return this.byId.get(id) ?? null;
  }

  async rename(conversationId: string, alias: string, now: Date): Promise<RenameResult> {
    const current = this.byId.get(conversationId);
    if (!current) return { ok: false, reason: 'unknown' };
    const wanted = alias.toLowerCase();
    const owner = this.aliases.get(wanted);
    if (owner && owner !== conversationId)
      return { ok: false, reason: 'taken', takenBy: this.byId.get(owner)! };
    this.aliases.delete(current.alias);
    this.aliases.set(wanted, conversationId);
    const renamed = { ...current, alias: wanted, updatedAt: now.toISOString() };
    this.byId.set(conversationId, renamed);
    return { ok: true, previous: current.alias, conversation: renamed };
  }

  async forget(conversationId: string): Promise<StoredConversation | null> {
    const current = this.byId.get(conversationId);
    if (!current) return null;
    this.byId.delete(conversationId);
    if (this.aliases.get(current.alias) === conversationId) this.aliases.delete(current.alias);
    return current;
  }

  async list(): Promise<StoredConversation[]> {
    return [...this.byId.values()].sort((a, b) => a.alias.localeCompare(b.alias));
  }
}
