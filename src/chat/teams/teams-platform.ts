import {
  digestAsReply,
  type AlertMessage,
  type DigestMessage,
  type NoticeMessage,
  type PostedRef,
} from '../chat-message.js';
import { noticeReply } from '../notice-reply.js';
import { ChatDeliveryError } from '../chat-delivery-error.js';
import type { ChatPlatform } from '../chat-platform.js';
import type { ConversationStore, StoredConversation } from '../conversation-store.js';
import type { TeamsAdapter } from './create-teams-adapter.js';
import { renderAlertCard } from './render-alert-card.js';
import { renderReplyCards } from './render-reply-card.js';
import { sendProactive, withProactiveTurn, type ProactiveTarget } from './send-proactive.js';
import { cardActivity, plainTextActivity } from './teams-activities.js';

export interface TeamsPlatformOptions {
  /** Clock for the "since … (47 min)" line (ARCHITECTURE.md house rule 7). */
  now?: () => Date;
}

/**
 * ChatPlatform over the Bot Connector, through botbuilder's CloudAdapter. A destination is a
 * conversation alias from vigil.yaml, resolved to the ConversationReference stored when vigil was
 * added to that team, chat or personal scope; every send is a proactive turn
 * (continueConversationAsync). Transport only (ARCHITECTURE.md house rule 2): rendering is in the renderers, pacing
 * and retries in the outbox, and every failure leaves as a classified ChatDeliveryError.
 *
 * The PostedRef names the conversation by its id, not its alias, so that renaming the alias
 * (`@vigil alias …`) does not orphan messages already posted.
 */
export class TeamsPlatform implements ChatPlatform {
  readonly name = 'teams' as const;
  private readonly now: () => Date;

  constructor(
    private readonly teams: TeamsAdapter,
    private readonly conversations: ConversationStore,
    options: TeamsPlatformOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async post(destination: string, message: AlertMessage): Promise<PostedRef> {
    const conversation = await this.conversation(destination, 'post');
    const activity = cardActivity(renderAlertCard(message, this.now()));
    const [id] = await sendProactive(this.teams, target(conversation), [activity], 'post');
    if (!id) {
      throw new ChatDeliveryError(
        'unavailable',
        `Teams accepted the alert for "${conversation.alias}" but returned no message id`,
      );
    }
    return {
      platform: 'teams',
      destination: conversation.conversationId,
      messageId: id,
      alertId: message.alertId,
    };
  }

  async update(ref: PostedRef, message: AlertMessage): Promise<void> {
    const conversation = await this.conversation(ref.destination, 'update');
    const activity = { ...cardActivity(renderAlertCard(message, this.now())), id: ref.messageId };
    await withProactiveTurn(this.teams, target(conversation), 'update', async (context) => {
      await context.updateActivity(activity);
    });
  }

  /** The digest as one reply card (the job keeps it within one; the card says what did not fit). */
  async postDigest(destination: string, digest: DigestMessage): Promise<PostedRef> {
    const conversation = await this.conversation(destination, 'post');
    const [card] = renderReplyCards(digestAsReply(digest), 1);
    const [id] = await sendProactive(this.teams, target(conversation), [cardActivity(card!)], 'post');
    if (!id) {
      throw new ChatDeliveryError(
        'unavailable',
        `Teams accepted the digest for "${conversation.alias}" but returned no message id`,
      );
    }
    return { platform: 'teams', destination: conversation.conversationId, messageId: id };
  }

  async updateDigest(ref: PostedRef, digest: DigestMessage): Promise<void> {
    const conversation = await this.conversation(ref.destination, 'update');
    const [card] = renderReplyCards(digestAsReply(digest), 1);
    const activity = { ...cardActivity(card!), id: ref.messageId };
    await withProactiveTurn(this.teams, target(conversation), 'update', async (context) => {
      await context.updateActivity(activity);
    });
  }

  /**
   * Channels thread: a conversation id ending in `;messageid=<root>` writes into that message's
   * thread. Group and personal chats have no threads, so the line goes to the chat and names the
   * alert it is about.
   */
  async reply(ref: PostedRef, text: string): Promise<void> {
    const conversation = await this.conversation(ref.destination, 'reply');
    if (conversation.kind === 'channel') {
      const thread = {
        ...target(conversation),
        conversationId: `${conversation.conversationId};messageid=${ref.messageId}`,
      };
      await sendProactive(this.teams, thread, [plainTextActivity(text)], 'reply');
      return;
    }
    const quoted = ref.alertId ? `Alert ${ref.alertId}: ${text}` : text;
    await sendProactive(this.teams, target(conversation), [plainTextActivity(quoted)], 'reply');
  }

  /**
   * Always null. The Bot Connector has no way to read a conversation's history (that needs Microsoft
   * Graph with ChannelMessage.Read.All, a different credential and consent), so Teams cannot look
   * for an earlier post the way Slack's findPosted does. The consequence: if a worker dies after
   * Teams accepted a post but before the outbox recorded its id (a window of one Redis write), or
   * the post timed out after Teams had in fact created it, the retry posts the alert a second time.
   * A duplicate card is preferred to a lost alert; later edits go to the recorded (second) card.
   */
  async findPosted(_destination: string, _alertId: string, _since: Date): Promise<PostedRef | null> {
    return null;
  }

  /**
   * A plain line in the conversation: since Teams cannot find earlier cards (findPosted above),
   * after vigil's state was lost this is how a conversation learns that the cards which follow may
   * repeat ones it already has (src/chat/state-epoch.ts).
   */
  async notice(destination: string, text: string): Promise<void> {
    const conversation = await this.conversation(destination, 'post');
    await sendProactive(this.teams, target(conversation), [plainTextActivity(text)], 'post');
  }

  /** The notice as a card of its own in the conversation (a new card, never an edit of an alert's). */
  async announce(destination: string, message: NoticeMessage): Promise<PostedRef> {
    const conversation = await this.conversation(destination, 'post');
    const [card] = renderReplyCards(noticeReply(message), 1);
    const activity = card ? cardActivity(card) : plainTextActivity(message.title);
    const [id] = await sendProactive(this.teams, target(conversation), [activity], 'post');
    if (!id) {
      throw new ChatDeliveryError(
        'unavailable',
        `Teams accepted the notice for "${conversation.alias}" but returned no message id`,
      );
    }
    return { platform: 'teams', destination: conversation.conversationId, messageId: id };
  }

  private async conversation(destination: string, operation: string): Promise<StoredConversation> {
    let found: StoredConversation | null;
    try {
      found = await this.conversations.resolve(destination);
    } catch (error) {
      throw new ChatDeliveryError(
        'unavailable',
        `Cannot read the stored Teams conversations (for ${operation} to "${destination}"): ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    if (found) return found;
    // A new alert for an alias nobody has added vigil to yet waits for it (the outbox holds it); an
    // edit or thread line for a posted alert names a conversation vigil was in and has forgotten
    // (removed from the team), which adding it again cannot bring back.
    throw new ChatDeliveryError(
      operation === 'post' ? 'not-registered' : 'not-found',
      `No Teams conversation is known as "${destination}": vigil learns a conversation when it is added to a team, group chat or personal chat (or @mentioned in a channel). Add vigil there, check the alias with \`vigil teams conversations\`, and fix alerts.routes[].teams in vigil.yaml`,
    );
  }
}

function target(conversation: StoredConversation): ProactiveTarget {
  return { reference: conversation.reference, name: conversation.alias };
}

/** The platform for the composition root; `teams` from createTeamsAdapter, `conversations` from Redis. */
export function createTeamsPlatform(
  teams: TeamsAdapter,
  conversations: ConversationStore,
  options: TeamsPlatformOptions = {},
): TeamsPlatform {
  return new TeamsPlatform(teams, conversations, options);
}
