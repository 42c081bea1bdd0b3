import { VigilError } from '../domain/vigil-error.js';
import type { ReplyMessage } from './chat-message.js';

/**
 * What the asker sees when a handler throws: only a VigilError's userMessage may reach chat (house
 * rule 6); anything else is an internal error whose details stay in the logs.
 */
export function replyForError(error: unknown): ReplyMessage {
  const line =
    error instanceof VigilError
      ? error.userMessage
      : 'vigil hit an internal error; the details are in its logs.';
  return { kind: 'reply', private: true, title: 'That did not work', sections: [{ lines: [line] }] };
}

/** The interim answer when a command needs longer than Slack's 3-second ack window. */
export const workingOnItReply: ReplyMessage = {
  kind: 'reply',
  private: true,
  title: 'Working on it…',
  sections: [{ lines: ['The answer will appear here shortly.'] }],
};
