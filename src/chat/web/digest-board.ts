import { randomBytes } from 'node:crypto';
import type { WebReply } from './render-web-reply.js';

/** One channel's daily digest on the page: a reply-shaped box every page sees, edited in place. */
export interface WebDigest extends WebReply {
  id: string;
  room: string;
  /** The day it covers (DigestMessage.day). */
  day: string;
  postedAt: string;
  updatedAt: string;
  /** Bumped on every change, so a page can tell an edit from a repeat. */
  revision: number;
}

/** Digests kept at most: a few days of every room is all a page shows. */
const MAX_DIGESTS = 30;

/**
 * The web chat's digests (jobs/digest/), in memory like the alert board (message-board.ts) and kept
 * apart from it: a digest is no alert, has no buttons and no thread. Bounded; a digest the board
 * lost (a restart) is put back under its id when the job next edits it.
 */
export class DigestBoard {
  private readonly digests = new Map<string, WebDigest>();
  private readonly listeners = new Set<(digest: WebDigest) => void>();
  private readonly boot = randomBytes(3).toString('hex');
  private sequence = 0;

  constructor(private readonly now: () => Date = () => new Date()) {}

  post(room: string, day: string, body: WebReply): WebDigest {
    return this.put(`digest-${this.boot}-${++this.sequence}`, room, day, body);
  }

  replace(id: string, room: string, day: string, body: WebReply): WebDigest {
    return this.put(id, room, day, body);
  }

  /** Oldest first, as the page lists them. */
  list(): WebDigest[] {
    return [...this.digests.values()].sort((a, b) => a.postedAt.localeCompare(b.postedAt));
  }

  subscribe(listener: (digest: WebDigest) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private put(id: string, room: string, day: string, body: WebReply): WebDigest {
    const previous = this.digests.get(id);
    const at = this.now().toISOString();
    const digest: WebDigest = {
      ...body,
      id,
      room,
      day,
      postedAt: previous?.postedAt ?? at,
      updatedAt: at,
      revision: (previous?.revision ?? 0) + 1,
    };
    this.digests.delete(id);
    this.digests.set(id, digest);
    while (this.digests.size > MAX_DIGESTS) {
      const oldest = this.digests.keys().next().value;
      if (oldest === undefined) break;
      this.digests.delete(oldest);
    }
    for (const listener of this.listeners) listener(digest);
    return digest;
  }
}
