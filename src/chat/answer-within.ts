import type { ReplyMessage } from './chat-message.js';
import { errorReply, type ErrorLog } from './error-reply.js';

/** The interim answer when a request needs longer than its platform's answer window. */
export const workingOnItReply: ReplyMessage = {
  kind: 'reply',
  private: true,
  title: 'Working on it…',
  sections: [{ lines: ['The answer will appear here shortly.'] }],
};

export type Answer<T> = { onTime: true; reply: T } | { onTime: false };

export interface AnswerWithinOptions<T> {
  log: ErrorLog;
  /** Logged with a failure: what was asked (`{ platform: 'slack', what: 'command' }`). */
  context?: object;
  /** Answers now when the deadline passed (Slack: the ack saying "Working on it…"); runs before `late`. */
  interim?: () => Promise<void>;
  /**
   * Delivers the reply that came after the deadline (Slack: the response URL; Teams: a proactive
   * message). Without it a late reply is dropped: a button's outcome shows as the alert's edit.
   */
  late?: (reply: T | ReplyMessage) => Promise<void>;
}

/**
 * How every platform answers a request against its deadline (Slack acks within 3 s; a Teams turn or
 * invoke within a few seconds). The handler's reply in time is `{ onTime: true, reply }`. Past the
 * deadline `interim` answers at once, this resolves `{ onTime: false }`, and the reply is handed to
 * `late` when it comes (never before the interim answer went out). A failure, in time or late,
 * becomes errorReply: nothing internal reaches chat, and no rejection is left unhandled.
 */
export async function answerWithin<T>(
  work: Promise<T>,
  deadlineMs: number,
  options: AnswerWithinOptions<T>,
): Promise<Answer<T | ReplyMessage>> {
  const replied = work.catch((error: unknown) => errorReply(error, options.log, options.context));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), deadlineMs);
  });
  try {
    const first = await Promise.race([replied.then((reply) => ({ reply })), deadline]);
    if (first !== 'late') return { onTime: true, reply: first.reply };
  } finally {
    clearTimeout(timer);
  }
  const { interim, late, log } = options;
  if (interim) await interim();
  if (late) {
    void replied
      .then((reply) => late(reply))
      .catch((error: unknown) => {
        const fields = { err: error, ...options.context };
        if (log.warn) log.warn(fields, 'could not deliver a late reply');
        else log.error(fields, 'could not deliver a late reply');
      });
  }
  return { onTime: false };
}
