import type { ChatPlatformName } from '../domain/alert.js';
import type { AlertMessage, DigestMessage, PostedRef } from './chat-message.js';

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
  /** Posts a channel's daily digest (jobs/digest/). */
  postDigest(destination: string, digest: DigestMessage): Promise<PostedRef>;
  /** Replaces a posted digest with its refreshed version, for everyone. */
  updateDigest(ref: PostedRef, digest: DigestMessage): Promise<void>;
}
