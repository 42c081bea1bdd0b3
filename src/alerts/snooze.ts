import type { Alert } from '../domain/alert.js';
import { AlertEdit } from './alert-edit.js';
import { accept, actorName, refuse, type AlertDecision, type HumanAction } from './alert-decision.js';
import {
  checkDurationMs,
  DurationError,
  formatDurationShort,
  parseDuration,
} from '../time/parse-duration.js';

export interface SnoozeOptions extends HumanAction {
  /** `30m`, `4h`, `24h`, `2d` as typed or from a button, or milliseconds; at most 7 days. */
  duration: string | number;
}

/**
 * "Not now": no reminders until `until`, then the alert fires and is announced again (`unsnoozed`).
 * Unlike an acknowledgement it says nobody is on it. It replaces an acknowledgement; snoozing again
 * sets a new end. An escalation ends it early; resolving ends it.
 */
export function snooze(alert: Alert, options: SnoozeOptions): AlertDecision {
  if (alert.state === 'resolved') {
    return refuse(
      'resolved',
      `alert ${alert.id} is already resolved (${alert.resolvedAt ?? alert.changedAt}); nothing to snooze`,
    );
  }
  let ms: number;
  try {
    ms =
      typeof options.duration === 'number'
        ? checkDurationMs(options.duration)
        : parseDuration(options.duration);
  } catch (err) {
    if (err instanceof DurationError) return refuse('invalid-duration', err.userMessage);
    throw err;
  }
  const at = options.now.toISOString();
  const until = new Date(options.now.getTime() + ms).toISOString();
  const replaced =
    alert.state === 'acknowledged' && alert.acknowledged
      ? ` (replaces the acknowledgement by ${actorName(alert.acknowledged.by)})`
      : alert.state === 'snoozed' && alert.snoozed
        ? ` (was snoozed until ${alert.snoozed.until})`
        : '';
  const edit = new AlertEdit(alert, at);
  edit.record(
    'snoozed',
    { state: 'snoozed', snoozed: { by: options.by, at, until } },
    {
      reason: `snoozed by ${actorName(options.by)} for ${formatDurationShort(ms)} until ${until}${replaced}`,
      notify: true,
      actor: options.by,
      origin: options.origin,
    },
    ['acknowledged'],
  );
  return accept(edit, `snoozed ${alert.id} for ${formatDurationShort(ms)} (until ${until})`);
}

/** Ends a snooze early: the alert fires and is announced again. */
export function unsnooze(alert: Alert, options: HumanAction): AlertDecision {
  if (alert.state !== 'snoozed' || !alert.snoozed) {
    return refuse('not-snoozed', `alert ${alert.id} is ${alert.state}, not snoozed`);
  }
  const at = options.now.toISOString();
  const edit = new AlertEdit(alert, at);
  edit.record(
    'unsnoozed',
    { state: 'firing', notifiedAt: at },
    {
      reason: `snooze by ${actorName(alert.snoozed.by)} ended early by ${actorName(options.by)}; firing again`,
      notify: true,
      actor: options.by,
      origin: options.origin,
    },
    ['snoozed'],
  );
  return accept(edit, `${alert.id} is firing again`);
}
