import { ChatDeliveryError } from '../chat-delivery-error.js';
import {
  digestAsReply,
  type AlertMessage,
  type DigestMessage,
  type NoticeMessage,
  type PostedRef,
} from '../chat-message.js';
import { noticeReply } from '../notice-reply.js';
import type { ChatPlatform, FoundPost } from '../chat-platform.js';
import type { DigestBoard } from './digest-board.js';
import { webLimits } from './web-limits.js';
import type { MessageBoard } from './message-board.js';
import { renderWebCard } from './render-web-card.js';
import { renderWebReply, type WebReply } from './render-web-reply.js';

/**
 * The outbox's port for the web chat: messages go onto the in-memory board, which pushes them to
 * every open page. No network between the outbox and the board, so nothing here is rate-limited or
 * unavailable; the only failure is a room no route should name.
 */
export class WebPlatform implements ChatPlatform {
  readonly name = 'web' as const;
  private readonly fingerprints = new Map<string, string>();

  constructor(
    private readonly board: MessageBoard,
    private readonly rooms: ReadonlySet<string>,
    private readonly digests: DigestBoard,
    /** Shows a notice to every open page of the room; returns its id (create-web-chat.ts: the event stream). */
    private readonly showNotice: (room: string, reply: WebReply) => string = () => '',
  ) {}

  /** A notice is pushed to the open pages, not kept on the board: it is about no alert to edit later. */
  async announce(destination: string, message: NoticeMessage): Promise<PostedRef> {
    this.roomOrThrow(destination);
    const id = this.showNotice(destination, renderWebReply(noticeReply(message)));
    return { platform: 'web', destination, messageId: id };
  }

  async post(destination: string, message: AlertMessage): Promise<PostedRef> {
    this.roomOrThrow(destination);
    const card = this.board.post(destination, renderWebCard(message));
    if (message.fingerprint) this.remember(card.id, message.fingerprint);
    return { platform: 'web', destination, messageId: card.id, alertId: message.alertId };
  }

  /**
   * Edits the message in place. A message the board no longer holds (the process restarted, or the
   * cap dropped it) is put back under its id: the edit carries the whole alert, so nothing is lost
   * by recreating it, and the page shows the alert again instead of never hearing of it.
   */
  async update(ref: PostedRef, message: AlertMessage): Promise<void> {
    this.roomOrThrow(ref.destination);
    this.board.replace(ref.messageId, ref.destination, renderWebCard(message));
    if (message.fingerprint) this.remember(ref.messageId, message.fingerprint);
  }

  async reply(ref: PostedRef, text: string): Promise<void> {
    if (!this.board.addLine(ref.messageId, text)) {
      throw new ChatDeliveryError(
        'not-found',
        `the web chat no longer holds message ${ref.messageId} (it keeps messages in memory only)`,
      );
    }
  }

  async findPosted(destination: string, alertId: string, since: Date): Promise<PostedRef | null> {
    const card = this.board.find(destination, alertId, since);
    return card ? { platform: 'web', destination, messageId: card.id, alertId } : null;
  }

  /** The board's cards of the room, newest first: it outlives a Redis that lost vigil's state. */
  async listPosted(destination: string, since: Date): Promise<FoundPost[]> {
    return this.board
      .list()
      .filter((c) => c.room === destination && Date.parse(c.postedAt) >= since.getTime())
      .flatMap((c) => {
        const fingerprint = this.fingerprints.get(c.id);
        return fingerprint ? [{ messageId: c.id, fingerprint }] : [];
      })
      .reverse();
  }

  /** Card id -> fingerprint, beside the board so the pages never receive it; bounded like the board. */
  private remember(cardId: string, fingerprint: string): void {
    this.fingerprints.delete(cardId);
    this.fingerprints.set(cardId, fingerprint);
    for (const id of this.fingerprints.keys()) {
      if (this.fingerprints.size <= webLimits.maxMessages) break;
      this.fingerprints.delete(id);
    }
  }

  async postDigest(destination: string, digest: DigestMessage): Promise<PostedRef> {
    this.roomOrThrow(destination);
    const posted = this.digests.post(destination, digest.day, renderWebReply(digestAsReply(digest)));
    return { platform: 'web', destination, messageId: posted.id };
  }

  async updateDigest(ref: PostedRef, digest: DigestMessage): Promise<void> {
    this.roomOrThrow(ref.destination);
    this.digests.replace(ref.messageId, ref.destination, digest.day, renderWebReply(digestAsReply(digest)));
  }

  private roomOrThrow(room: string): void {
    if (this.rooms.has(room)) return;
    throw new ChatDeliveryError(
      'not-found',
      `the web chat has no room "${room}"; its rooms are the web: destinations of alerts.routes and alerts.defaultRoute (${[...this.rooms].join(', ') || 'none'})`,
    );
  }
}
