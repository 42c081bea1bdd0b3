import { AsyncLocalStorage } from 'node:async_hooks';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

/** How the authentication of one inbound request ended, when it failed. */
export interface InboundAuthOutcome {
  /** 401: the token is not acceptable; 503: vigil could not check it (signing keys unreachable). */
  failedWith?: 401 | 503;
  reason?: string;
}

/** Set by the route around CloudAdapter.process, read back after it. */
export const inboundAuthOutcome = new AsyncLocalStorage<InboundAuthOutcome>();

// jsonwebtoken's verdicts on a token: its fault, not ours.
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/**
 * botbuilder's authentication, with one correction. CloudAdapter answers 401 only for its own
 * AuthenticationError; a token with a valid shape but a bad signature fails inside jsonwebtoken
 * ("invalid signature") and comes back as 500, which would make a forgery look like an outage and
 * let Teams' retry logic treat it as one. Every failure of this step is recorded for the request
 * (AsyncLocalStorage, since the adapter is shared) so the route answers 401 for a bad token and 503
 * when the signing keys could not be fetched.
 */
export class GuardedAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(
    ...args: Parameters<ConfigurationBotFrameworkAuthentication['authenticateRequest']>
  ): ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']> {
    try {
      return await super.authenticateRequest(...args);
    } catch (error) {
      const outcome = inboundAuthOutcome.getStore();
      if (outcome) {
        const e = (error ?? {}) as { name?: unknown; statusCode?: unknown; message?: unknown };
        const badToken = TOKEN_ERRORS.has(String(e.name)) || e.statusCode === 401;
        outcome.failedWith = badToken ? 401 : 503;
        outcome.reason = typeof e.message === 'string' ? e.message.slice(0, 200) : 'authentication failed';
      }
      throw error;
    }
  }
}
