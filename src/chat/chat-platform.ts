import type { ChatPlatformName } from '../domain/alert.js';
import type { AlertMessage, DigestMessage, NoticeMessage, PostedRef } from './chat-message.js';

/** One of vigil's alert messages as listPosted finds it in a destination. */
export interface FoundPost {
  messageId: string;
  fingerprint: string;
}

/**
 * The port the outbox delivers through (Alertmanager's Notifier). Each platform folder implements
 * it; the same contract tests run against Slack and Teams. Failures are ChatDeliveryError.
 */
export interface ChatPlatform {
  readonly name: ChatPlatformName;
  /** Posts a new alert message, tagged with the alert id (Slack message metadata) so findPosted can see it. */
  post(destination: string, message: AlertMessage): Promise<PostedRef>;
  /** Edits the message in place for everyone. */
  update(ref: PostedRef, message: AlertMessage): Promise<void>;
  /** Adds a line to the message's thread ("acknowledged by @maria"). */
  reply(ref: PostedRef, text: string): Promise<void>;
  /**
   * Finds a message for this alert posted since `since` (null if none): how a worker killed between
   * posting and recording avoids posting the same incident twice.
   */
  findPosted(destination: string, alertId: string, since: Date): Promise<PostedRef | null>;
  /**
   * vigil's alert messages in a destination since `since` that carry their incident's fingerprint,
   * newest first and bounded (Slack: a few history pages). After vigil's state was lost the outbox
   * reads it once per destination and edits the message it finds instead of posting the incident
   * again under its new alert id (src/chat/state-epoch.ts). Platforms that cannot read their
   * history (Teams) leave it out and have `notice`.
   */
  listPosted?(destination: string, since: Date): Promise<FoundPost[]>;
  /**
   * A plain line (not an alert) in a destination. Only platforms whose findPosted cannot see earlier
   * messages (Teams) have it: after a state loss the outbox posts one such line per destination,
   * before the alerts it re-posts there, saying that they may repeat (jobs/notify/notify.ts).
   */
  notice?(destination: string, text: string): Promise<void>;
  /** Posts a channel's daily digest (jobs/digest/). */
  postDigest(destination: string, digest: DigestMessage): Promise<PostedRef>;
  /** Replaces a posted digest with its refreshed version, for everyone. */
  updateDigest(ref: PostedRef, digest: DigestMessage): Promise<void>;
  /**
   * Posts a notice about several alerts (the end of a mute: jobs/notify/announce-mute-ends.ts), for
   * everyone in the destination. Not an alert message: findPosted and listPosted never return it.
   */
  announce(destination: string, message: NoticeMessage): Promise<PostedRef>;
}
