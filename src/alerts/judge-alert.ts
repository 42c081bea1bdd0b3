import type { Alert, Transition } from '../domain/alert.js';
import type { Finding } from '../domain/finding.js';
import { compareSeverity } from '../domain/severity.js';
import { AlertEdit } from './alert-edit.js';
import { expireTimers, remindIfDue } from './alert-timers.js';
import type { LifecyclePolicy } from './lifecycle-policy.js';
import { formatDurationShort } from '../time/parse-duration.js';
import { isSymptom } from './root-cause.js';

/** What one check run says, shared by every alert decision of that run. */
export interface RunContext {
  runId: string;
  now: Date;
  at: string;
  origin: string;
  policy: LifecyclePolicy;
  /** Set when the run is blind to per-object findings (cluster unreachable, check failed). */
  rootCause: string | undefined;
}

type Decision = { alert: Alert; transitions: Transition[] } | null;

function who(a: { by: { id: string; name?: string } }): string {
  return a.by.name ?? a.by.id;
}

/**
 * Decides what one run means for an open (firing, acknowledged or snoozed) alert. `finding` is this
 * run's finding for the alert's fingerprint, undefined when the object was not reported.
 */
export function judgeOpenAlert(alert: Alert, finding: Finding | undefined, run: RunContext): Decision {
  const edit = new AlertEdit(alert, run.at);
  expireTimers(edit, run.now, run.origin);

  if (run.rootCause !== undefined && isSymptom(alert)) {
    if (!edit.alert.held) {
      edit.record(
        'held',
        { held: { since: run.at, reason: run.rootCause } },
        {
          reason: `held, not resolved, while vigil cannot see it: ${run.rootCause}`,
          notify: false,
          origin: run.origin,
        },
      );
    } else if (edit.alert.held.reason !== run.rootCause) {
      edit.update({ held: { since: edit.alert.held.since, reason: run.rootCause } });
    }
    if (edit.changed) edit.update({ lastRunId: run.runId });
    return edit.result();
  }

  // The first run after an outage may be partial, so it never resolves: okRuns starts again from it.
  let released = false;
  if (edit.alert.held) {
    edit.record(
      'released',
      { okRuns: 0 },
      {
        reason: `visible again after being held since ${edit.alert.held.since}; judged afresh from this run`,
        notify: false,
        origin: run.origin,
      },
      ['held'],
    );
    released = true;
  }

  if (finding && finding.severity !== 'ok') judgeNotOk(edit, finding, run);
  else judgeOk(edit, finding, run, released);

  remindIfDue(edit, run.now, run.policy, run.origin);
  edit.update({ lastRunId: run.runId });
  return edit.result();
}

function judgeNotOk(edit: AlertEdit, finding: Finding, run: RunContext): void {
  const before = edit.alert;
  const moved = locationChange(before.finding, finding);
  edit.update({
    finding,
    source: finding.source,
    object: finding.object,
    ...(finding.namespace !== undefined ? { namespace: finding.namespace } : {}),
    lastSeenAt: run.at,
    okRuns: 0,
  });
  const cmp = compareSeverity(finding.severity, before.severity);
  if (cmp > 0) {
    // An acknowledgement or snooze was given for the lesser severity; like an Alertmanager silence
    // matching `severity=warning`, it does not cover the worse one. The alert fires again and pages,
    // so reminders resume instead of trusting an ack made for a different situation.
    const covered =
      before.state === 'acknowledged' && before.acknowledged
        ? `; the acknowledgement by ${who(before.acknowledged)} covered ${before.severity} and is cleared`
        : before.state === 'snoozed' && before.snoozed
          ? `; the snooze by ${who(before.snoozed)} covered ${before.severity} and ends early`
          : '';
    edit.record(
      'escalated',
      { state: 'firing', severity: finding.severity, notifiedAt: run.at },
      {
        reason: `severity rose from ${before.severity} to ${finding.severity}: ${finding.summary}${covered}`,
        notify: true,
        origin: run.origin,
      },
      ['acknowledged', 'snoozed'],
    );
  } else if (cmp < 0) {
    // Better news does not wake anyone: the message is updated, nobody is paged (state is kept).
    edit.record(
      'de-escalated',
      { severity: finding.severity },
      {
        reason: `severity fell from ${before.severity} to ${finding.severity}: ${finding.summary}`,
        notify: false,
        origin: run.origin,
      },
    );
  } else if (moved) {
    // A copy of the same certificate appeared or went: the message is edited to list where it lives
    // now (src/checks/certificates/same-certificate.ts); nobody is paged for it.
    edit.record('relocated', {}, { reason: moved, notify: false, origin: run.origin });
  }
}

/** "now in 38 places (added: …; removed: …)", or undefined when the places are the same. */
export function locationChange(before: Finding, after: Finding): string | undefined {
  if (!before.locations || !after.locations) return undefined;
  const was = new Set(before.locations.map((l) => l.object));
  const now = new Set(after.locations.map((l) => l.object));
  const added = [...now].filter((o) => !was.has(o));
  const removed = [...was].filter((o) => !now.has(o));
  if (added.length === 0 && removed.length === 0) return undefined;
  const list = (xs: string[]) =>
    xs.slice(0, 5).join(', ') + (xs.length > 5 ? ` and ${xs.length - 5} more` : '');
  const parts = [
    ...(added.length > 0 ? [`added: ${list(added)}`] : []),
    ...(removed.length > 0 ? [`removed: ${list(removed)}`] : []),
  ];
  return `now in ${now.size} place(s), was ${was.size} (${parts.join('; ')})`;
}

function judgeOk(edit: AlertEdit, finding: Finding | undefined, run: RunContext, released: boolean): void {
  const okRuns = edit.alert.okRuns + 1;
  const needed = run.policy.resolveAfterOkRuns;
  if (okRuns < needed || released) {
    edit.update({ okRuns });
    return;
  }
  const why = finding
    ? `ok for ${okRuns} consecutive run(s): ${finding.summary}`
    : `not reported for ${okRuns} consecutive run(s): the object is gone or no longer checked`;
  edit.record(
    'resolved',
    { state: 'resolved', resolvedAt: run.at, okRuns },
    {
      reason: `${why} (open ${formatDurationShort(run.now.getTime() - Date.parse(edit.alert.openedAt))})`,
      notify: true,
      origin: run.origin,
    },
    ['acknowledged', 'snoozed', 'held'],
  );
}

/** A new alert for a non-ok finding nobody has an open alert for. */
export function openAlert(finding: Finding, id: string, run: RunContext): Decision {
  const alert: Alert = {
    id,
    fingerprint: finding.fingerprint,
    cluster: finding.cluster,
    check: finding.check,
    source: finding.source,
    object: finding.object,
    ...(finding.namespace !== undefined ? { namespace: finding.namespace } : {}),
    state: 'firing',
    severity: finding.severity,
    finding,
    openedAt: run.at,
    changedAt: run.at,
    lastSeenAt: run.at,
    okRuns: 0,
    notifiedAt: run.at,
    seq: 0,
    lastRunId: run.runId,
  };
  const edit = new AlertEdit(alert, run.at, true);
  edit.record(
    'opened',
    {},
    { reason: `${finding.severity}: ${finding.summary}`, notify: true, origin: run.origin },
  );
  return edit.result();
}

/**
 * The finding of a resolved alert is back. Within the reopen window it is the same incident flapping:
 * same id, same chat message, acknowledgements from before do not carry over. Later it is a new
 * incident, as Alertmanager, PagerDuty and Grafana OnCall treat it: a new alert and a fresh message
 * that is not buried in an old thread.
 */
export function reopenOrOpen(
  resolved: Alert,
  finding: Finding,
  newId: () => string,
  run: RunContext,
): Decision {
  const resolvedAt = Date.parse(resolved.resolvedAt ?? resolved.changedAt);
  const sinceMs = run.now.getTime() - resolvedAt;
  if (run.policy.reopenWindowMs <= 0 || sinceMs > run.policy.reopenWindowMs)
    return openAlert(finding, newId(), run);
  const edit = new AlertEdit(resolved, run.at);
  edit.record(
    'reopened',
    {
      state: 'firing',
      severity: finding.severity,
      finding,
      source: finding.source,
      object: finding.object,
      lastSeenAt: run.at,
      okRuns: 0,
      notifiedAt: run.at,
      lastRunId: run.runId,
    },
    {
      reason: `back ${formatDurationShort(sinceMs)} after resolving (within the ${formatDurationShort(run.policy.reopenWindowMs)} reopen window): ${finding.severity}: ${finding.summary}`,
      notify: true,
      origin: run.origin,
    },
    ['resolvedAt', 'acknowledged', 'snoozed', 'held'],
  );
  return edit.result();
}
