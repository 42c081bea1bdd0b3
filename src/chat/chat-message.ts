import type { Actor, AlertState, ChatPlatformName } from '../domain/alert.js';
import type { CheckName } from '../domain/finding.js';
import type { Severity } from '../domain/severity.js';

/**
 * The platform-neutral chat model, in both directions: the requests a platform hands to handlers/
 * (CommandRequest, ActionRequest) and the messages vigil sends back (ReplyMessage, AlertMessage).
 * Messages are built once in src/chat or handlers/, rendered to Slack blocks or a Teams Adaptive
 * Card only inside src/chat/<platform>/. All text here is plain text: renderers escape it for their
 * markup, so nothing a user or a cluster object supplies can ping a channel or inject markup.
 */
export interface AlertMessage {
  kind: 'alert';
  alertId: string;
  /**
   * The alert's fingerprint (src/domain/fingerprint.ts): the incident across alert ids, so a message
   * posted before vigil's state was lost can be found again (src/chat/state-epoch.ts).
   */
  fingerprint?: string;
  severity: Severity;
  state: AlertState;
  cluster: string;
  check: CheckName;
  /** What is wrong, one line (the finding's summary). */
  title: string;
  /** The object, e.g. `statefulset db/mongo`. */
  object: string;
  /** Since when it has been wrong (ISO), rendered as "since 2026-11-21 10:02 UTC (47 min)". */
  since: string;
  evidence: string[];
  /** Workloads or services affected; may be empty. */
  blastRadius: string[];
  nextStep?: string;
  /** The state line under the title: "Acknowledged by Maria 10:14 UTC: on it", "Resolved after 2 h 3 min". */
  status?: string;
  /** Buttons offered; none once resolved. */
  actions: AlertAction[];
}

export type AlertAction =
  | { kind: 'ack'; alertId: string }
  | { kind: 'snooze'; alertId: string; durations: string[] /* e.g. ['1h','4h','24h'] */ }
  /** The certificate expiry timeline of the alert's cluster (`/k8s certs CLUSTER --chart`): a read. */
  | { kind: 'chart'; alertId: string };

/** An answer to a command: a title, sections of lines, optional pagination hint. */
export interface ReplyMessage {
  kind: 'reply';
  /** Whether only the asker sees it (Slack ephemeral); refusals and errors are private. */
  private: boolean;
  title: string;
  sections: { heading?: string; lines: string[] }[];
  /** E.g. "data from 3 min ago"; always set when answering from stored results. */
  footer?: string;
  /**
   * A picture of the same data (`/k8s certs prod --chart`). Never the only copy: `sections` carry
   * the same facts as text, for screen readers and clients that show no images. Each platform
   * decides how it travels (Slack: a file upload to the channel; Teams and web chat: inline).
   */
  image?: ReplyImage;
}

/** A PNG that goes with a reply. */
export interface ReplyImage {
  png: Uint8Array;
  width: number;
  height: number;
  /** One sentence for screen readers (alt text). */
  alt: string;
  /** Shown above the picture, and the title of Slack's file. */
  title: string;
  /** File name where the platform keeps it as a file (Slack), ending in `.png`. */
  filename: string;
}

/**
 * The daily digest of one channel (jobs/digest/): what expires soon, the open, acknowledged and
 * snoozed incidents, clusters not checked lately. Posted once a day and edited in place as the day
 * goes on, so it is a whole message each time, never a patch.
 */
export interface DigestMessage {
  kind: 'digest';
  /** The day it covers, `YYYY-MM-DD` in the digest's time zone. */
  day: string;
  title: string;
  /** Every section is there even when empty (a "none" line): silence must not read as safety. */
  sections: { heading: string; lines: string[] }[];
  /** When it was last refreshed, and how often it is. */
  footer: string;
}

/** The digest as a public reply, for platforms that draw it with their reply renderer. */
export function digestAsReply(digest: DigestMessage): ReplyMessage {
  return {
    kind: 'reply',
    private: false,
    title: digest.title,
    sections: digest.sections,
    footer: digest.footer,
  };
}

/**
 * A message to a destination about no single alert, seen by everyone there: the end of a mute or a
 * maintenance window, with the alerts it held that are still firing (src/chat/mute-end-notice.ts).
 */
export interface NoticeMessage {
  kind: 'notice';
  title: string;
  lines: string[];
  footer?: string;
}

export type ChatMessage = AlertMessage | ReplyMessage | DigestMessage | NoticeMessage;

/** Where a message went, enough to edit it or reply in its thread later. */
export interface PostedRef {
  platform: ChatPlatformName;
  /** Slack channel id, or Teams conversation alias resolved to a conversation id. */
  destination: string;
  /** Slack message `ts`, Teams activity id. */
  messageId: string;
  /**
   * The alert the message shows, when the platform needs it later: Teams chats have no threads, so a
   * reply there quotes the alert id. Absent on refs found by findPosted or stored before it existed.
   */
  alertId?: string;
}

/**
 * A chat command, already authenticated and parsed out of its platform envelope by
 * src/chat/<platform>. Handlers are platform-neutral: Slack's `/k8s certs prod` and Teams'
 * `@vigil certs prod` arrive as the same request.
 */
export interface CommandRequest {
  platform: ChatPlatformName;
  /** The words after the platform's command prefix (`/k8s`, the @mention), as typed (untrusted). */
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
  action:
    | { kind: 'ack'; alertId: string }
    | { kind: 'snooze'; alertId: string; duration: string }
    | { kind: 'chart'; alertId: string };
  user: Actor;
  userGroups?: string[];
  userPrincipalName?: string;
  channel: string;
}
