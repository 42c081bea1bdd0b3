import { ChatDeliveryError } from '../src/chat/chat-delivery-error.js';
import type { AlertMessage, DigestMessage, NoticeMessage, PostedRef } from '../src/chat/chat-message.js';
import type { ChatPlatform } from '../src/chat/chat-platform.js';

export type Op = 'post' | 'update' | 'reply' | 'findPosted';
export interface TimedCall {
  op: Op;
  channel: string;
  alertId: string;
  /** ms since the run's t0. */
  start: number;
  end: number;
  ok: boolean;
  code?: string;
  retryAfterMs?: number;
}

const ops: readonly Op[] = ['post', 'update', 'reply', 'findPosted'];

/**
 * The real SlackPlatform, with each call timed (nothing else changes). Calls are kept in
 * preallocated columns, not one object each, so that recording 20,000 calls does not grow the heap
 * that bench/delivery-pace.ts samples to see whether the outbox's memory stays flat; `calls` builds
 * the objects afterwards. `alertOf(i)` is the alert a call was about (the message's alert for post
 * and update, the alert whose message a reply or findPosted went to).
 */
export class TimedPlatform implements ChatPlatform {
  readonly name = 'slack' as const;
  t0 = performance.now();
  private count = 0;
  private op: Uint8Array;
  private channel: Uint32Array;
  private alert: Uint32Array;
  private code: Uint32Array;
  private start: Float64Array;
  private end: Float64Array;
  private retryAfter: Float64Array;
  private readonly strings: string[] = [''];
  private readonly index = new Map<string, number>([['', 0]]);
  /** The alert of each posted message, by channel and ts, for replies (whose ref may not carry it). */
  private readonly alertOfMessage = new Map<string, number>();

  constructor(
    private readonly inner: ChatPlatform,
    capacity = 1024,
  ) {
    this.op = new Uint8Array(capacity);
    this.channel = new Uint32Array(capacity);
    this.alert = new Uint32Array(capacity);
    this.code = new Uint32Array(capacity);
    this.start = new Float64Array(capacity);
    this.end = new Float64Array(capacity);
    this.retryAfter = new Float64Array(capacity).fill(NaN);
  }

  /** Interns strings ahead of a run (channel and alert ids), so that recording allocates nothing. */
  intern(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.push(s) - 1;
      this.index.set(s, i);
    }
    return i;
  }

  get calls(): TimedCall[] {
    const out: TimedCall[] = [];
    for (let i = 0; i < this.count; i++) {
      const code = this.strings[this.code[i]!]!;
      const retryAfterMs = this.retryAfter[i]!;
      out.push({
        op: ops[this.op[i]!]!,
        channel: this.strings[this.channel[i]!]!,
        alertId: this.strings[this.alert[i]!]!,
        start: this.start[i]!,
        end: this.end[i]!,
        ok: code === '',
        ...(code !== '' ? { code } : {}),
        ...(Number.isNaN(retryAfterMs) ? {} : { retryAfterMs }),
      });
    }
    return out;
  }

  async post(destination: string, message: AlertMessage): Promise<PostedRef> {
    const ref = await this.timed('post', destination, message.alertId, () =>
      this.inner.post(destination, message),
    );
    this.alertOfMessage.set(`${destination} ${ref.messageId}`, this.intern(message.alertId));
    return ref;
  }
  update(ref: PostedRef, message: AlertMessage): Promise<void> {
    return this.timed('update', ref.destination, message.alertId, () => this.inner.update(ref, message));
  }
  reply(ref: PostedRef, text: string): Promise<void> {
    const alert =
      ref.alertId ?? this.strings[this.alertOfMessage.get(`${ref.destination} ${ref.messageId}`) ?? 0]!;
    return this.timed('reply', ref.destination, alert, () => this.inner.reply(ref, text));
  }
  announce(destination: string, message: NoticeMessage): Promise<PostedRef> {
    return this.timed('post', destination, '', () => this.inner.announce(destination, message));
  }
  findPosted(destination: string, alertId: string, since: Date): Promise<PostedRef | null> {
    return this.timed('findPosted', destination, alertId, () =>
      this.inner.findPosted(destination, alertId, since),
    );
  }

  postDigest(destination: string, digest: DigestMessage): Promise<PostedRef> {
    return this.timed('post', destination, '', () => this.inner.postDigest(destination, digest));
  }
  updateDigest(ref: PostedRef, digest: DigestMessage): Promise<void> {
    return this.timed('update', ref.destination, '', () => this.inner.updateDigest(ref, digest));
  }

  private async timed<T>(op: Op, channel: string, alertId: string, call: () => Promise<T>): Promise<T> {
    const start = performance.now() - this.t0;
    try {
      const value = await call();
      this.record(op, channel, alertId, start, 0, NaN);
      return value;
    } catch (err) {
      const code = err instanceof ChatDeliveryError ? err.code : String(err);
      const retryAfterMs = err instanceof ChatDeliveryError ? (err.retryAfterMs ?? NaN) : NaN;
      this.record(op, channel, alertId, start, this.intern(code), retryAfterMs);
      throw err;
    }
  }

  private record(
    op: Op,
    channel: string,
    alertId: string,
    start: number,
    code: number,
    retryAfterMs: number,
  ) {
    if (this.count === this.op.length) this.grow();
    const i = this.count++;
    this.op[i] = ops.indexOf(op);
    this.channel[i] = this.intern(channel);
    this.alert[i] = this.intern(alertId);
    this.code[i] = code;
    this.start[i] = start;
    this.end[i] = performance.now() - this.t0;
    this.retryAfter[i] = retryAfterMs;
  }

  private grow(): void {
    const n = this.op.length * 2;
    const more = <A extends Uint8Array | Uint32Array | Float64Array>(a: A, make: (n: number) => A): A => {
      const b = make(n);
      b.set(a as never);
      return b;
    };
    this.op = more(this.op, (k) => new Uint8Array(k));
    this.channel = more(this.channel, (k) => new Uint32Array(k));
    this.alert = more(this.alert, (k) => new Uint32Array(k));
    this.code = more(this.code, (k) => new Uint32Array(k));
    this.start = more(this.start, (k) => new Float64Array(k));
    this.end = more(this.end, (k) => new Float64Array(k));
    const r = new Float64Array(n).fill(NaN);
    r.set(this.retryAfter);
    this.retryAfter = r;
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
