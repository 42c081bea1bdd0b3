import type { Alert } from '../domain/alert.js';
import { AlertEdit } from './alert-edit.js';
import {
  accept,
  actorName,
  refuse,
  sameActor,
  type AlertDecision,
  type HumanAction,
} from './alert-decision.js';
import { checkDurationMs, DurationError, parseDuration } from '../time/parse-duration.js';

/** Notes are shown on the alert message; Slack section text stops at 3,000 characters. */
export const maxNoteLength = 500;

export interface AcknowledgeOptions extends HumanAction {
  note?: string;
  /** Optional expiry (`4h`, or milliseconds): the alert fires again when it passes unless resolved. */
  expiresIn?: string | number;
}

/**
 * "I am on it": the alert stays open but stops reminding until resolved, escalated or the optional
 * expiry passes. Acknowledging a snoozed alert replaces the snooze; someone else acknowledging an
 * acknowledged alert takes it over; the same person pressing the button twice (or Slack retrying the
 * request) changes nothing.
 */
export function acknowledge(alert: Alert, options: AcknowledgeOptions): AlertDecision {
  if (alert.state === 'resolved') {
    return refuse(
      'resolved',
      `alert ${alert.id} is already resolved (${alert.resolvedAt ?? alert.changedAt}); nothing to acknowledge`,
    );
  }
  const note = options.note?.trim() || undefined;
  if (note && note.length > maxNoteLength) {
    return refuse('invalid-note', `the note is ${note.length} characters; keep it under ${maxNoteLength}`);
  }
  let expiresAt: string | undefined;
  if (options.expiresIn !== undefined) {
    try {
      const ms =
        typeof options.expiresIn === 'number'
          ? checkDurationMs(options.expiresIn)
          : parseDuration(options.expiresIn);
      expiresAt = new Date(options.now.getTime() + ms).toISOString();
    } catch (err) {
      if (err instanceof DurationError) return refuse('invalid-duration', err.userMessage);
      throw err;
    }
  }
  const previous = alert.state === 'acknowledged' ? alert.acknowledged : undefined;
  if (
    previous &&
    sameActor(previous.by, options.by) &&
    previous.note === note &&
    expiresAt === undefined &&
    !previous.expiresAt
  ) {
    return refuse(
      'already-acknowledged',
      `alert ${alert.id} is already acknowledged by you (${previous.at})`,
    );
  }
  const at = options.now.toISOString();
  const by = actorName(options.by);
  const details = [
    note ? `: "${note}"` : '',
    expiresAt ? ` until ${expiresAt}` : '',
    previous && !sameActor(previous.by, options.by) ? ` (takes over from ${actorName(previous.by)})` : '',
    alert.state === 'snoozed' ? ' (ends the snooze)' : '',
  ].join('');
  const edit = new AlertEdit(alert, at);
  edit.record(
    'acknowledged',
    {
      state: 'acknowledged',
      acknowledged: { by: options.by, at, ...(note ? { note } : {}), ...(expiresAt ? { expiresAt } : {}) },
    },
    { reason: `acknowledged by ${by}${details}`, notify: true, actor: options.by, origin: options.origin },
    ['snoozed'],
  );
  return accept(edit, `acknowledged ${alert.id}${expiresAt ? ` until ${expiresAt}` : ''}`);
}

/** Withdraws an acknowledgement: the alert fires (and reminds) again. */
export function unacknowledge(alert: Alert, options: HumanAction): AlertDecision {
  if (alert.state !== 'acknowledged' || !alert.acknowledged) {
    return refuse('not-acknowledged', `alert ${alert.id} is ${alert.state}, not acknowledged`);
  }
  const at = options.now.toISOString();
  const edit = new AlertEdit(alert, at);
  edit.record(
    'unacknowledged',
    { state: 'firing', notifiedAt: at },
    {
      reason: `acknowledgement by ${actorName(alert.acknowledged.by)} withdrawn by ${actorName(options.by)}; firing again`,
      notify: true,
      actor: options.by,
      origin: options.origin,
    },
    ['acknowledged'],
  );
  return accept(edit, `${alert.id} is firing again`);
}
