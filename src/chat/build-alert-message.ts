import type { Actor, Alert, Transition } from '../domain/alert.js';
import { utcMinute } from '../time/utc-minute.js';
import { wordedDuration } from '../time/worded-duration.js';
import type { AlertMessage } from './chat-message.js';

/**
 * Evidence lines a check marks as blast radius ("blast radius: deployment shop/web") are shown apart,
 * so the on-call engineer sees what breaks next without reading the evidence (DOMAIN.md section 4).
 */
export const blastRadiusPrefix = 'blast radius: ';

/** Snooze choices offered on every open alert. */
export const snoozeDurations = ['1h', '4h', '24h'];

/** Checks whose alerts offer the Chart button: the ones `/k8s certs --chart` draws (handlers/certificate-snapshots.ts). */
const chartedChecks: ReadonlySet<string> = new Set(['certificates', 'host-certificates']);

/**
 * The platform-neutral message for an alert in its current state (ARCHITECTURE.md house rule 4). Every copy of the
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
    fingerprint: alert.fingerprint,
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
            ...(chartedChecks.has(alert.check) ? [{ kind: 'chart' as const, alertId: alert.id }] : []),
          ],
  };
  if (alert.finding.nextStep) message.nextStep = alert.finding.nextStep;
  return message;
}

/** The line under the title; plain text, renderers escape it. */
export function statusLine(alert: Alert): string {
  const held = alert.held ? ` Held since ${utcMinute(alert.held.since)}: ${alert.held.reason}.` : '';
  switch (alert.state) {
    case 'resolved': {
      const end = alert.resolvedAt ?? alert.changedAt;
      return `Resolved after ${wordedDuration(Date.parse(end) - Date.parse(alert.openedAt))} (${utcMinute(end)})`;
    }
    case 'acknowledged': {
      const ack = alert.acknowledged;
      if (!ack) return `Acknowledged.${held}`;
      const until = ack.expiresAt ? ` (until ${utcMinute(ack.expiresAt)})` : '';
      const note = ack.note ? `: ${ack.note}` : '';
      return `Acknowledged by ${actorName(ack.by)} at ${utcMinute(ack.at)}${until}${note}${held}`;
    }
    case 'snoozed': {
      const snooze = alert.snoozed;
      if (!snooze) return `Snoozed.${held}`;
      return `Snoozed by ${actorName(snooze.by)} until ${utcMinute(snooze.until)}${held}`;
    }
    case 'firing':
      return `Firing since ${utcMinute(alert.openedAt)}, ${alert.severity}${held ? `.${held}` : ''}`;
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
        ? `resolved after ${wordedDuration(Date.parse(transition.at) - Date.parse(alert.openedAt))}${by}`
        : `resolved${by}`;
    case 'reopened':
      return `reopened: ${to} again`;
    case 'reminder':
      return alert
        ? `still ${to} after ${wordedDuration(Date.parse(transition.at) - Date.parse(alert.openedAt))}`
        : `still ${to}`;
    case 'acknowledged': {
      const note = alert?.acknowledged?.note;
      return `acknowledged${by}${note ? `: ${note}` : ''}`;
    }
    case 'unacknowledged':
      return by ? `acknowledgement withdrawn${by}` : 'acknowledgement expired; firing again';
    case 'snoozed': {
      const until = alert?.snoozed?.until;
      return `snoozed${by}${until ? ` until ${utcMinute(until)}` : ''}`;
    }
    case 'unsnoozed':
      return by ? `snooze cancelled${by}` : 'snooze ended; firing again';
    case 'held':
      return `held: ${alert?.held?.reason ?? transition.reason}; not resolved while vigil cannot see it`;
    case 'released':
      return 'checking again: the hold is released';
    case 'relocated':
      return transition.reason;
  }
}

function actorName(actor: Actor): string {
  return actor.name ?? actor.id;
}
