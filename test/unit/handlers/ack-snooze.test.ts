import { describe, expect, it } from 'vitest';
import { handleAction } from '../../../handlers/handle-action.js';
import { handleCommand } from '../../../handlers/handle-command.js';
import {
  makeAlert,
  makeDeps,
  maria,
  NOW,
  omar,
  slackAction,
  slackCommand,
  textOf,
} from './handler-fixtures.js';

describe('/k8s ack', () => {
  it('acknowledges a firing alert, stores the note, audits it and notifies every copy', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q'));
    const reply = await handleCommand(slackCommand('ack A7K2Q on it, renewing the cert'), t.deps);

    expect(reply).toMatchObject({ private: true, title: 'Acknowledged a7k2q' });
    expect(reply.sections[0]?.lines).toEqual([
      'critical · prod · Secret prod/a7k2q-tls: certificate expires',
      'Note: on it, renewing the cert',
      'Every copy of the alert message is being updated.',
    ]);
    const stored = await t.alerts.get('a7k2q');
    expect(stored).toMatchObject({
      state: 'acknowledged',
      seq: 2,
      acknowledged: { by: maria, at: NOW.toISOString(), note: 'on it, renewing the cert' },
    });
    expect(t.notified).toHaveLength(1);
    expect(t.notified[0]).toMatchObject({
      id: 'a7k2q-2',
      kind: 'acknowledged',
      actor: maria,
      origin: 'slack:C0OPS',
      notify: true,
    });
    expect(t.audit.entries).toEqual([
      expect.objectContaining({
        action: 'acknowledged',
        alertId: 'a7k2q',
        cluster: 'prod',
        origin: 'slack:C0OPS',
        actor: maria,
      }),
    ]);
  });

  it('answers sensibly when the same person acknowledges twice: no second transition', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q'));
    await handleCommand(slackCommand('ack a7k2q'), t.deps);
    const again = await handleCommand(slackCommand('ack a7k2q'), t.deps);
    expect(again.title).toMatch(/^Nothing to do: alert a7k2q is already acknowledged by you/);
    expect(t.alerts.transitions).toHaveLength(1);
    expect(t.notified).toHaveLength(1);
  });

  it('answers sensibly for a resolved alert', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q', { state: 'resolved', resolvedAt: '2026-11-21T09:50:00.000Z' }));
    const reply = await handleCommand(slackCommand('ack a7k2q'), t.deps);
    expect(reply.title).toMatch(/^Nothing to do: alert a7k2q is already resolved/);
    expect(t.alerts.transitions).toHaveLength(0);
    expect(t.notified).toHaveLength(0);
  });

  it('says which alert does not exist and where to find ids', async () => {
    const reply = await handleCommand(slackCommand('ack zzzzz'), makeDeps().deps);
    expect(reply.title).toBe('No alert zzzzz');
    expect(reply.sections[0]?.lines).toEqual(['/k8s alerts lists open alerts with their ids.']);
  });

  it('refuses a note over 500 characters instead of cutting it', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q'));
    const reply = await handleCommand(slackCommand(`ack a7k2q ${'x'.repeat(600)}`), t.deps);
    expect(reply.title).toBe('Cannot acknowledge a7k2q');
    expect(textOf(reply)).toMatch(/keep it under 500/);
    expect(t.alerts.transitions).toHaveLength(0);
  });

  it('still confirms when the outbox cannot be reached, and logs it', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q'));
    t.deps.notify = () => Promise.reject(new Error('outbox down'));
    const reply = await handleCommand(slackCommand('ack a7k2q'), t.deps);
    expect(reply.title).toBe('Acknowledged a7k2q');
    expect(textOf(reply)).toContain('the alert messages could not be updated yet');
    expect(t.errors[0]?.message).toBe('notify failed after a human action');
  });
});

describe('/k8s snooze', () => {
  it('snoozes until now + duration', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q'));
    const reply = await handleCommand(slackCommand('snooze a7k2q 4h'), t.deps);
    expect(reply.title).toBe('Snoozed a7k2q until 2026-11-21 14:05 UTC (4 h)');
    expect(await t.alerts.get('a7k2q')).toMatchObject({
      state: 'snoozed',
      snoozed: { by: maria, until: '2026-11-21T14:05:00.000Z' },
    });
    expect(t.notified.map((n) => n.kind)).toEqual(['snoozed']);
  });

  it('accepts "2 hours"', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q'));
    expect((await handleCommand(slackCommand('snooze a7k2q 2 hours'), t.deps)).title).toBe(
      'Snoozed a7k2q until 2026-11-21 12:05 UTC (2 h)',
    );
  });

  it('rejects bad and too long durations with an example, changing nothing', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q'));
    const bad = await handleCommand(slackCommand('snooze a7k2q soon'), t.deps);
    expect(bad.private).toBe(true);
    expect(bad.title).toBe('Cannot snooze a7k2q for "soon"');
    expect(textOf(bad)).toContain('/k8s snooze a7k2q 4h');
    const long = await handleCommand(slackCommand('snooze a7k2q 30d'), t.deps);
    expect(textOf(long)).toMatch(/longer than the maximum of 7d/);
    expect(t.alerts.transitions).toHaveLength(0);
  });
});

describe('buttons', () => {
  it('Acknowledge goes through the same code as /k8s ack', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q'));
    const reply = await handleAction(slackAction({ kind: 'ack', alertId: 'a7k2q' }), t.deps);
    expect(reply.title).toBe('Acknowledged a7k2q');
    expect(t.notified[0]).toMatchObject({ kind: 'acknowledged', origin: 'slack:C0OPS' });
  });

  it('Snooze 1h from the button; a second person acknowledging takes over', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q'));
    await handleAction(slackAction({ kind: 'snooze', alertId: 'a7k2q', duration: '1h' }), t.deps);
    const reply = await handleAction(slackAction({ kind: 'ack', alertId: 'a7k2q' }, { user: omar }), t.deps);
    expect(reply.title).toBe('Acknowledged a7k2q');
    expect(t.notified.map((n) => n.kind)).toEqual(['snoozed', 'acknowledged']);
    expect(await t.alerts.get('a7k2q')).toMatchObject({ state: 'acknowledged', acknowledged: { by: omar } });
  });

  it('answers a store failure privately instead of throwing', async () => {
    const t = makeDeps();
    t.deps.alerts.get = () => Promise.reject(new Error('redis down'));
    const reply = await handleAction(slackAction({ kind: 'ack', alertId: 'a7k2q' }), t.deps);
    expect(reply).toMatchObject({ private: true, title: 'vigil could not answer' });
  });
});

describe('/k8s history', () => {
  it('shows the audit log of one alert, newest first, with who and from where', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q'));
    await t.audit.append({
      at: '2026-11-21T09:18:00.000Z',
      actor: { kind: 'system', id: 'system', name: 'vigil' },
      action: 'opened',
      alertId: 'a7k2q',
      cluster: 'prod',
      origin: 'check-run:r1',
      detail: 'certificate expires in 3 days',
    });
    await t.audit.append({
      at: '2026-11-21T09:00:00.000Z',
      actor: maria,
      action: 'opened',
      alertId: 'other',
      origin: 'x',
    });
    await handleCommand(slackCommand('ack a7k2q "on it"'), t.deps);
    const reply = await handleCommand(slackCommand('history A7K2Q'), t.deps);
    expect(reply.private).toBe(false);
    expect(reply.title).toBe('History of a7k2q');
    expect(reply.sections[0]?.lines[0]).toMatch(
      /^critical · prod · acknowledged by maria 2026-11-21 10:05 UTC: on it · /,
    );
    expect(reply.sections[1]).toEqual({
      heading: 'Newest first',
      lines: [
        '2026-11-21 10:05 UTC · acknowledged · maria via slack:C0OPS · acknowledged by maria: "on it"',
        '2026-11-21 09:18 UTC · opened · vigil · certificate expires in 3 days',
      ],
    });
  });

  it('paginates a long history and says how many entries it keeps', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q'));
    for (let i = 0; i < 230; i++) {
      await t.audit.append({
        at: new Date(NOW.getTime() - (230 - i) * 60_000).toISOString(),
        actor: { kind: 'system', id: 'system' },
        action: 'reminder',
        alertId: 'a7k2q',
        cluster: 'prod',
        origin: 'timer',
      });
    }
    const first = await handleCommand(slackCommand('history a7k2q'), t.deps);
    expect(first.sections[1]?.lines).toHaveLength(21);
    expect(first.sections[1]?.lines.at(-1)).toBe('…and 180 more: /k8s history a7k2q --page 2');
    expect(first.footer).toBe('the latest 200 entries; older ones are not shown');
  });

  it('says when there is no such alert', async () => {
    expect((await handleCommand(slackCommand('history nope1'), makeDeps().deps)).title).toBe(
      'No alert nope1',
    );
  });
});
