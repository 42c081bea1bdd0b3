import type { Actor, Alert, Transition } from '../domain/alert.js';
import type { AlertMessage } from './chat-message.js';

/**
 * Evidence lines a check marks as blast radius ("blast radius: deployment shop/web") are shown apart,
 * so the on-call engineer sees what breaks next without reading the evidence (DOMAIN.md section 4).
 */
export const blastRadiusPrefix = 'blast radius: ';

/** Snooze choices offered on every open alert. */
export const snoozeDurations = ['1h', '4h', '24h'];

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * The platform-neutral message for an alert in its current state (house rule 4). Every copy of the
 * message is re-rendered from the alert, never patched, so an edit always shows the whole truth.
 */
export function buildAlertMessage(alert: Alert): AlertMessage {
  const evidence: string[] = [];
  const blastRadius: string[] = [];
  for (const line of alert.finding.evidence ?? []) {
    if (line.toLowerCase().startsWith(blastRadiusPrefix)) {
      const item = line.slice(blastRadiusPrefix.length).trim();
      if (item) blastRadius.push(item);
    } else {
      evidence.push(line);
    }
  }
  const message: AlertMessage = {
    kind: 'alert',
    alertId: alert.id,
    severity: alert.severity,
    state: alert.state,
    cluster: alert.cluster,
    check: alert.check,
    title: alert.finding.summary,
    object: alert.object,
    since: alert.openedAt,
    evidence,
    blastRadius,
    status: statusLine(alert),
    actions:
      alert.state === 'resolved'
        ? []
        : [
            { kind: 'ack', alertId: alert.id },
            { kind: 'snooze', alertId: alert.id, durations: [...snoozeDurations] },
          ],
  };
  if (alert.finding.nextStep) message.nextStep = alert.finding.nextStep;
  return message;
}

/** The line under the title; plain text, renderers escape it. */
export function statusLine(alert: Alert): string {
  const held = alert.held ? ` Held since ${utc(alert.held.since)}: ${alert.held.reason}.` : '';
  switch (alert.state) {
    case 'resolved': {
      const end = alert.resolvedAt ?? alert.changedAt;
      return `Resolved after ${formatElapsed(Date.parse(end) - Date.parse(alert.openedAt))} (${utc(end)})`;
    }
    case 'acknowledged': {
      const ack = alert.acknowledged;
      if (!ack) return `Acknowledged.${held}`;
      const until = ack.expiresAt ? ` (until ${utc(ack.expiresAt)})` : '';
      const note = ack.note ? `: ${ack.note}` : '';
      return `Acknowledged by ${actorName(ack.by)} at ${utc(ack.at)}${until}${note}${held}`;
    }
    case 'snoozed': {
      const snooze = alert.snoozed;
      if (!snooze) return `Snoozed.${held}`;
      return `Snoozed by ${actorName(snooze.by)} until ${utc(snooze.until)}${held}`;
    }
    case 'firing':
      return `Firing since ${utc(alert.openedAt)}, ${alert.severity}${held ? `.${held}` : ''}`;
  }
}

/**
 * The line posted in the message's thread for a later transition ("acknowledged by Maria: on it",
 * "escalated to critical", "resolved after 2 days 3 hours"). `alert` is the alert as it is now, for
 * durations and notes; without it the line is still meaningful.
 */
export function threadLineFor(transition: Transition, alert?: Alert): string {
  const by =
    transition.actor && transition.actor.kind !== 'system' ? ` by ${actorName(transition.actor)}` : '';
  const to = transition.to.severity;
  switch (transition.kind) {
    case 'opened':
      return `opened as ${to}`;
    case 'escalated':
      return `escalated to ${to}${transition.from ? ` (was ${transition.from.severity})` : ''}`;
    case 'de-escalated':
      return `de-escalated to ${to}${transition.from ? ` (was ${transition.from.severity})` : ''}`;
    case 'resolved':
      return alert
        ? `resolved after ${formatElapsed(Date.parse(transition.at) - Date.parse(alert.openedAt))}${by}`
        : `resolved${by}`;
    case 'reopened':
      return `reopened: ${to} again`;
    case 'reminder':
      return alert
        ? `still ${to} after ${formatElapsed(Date.parse(transition.at) - Date.parse(alert.openedAt))}`
        : `still ${to}`;
    case 'acknowledged': {
      const note = alert?.acknowledged?.note;
      return `acknowledged${by}${note ? `: ${note}` : ''}`;
    }
    case 'unacknowledged':
      return by ? `acknowledgement withdrawn${by}` : 'acknowledgement expired; firing again';
    case 'snoozed': {
      const until = alert?.snoozed?.until;
      return `snoozed${by}${until ? ` until ${utc(until)}` : ''}`;
    }
    case 'unsnoozed':
      return by ? `snooze cancelled${by}` : 'snooze ended; firing again';
    case 'held':
      return `held: ${alert?.held?.reason ?? transition.reason}; not resolved while vigil cannot see it`;
    case 'released':
      return 'checking again: the hold is released';
  }
}

/** "2 days 3 hours", "3 hours 5 minutes", "12 minutes": two units, rounded down. */
export function formatElapsed(ms: number): string {
  const abs = Math.max(0, ms);
  const units: [number, string][] = [
    [DAY_MS, 'day'],
    [HOUR_MS, 'hour'],
    [MINUTE_MS, 'minute'],
  ];
  const index = units.findIndex(([size]) => abs >= size);
  if (index < 0) return 'less than a minute';
  const [size, name] = units[index] as [number, string];
  const whole = Math.floor(abs / size);
  const parts = [plural(whole, name)];
  const next = units[index + 1];
  if (next) {
    const rest = Math.floor((abs - whole * size) / next[0]);
    if (rest > 0) parts.push(plural(rest, next[1]));
  }
  return parts.join(' ');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

function actorName(actor: Actor): string {
  return actor.name ?? actor.id;
}

/** "2026-11-21 10:14 UTC": absolute, since the message is read long after it is edited. */
function utc(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
