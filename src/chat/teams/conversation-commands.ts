import type { ReplyMessage } from '../chat-message.js';
import {
  conversationAliasPattern,
  type ConversationStore,
  type StoredConversation,
} from '../conversation-store.js';

/**
 * Teams-only words, answered by the adapter before the platform-neutral handlers: `alias` shows or
 * changes the name routes use for this conversation. (`help` gets the same facts appended.)
 */
export function isAliasCommand(text: string): boolean {
  return /^alias(\s|$)/i.test(text);
}

export function isHelpCommand(text: string): boolean {
  return text === '' || /^(help|-h|--help|\?)(\s|$)/i.test(text);
}

/** The lines that tell an operator how to route alerts here (and the id permissions lists use). */
export function conversationFacts(conversation: StoredConversation | undefined, conversationId: string) {
  if (!conversation) {
    return {
      heading: 'This conversation',
      lines: [
        `Conversation id: ${conversationId} (permissions.clusters.NAME.channels.teams)`,
        'vigil could not store it just now, so alerts cannot be routed here yet; try again in a minute.',
      ],
    };
  }
  return {
    heading: 'This conversation',
    lines: [
      `Alias: ${conversation.alias}: route alerts here with teams: [${conversation.alias}] in alerts.routes.`,
      `Conversation id: ${conversation.conversationId} (permissions.clusters.NAME.channels.teams).`,
      'Rename it with @vigil alias NEW-NAME; routes naming the old alias stop reaching it.',
    ],
  };
}

export interface AliasCommandContext {
  conversations: ConversationStore;
  /** The conversation as just stored from this message (undefined when storing failed). */
  current: StoredConversation | undefined;
  conversationId: string;
  /** Whether the asker may rename (the composition root decides; see TeamsInboundHandlers). */
  mayRename: boolean;
  now: Date;
}

/** `alias` shows the alias; `alias NAME` renames it, unless another conversation holds NAME. */
export async function aliasCommand(text: string, ctx: AliasCommandContext): Promise<ReplyMessage> {
  const wanted = text.replace(/^alias\s*/i, '').trim();
  if (!wanted || !ctx.current) {
    return reply(
      ctx.current ? `This conversation is ${ctx.current.alias}` : 'This conversation has no alias yet',
      [conversationFacts(ctx.current, ctx.conversationId)],
    );
  }
  const alias = wanted.toLowerCase();
  if (!conversationAliasPattern.test(alias)) {
    return reply('That is not an alias', [
      {
        lines: [
          'An alias is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit, e.g. sre-alerts.',
        ],
      },
    ]);
  }
  if (!ctx.mayRename) {
    return reply(`Not allowed: rename ${ctx.current.alias}`, [
      {
        lines: [
          'Renaming decides where alerts go, so only the people vigil is configured to trust with alerts may do it.',
          'Ask whoever administers vigil.',
        ],
      },
    ]);
  }
  const result = await ctx.conversations.rename(ctx.current.conversationId, alias, ctx.now);
  if (!result.ok) {
    if (result.reason === 'unknown')
      return reply('This conversation has no alias yet', [conversationFacts(undefined, ctx.conversationId)]);
    return reply(`${alias} is taken`, [
      { lines: [`It names ${describe(result.takenBy)}. Pick another name.`] },
    ]);
  }
  return reply(`This conversation is now ${result.conversation.alias}`, [
    {
      lines: [
        result.previous === result.conversation.alias
          ? 'It already had that alias.'
          : `It was ${result.previous}; routes naming ${result.previous} no longer reach it: update alerts.routes in vigil.yaml.`,
      ],
    },
    conversationFacts(result.conversation, ctx.conversationId),
  ]);
}

/** "channel Alerts of team Platform SRE", "group chat DB migration", "personal chat with Maria". */
export function describe(conversation: StoredConversation): string {
  switch (conversation.kind) {
    case 'channel':
      return `channel ${conversation.channelName ?? '?'} of team ${conversation.teamName ?? '?'}`;
    case 'group':
      return `group chat ${conversation.title ?? conversation.conversationId}`;
    case 'personal':
      return `personal chat with ${conversation.title ?? 'someone'}`;
  }
}

function reply(title: string, sections: ReplyMessage['sections']): ReplyMessage {
  return { kind: 'reply', private: true, title, sections };
}
