import type { CheckName, Finding } from './finding.js';
import type { Severity } from './severity.js';

/**
 * A chat platform's name (`slack`, `teams`): the `name` of a module in src/chat/platforms.ts. A plain
 * string here because the domain sits below the chat layer that lists the platforms.
 */
export type ChatPlatformName = string;

/**
 * The alert lifecycle's plain data (ARCHITECTURE.md "src/alerts"). One alert per finding
 * fingerprint; decisions about it are pure functions in src/alerts, storage is the AlertStore port.
 */
export type AlertState = 'firing' | 'acknowledged' | 'snoozed' | 'resolved';

/** Who did something: a chat user, the CLI, or vigil itself (transitions from check runs). */
export interface Actor {
  kind: ChatPlatformName | 'cli' | 'system';
  /** Platform user id (Slack `U…`, Azure AD object id), `system` for vigil. */
  id: string;
  /** Display name for messages ("acknowledged by @maria"); never used for permission decisions. */
  name?: string;
}

export interface Alert {
  /** Short, human-typable id shown in chat and used by `/k8s ack ID` (e.g. `a7k2q`). Unique per install. */
  id: string;
  fingerprint: string;
  cluster: string;
  check: CheckName;
  source: string;
  object: string;
  namespace?: string;
  state: AlertState;
  /** Severity of the latest non-ok finding (never `ok`). */
  severity: Severity;
  /** The latest non-ok finding: what the chat message renders. */
  finding: Finding;
  openedAt: string;
  /** When the state or severity last changed. */
  changedAt: string;
  /** Last check run that saw this finding not ok. */
  lastSeenAt: string;
  /** Consecutive runs that saw the object ok (or absent) since it was last not ok. */
  okRuns: number;
  /** Set while the cluster is unreachable: per-object alerts are held, never resolved, meanwhile. */
  held?: { since: string; reason: string };
  acknowledged?: { by: Actor; at: string; note?: string; expiresAt?: string };
  snoozed?: { by: Actor; at: string; until: string };
  resolvedAt?: string;
  /** Last time a notification (open, escalation, reminder) went out, for the repeat interval. */
  notifiedAt?: string;
  /**
   * The alert's version, checked by AlertStore.apply: each transition takes the next value (1 = opened)
   * and a write without a transition (okRuns, lastSeenAt) advances it by one, so a racing write of
   * either kind makes the other writer re-read. A transition's `seq` is this value after it.
   */
  seq: number;
  /** Id of the last check run applied, so a job that runs twice changes nothing (BullMQ is at-least-once). */
  lastRunId?: string;
}

export type TransitionKind =
  | 'opened'
  | 'escalated'
  | 'de-escalated'
  | 'resolved'
  | 'reopened'
  | 'reminder'
  | 'acknowledged'
  | 'unacknowledged'
  | 'snoozed'
  | 'unsnoozed'
  | 'held'
  | 'released'
  | 'relocated';

/** A named change of one alert; every notification and audit entry carries one. */
export interface Transition {
  /** `${alertId}-${seq}`: deterministic, so the outbox can use it as an idempotency key. */
  id: string;
  alertId: string;
  seq: number;
  kind: TransitionKind;
  at: string;
  /** Why, in words, logged with every notification (ARCHITECTURE.md house rule 5). */
  reason: string;
  from?: { state: AlertState; severity: Severity };
  to: { state: AlertState; severity: Severity };
  actor?: Actor;
  /** Where it came from, copied into the audit entry: `check-run:<id>`, `slack:C0123`, `housekeeping`. */
  origin?: string;
  /**
   * Whether the people on the alert's routes should be told (a post or thread reply): false for
   * changes that only update the stored alert (held, released, de-escalated). The alert's message
   * may still be edited in place for those.
   */
  notify: boolean;
}

/** One line of the audit log: every transition and every human action, refused ones included. */
export interface AuditEntry {
  at: string;
  actor: Actor;
  /** `ack`, `snooze`, `opened`, `escalated`, `refused:ack`, ... */
  action: string;
  alertId?: string;
  cluster?: string;
  /** Where it came from: `slack:C0123`, `teams:19:abc@thread.tacv2`, `check-run:<id>`. */
  origin: string;
  detail?: string;
}
