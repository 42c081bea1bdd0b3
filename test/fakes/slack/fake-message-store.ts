/** A message as the fake stores it; `metadata` is only shown to callers asking include_all_metadata. */
export interface FakeSlackMessage {
  type: 'message';
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** Set on thread replies (the parent's ts) and on parents that have replies. */
  thread_ts?: string;
  bot_id?: string;
  user?: string;
  edited?: { ts: string };
  replies: FakeSlackMessage[];
}

/**
 * Channels and their messages, newest last internally and newest first in history like Slack.
 * Timestamps come from the fake's clock with microsecond tie-breaking, so they are unique and
 * ordered per channel exactly as Slack's `ts` are.
 */
export class FakeMessageStore {
  private readonly channels = new Map<string, FakeSlackMessage[]>();
  private lastMicros = 0;

  constructor(private readonly nowMs: () => number) {}

  nextTs(): string {
    const micros = Math.max(this.nowMs() * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  add(message: Omit<FakeSlackMessage, 'ts' | 'replies' | 'type'> & { ts?: string }): FakeSlackMessage {
    const stored: FakeSlackMessage = {
      type: 'message',
      ...message,
      ts: message.ts ?? this.nextTs(),
      replies: [],
    };
    if (stored.thread_ts) {
      const parent = this.find(stored.channel, stored.thread_ts);
      if (!parent) throw new Error('thread_not_found');
      parent.thread_ts = parent.ts;
      parent.replies.push(stored);
      return stored;
    }
    const list = this.channels.get(stored.channel) ?? [];
    list.push(stored);
    list.sort((a, b) => Number(a.ts) - Number(b.ts));
    this.channels.set(stored.channel, list);
    return stored;
  }

  find(channel: string, ts: string): FakeSlackMessage | undefined {
    return this.channels.get(channel)?.find((m) => m.ts === ts);
  }

  /** Top-level messages, oldest first. */
  list(channel: string): FakeSlackMessage[] {
    return [...(this.channels.get(channel) ?? [])];
  }

  /** conversations.history semantics: newest first, `oldest`/`latest` bounds, `inclusive`. */
  history(
    channel: string,
    opts: { oldest?: number; latest?: number; inclusive: boolean },
  ): FakeSlackMessage[] {
    return this.list(channel)
      .filter((m) => {
        const ts = Number(m.ts);
        if (opts.oldest !== undefined && (opts.inclusive ? ts < opts.oldest : ts <= opts.oldest))
          return false;
        if (opts.latest !== undefined && (opts.inclusive ? ts > opts.latest : ts >= opts.latest))
          return false;
        return true;
      })
      .reverse();
  }
}
