import { AsyncLocalStorage } from 'node:async_hooks';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

/** How the authentication of one inbound request ended, when it failed. */
export interface InboundAuthOutcome {
  /** 401: the token is not acceptable; 503: vigil could not check it (signing keys unreachable). */
  failedWith?: 401 | 503;
  reason?: string;
  /** What botbuilder printed to the console while handling the request (captureSdkConsole). */
  printed?: unknown[][];
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

let capturing = false;

/**
 * botbuilder prints failures with console.error: for a token with a bad signature the jsonwebtoken
 * stack and "Available keys:" followed by every signing key it holds, then the error again from
 * CloudAdapter. Within an inbound request (the route runs CloudAdapter.process inside
 * inboundAuthOutcome) those calls are collected on the request's outcome instead, and the route
 * writes one log line; outside a request the console works as usual. Installed once per process.
 */
export function captureSdkConsole(): void {
  if (capturing) return;
  capturing = true;
  for (const level of ['error', 'warn', 'log'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      const outcome = inboundAuthOutcome.getStore();
      if (!outcome) return original(...args);
      (outcome.printed ??= []).push(args);
    };
  }
}

/** One short line for what botbuilder printed: messages only, never a stack or a key. */
export function summarisePrinted(printed: readonly unknown[][]): string {
  return printed
    .map((args) =>
      args
        .map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a)))
        .join(' ')
        // Key material and stack frames start on later lines; the first line says what happened.
        .split('\n')[0]!
        .replace(/Available keys:.*/, '')
        .trim()
        .slice(0, 200),
    )
    .filter(Boolean)
    .join('; ');
}
