import { describe, expect, it } from 'vitest';
import { buildAlertMessage, threadLineFor } from '../../../src/chat/build-alert-message.js';
import type { Alert, Transition } from '../../../src/domain/alert.js';
import { findingFor, maria, next, opened } from '../../support/alert-fixtures.js';

const openedAt = new Date('2026-11-19T07:00:00Z');

function firing(): Alert {
  return opened('a7k2q', findingFor('prod', 'statefulset db/mongo'), openedAt).alert;
}

function transition(
  alert: Alert,
  kind: Transition['kind'],
  at: Date,
  patch: Partial<Alert> = {},
  actor = maria,
) {
  return next(alert, kind, at, patch, { actor });
}

describe('buildAlertMessage', () => {
  it('renders a firing alert: title, evidence apart from blast radius, status, ack and snooze actions', () => {
    const message = buildAlertMessage(firing());
    expect(message).toEqual({
      kind: 'alert',
      alertId: 'a7k2q',
      fingerprint: firing().fingerprint,
      severity: 'critical',
      state: 'firing',
      cluster: 'prod',
      check: 'statefulsets',
      title: 'StatefulSet statefulset db/mongo stuck: 1/3 ready',
      object: 'statefulset db/mongo',
      since: '2026-11-19T07:00:00.000Z',
      evidence: ['mongo-0 Running but NotReady for 47 min'],
      blastRadius: ['service db/mongo'],
      nextStep: 'Check the readiness probe of the blocking pod.',
      status: 'Firing since 2026-11-19 07:00 UTC, critical',
      actions: [
        { kind: 'ack', alertId: 'a7k2q' },
        { kind: 'snooze', alertId: 'a7k2q', durations: ['1h', '4h', '24h'] },
      ],
    });
  });

  it('offers Chart on certificate alerts (host certificates too), and nothing more on others', () => {
    for (const check of ['certificates', 'host-certificates'] as const) {
      const finding = { ...findingFor('prod', 'secret shop/web-tls tls.crt'), check };
      const message = buildAlertMessage(opened('c3rt1', finding, openedAt).alert);
      expect(message.actions).toEqual([
        { kind: 'ack', alertId: 'c3rt1' },
        { kind: 'snooze', alertId: 'c3rt1', durations: ['1h', '4h', '24h'] },
        { kind: 'chart', alertId: 'c3rt1' },
      ]);
    }
    expect(buildAlertMessage(firing()).actions.map((a) => a.kind)).toEqual(['ack', 'snooze']);
  });

  it('says who acknowledged and why, who snoozed until when, and how long it lasted once resolved', () => {
    const at = new Date('2026-11-19T07:14:00Z');
    const acked = transition(firing(), 'acknowledged', at, {
      state: 'acknowledged',
      acknowledged: { by: maria, at: at.toISOString(), note: 'on it' },
    }).alert;
    expect(buildAlertMessage(acked).status).toBe('Acknowledged by Maria at 2026-11-19 07:14 UTC: on it');
    const snoozed = transition(firing(), 'snoozed', at, {
      state: 'snoozed',
      snoozed: { by: maria, at: at.toISOString(), until: '2026-11-19T11:14:00Z' },
    }).alert;
    expect(buildAlertMessage(snoozed).status).toBe('Snoozed by Maria until 2026-11-19 11:14 UTC');
    const end = new Date('2026-11-21T10:05:00Z');
    const resolved = transition(firing(), 'resolved', end, {
      state: 'resolved',
      resolvedAt: end.toISOString(),
    }).alert;
    const message = buildAlertMessage(resolved);
    expect(message.status).toBe('Resolved after 2 days 3 hours (2026-11-21 10:05 UTC)');
    expect(message.actions).toEqual([]);
  });

  it('mentions a hold (cluster unreachable) in the status line', () => {
    const held = {
      ...firing(),
      held: { since: '2026-11-19T08:00:00Z', reason: 'cluster prod unreachable: timeout' },
    };
    expect(buildAlertMessage(held).status).toBe(
      'Firing since 2026-11-19 07:00 UTC, critical. Held since 2026-11-19 08:00 UTC: cluster prod unreachable: timeout.',
    );
  });
});

describe('threadLineFor', () => {
  it('writes one plain line per transition', () => {
    const alert = firing();
    const at = new Date('2026-11-21T10:05:00Z');
    const acked = transition(alert, 'acknowledged', at, {
      state: 'acknowledged',
      acknowledged: { by: maria, at: at.toISOString(), note: 'on it' },
    });
    expect(threadLineFor(acked.transitions[0] as Transition, acked.alert)).toBe(
      'acknowledged by Maria: on it',
    );
    const escalated = next({ ...alert, severity: 'warning' }, 'escalated', at, { severity: 'critical' });
    expect(threadLineFor(escalated.transitions[0] as Transition)).toBe('escalated to critical (was warning)');
    const resolved = next(alert, 'resolved', at, { state: 'resolved', resolvedAt: at.toISOString() });
    expect(threadLineFor(resolved.transitions[0] as Transition, resolved.alert)).toBe(
      'resolved after 2 days 3 hours',
    );
    const reminder = next(alert, 'reminder', at);
    expect(threadLineFor(reminder.transitions[0] as Transition, reminder.alert)).toBe(
      'still critical after 2 days 3 hours',
    );
    const expired = next(alert, 'unacknowledged', at, { state: 'firing' });
    expect(threadLineFor(expired.transitions[0] as Transition)).toBe('acknowledgement expired; firing again');
  });
});
