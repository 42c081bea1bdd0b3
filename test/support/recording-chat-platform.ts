import { ChatDeliveryError } from '../../src/chat/chat-delivery-error.js';
import type { AlertMessage, DigestMessage, NoticeMessage, PostedRef } from '../../src/chat/chat-message.js';
import type { ChatPlatform } from '../../src/chat/chat-platform.js';
import type { ChatPlatformName } from '../../src/domain/alert.js';

export type CallKind = 'post' | 'update' | 'reply' | 'findPosted' | 'announce';

export interface RecordedCall {
  kind: CallKind;
  destination: string;
  alertId: string;
  /** Date.now() when the call took effect (or failed). */
  at: number;
  messageId?: string;
  /** Thread line of a reply; title + status of a post or update. */
  text?: string;
  failed?: string;
}

export interface PostedMessage {
  messageId: string;
  alertId: string;
  postedAt: number;
  message: AlertMessage;
  thread: string[];
}

/**
 * An honest in-memory ChatPlatform (ARCHITECTURE.md house rule 7): messages exist per destination, updates and
 * replies need a message that exists, findPosted sees what was posted since a time. It records every
 * call with its time (for pacing assertions) and can fail calls (`fault`) or stall right after a post
 * took effect (`afterPost`), as a worker killed between posting and recording would.
 */
export class RecordingChatPlatform implements ChatPlatform {
  readonly calls: RecordedCall[] = [];
  readonly messages = new Map<string, PostedMessage[]>();
  /** Notices posted (the end of a mute), per destination, in order. */
  readonly notices = new Map<string, NoticeMessage[]>();
  /** Return an error to make this call fail before it takes effect. */
  fault:
    | ((call: { kind: CallKind; destination: string; alertId: string }) => ChatDeliveryError | undefined)
    | undefined;
  /** Runs after a post took effect, before it returns. */
  afterPost: ((ref: PostedRef) => Promise<void>) | undefined;
  private counter = 0;

  constructor(readonly name: ChatPlatformName = 'slack') {}

  async post(destination: string, message: AlertMessage): Promise<PostedRef> {
    await Promise.resolve();
    this.check('post', destination, message.alertId);
    this.counter++;
    const messageId = `${Date.now()}.${String(this.counter).padStart(6, '0')}`;
    const list = this.messages.get(destination) ?? [];
    list.push({ messageId, alertId: message.alertId, postedAt: Date.now(), message, thread: [] });
    this.messages.set(destination, list);
    this.record('post', destination, message.alertId, { messageId, text: describe(message) });
    const ref: PostedRef = { platform: this.name, destination, messageId };
    await this.afterPost?.(ref);
    return ref;
  }

  async update(ref: PostedRef, message: AlertMessage): Promise<void> {
    await Promise.resolve();
    this.check('update', ref.destination, message.alertId);
    const posted = this.find(ref);
    posted.message = message;
    this.record('update', ref.destination, message.alertId, {
      messageId: ref.messageId,
      text: describe(message),
    });
  }

  async reply(ref: PostedRef, text: string): Promise<void> {
    await Promise.resolve();
    const posted = this.find(ref);
    this.check('reply', ref.destination, posted.alertId);
    posted.thread.push(text);
    this.record('reply', ref.destination, posted.alertId, { messageId: ref.messageId, text });
  }

  async announce(destination: string, message: NoticeMessage): Promise<PostedRef> {
    await Promise.resolve();
    this.check('announce', destination, '');
    this.counter++;
    const messageId = `${Date.now()}.${String(this.counter).padStart(6, '0')}`;
    this.notices.set(destination, [...(this.notices.get(destination) ?? []), message]);
    this.record('announce', destination, '', { messageId, text: message.title });
    return { platform: this.name, destination, messageId };
  }

  async findPosted(destination: string, alertId: string, since: Date): Promise<PostedRef | null> {
    await Promise.resolve();
    this.check('findPosted', destination, alertId);
    const found = (this.messages.get(destination) ?? [])
      .filter((m) => m.alertId === alertId && m.postedAt >= since.getTime())
      .at(-1);
    this.record('findPosted', destination, alertId, found ? { messageId: found.messageId } : {});
    return found ? { platform: this.name, destination, messageId: found.messageId } : null;
  }

  /** Digests per destination, each with how often it was edited (kept apart from the alerts). */
  readonly digests = new Map<string, { messageId: string; digest: DigestMessage; edits: number }[]>();

  async postDigest(destination: string, digest: DigestMessage): Promise<PostedRef> {
    await Promise.resolve();
    this.check('post', destination, `digest:${digest.day}`);
    this.counter++;
    const messageId = `${Date.now()}.${String(this.counter).padStart(6, '0')}`;
    this.digests.set(destination, [
      ...(this.digests.get(destination) ?? []),
      { messageId, digest, edits: 0 },
    ]);
    this.record('post', destination, `digest:${digest.day}`, { messageId, text: digest.title });
    return { platform: this.name, destination, messageId };
  }

  async updateDigest(ref: PostedRef, digest: DigestMessage): Promise<void> {
    await Promise.resolve();
    this.check('update', ref.destination, `digest:${digest.day}`);
    const posted = (this.digests.get(ref.destination) ?? []).find((d) => d.messageId === ref.messageId);
    if (!posted) throw new ChatDeliveryError('not-found', `no digest ${ref.messageId} in ${ref.destination}`);
    posted.digest = digest;
    posted.edits += 1;
    this.record('update', ref.destination, `digest:${digest.day}`, {
      messageId: ref.messageId,
      text: digest.title,
    });
  }

  /** Calls of one kind (optionally to one destination), in order. */
  callsOf(kind: CallKind, destination?: string): RecordedCall[] {
    return this.calls.filter(
      (c) => c.kind === kind && !c.failed && (destination === undefined || c.destination === destination),
    );
  }

  /** Posted messages of one alert in one destination. */
  postedFor(destination: string, alertId: string): PostedMessage[] {
    return (this.messages.get(destination) ?? []).filter((m) => m.alertId === alertId);
  }

  private check(kind: CallKind, destination: string, alertId: string): void {
    const error = this.fault?.({ kind, destination, alertId });
    if (error) {
      this.record(kind, destination, alertId, { failed: error.code });
      throw error;
    }
  }

  private find(ref: PostedRef): PostedMessage {
    const posted = (this.messages.get(ref.destination) ?? []).find((m) => m.messageId === ref.messageId);
    if (!posted)
      throw new ChatDeliveryError('not-found', `no message ${ref.messageId} in ${ref.destination}`);
    return posted;
  }

  private record(kind: CallKind, destination: string, alertId: string, extra: Partial<RecordedCall>): void {
    this.calls.push({ kind, destination, alertId, at: Date.now(), ...extra });
  }
}

function describe(message: AlertMessage): string {
  return `${message.title} | ${message.status ?? ''}`;
}
