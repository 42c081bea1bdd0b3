import { cleanText } from './clean-text.js';
import { VigilError } from '../domain/vigil-error.js';
import type { ReplyMessage } from './chat-message.js';

/** Where a failed request is logged; pino loggers fit, and so does HandlerDeps.log (error only). */
export interface ErrorLog {
  error(fields: object, message: string): void;
  warn?(fields: object, message: string): void;
}

export const errorReplyTitle = 'vigil could not answer';
export const internalErrorLine = 'vigil hit an internal error; it was logged. Try again in a moment.';

/**
 * The one answer to a chat request that failed, for every platform and handler. Only a VigilError's
 * `userMessage` reaches chat (its `detail` stays in the log); anything else is internal ("lost 5
 * races", "ECONNREFUSED 10.0.0.5:6379") and gets a generic apology, its message in the log only.
 * Logged here, once: a VigilError is an explained refusal (warn), anything else a bug or an outage
 * (error).
 */
export function errorReply(error: unknown, log: ErrorLog | undefined, context: object = {}): ReplyMessage {
  const fields = { err: error, ...context };
  if (error instanceof VigilError) {
    if (log?.warn) log.warn(fields, 'a chat request was refused');
    else log?.error(fields, 'a chat request was refused');
    const lines = error.userMessage.split('\n').map((line) => cleanText(line, 300));
    return reply([...lines.filter(Boolean), ...(error.retryable ? ['Try again in a moment.'] : [])]);
  }
  log?.error(fields, 'a chat request failed');
  return reply([internalErrorLine]);
}

function reply(lines: string[]): ReplyMessage {
  return { kind: 'reply', private: true, title: errorReplyTitle, sections: [{ lines }] };
}
