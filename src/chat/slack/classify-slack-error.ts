import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import { ChatDeliveryError } from '../chat-delivery-error.js';

export interface SlackCallContext {
  /** Web API method, e.g. `chat.postMessage`. */
  method: string;
  /** Channel id the call was about, named in the message so the operator knows where to look. */
  channel?: string;
  /** The bot's display name in Slack, for "invite @vigil" hints. */
  botName?: string;
}

/** Used when Slack says "slow down" without a usable Retry-After (HTTP 429 without the header, `ratelimited`). */
export const defaultRetryAfterMs = 1000;

const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'no_permission',
  'org_login_required',
  'ekm_access_denied',
  'team_access_not_granted',
]);
const GONE_ERRORS = new Set([
  'message_not_found',
  'thread_not_found',
  'cant_update_message',
  'edit_window_closed',
]);
const SLACK_SIDE_ERRORS = new Set([
  'fatal_error',
  'internal_error',
  'service_unavailable',
  'request_timeout',
]);

/**
 * Turns whatever the WebClient threw into a ChatDeliveryError the outbox can act on without knowing
 * Slack (ARCHITECTURE.md house rule 6): 429 waits for Retry-After on that channel, Slack-side and network trouble
 * backs off and retries, everything that needs a human (missing channel, membership, token, scope,
 * a payload Slack refuses) is permanent and says what to fix. Tokens never appear: the SDK errors
 * carry response data and the method, not request headers.
 */
export function classifySlackError(error: unknown, ctx: SlackCallContext): ChatDeliveryError {
  if (error instanceof ChatDeliveryError) return error;
  const where = ctx.channel ? ` for channel ${ctx.channel}` : '';
  const bot = `@${ctx.botName ?? 'vigil'}`;

  if (error instanceof WebAPIRateLimitedError) {
    return new ChatDeliveryError('rate-limited', `Slack rate-limited ${ctx.method}${where}`, {
      retryAfterMs: Math.max(0, error.retryAfter) * 1000,
      cause: error,
    });
  }
  if (error instanceof WebAPIHTTPError) {
    if (error.statusCode >= 500) {
      return new ChatDeliveryError(
        'unavailable',
        `Slack answered HTTP ${error.statusCode} to ${ctx.method}${where}`,
        {
          cause: error,
        },
      );
    }
    // Slack answers errors with HTTP 200 and ok:false; any other status means we are not talking to
    // the Web API at all.
    return new ChatDeliveryError(
      'invalid',
      `Slack answered HTTP ${error.statusCode} to ${ctx.method}: check SLACK_API_URL points at the Web API (https://slack.com/api/)`,
      { cause: error },
    );
  }
  if (error instanceof WebAPIRequestError) {
    const name = error.original.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new ChatDeliveryError('timeout', `Slack did not answer ${ctx.method}${where} in time`, {
        cause: error,
      });
    }
    return new ChatDeliveryError(
      'unavailable',
      `Cannot reach Slack for ${ctx.method}${where}: ${error.original.message}`,
      {
        cause: error,
      },
    );
  }
  if (error instanceof WebAPIPlatformError) {
    return classifyPlatformError(error, ctx, where, bot);
  }
  // p-retry unwraps a 429 that had no valid Retry-After into a plain Error.
  if (error instanceof Error && /rate limit|retry header/i.test(error.message)) {
    return new ChatDeliveryError('rate-limited', `Slack rate-limited ${ctx.method}${where}`, {
      retryAfterMs: defaultRetryAfterMs,
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ChatDeliveryError('unavailable', `Slack call ${ctx.method}${where} failed: ${message}`, {
    cause: error,
  });
}

function classifyPlatformError(
  error: WebAPIPlatformError,
  ctx: SlackCallContext,
  where: string,
  bot: string,
): ChatDeliveryError {
  const code = error.data.error;
  const cause = { cause: error };
  const channel = ctx.channel ?? 'the channel';
  switch (code) {
    case 'channel_not_found':
      return new ChatDeliveryError(
        'not-found',
        `Slack channel ${channel} not found (channel_not_found): check the channel id in vigil.yaml; for a private channel, invite ${bot} to it first (/invite ${bot})`,
        cause,
      );
    case 'not_in_channel':
      return new ChatDeliveryError(
        'forbidden',
        `${bot} is not a member of Slack channel ${channel} (not_in_channel): invite it with /invite ${bot} in that channel`,
        cause,
      );
    case 'is_archived':
      return new ChatDeliveryError(
        'forbidden',
        `Slack channel ${channel} is archived (is_archived): unarchive it or route these alerts to another channel in vigil.yaml`,
        cause,
      );
    case 'missing_scope': {
      const raw = (error.data as unknown as Record<string, unknown>)['needed'];
      const needed = typeof raw === 'string' ? raw : 'a scope';
      return new ChatDeliveryError(
        'forbidden',
        `The Slack app lacks ${needed} for ${ctx.method} (missing_scope): add it from deploy/slack/manifest.yaml and reinstall the app`,
        cause,
      );
    }
    case 'ratelimited':
    case 'rate_limited': {
      const seconds = error.data.response_metadata?.retryAfter;
      return new ChatDeliveryError('rate-limited', `Slack rate-limited ${ctx.method}${where}`, {
        retryAfterMs: typeof seconds === 'number' ? seconds * 1000 : defaultRetryAfterMs,
        cause: error,
      });
    }
  }
  if (AUTH_ERRORS.has(code)) {
    return new ChatDeliveryError(
      'forbidden',
      `Slack rejected the bot token (${code}): set SLACK_BOT_TOKEN to the app's Bot User OAuth Token (xoxb-…), reinstalling the app if it was revoked`,
      cause,
    );
  }
  if (GONE_ERRORS.has(code)) {
    return new ChatDeliveryError(
      'not-found',
      `Slack cannot find the message to change${where} (${code})`,
      cause,
    );
  }
  if (SLACK_SIDE_ERRORS.has(code)) {
    return new ChatDeliveryError('unavailable', `Slack failed ${ctx.method}${where} (${code})`, cause);
  }
  // msg_too_long, invalid_blocks, invalid_arguments, …: retrying the same payload cannot help.
  return new ChatDeliveryError('invalid', `Slack refused ${ctx.method}${where} (${code})`, cause);
}
