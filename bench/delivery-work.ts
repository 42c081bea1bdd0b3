import { acknowledge } from '../src/alerts/acknowledge.js';
import type { AlertChanges } from '../src/alerts/alert-store.js';
import { judgeOpenAlert, type RunContext } from '../src/alerts/judge-alert.js';
import type { Alert } from '../src/domain/alert.js';
import { findingFor, maria, opened } from '../test/support/alert-fixtures.js';

/** The delivery benchmark's channel ids: one per team namespace. */
export const channelId = (i: number) => `C0BENCH${String(i).padStart(2, '0')}`;

/** A lifecycle decision about one alert as the batch the store writes. */
const asChanges = (d: { alert: Alert; transitions: AlertChanges['transitions'] }): AlertChanges => ({
  alerts: [d.alert],
  transitions: d.transitions,
});

/** Four transitions per alert, decided by the lifecycle functions; applied and enqueued in waves. */
export function lifecycles(
  now: Date,
  policy: RunContext['policy'],
  size: { channels: number; alerts: number },
) {
  const minutes = (m: number) => new Date(now.getTime() - m * 60_000);
  const run = (id: string, at: Date): RunContext => ({
    runId: id,
    now: at,
    at: at.toISOString(),
    origin: `check-run:${id}`,
    policy,
    rootCause: undefined,
  });
  const waves: {
    label: string;
    batch: boolean;
    steps: { changes: AlertChanges; expected: number | undefined }[];
  }[] = [
    { label: 'opened', batch: true, steps: [] },
    { label: 'escalated', batch: true, steps: [] },
    { label: 'acknowledged', batch: false, steps: [] },
    { label: 'resolved', batch: true, steps: [] },
  ];
  const alertIds: string[][] = [];
  for (let c = 0; c < size.channels; c++) {
    alertIds.push([]);
    for (let a = 0; a < size.alerts; a++) {
      const id = `b${c.toString(36)}x${a.toString(36)}`;
      alertIds[c]!.push(id);
      const base = findingFor('bench', `statefulset team-${c}/db-${a}`, 'warning');
      const finding = { ...base, namespace: `team-${c}` };
      const open = opened(id, finding, minutes(40));
      let alert: Alert = open.alert;
      waves[0]!.steps.push({ changes: open, expected: undefined });
      const escalated = judgeOpenAlert(
        alert,
        { ...finding, severity: 'critical' },
        run('escalate', minutes(30)),
      );
      if (!escalated) throw new Error('no escalation decided');
      waves[1]!.steps.push({ changes: asChanges(escalated), expected: alert.seq });
      alert = escalated.alert;
      const ack = acknowledge(alert, { by: maria, now: minutes(20), origin: `slack:${channelId(c)}` });
      if (!ack.ok) throw new Error(ack.message);
      waves[2]!.steps.push({ changes: ack.changes, expected: alert.seq });
      alert = ack.alert;
      const resolved = judgeOpenAlert(alert, undefined, run('resolve', minutes(10)));
      if (!resolved) throw new Error('no resolution decided');
      waves[3]!.steps.push({ changes: asChanges(resolved), expected: alert.seq });
    }
  }
  for (const w of waves) {
    for (const s of w.steps) {
      const kinds = s.changes.transitions.map((t) => t.kind);
      if (kinds.length !== 1 || kinds[0] !== w.label)
        throw new Error(`wave ${w.label} decided ${kinds.join(',')}`);
    }
  }
  return { waves, alertIds };
}
