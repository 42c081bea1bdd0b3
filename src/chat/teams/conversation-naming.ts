import { createHash } from 'node:crypto';
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { ConversationDetails, ConversationKind } from '../conversation-store.js';

/**
 * Default aliases, so that a route can name a conversation before anyone picks a name:
 *   channel        <team>-<channel>      e.g. "platform-sre-alerts" (the General channel: "<team>-general")
 *   group chat     chat-<topic>          e.g. "chat-db-migration"
 *   personal chat  dm-<person>           e.g. "dm-maria-garcia"
 * lower-cased ASCII slugs of the names Teams sends. A taken alias gets "-2" … "-9", and the last
 * candidate ends in a hash of the conversation id, which cannot collide. `@vigil alias NAME` renames.
 */
export interface NamedConversation {
  details: ConversationDetails;
  aliases: string[];
}

interface TeamsChannelData {
  team?: { id?: string; name?: string };
  channel?: { id?: string; name?: string };
  tenant?: { id?: string };
}

const MAX_ALIAS = 64;

/** What to store for the conversation an activity came from, and the aliases it may take. */
export function describeConversation(activity: Partial<Activity>): NamedConversation {
  const reference = TurnContext.getConversationReference(activity);
  const data = (activity.channelData ?? {}) as TeamsChannelData;
  const conversationId = baseConversationId(activity.conversation?.id ?? '');
  const kind = kindOf(activity.conversation?.conversationType, activity.conversation?.isGroup);
  const tenantId = data.tenant?.id ?? activity.conversation?.tenantId;
  const teamName = clean(data.team?.name);
  // Teams leaves the General channel unnamed; its id is the team's id.
  const channelName =
    kind === 'channel'
      ? (clean(data.channel?.name) ?? (conversationId === data.team?.id ? 'General' : undefined))
      : undefined;
  const title =
    kind === 'group'
      ? clean(activity.conversation?.name)
      : kind === 'personal'
        ? clean(activity.from?.name)
        : undefined;
  const details: ConversationDetails = {
    kind,
    conversationId,
    ...(kind === 'channel' && data.team?.id ? { teamId: data.team.id } : {}),
    ...(teamName ? { teamName } : {}),
    ...(channelName ? { channelName } : {}),
    ...(title ? { title } : {}),
    ...(tenantId ? { tenantId } : {}),
    reference: storableReference(reference, conversationId),
  };
  return { details, aliases: aliasCandidates(details) };
}

export function aliasCandidates(
  details: Pick<ConversationDetails, 'kind' | 'conversationId' | 'teamName' | 'channelName' | 'title'>,
): string[] {
  const base = baseAlias(details);
  const hash = createHash('sha256').update(details.conversationId).digest('hex').slice(0, 8);
  const numbered = Array.from({ length: 8 }, (_, i) => `${cut(base, MAX_ALIAS - 2)}-${i + 2}`);
  return [base, ...numbered, `${cut(base, MAX_ALIAS - hash.length - 1)}-${hash}`];
}

function baseAlias(
  details: Pick<ConversationDetails, 'kind' | 'teamName' | 'channelName' | 'title'>,
): string {
  switch (details.kind) {
    case 'channel': {
      // A long team name must not push the channel out: the channel is what tells two aliases apart.
      const team = cut(slug(details.teamName ?? '') || 'team', 32);
      const channel = slug(details.channelName ?? '') || 'channel';
      return cut(`${team}-${channel}`, MAX_ALIAS);
    }
    case 'group':
      return cut(`chat-${slug(details.title ?? '') || 'group'}`, MAX_ALIAS);
    case 'personal':
      return cut(`dm-${slug(details.title ?? '') || 'user'}`, MAX_ALIAS);
  }
}

/** "Platform SRE / Alerts!" → "platform-sre-alerts"; accents dropped, other scripts vanish. */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** A channel message arrives as `19:…@thread.tacv2;messageid=123` (its thread); the channel is the part before. */
export function baseConversationId(id: string): string {
  // An activity without a conversation id (found by test/fuzz/teams-inbound.test.ts) names none.
  if (typeof id !== 'string') return '';
  const at = id.indexOf(';messageid=');
  return at < 0 ? id : id.slice(0, at);
}

function kindOf(conversationType: string | undefined, isGroup: boolean | undefined): ConversationKind {
  if (conversationType === 'channel') return 'channel';
  if (conversationType === 'groupChat') return 'group';
  if (conversationType === 'personal') return 'personal';
  return isGroup ? 'group' : 'personal';
}

/**
 * Only what a proactive send needs: the service URL (it differs per region and is checked against
 * the inbound JWT), the bot's account, the conversation without thread suffix, the tenant. The
 * user and the activity id of the message that taught us the conversation are not kept.
 */
function storableReference(
  reference: Partial<ConversationReference>,
  conversationId: string,
): Record<string, unknown> {
  const conversation = reference.conversation;
  return {
    channelId: reference.channelId,
    serviceUrl: reference.serviceUrl,
    ...(reference.bot ? { bot: { id: reference.bot.id, name: reference.bot.name } } : {}),
    conversation: {
      id: conversationId,
      ...(conversation?.conversationType ? { conversationType: conversation.conversationType } : {}),
      ...(conversation?.tenantId ? { tenantId: conversation.tenantId } : {}),
      ...(conversation?.isGroup !== undefined ? { isGroup: conversation.isGroup } : {}),
    },
  };
}

/** Names come from the activity as sent; one that is not a string (a number, an object) is no name. */
function clean(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const text = name.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return text ? text.slice(0, 200) : undefined;
}

function cut(text: string, max: number): string {
  return text.slice(0, max).replace(/[-._]+$/, '');
}
