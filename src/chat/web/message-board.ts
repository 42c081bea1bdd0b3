import { randomBytes } from 'node:crypto';
import type { WebCardBody } from './render-web-card.js';
import { clip, webLimits } from './web-limits.js';

export interface WebThreadLine {
  at: string;
  text: string;
}

/** One alert message on the board, as every page receives it. */
export interface WebCard extends WebCardBody {
  /** The message id (PostedRef.messageId): unique across restarts of the process. */
  id: string;
  room: string;
  postedAt: string;
  updatedAt: string;
  /** Bumped on every change, so a page can tell an edit from a repeat. */
  revision: number;
  thread: WebThreadLine[];
  /** Thread lines dropped from the front to stay within `maxThreadLines`. */
  earlierLines: number;
}

export interface MessageBoardOptions {
  now?: () => Date;
  maxMessages?: number;
  maxThreadLines?: number;
}

/**
 * The web chat's messages, in memory only: what Slack's channel history is for Slack. Bounded: past
 * `maxMessages` the message changed least recently is dropped. Nothing survives a restart; the outbox
 * recreates a message when it next edits it (web-platform.ts). Listeners hear every change.
 */
export class MessageBoard {
  private readonly cards = new Map<string, WebCard>();
  private readonly listeners = new Set<(card: WebCard) => void>();
  // Ids from an earlier process (still in the outbox's records) never collide with new ones.
  private readonly boot = randomBytes(3).toString('hex');
  private sequence = 0;
  private readonly now: () => Date;
  private readonly maxMessages: number;
  private readonly maxThreadLines: number;

  constructor(options: MessageBoardOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.maxMessages = options.maxMessages ?? webLimits.maxMessages;
    this.maxThreadLines = options.maxThreadLines ?? webLimits.maxThreadLines;
  }

  post(room: string, body: WebCardBody): WebCard {
    return this.put(`${this.boot}-${++this.sequence}`, room, body, undefined);
  }

  /** Replaces the message's content, or recreates it under the same id when the board lost it. */
  replace(id: string, room: string, body: WebCardBody): WebCard {
    return this.put(id, room, body, this.cards.get(id));
  }

  /** Adds a thread line; undefined when the message is not on the board. */
  addLine(id: string, text: string): WebCard | undefined {
    const card = this.cards.get(id);
    if (!card) return undefined;
    const thread = [
      ...card.thread,
      { at: this.now().toISOString(), text: clip(text, webLimits.threadLineChars) },
    ];
    const drop = Math.max(0, thread.length - this.maxThreadLines);
    return this.store({
      ...card,
      thread: thread.slice(drop),
      earlierLines: card.earlierLines + drop,
      updatedAt: this.now().toISOString(),
      revision: card.revision + 1,
    });
  }

  get(id: string): WebCard | undefined {
    return this.cards.get(id);
  }

  /** The newest message of `alertId` in `room` posted at or after `since`. */
  find(room: string, alertId: string, since: Date): WebCard | undefined {
    let found: WebCard | undefined;
    for (const card of this.cards.values()) {
      if (card.room !== room || card.alertId !== alertId || Date.parse(card.postedAt) < since.getTime())
        continue;
      if (!found || card.postedAt >= found.postedAt) found = card;
    }
    return found;
  }

  /** Every message, oldest post first (the order of a chat). */
  list(): WebCard[] {
    return [...this.cards.values()].sort((a, b) => a.postedAt.localeCompare(b.postedAt) || seq(a) - seq(b));
  }

  /** Calls `listener` with every posted or changed message; returns the unsubscribe function. */
  subscribe(listener: (card: WebCard) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private put(id: string, room: string, body: WebCardBody, previous: WebCard | undefined): WebCard {
    const at = this.now().toISOString();
    return this.store({
      ...body,
      id,
      room,
      postedAt: previous?.postedAt ?? at,
      updatedAt: at,
      revision: (previous?.revision ?? 0) + 1,
      thread: previous?.thread ?? [],
      earlierLines: previous?.earlierLines ?? 0,
    });
  }

  private store(card: WebCard): WebCard {
    // Re-inserted at the end: the Map's first entry is always the least recently changed.
    this.cards.delete(card.id);
    this.cards.set(card.id, card);
    while (this.cards.size > this.maxMessages) {
      const oldest = this.cards.keys().next().value;
      if (oldest === undefined) break;
      this.cards.delete(oldest);
    }
    for (const listener of this.listeners) listener(card);
    return card;
  }
}

function seq(card: WebCard): number {
  return Number(card.id.slice(card.id.lastIndexOf('-') + 1)) || 0;
}
