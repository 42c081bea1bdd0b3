import type { ActionRequest } from '../chat-message.js';

/**
 * How alert buttons are named on the wire. The action id carries the kind and the alert id (Slack
 * requires action ids to be unique within a message, and it lets the receiver match on a prefix);
 * the value repeats the alert id and, for snooze, the duration. Both come back to us in the signed
 * block_actions payload and are validated again before a handler sees them.
 */
export const ackActionPrefix = 'vigil_ack:';
export const snoozeActionPrefix = 'vigil_snooze:';
export const chartActionPrefix = 'vigil_chart:';
/** Matches every vigil alert action id (the receiver's listener constraint). */
export const alertActionIdPattern = /^vigil_(ack|snooze|chart):/;

// Alert ids are short and human-typable; durations look like 30m, 4h, 2d, 1w or 1h30m. Only the
// shape is checked here: the handler parses the duration and enforces its bounds.
const ALERT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const DURATION = /^(?:\d{1,4}[mhdw]){1,3}$/;

export function ackActionId(alertId: string): string {
  return `${ackActionPrefix}${alertId}`;
}

export function chartActionId(alertId: string): string {
  return `${chartActionPrefix}${alertId}`;
}

export function snoozeActionId(alertId: string): string {
  return `${snoozeActionPrefix}${alertId}`;
}

/** Whether a duration can ride on a snooze option (the value is split on a space when it comes back). */
export function isActionDuration(duration: string): boolean {
  return DURATION.test(duration);
}

export function snoozeOptionValue(alertId: string, duration: string): string {
  return `${alertId} ${duration}`;
}

/**
 * Turns a clicked element (action id plus the button value or the selected option's value) back
 * into the neutral action, or null when it is not one of ours or does not validate.
 */
export function decodeAlertAction(
  actionId: string,
  value: string | undefined,
): ActionRequest['action'] | null {
  if (actionId.startsWith(ackActionPrefix)) {
    const alertId = actionId.slice(ackActionPrefix.length);
    if (!ALERT_ID.test(alertId) || value !== alertId) return null;
    return { kind: 'ack', alertId };
  }
  if (actionId.startsWith(chartActionPrefix)) {
    const alertId = actionId.slice(chartActionPrefix.length);
    if (!ALERT_ID.test(alertId) || value !== alertId) return null;
    return { kind: 'chart', alertId };
  }
  if (actionId.startsWith(snoozeActionPrefix)) {
    const alertId = actionId.slice(snoozeActionPrefix.length);
    const [valueId, duration, ...rest] = (value ?? '').split(' ');
    if (!ALERT_ID.test(alertId) || valueId !== alertId || rest.length > 0) return null;
    if (duration === undefined || !DURATION.test(duration)) return null;
    return { kind: 'snooze', alertId, duration };
  }
  return null;
}
