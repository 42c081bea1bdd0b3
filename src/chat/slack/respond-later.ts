import type { ReplyMessage } from '../chat-message.js';
import { ChatDeliveryError } from '../chat-delivery-error.js';
import { renderReplyMessage, type SlackReplyPage } from './render-reply-message.js';

/** Hosts Slack issues response URLs on (commercial and GovSlack). */
const SLACK_HOOK_HOSTS = new Set(['hooks.slack.com', 'hooks.slack-gov.com']);

export interface RespondLaterOptions {
  /** The configured SLACK_API_URL: its origin is also accepted, so tests can point at the fake. */
  slackApiUrl: string;
  timeoutMs?: number;
}

export type RespondLater = (responseUrl: string, reply: ReplyMessage) => Promise<void>;

/**
 * Whether a response_url may be posted to. The URL arrives inside a signed request, but vigil still
 * posts only to Slack's hooks host over https (or the configured API origin, for tests and
 * GovSlack-style setups), so nothing in a request can turn the bot into a proxy to arbitrary URLs.
 */
export function isAllowedResponseUrl(responseUrl: string, slackApiUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (
    url.protocol === 'https:' &&
    SLACK_HOOK_HOSTS.has(url.hostname) &&
    (url.port === '' || url.port === '443')
  ) {
    return true;
  }
  return url.origin === new URL(slackApiUrl).origin;
}

/**
 * A helper that delivers a reply through a command's or action's response_url (answers that take
 * longer than Slack's 3-second ack window, or the pages after the first). Each page is one POST;
 * `replace_original: false` so an answer never overwrites the alert message a button sits on.
 */
export function createRespondLater(options: RespondLaterOptions): RespondLater {
  return async (responseUrl, reply) => {
    await postPages(responseUrl, renderReplyMessage(reply), options);
  };
}

/** Posts already-rendered pages (the receiver uses it for pages 2..n after acking page 1). */
export async function postPages(
  responseUrl: string,
  pages: SlackReplyPage[],
  options: RespondLaterOptions,
): Promise<void> {
  if (!isAllowedResponseUrl(responseUrl, options.slackApiUrl)) {
    throw new ChatDeliveryError(
      'invalid',
      'Refused to post a reply to a response_url that is not a Slack hooks URL',
    );
  }
  for (const page of pages) {
    let response: Response;
    try {
      response = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({
          response_type: page.responseType,
          replace_original: false,
          text: page.text,
          blocks: page.blocks,
        }),
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new ChatDeliveryError(
        timedOut ? 'timeout' : 'unavailable',
        timedOut ? 'Slack did not accept the reply in time' : 'Cannot reach Slack to deliver the reply',
        { cause: error },
      );
    }
    const body = await response.text().catch(() => '');
    if (response.ok) continue;
    if (response.status === 429) {
      const seconds = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
      throw new ChatDeliveryError('rate-limited', 'Slack rate-limited the reply', {
        retryAfterMs: Number.isNaN(seconds) ? 1000 : seconds * 1000,
      });
    }
    if (response.status >= 500) {
      throw new ChatDeliveryError('unavailable', `Slack answered HTTP ${response.status} to the reply`);
    }
    // 404 expired_url / used_url: the 30-minute, 5-use window of the response URL is over.
    throw new ChatDeliveryError(
      'not-found',
      `Slack refused the reply (HTTP ${response.status} ${body.slice(0, 100)}): the response URL has expired or was used 5 times; run the command again`,
    );
  }
}
