import type { FakeFileUploads } from './fake-file-uploads.js';
import type { FakeMessageStore, FakeSlackMessage } from './fake-message-store.js';
import { flag, str } from './parse-slack-body.js';
import { validateBlocks } from './validate-blocks.js';

export interface MethodContext {
  store: FakeMessageStore;
  channelState(channel: string): ChannelState;
  groups: Map<string, string[]>;
  uploads: FakeFileUploads;
}

type Body = Record<string, unknown>;

export type ChannelState = 'ok' | 'not-found' | 'archived' | 'not-member';

/** Who the fake's token belongs to (auth.test), and the author of every message it posts. */
export const fakeBotIdentity = {
  team: 'Fake Workspace',
  team_id: 'T0FAKE',
  user: 'vigil',
  user_id: 'U0VIGIL',
  bot_id: 'B0VIGIL',
} as const;

/** The Web API methods vigil calls, answering like Slack does (HTTP 200, `ok` true or false). */
export function handleWebApiMethod(method: string, args: Body, ctx: MethodContext): Body {
  switch (method) {
    case 'auth.test':
      return { ok: true, url: 'https://fake-workspace.slack.com/', ...fakeBotIdentity };
    case 'chat.postMessage':
      return postMessage(args, ctx);
    case 'chat.update':
      return update(args, ctx);
    case 'conversations.history':
      return history(args, ctx);
    case 'files.getUploadURLExternal':
      return ctx.uploads.getUploadUrl(args);
    case 'files.completeUploadExternal':
      return ctx.uploads.complete(args, ctx.store, (c) => channelError(c, ctx, true));
    case 'files.upload':
      // Retired by Slack (new apps since 2024-05, all apps since 2025-11): vigil must not use it.
      return { ok: false, error: 'method_deprecated' };
    case 'usergroups.users.list': {
      const id = str(args['usergroup']);
      const users = id ? ctx.groups.get(id) : undefined;
      return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
    }
    default:
      return { ok: false, error: 'unknown_method' };
  }
}

function channelError(channel: string | undefined, ctx: MethodContext, writing: boolean): string | undefined {
  if (!channel) return 'channel_not_found';
  const state = ctx.channelState(channel);
  if (state === 'not-found') return 'channel_not_found';
  if (state === 'not-member') return 'not_in_channel';
  if (state === 'archived' && writing) return 'is_archived';
  return undefined;
}

function contentError(args: Body): string | undefined {
  const text = str(args['text']);
  if (!text && args['blocks'] === undefined) return 'no_text';
  if (text && text.length > 40_000) return 'msg_too_long';
  if (args['blocks'] !== undefined) {
    const problem = validateBlocks(args['blocks']);
    if (problem) return problem;
  }
  const metadata = args['metadata'] as { event_type?: unknown; event_payload?: unknown } | undefined;
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null) return 'invalid_metadata_format';
    if (typeof metadata.event_type !== 'string' || typeof metadata.event_payload !== 'object') {
      return 'invalid_metadata_schema';
    }
  }
  return undefined;
}

function postMessage(args: Body, ctx: MethodContext): Body {
  const channel = str(args['channel']);
  const error = channelError(channel, ctx, true) ?? contentError(args);
  if (error) return { ok: false, error };
  const threadTs = str(args['thread_ts']);
  if (threadTs && !ctx.store.find(channel!, threadTs)) return { ok: false, error: 'thread_not_found' };
  const stored = ctx.store.add({
    channel: channel!,
    ...optional('text', str(args['text'])),
    ...optional('blocks', args['blocks'] as unknown[] | undefined),
    ...optional('metadata', args['metadata'] as FakeSlackMessage['metadata']),
    ...optional('thread_ts', threadTs),
    bot_id: fakeBotIdentity.bot_id,
    user: fakeBotIdentity.user_id,
  });
  return { ok: true, channel, ts: stored.ts, message: view(stored, true) };
}

function update(args: Body, ctx: MethodContext): Body {
  const channel = str(args['channel']);
  const error = channelError(channel, ctx, true) ?? contentError(args);
  if (error) return { ok: false, error };
  const message = ctx.store.find(channel!, str(args['ts']) ?? '');
  if (!message) return { ok: false, error: 'message_not_found' };
  if (message.bot_id !== fakeBotIdentity.bot_id) return { ok: false, error: 'cant_update_message' };
  if (args['text'] !== undefined) message.text = str(args['text']) ?? '';
  if (args['blocks'] !== undefined) message.blocks = args['blocks'] as unknown[];
  // Slack keeps the previous metadata when the argument is left out.
  if (args['metadata'] !== undefined) message.metadata = args['metadata'] as FakeSlackMessage['metadata'];
  message.edited = { ts: ctx.store.nextTs() };
  return { ok: true, channel, ts: message.ts, text: message.text ?? '' };
}

/** Opaque cursors like Slack's: base64 of the offset into the filtered, newest-first list. */
function history(args: Body, ctx: MethodContext): Body {
  const channel = str(args['channel']);
  const error = channelError(channel, ctx, false);
  if (error) return { ok: false, error };
  const limit = Math.min(Math.max(Number(str(args['limit']) ?? 100) || 100, 1), 999);
  const cursor = str(args['cursor']);
  const offset = cursor
    ? Number(
        Buffer.from(cursor, 'base64')
          .toString('utf8')
          .replace(/^offset:/, ''),
      )
    : 0;
  if (!Number.isInteger(offset) || offset < 0) return { ok: false, error: 'invalid_cursor' };
  const oldest = str(args['oldest']);
  const latest = str(args['latest']);
  const all = ctx.store.history(channel!, {
    ...(oldest ? { oldest: Number(oldest) } : {}),
    ...(latest ? { latest: Number(latest) } : {}),
    inclusive: flag(args['inclusive']),
  });
  const page = all.slice(offset, offset + limit);
  const more = offset + limit < all.length;
  const withMetadata = flag(args['include_all_metadata']);
  return {
    ok: true,
    messages: page.map((m) => view(m, withMetadata)),
    has_more: more,
    pin_count: 0,
    response_metadata: {
      next_cursor: more ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '',
    },
  };
}

/** A message as the API shows it; metadata only when asked for, like Slack. */
function view(m: FakeSlackMessage, withMetadata: boolean): Body {
  return {
    type: m.type,
    ts: m.ts,
    ...optional('text', m.text),
    ...optional('blocks', m.blocks),
    ...optional('bot_id', m.bot_id),
    ...optional('user', m.user),
    ...optional('thread_ts', m.thread_ts),
    ...optional('edited', m.edited),
    ...(m.replies.length > 0 ? { reply_count: m.replies.length } : {}),
    ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
