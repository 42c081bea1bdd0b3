import type { ReplyMessage } from '../src/chat/chat-message.js';
import { VigilError } from '../src/domain/vigil-error.js';
import { buildReply } from './build-reply.js';
import type { HandlerDeps } from './handler-deps.js';

/**
 * A failure no handler expected (Redis unreachable, a bug). Only a VigilError's userMessage may reach
 * chat (house rule 6); anything else is logged and answered with a short private apology.
 */
export function unexpectedErrorReply(
  err: unknown,
  deps: Pick<HandlerDeps, 'log'>,
  context: object,
): ReplyMessage {
  deps.log?.error({ err, ...context }, 'chat handler failed');
  if (err instanceof VigilError) {
    return buildReply({
      title: 'vigil could not answer',
      sections: [{ lines: [err.userMessage, ...(err.retryable ? ['Try again in a moment.'] : [])] }],
    });
  }
  return buildReply({
    title: 'vigil could not answer',
    sections: [{ lines: ['Something went wrong on vigil’s side; it was logged. Try again in a moment.'] }],
  });
}
