/**
 * Errors carry a stable code and whether retrying can help (house rule 6). `userMessage` is the only
 * text that may reach chat or the CLI: it names the thing and the fix.
 */
export class VigilError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly userMessage: string;

  constructor(code: string, userMessage: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(userMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VigilError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.userMessage = userMessage;
  }
}
