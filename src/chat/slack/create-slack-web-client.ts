import { WebClient } from '@slack/web-api';
import type { SlackEnv } from './slack-env.js';
import { slackLogger } from './slack-logger.js';

export interface SlackWebClientOptions {
  /** Per-request timeout; a hung Slack must not hold an outbox job forever. */
  timeoutMs?: number;
}

export const defaultSlackTimeoutMs = 10_000;

/**
 * The one way vigil builds a WebClient. The SDK's defaults fight the outbox (DOMAIN.md §6): on a
 * 429 it pauses its whole queue and retries for up to 30 minutes, so one noisy channel would stall
 * every other. Here 429s are rejected at once (`rejectRateLimitedCalls`) and retries are off; the
 * outbox paces per channel with Retry-After. Absolute URLs are refused so a method name can never
 * send the bot token to another host.
 */
export function createSlackWebClient(
  env: Pick<SlackEnv, 'botToken' | 'apiUrl'>,
  options: SlackWebClientOptions = {},
): WebClient {
  return new WebClient(env.botToken, {
    slackApiUrl: env.apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: options.timeoutMs ?? defaultSlackTimeoutMs,
    allowAbsoluteUrls: false,
    logger: slackLogger(undefined, 'slack-web-api'),
  });
}
