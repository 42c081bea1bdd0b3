import type { WebClient } from '@slack/web-api';
import type { SlackEnv } from './slack-env.js';
import { logger } from '../../logger.js';
import {
  digestAsReply,
  type AlertMessage,
  type DigestMessage,
  type NoticeMessage,
  type PostedRef,
} from '../chat-message.js';
import { noticeReply } from '../notice-reply.js';
import { ChatDeliveryError } from '../chat-delivery-error.js';
import type { ChatPlatform, FoundPost } from '../chat-platform.js';
import { classifySlackError } from './classify-slack-error.js';
import { createSlackWebClient, type SlackWebClientOptions } from './create-slack-web-client.js';
import { renderThreadLine } from './mrkdwn.js';
import { renderAlertMessage, type SlackMessagePayload } from './render-alert-message.js';
import { renderReplyMessage } from './render-reply-message.js';
import type { SlackWorkspace } from './slack-workspace.js';

/** The message metadata event type that marks vigil's alert messages (findPosted looks for it). */
export const alertMetadataEventType = 'vigil_alert';

export interface SlackPlatformOptions {
  /** Clock for the "since … (47 min)" line; passed in so tests fix it (ARCHITECTURE.md house rule 7). */
  now?: () => Date;
  /** The bot's name in Slack, for "invite @vigil" hints in errors. */
  botName?: string;
  /** conversations.history page size (Slack caps it at 999; 200 is its recommendation). */
  historyPageSize?: number;
  /** Pages findPosted reads at most: a bound on work, since `since` is normally minutes ago. */
  maxHistoryPages?: number;
}

interface HistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/**
 * ChatPlatform over the Slack Web API. Transport only (ARCHITECTURE.md house rule 2): rendering is in the
 * renderers, pacing and retries in the outbox; every failure leaves as a classified
 * ChatDeliveryError.
 */
export class SlackPlatform implements ChatPlatform {
  readonly name = 'slack' as const;
  private readonly now: () => Date;
  private readonly botName: string;
  private readonly pageSize: number;
  private readonly maxPages: number;

  constructor(
    private readonly client: WebClient,
    options: SlackPlatformOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.botName = options.botName ?? 'vigil';
    this.pageSize = options.historyPageSize ?? 200;
    this.maxPages = options.maxHistoryPages ?? 5;
  }

  async post(destination: string, message: AlertMessage): Promise<PostedRef> {
    return this.postTopLevel(destination, {
      ...renderAlertMessage(message, this.now()),
      metadata: metadataFor(message),
    });
  }

  /** One message, no metadata: it is about no single alert, so findPosted must never take it for one. */
  async announce(destination: string, message: NoticeMessage): Promise<PostedRef> {
    const [page] = renderReplyMessage(noticeReply(message), 1);
    return this.postTopLevel(destination, { text: page?.text ?? message.title, blocks: page?.blocks ?? [] });
  }

  /**
   * A new top-level message (alert, notice, digest): never unfurled, since a cluster object name that
   * looks like a URL must not grow a preview card. Slack may answer with the channel's canonical id
   * (e.g. when given a name); that one is kept for chat.update.
   */
  private async postTopLevel(
    destination: string,
    body: SlackMessagePayload & { metadata?: ReturnType<typeof metadataFor> },
  ): Promise<PostedRef> {
    const result = await this.call('chat.postMessage', destination, () =>
      this.client.chat.postMessage({
        ...body,
        channel: destination,
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    if (!result.ts)
      throw classifySlackError(
        new Error('chat.postMessage returned no ts'),
        this.ctx('chat.postMessage', destination),
      );
    return { platform: 'slack', destination: result.channel ?? destination, messageId: result.ts };
  }

  async update(ref: PostedRef, message: AlertMessage): Promise<void> {
    const payload: SlackMessagePayload = renderAlertMessage(message, this.now());
    await this.call('chat.update', ref.destination, () =>
      this.client.chat.update({
        channel: ref.destination,
        ts: ref.messageId,
        ...payload,
        // Sent again so the message stays findable even if Slack dropped metadata on edit.
        metadata: metadataFor(message),
      }),
    );
  }

  /** The digest as one reply page (the job keeps it within one; the page says what did not fit). */
  async postDigest(destination: string, digest: DigestMessage): Promise<PostedRef> {
    const { text, blocks } = renderDigest(digest);
    return this.postTopLevel(destination, { text, blocks });
  }

  async updateDigest(ref: PostedRef, digest: DigestMessage): Promise<void> {
    const { text, blocks } = renderDigest(digest);
    await this.call('chat.update', ref.destination, () =>
      this.client.chat.update({ channel: ref.destination, ts: ref.messageId, text, blocks }),
    );
  }

  async reply(ref: PostedRef, text: string): Promise<void> {
    await this.call('chat.postMessage', ref.destination, () =>
      this.client.chat.postMessage({
        channel: ref.destination,
        thread_ts: ref.messageId,
        text: renderThreadLine(text),
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
  }

  async findPosted(destination: string, alertId: string, since: Date): Promise<PostedRef | null> {
    let found: string | undefined;
    await this.readHistory(destination, since, (ts, payload) => {
      if (payload['alert_id'] === alertId) found = ts;
      return found !== undefined;
    });
    if (found) return { platform: 'slack', destination, messageId: found };
    return null;
  }

  async listPosted(destination: string, since: Date): Promise<FoundPost[]> {
    const found: FoundPost[] = [];
    await this.readHistory(destination, since, (ts, payload) => {
      const fp = payload['fingerprint'];
      if (typeof fp === 'string') found.push({ messageId: ts, fingerprint: fp });
      return false;
    });
    return found;
  }

  /**
   * vigil's alert messages in the channel since `since`, newest first, to `visit` until it returns
   * true; at most `maxHistoryPages` pages. Returns whether `visit` stopped it.
   */
  private async readHistory(
    destination: string,
    since: Date,
    visit: (ts: string, payload: Record<string, unknown>) => boolean,
  ): Promise<boolean> {
    let cursor: string | undefined;
    for (let page = 0; page < this.maxPages; page += 1) {
      const result = await this.call('conversations.history', destination, () =>
        this.client.conversations.history({
          channel: destination,
          oldest: slackTs(since),
          inclusive: true,
          limit: this.pageSize,
          // Without it Slack leaves `metadata` out of every message and nothing would ever match.
          include_all_metadata: true,
          ...(cursor ? { cursor } : {}),
        }),
      );
      for (const m of (result.messages ?? []) as HistoryMessage[]) {
        const payload = m.metadata?.event_payload;
        if (m.ts && m.metadata?.event_type === alertMetadataEventType && payload && visit(m.ts, payload))
          return true;
      }
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) return false;
    }
    logger.warn(
      { channel: destination, pages: this.maxPages },
      'channel history read stopped at its page bound; an alert message older than that is not found, and a duplicate post is possible',
    );
    return false;
  }

  /** auth.test: proves the token works at startup (readiness) and names the workspace and bot. */
  async checkAuth(): Promise<{ teamId?: string; botUserId?: string; botId?: string }> {
    const r = await this.call('auth.test', undefined, () => this.client.auth.test());
    return { teamId: r.team_id, botUserId: r.user_id, botId: r.bot_id };
  }

  /**
   * auth.test, and the workspace its answer names: the one inbound requests must come from
   * (slack-workspace.ts). A token whose answer names no workspace cannot be checked against, so it
   * fails the start like a wrong token.
   */
  async installedWorkspace(appId?: string): Promise<SlackWorkspace> {
    const { teamId } = await this.checkAuth();
    if (!teamId) {
      throw new ChatDeliveryError(
        'invalid',
        'Slack auth.test named no workspace (team_id) for SLACK_BOT_TOKEN; use the Bot User OAuth Token of an app installed in one workspace',
      );
    }
    return { teamId, ...(appId ? { appId } : {}) };
  }

  private async call<T>(method: string, channel: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw classifySlackError(error, this.ctx(method, channel));
    }
  }

  private ctx(method: string, channel: string | undefined) {
    return { method, botName: this.botName, ...(channel ? { channel } : {}) };
  }
}

function renderDigest(digest: DigestMessage): SlackMessagePayload {
  const [page] = renderReplyMessage(digestAsReply(digest), 1);
  return { text: page!.text, blocks: page!.blocks };
}

/** Builds the platform from the environment; the lead's composition root calls this. */
export function createSlackPlatform(
  env: Pick<SlackEnv, 'botToken' | 'apiUrl'>,
  options: SlackPlatformOptions & SlackWebClientOptions = {},
): SlackPlatform {
  return new SlackPlatform(createSlackWebClient(env, options), options);
}

function metadataFor(message: AlertMessage) {
  return {
    event_type: alertMetadataEventType,
    event_payload: {
      alert_id: message.alertId,
      ...(message.fingerprint ? { fingerprint: message.fingerprint } : {}),
    },
  };
}

/** Slack timestamps are seconds with microseconds, as a string ("1700000000.000000"). */
export function slackTs(date: Date): string {
  return (Math.floor(date.getTime()) / 1000).toFixed(6);
}
