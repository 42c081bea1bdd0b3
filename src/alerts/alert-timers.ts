import type { Alert, Transition } from '../domain/alert.js';
import { AlertEdit } from './alert-edit.js';
import type { LifecyclePolicy } from './lifecycle-policy.js';
import { formatDurationShort } from '../time/parse-duration.js';

/**
 * Ends an acknowledgement whose expiry passed or a snooze whose time is up: the alert fires again and
 * the channel is told, unless the alert is held (its cluster is unreachable; the root-cause alert
 * speaks for it, as an inhibited alert in Alertmanager stays quiet).
 */
export function expireTimers(edit: AlertEdit, now: Date, origin: string): void {
  const a = edit.alert;
  const at = now.toISOString();
  const quiet = a.held !== undefined;
  const held = quiet ? ' (held: its cluster is unreachable, so no notification)' : '';
  if (
    a.state === 'acknowledged' &&
    a.acknowledged?.expiresAt &&
    Date.parse(a.acknowledged.expiresAt) <= now.getTime()
  ) {
    const by = a.acknowledged.by.name ?? a.acknowledged.by.id;
    edit.record(
      'unacknowledged',
      { state: 'firing', ...(quiet ? {} : { notifiedAt: at }) },
      {
        reason: `acknowledgement by ${by} expired at ${a.acknowledged.expiresAt}; firing again${held}`,
        notify: !quiet,
        origin,
      },
      ['acknowledged'],
    );
  } else if (a.state === 'snoozed' && a.snoozed && Date.parse(a.snoozed.until) <= now.getTime()) {
    const by = a.snoozed.by.name ?? a.snoozed.by.id;
    edit.record(
      'unsnoozed',
      { state: 'firing', ...(quiet ? {} : { notifiedAt: at }) },
      { reason: `snooze by ${by} ended at ${a.snoozed.until}; firing again${held}`, notify: !quiet, origin },
      ['snoozed'],
    );
  }
}

/**
 * Alertmanager's repeat_interval: a firing alert nobody acknowledged is announced again once the
 * interval has passed since the last announcement. Never for acknowledged, snoozed, held or resolved
 * alerts, and never twice in one decision (an escalation just announced it).
 */
export function remindIfDue(edit: AlertEdit, now: Date, policy: LifecyclePolicy, origin: string): void {
  const a = edit.alert;
  if (a.state !== 'firing' || a.held || policy.repeatIntervalMs <= 0) return;
  if (edit.transitions.some((t) => t.notify)) return;
  const last = a.notifiedAt ?? a.openedAt;
  const silentMs = now.getTime() - Date.parse(last);
  if (silentMs < policy.repeatIntervalMs) return;
  const firingFor = formatDurationShort(now.getTime() - Date.parse(a.openedAt));
  edit.record(
    'reminder',
    { notifiedAt: now.toISOString() },
    {
      reason: `still ${a.severity} and unacknowledged after ${firingFor}; last announced ${formatDurationShort(silentMs)} ago (repeat interval ${formatDurationShort(policy.repeatIntervalMs)})`,
      notify: true,
      origin,
    },
  );
}

/**
 * Time-driven changes only (expiry of acks and snoozes, reminders), for a housekeeping job that runs
 * more often than the checks. A check run does the same inside `reconcile`. Null when nothing is due.
 */
export function reviewAlert(
  alert: Alert,
  now: Date,
  policy: LifecyclePolicy,
  origin = 'housekeeping',
): { alert: Alert; transitions: Transition[] } | null {
  if (alert.state === 'resolved') return null;
  const edit = new AlertEdit(alert, now.toISOString());
  expireTimers(edit, now, origin);
  remindIfDue(edit, now, policy, origin);
  return edit.result();
}
