import type { NoticeMessage, ReplyMessage } from './chat-message.js';

/**
 * A notice in the shape every platform already renders (its reply renderer), public: the platforms
 * post it as a message of its own instead of answering a command with it.
 */
export function noticeReply(notice: NoticeMessage): ReplyMessage {
  return {
    kind: 'reply',
    private: false,
    title: notice.title,
    sections: [{ lines: notice.lines }],
    ...(notice.footer ? { footer: notice.footer } : {}),
  };
}
