import { ChatDeliveryError } from '../src/chat/chat-delivery-error.js';
import type { AlertMessage, NoticeMessage, PostedRef } from '../src/chat/chat-message.js';
import type { ChatPlatform } from '../src/chat/chat-platform.js';

export type Op = 'post' | 'update' | 'reply' | 'findPosted';
export interface TimedCall {
  op: Op;
  channel: string;
  /** ms since the run's t0. */
  start: number;
  end: number;
  ok: boolean;
  code?: string;
  retryAfterMs?: number;
}

/** The real SlackPlatform, with each call timed (nothing else changes). */
export class TimedPlatform implements ChatPlatform {
  readonly name = 'slack' as const;
  readonly calls: TimedCall[] = [];
  t0 = performance.now();

  constructor(private readonly inner: ChatPlatform) {}

  post(destination: string, message: AlertMessage): Promise<PostedRef> {
    return this.timed('post', destination, () => this.inner.post(destination, message));
  }
  update(ref: PostedRef, message: AlertMessage): Promise<void> {
    return this.timed('update', ref.destination, () => this.inner.update(ref, message));
  }
  reply(ref: PostedRef, text: string): Promise<void> {
    return this.timed('reply', ref.destination, () => this.inner.reply(ref, text));
  }
  announce(destination: string, message: NoticeMessage): Promise<PostedRef> {
    return this.timed('post', destination, () => this.inner.announce(destination, message));
  }
  findPosted(destination: string, alertId: string, since: Date): Promise<PostedRef | null> {
    return this.timed('findPosted', destination, () => this.inner.findPosted(destination, alertId, since));
  }

  private async timed<T>(op: Op, channel: string, call: () => Promise<T>): Promise<T> {
    const start = performance.now() - this.t0;
    try {
      const value = await call();
      this.calls.push({ op, channel, start, end: performance.now() - this.t0, ok: true });
      return value;
    } catch (err) {
      this.calls.push({
        op,
        channel,
        start,
        end: performance.now() - this.t0,
        ok: false,
        ...(err instanceof ChatDeliveryError
          ? { code: err.code, ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}) }
          : { code: String(err) }),
      });
      throw err;
    }
  }
}

/** A NotifyLog that counts (the outbox logs every delivery at info). */
export function countingLog() {
  const counts = { info: 0, warn: 0, error: 0 };
  const errors: string[] = [];
  return {
    counts,
    errors,
    info: () => void counts.info++,
    warn: () => void counts.warn++,
    error: (fields: object, message: string) => {
      counts.error++;
      errors.push(`${message} ${JSON.stringify(fields).slice(0, 200)}`);
    },
  };
}
