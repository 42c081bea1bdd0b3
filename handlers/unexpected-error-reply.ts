import type { ReplyMessage } from '../src/chat/chat-message.js';
import { errorReply } from '../src/chat/error-reply.js';
import type { HandlerDeps } from './handler-deps.js';

/**
 * A failure no handler expected (Redis unreachable, a bug), answered by the one error reply every
 * platform uses (src/chat/error-reply.ts): a VigilError's userMessage, or a generic apology.
 */
export function unexpectedErrorReply(
  err: unknown,
  deps: Pick<HandlerDeps, 'log'>,
  context: object,
): ReplyMessage {
  return errorReply(err, deps.log, context);
}
