import { ChatDeliveryError } from '../chat-delivery-error.js';

export interface TeamsCallContext {
  /** What vigil was doing: `post`, `update`, `reply`, `send`. */
  operation: string;
  /** The conversation alias (or id) it was about, named so the operator knows where to look. */
  alias?: string;
  /** Clock for a Retry-After given as an HTTP date. */
  now?: () => number;
}

/** When Teams says "slow down" without a usable Retry-After: Teams asks for backoff, not a number. */
export const defaultTeamsRetryAfterMs = 2000;

// Connection-level failures worth retrying (the Bot Connector or the network is briefly away).
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'REQUEST_SEND_ERROR',
]);

interface HttpishError {
  name?: string;
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  errorCode?: unknown;
  response?: { headers?: { get?(name: string): string | undefined | null } };
}

/**
 * Turns whatever botbuilder's connector client threw into a ChatDeliveryError the outbox can act on
 * without knowing Teams (ARCHITECTURE.md house rule 6). Teams throttles per app and thread and asks bots to back off
 * on 429, 412, 502 and 504: 429 waits for Retry-After on that destination, the others and every
 * 5xx or timeout back off and retry; 403/404 mean the bot was removed from the conversation (or the
 * message deleted) and need a human. Secrets never appear: RestError carries the response, not the
 * request's Authorization header, and Entra ID errors are reduced to their AADSTS code.
 */
export function classifyTeamsError(error: unknown, ctx: TeamsCallContext): ChatDeliveryError {
  if (error instanceof ChatDeliveryError) return error;
  const e = (error && typeof error === 'object' ? error : {}) as HttpishError;
  const where = ctx.alias ? ` in Teams conversation "${ctx.alias}"` : '';
  const cause = { cause: error };
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  // The connector's error code (`ConversationNotFound`, `BotNotInConversationRoster`) comes from the
  // response body: shown only when it looks like one.
  const code =
    typeof e.code === 'string' && /^[A-Za-z][A-Za-z0-9_.-]{0,59}$/.test(e.code) ? ` ${e.code}` : '';

  if (status !== undefined) {
    const retryAfterMs = parseRetryAfter(e.response?.headers?.get?.('retry-after'), ctx.now ?? Date.now);
    const hint = retryAfterMs !== undefined ? { retryAfterMs } : {};
    if (status === 429) {
      return new ChatDeliveryError('rate-limited', `Teams rate-limited ${ctx.operation}${where}`, {
        retryAfterMs: retryAfterMs ?? defaultTeamsRetryAfterMs,
        cause: error,
      });
    }
    if (status === 412 || status === 408 || status >= 500) {
      return new ChatDeliveryError(
        status === 408 || status === 504 ? 'timeout' : 'unavailable',
        `Teams answered HTTP ${status}${code} to ${ctx.operation}${where}; retrying with backoff`,
        { ...hint, cause: error },
      );
    }
    if (status === 401) {
      return new ChatDeliveryError(
        'forbidden',
        `Teams rejected vigil's credentials (HTTP 401) for ${ctx.operation}${where}: check that MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppType and MicrosoftAppTenantId match the Azure Bot resource`,
        cause,
      );
    }
    if (status === 403 || (status === 404 && ctx.operation === 'post')) {
      return new ChatDeliveryError(
        status === 403 ? 'forbidden' : 'not-found',
        `vigil cannot write${where || ' in that Teams conversation'} (HTTP ${status}${code}): the app was removed from that team or chat, or the chat was deleted. Add vigil to it again (the conversation is stored anew when it is added), or route these alerts to another alias (\`vigil teams conversations\` lists them)`,
        cause,
      );
    }
    if (status === 404) {
      return new ChatDeliveryError(
        'not-found',
        `Teams cannot find the alert message to change${where} (HTTP 404${code}): it was deleted, or vigil was removed from the conversation`,
        cause,
      );
    }
    if (status === 413) {
      return new ChatDeliveryError(
        'invalid',
        `Teams refused ${ctx.operation}${where} as too large (HTTP 413${code})`,
        cause,
      );
    }
    // 400 BadArgument and friends: retrying the same activity cannot help.
    return new ChatDeliveryError(
      'invalid',
      `Teams refused ${ctx.operation}${where} (HTTP ${status}${code})`,
      cause,
    );
  }

  if (e.name === 'AbortError' || e.name === 'TimeoutError') {
    return new ChatDeliveryError('timeout', `Teams did not answer ${ctx.operation}${where} in time`, cause);
  }
  const message = typeof e.message === 'string' ? e.message : String(error);
  const aadsts = /AADSTS\d+/.exec(message)?.[0];
  if (aadsts) {
    return new ChatDeliveryError(
      'forbidden',
      `Entra ID refused vigil's credentials (${aadsts}) for ${ctx.operation}${where}: check MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId and MicrosoftAppType against the Azure Bot resource`,
      cause,
    );
  }
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) {
    return new ChatDeliveryError(
      'unavailable',
      `Cannot reach the Teams Bot Connector for ${ctx.operation}${where} (${e.code})`,
      cause,
    );
  }
  return new ChatDeliveryError(
    'unavailable',
    `Teams call ${ctx.operation}${where} failed: ${message.slice(0, 200)}`,
    cause,
  );
}

/** Retry-After as seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: () => number): number | undefined {
  const raw = value?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now());
}
