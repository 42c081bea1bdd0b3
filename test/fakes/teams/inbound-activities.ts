import { randomUUID } from 'node:crypto';

/**
 * Activities as Teams sends them to `/api/messages`, trimmed to what bots read: a channel message
 * addressed by @mention, a direct message, an `adaptiveCard/action` invoke from an Action.Execute
 * button, and the conversationUpdate / installationUpdate a bot receives when added or removed.
 */

export const fakeBot = { id: '28:00000000-0000-0000-0000-00000000b07', name: 'vigil' };
export const fakeTenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';

export interface FakeUser {
  /** The Teams user id (`29:…`), what `from.id` carries. */
  id: string;
  name: string;
  aadObjectId: string;
  userPrincipalName: string;
}

export const maria: FakeUser = {
  id: '29:1maria-teams-user-id',
  name: 'Maria Garcia',
  aadObjectId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  userPrincipalName: 'maria@example.com',
};

export const bob: FakeUser = {
  id: '29:1bob-teams-user-id',
  name: 'Bob Smith',
  aadObjectId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  userPrincipalName: 'bob@example.com',
};

/** Where an activity happens. */
export interface FakeConversation {
  kind: 'channel' | 'group' | 'personal';
  /** Base id: `19:…@thread.tacv2` (channel, group chat) or `a:…` (personal). */
  id: string;
  teamId?: string;
  teamName?: string;
  channelName?: string;
  /** Group chat topic. */
  title?: string;
  tenantId?: string;
}

export function channel(
  name: string,
  team = { id: '19:team-general@thread.tacv2', name: 'Platform SRE' },
): FakeConversation {
  const id = name === 'General' ? team.id : `19:${name.toLowerCase().replace(/\W+/g, '-')}@thread.tacv2`;
  return {
    kind: 'channel',
    id,
    teamId: team.id,
    teamName: team.name,
    channelName: name,
    tenantId: fakeTenantId,
  };
}

export function groupChat(title: string, id = `19:${randomUUID()}@thread.v2`): FakeConversation {
  return { kind: 'group', id, title, tenantId: fakeTenantId };
}

export function personalChat(id = `a:1${randomUUID().replace(/-/g, '')}`): FakeConversation {
  return { kind: 'personal', id, tenantId: fakeTenantId };
}

interface Common {
  serviceUrl: string;
  conversation: FakeConversation;
  from?: FakeUser;
  /** Activity id (numeric string, as Teams uses). */
  id?: string;
}

function base(opts: Common, conversationId: string) {
  const c = opts.conversation;
  const from = opts.from ?? maria;
  const tenantId = c.tenantId ?? fakeTenantId;
  return {
    id: opts.id ?? String(Date.now()),
    channelId: 'msteams',
    serviceUrl: opts.serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    recipient: { ...fakeBot },
    conversation: {
      id: conversationId,
      conversationType: c.kind === 'group' ? 'groupChat' : c.kind,
      tenantId,
      ...(c.kind !== 'personal' ? { isGroup: true } : {}),
      ...(c.kind === 'group' && c.title ? { name: c.title } : {}),
    },
    channelData: {
      tenant: { id: tenantId },
      ...(c.kind === 'channel'
        ? {
            team: { id: c.teamId, name: c.teamName },
            // Teams leaves the General channel unnamed.
            channel: { id: c.id, ...(c.channelName && c.id !== c.teamId ? { name: c.channelName } : {}) },
          }
        : {}),
    },
    locale: 'en-US',
  };
}

/**
 * A message. In channels and group chats it starts with the bot's mention (`<at>vigil</at> certs
 * prod`, with the mention entity Teams adds), and a new channel post is its own thread
 * (`…;messageid=<its id>`).
 */
export function messageActivity(opts: Common & { text: string; mention?: boolean; threadId?: string }) {
  const id = opts.id ?? String(Date.now());
  const c = opts.conversation;
  const mention = opts.mention ?? c.kind !== 'personal';
  const conversationId = c.kind === 'channel' ? `${c.id};messageid=${opts.threadId ?? id}` : c.id;
  const mentionText = `<at>${fakeBot.name}</at>`;
  return {
    ...base({ ...opts, id }, conversationId),
    type: 'message',
    text: mention ? `${mentionText} ${opts.text}` : opts.text,
    textFormat: 'plain',
    ...(mention
      ? {
          entities: [
            { type: 'mention', text: mentionText, mentioned: { id: fakeBot.id, name: fakeBot.name } },
          ],
        }
      : {}),
  };
}

/** An Action.Execute press: `adaptiveCard/action` with the button's verb and data. */
export function invokeActivity(
  opts: Common & { verb: string; data: Record<string, unknown>; replyToId: string },
) {
  return {
    ...base(opts, opts.conversation.id),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: opts.replyToId,
    value: {
      action: { type: 'Action.Execute', id: 'action', verb: opts.verb, data: opts.data },
      trigger: 'manual',
    },
  };
}

/** The bot joining (or leaving) a team, group chat or personal scope. */
export function conversationUpdateActivity(opts: Common & { removed?: boolean }) {
  const members = [{ id: fakeBot.id }];
  return {
    ...base(opts, opts.conversation.id),
    type: 'conversationUpdate',
    ...(opts.removed ? { membersRemoved: members } : { membersAdded: members }),
    ...(opts.conversation.kind === 'channel'
      ? {
          channelData: {
            ...base(opts, opts.conversation.id).channelData,
            eventType: opts.removed ? 'teamMemberRemoved' : 'teamMemberAdded',
          },
        }
      : {}),
  };
}

export function installationUpdateActivity(opts: Common & { action: 'add' | 'remove' }) {
  return { ...base(opts, opts.conversation.id), type: 'installationUpdate', action: opts.action };
}

/** POSTs an activity to a bot's `/api/messages` as the Bot Framework service does. */
export async function postActivity(
  url: string,
  activity: unknown,
  opts: { authorization?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...(opts.authorization ? { authorization: opts.authorization } : {}),
      ...opts.headers,
    },
    body: JSON.stringify(activity),
  });
}
