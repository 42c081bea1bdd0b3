import type { AlertMessage } from '../chat-message.js';
import type { AlertState } from '../../domain/alert.js';
import type { Severity } from '../../domain/severity.js';
import { durationLabel } from '../../time/duration-label.js';
import { utcMinute } from '../../time/utc-minute.js';
import { clip, oneLine, webLimits as limits } from './web-limits.js';

/** A button on a card; the page posts `kind` and `duration` back with the card's id. */
export interface WebAction {
  kind: 'ack' | 'snooze' | 'chart';
  duration?: string;
  /** What the button does, in full ("Snooze 4 h"): its accessible name. */
  label: string;
  /** What it reads beside its group's name on the page ("4 h" after "Snooze"). */
  short?: string;
}

/** What the page shows of an alert: plain strings, placed with textContent, never parsed as HTML. */
export interface WebCardBody {
  alertId: string;
  severity: Severity;
  severityLabel: string;
  state: AlertState;
  stateLabel: string;
  cluster: string;
  check: string;
  title: string;
  object: string;
  /** ISO, so the page can say how long ago; `sinceText` is the same time for people, in UTC. */
  since: string;
  sinceText: string;
  evidence: string[];
  blastRadius: string[];
  nextStep?: string;
  status?: string;
  actions: WebAction[];
}

const severityLabels: Record<Severity, string> = {
  critical: 'Critical',
  warning: 'Warning',
  unknown: 'Unknown',
  ok: 'OK',
};

const stateLabels: Record<AlertState, string> = {
  firing: 'Firing',
  acknowledged: 'Acknowledged',
  snoozed: 'Snoozed',
  resolved: 'Resolved',
};

/**
 * The neutral AlertMessage as the web chat's card (src/chat/chat-message.ts). Every field is capped
 * (web-limits.ts) and long lists end with "…and N more", so a StatefulSet with 400 blocked pods is
 * still one readable card. A resolved alert offers no buttons, whatever the message says.
 */
export function renderWebCard(message: AlertMessage): WebCardBody {
  const resolved = message.state === 'resolved';
  const card: WebCardBody = {
    alertId: clip(oneLine(message.alertId), 64),
    severity: message.severity,
    severityLabel: severityLabels[message.severity],
    state: message.state,
    stateLabel: stateLabels[message.state],
    cluster: clip(oneLine(message.cluster), limits.clusterChars),
    check: message.check,
    title: clip(oneLine(message.title), limits.titleChars),
    object: clip(oneLine(message.object), limits.objectChars),
    since: message.since,
    sinceText: utcMinute(message.since),
    evidence: capped(message.evidence, limits.evidenceLines, limits.evidenceLineChars),
    blastRadius: capped(message.blastRadius, limits.blastRadiusItems, limits.blastRadiusChars),
    actions: resolved ? [] : actionsOf(message),
  };
  if (message.nextStep && !resolved) card.nextStep = clip(message.nextStep.trim(), limits.nextStepChars);
  if (message.status) card.status = clip(oneLine(message.status), limits.statusChars);
  return card;
}

function capped(items: readonly string[], maxItems: number, maxChars: number): string[] {
  const shown = items.slice(0, maxItems).map((i) => clip(i.trim(), maxChars));
  const rest = items.length - shown.length;
  return rest > 0 ? [...shown, `…and ${rest} more`] : shown;
}

function actionsOf(message: AlertMessage): WebAction[] {
  const out: WebAction[] = [];
  for (const action of message.actions) {
    if (action.kind === 'ack') out.push({ kind: 'ack', label: 'Acknowledge' });
    else if (action.kind === 'chart') out.push({ kind: 'chart', label: 'Chart' });
    else {
      for (const duration of action.durations.filter((d) => durationPattern.test(d)).slice(0, 5)) {
        const short = durationLabel(duration);
        out.push({ kind: 'snooze', duration, label: `Snooze ${short}`, short });
      }
    }
  }
  return out;
}

const durationPattern = /^(?:\d{1,4}[mhdw]){1,3}$/;
