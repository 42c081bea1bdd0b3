import type { Actor, ChatPlatformName } from '../domain/alert.js';
import type { ReplyMessage } from './chat-message.js';

/**
 * A chat command or button press, already authenticated and parsed out of its platform envelope by
 * src/chat/<platform>. Handlers are platform-neutral: Slack's `/k8s certs prod` and Teams'
 * `@vigil certs prod` arrive here as the same request. Part of the neutral chat model, so the
 * adapters need not import handlers/, which imports the chat model (.dependency-cruiser.js).
 */
export interface CommandRequest {
  platform: ChatPlatformName;
  /** The words after `/k8s` or the @mention, as typed (untrusted). */
  text: string;
  user: Actor;
  /** Slack user-group ids / Azure AD group ids the user belongs to, when the platform told us. */
  userGroups?: string[];
  /** Teams: the user's principal name (`maria@example.com`), which permissions may list instead of the object id. */
  userPrincipalName?: string;
  /** Where it was asked: Slack channel id, Teams conversation id. */
  channel: string;
  /**
   * Answers again after the first reply (Slack: the response URL, up to 5 times within 30 min);
   * `/k8s check` uses it to report a run that takes longer than 3 s. Absent: no later answer.
   */
  respond?: (reply: ReplyMessage) => Promise<void>;
}

/** A button press on an alert message. */
export interface ActionRequest {
  platform: ChatPlatformName;
  action: { kind: 'ack'; alertId: string } | { kind: 'snooze'; alertId: string; duration: string };
  user: Actor;
  userGroups?: string[];
  userPrincipalName?: string;
  channel: string;
}
