export interface VigilErrorOptions {
  /** Whether trying again later can help (Redis briefly down, a rate limit); replies then say so. */
  retryable?: boolean;
  /**
   * What only the logs should carry: ids, counts, the internal reason ("run r1 lost 5 races with
   * other writers"). Part of `message`, so every log line of the error shows it; never `userMessage`.
   */
  detail?: string;
  cause?: unknown;
}

/**
 * vigil's one error type for what a person should read: a stable `code`, whether retrying can help,
 * and `userMessage`, the only text of an error that may reach chat or the CLI (it names the thing
 * and the fix). Anything else thrown is internal: src/chat/error-reply.ts answers it with a generic
 * apology and logs it, so no internal message reaches a channel verbatim.
 */
export class VigilError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly userMessage: string;
  readonly detail: string | undefined;

  constructor(code: string, userMessage: string, options: VigilErrorOptions = {}) {
    super(
      options.detail ? `${userMessage} (${options.detail})` : userMessage,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'VigilError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.userMessage = userMessage;
    this.detail = options.detail;
  }
}
