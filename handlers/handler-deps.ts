import type { AlertStore, AuditLog } from '../src/alerts/alert-store.js';
import type { OpenAlertIndex } from '../src/alerts/open-alert-index.js';
import type { SnapshotIndex } from '../src/alerts/snapshot-index.js';
import type { MuteStore } from '../src/alerts/mute-store.js';
import type { SnapshotStore } from '../src/alerts/snapshot-store.js';
import type { ReplyMessage } from '../src/chat/chat-message.js';
import type { VigilConfig } from '../src/config/config-schema.js';
import type { ChatPlatformName, Transition } from '../src/domain/alert.js';
import type { CheckName } from '../src/domain/finding.js';

/** What handlers may touch; passed in (ARCHITECTURE.md house rule 7), so tests give real Redis-backed stores. */
export interface HandlerDeps {
  config: Readonly<VigilConfig>;
  /** The alerts, and the open ones a page at a time. */
  alerts: AlertStore & OpenAlertIndex;
  audit: AuditLog;
  /** The stored runs: whole snapshots, and the listings commands page through. */
  snapshots: SnapshotStore & SnapshotIndex;
  /** Ad-hoc mutes (`/k8s mute`); maintenance windows come from `config.maintenance`. */
  mutes: MuteStore;
  now(): Date;
  /** Hands transitions caused by a human action (ack, snooze) to the outbox, which edits every copy of the message. */
  notify(transitions: Transition[]): Promise<void>;
  /**
   * Queues an immediate run of one or all checks on a cluster (`/k8s check prod`); `answer` is called
   * with the result when it finishes (Slack: through the response URL), since that takes longer than 3 s.
   */
  requestCheck(
    cluster: string,
    check: Exclude<CheckName, 'cluster'> | undefined,
    answer: (reply: ReplyMessage) => Promise<void>,
    /** Who asked, so the answer's hints use that platform's syntax (`/k8s certs` or `@vigil certs`). */
    platform?: ChatPlatformName,
  ): Promise<void>;
  /** Unexpected failures (Redis down, a bug); the user gets a short private reply either way. */
  log?: { error(fields: object, message: string): void };
}
