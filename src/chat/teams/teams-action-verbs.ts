import { durationLabel } from '../../time/duration-label.js';
import type { ActionRequest } from '../chat-message.js';
import type { CardAction } from './adaptive-card.js';

/**
 * How alert buttons travel as Universal Actions: an `Action.Execute` carries a `verb` and `data`,
 * which Teams hands back unchanged in the `adaptiveCard/action` invoke. The data is not signed by
 * anyone but the request is (Bot Framework JWT), and anyone in the conversation can craft an invoke,
 * so both are validated again here and the handler checks permissions as for a typed command.
 */
export const ackVerb = 'vigil.ack';
export const snoozeVerb = 'vigil.snooze';
export const chartVerb = 'vigil.chart';

// Alert ids are short and human-typable; durations look like 30m, 4h, 2d, 1w or 1h30m. Only the
// shape is checked here: the handler parses the duration and enforces its bounds.
const ALERT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const DURATION = /^(?:\d{1,4}[mhdw]){1,3}$/;

export function isActionDuration(duration: string): boolean {
  return DURATION.test(duration);
}

export function ackAction(alertId: string): CardAction {
  return {
    type: 'Action.Execute',
    title: 'Acknowledge',
    verb: ackVerb,
    data: { alertId },
    style: 'positive',
  };
}

/** The certificate expiry chart of the alert's cluster, posted in the conversation. */
export function chartAction(alertId: string): CardAction {
  return { type: 'Action.Execute', title: 'Chart', verb: chartVerb, data: { alertId } };
}

export function snoozeAction(alertId: string, duration: string): CardAction {
  return {
    type: 'Action.Execute',
    title: `Snooze ${durationLabel(duration)}`,
    verb: snoozeVerb,
    data: { alertId, duration },
  };
}

/**
 * The invoke's `value.action` back into the neutral action, or null when it is not one of ours or
 * does not validate. `data` may carry extra keys (Teams adds none today, other hosts might).
 */
export function decodeExecuteAction(action: {
  verb?: unknown;
  data?: unknown;
}): ActionRequest['action'] | null {
  const data = (action.data && typeof action.data === 'object' ? action.data : {}) as Record<string, unknown>;
  const alertId = data['alertId'];
  if (typeof alertId !== 'string' || !ALERT_ID.test(alertId)) return null;
  if (action.verb === ackVerb) return { kind: 'ack', alertId };
  if (action.verb === chartVerb) return { kind: 'chart', alertId };
  if (action.verb === snoozeVerb) {
    const duration = data['duration'];
    if (typeof duration !== 'string' || !DURATION.test(duration)) return null;
    return { kind: 'snooze', alertId, duration };
  }
  return null;
}
