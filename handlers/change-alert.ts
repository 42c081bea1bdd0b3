import { acknowledge } from '../src/alerts/acknowledge.js';
import { actOnAlert } from '../src/alerts/act-on-alert.js';
import type { AlertDecision } from '../src/alerts/alert-decision.js';
import { refusedAuditEntry } from '../src/alerts/audit-entry.js';
import { snooze } from '../src/alerts/snooze.js';
import type { ReplyMessage } from '../src/chat/chat-message.js';
import type { Alert } from '../src/domain/alert.js';
import { compactDuration } from '../src/time/compact-duration.js';
import { utcMinute } from '../src/time/utc-minute.js';
import { buildReply } from './build-reply.js';
import { cleanText, echo } from '../src/chat/clean-text.js';
import { commandHint } from './command-hint.js';
import { MAX_COMMAND_CHARS } from './parse-command.js';
import type { HandlerDeps } from './handler-deps.js';
import { mayChangeAlert, mayQuery, type Requester } from './permissions.js';
import { originOf, refuse } from './refuse.js';

/** An acknowledgement or snooze, typed (`/k8s ack a7k2q on it`) or clicked; both take this one path. */
export interface AlertChangeRequest {
  kind: 'ack' | 'snooze';
  /** As typed or as carried by the button (untrusted either way). */
  alertId: string;
  note?: string;
  duration?: string;
  /**
   * A button sits on a message vigil itself posted in that channel, so the channel already shows the
   * alert; a typed command in any channel must pass the cluster's channel restriction.
   */
  via: 'command' | 'button';
  who: Requester;
}

/** Check runs and other people may change the alert between our read and write: re-read and retry. */
export const MAX_APPLY_ATTEMPTS = 5;
// Ids are letters and digits (src/alerts/alert-id.ts); fingerprints are hex. Anything else is a typo
// or an attempt to smuggle text into a store key or a reply.
const ALERT_ID = /^[a-z0-9_-]{1,64}$/;
/** The lifecycle quotes a bad duration back; bound it before it gets there. */
const MAX_DURATION_CHARS = 20;

function problem(title: string, line?: string): ReplyMessage {
  return buildReply({ title, sections: line ? [{ lines: [line] }] : [] });
}

/**
 * The one path for acknowledge and snooze: permission (channel for typed commands, then the person),
 * the pure lifecycle decision from src/alerts, a seq-conditional write retried on conflict (which
 * also appends the audit entry), then the transitions to the outbox so every copy of the message is
 * edited. Refusals are private and audited.
 */
export async function changeAlert(req: AlertChangeRequest, deps: HandlerDeps): Promise<ReplyMessage> {
  const { who } = req;
  // Ids are shown lower case; people type them as they like.
  const id = req.alertId.trim().toLowerCase();
  if (!ALERT_ID.test(id)) {
    return problem(
      `${echo(req.alertId)} is not an alert id`,
      `Alert ids look like a7k2q; ${commandHint(who.platform, 'alerts')} lists them.`,
    );
  }
  const found = await deps.alerts.get(id);
  if (!found) return notFound(id, who);

  const verb = req.kind === 'ack' ? 'acknowledge' : 'snooze';
  const perms = deps.config.permissions;
  const channel = req.via === 'button' ? undefined : mayQuery(perms, found.cluster, who);
  const decision = channel && !channel.allowed ? channel : mayChangeAlert(perms, verb, found.cluster, who);
  if (!decision.allowed) {
    return refuse(deps, who, {
      action: req.kind,
      what: `${verb} ${id}`,
      cluster: found.cluster,
      alertId: found.id,
      ...decision,
    });
  }

  const origin = originOf(who);
  const note = req.note === undefined ? undefined : cleanText(req.note, MAX_COMMAND_CHARS);
  const duration = cleanText(req.duration ?? '', MAX_DURATION_CHARS);
  const decide = (alert: Alert): AlertDecision => {
    const action = { by: who.user, now: deps.now(), origin };
    return req.kind === 'ack'
      ? acknowledge(alert, { ...action, ...(note ? { note } : {}) })
      : snooze(alert, { ...action, duration });
  };
  // The write appends the transitions' audit entries atomically (AlertStore.apply).
  const result = await actOnAlert(deps.alerts, found.id, decide, { maxAttempts: MAX_APPLY_ATTEMPTS });
  if (!result.ok) {
    if (result.code === 'unknown-alert') return notFound(id, who);
    if (result.code === 'conflict') {
      deps.log?.error(
        { alertId: id, attempts: MAX_APPLY_ATTEMPTS, action: req.kind },
        'alert kept changing; gave up',
      );
      return problem(`Could not ${verb} ${id}: it kept changing`, `${result.message}. Nothing was changed.`);
    }
    if (result.code === 'invalid-duration') {
      return problem(
        `Cannot snooze ${id} for ${echo(duration)}`,
        `${result.message}: ${commandHint(who.platform, 'snooze', id, '4h')}`,
      );
    }
    if (result.code === 'invalid-note') return problem(`Cannot acknowledge ${id}`, result.message);
    // resolved, already acknowledged by you: a sensible answer, no transition.
    await deps.audit.append(refusedAuditEntry(req.kind, who.user, deps.now(), origin, result.message, found));
    return problem(`Nothing to do: ${result.message}`);
  }
  return applied(req, result.alert, result.changes.transitions, deps);
}

function notFound(id: string, who: Requester): ReplyMessage {
  return problem(
    `No alert ${id}`,
    `${commandHint(who.platform, 'alerts')} lists open alerts with their ids.`,
  );
}

async function applied(
  req: AlertChangeRequest,
  alert: Alert,
  transitions: Parameters<HandlerDeps['notify']>[0],
  deps: HandlerDeps,
): Promise<ReplyMessage> {
  const lines = [`${alert.severity} · ${alert.cluster} · ${alert.finding.summary}`];
  if (alert.acknowledged?.note && req.kind === 'ack') lines.push(`Note: ${alert.acknowledged.note}`);
  try {
    await deps.notify(transitions);
    lines.push('Every copy of the alert message is being updated.');
  } catch (err) {
    // The change itself is stored; only the message edits are late. Say so rather than fail.
    deps.log?.error(
      { err, alertId: alert.id, transitions: transitions.map((t) => t.id) },
      'notify failed after a human action',
    );
    lines.push(
      'Stored, but the alert messages could not be updated yet; vigil retries and they will show it within a few minutes.',
    );
  }
  const at = transitions[0]?.at ?? deps.now().toISOString();
  const until = alert.snoozed?.until;
  const title =
    req.kind === 'ack' || !until
      ? `Acknowledged ${alert.id}`
      : `Snoozed ${alert.id} until ${utcMinute(until)} (${compactDuration(Date.parse(until) - Date.parse(at))})`;
  return buildReply({ title, sections: [{ lines }] });
}
