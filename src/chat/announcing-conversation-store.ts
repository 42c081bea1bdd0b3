import type { ConversationStore } from './conversation-store.js';

/**
 * A ConversationStore that says when a conversation becomes reachable under a name: after it is
 * stored (vigil was added to it) and after it is given another alias. The outbox holds alerts
 * routed to a conversation nobody has added vigil to yet; this is what wakes them at once instead
 * of at the end of their backoff. `announce` is told every name the conversation now answers to
 * (alias and conversation id); its failures are its own business, never the store's.
 */
export function announcingConversationStore(
  store: ConversationStore,
  announce: (names: string[]) => void,
): ConversationStore {
  return {
    async remember(details, aliases, now) {
      const stored = await store.remember(details, aliases, now);
      announce([stored.alias, stored.conversationId]);
      return stored;
    },
    async rename(conversationId, alias, now) {
      const result = await store.rename(conversationId, alias, now);
      if (result.ok) announce([result.conversation.alias, result.conversation.conversationId]);
      return result;
    },
    resolve: (aliasOrConversationId) => store.resolve(aliasOrConversationId),
    forget: (conversationId) => store.forget(conversationId),
    list: () => store.list(),
  };
}
