import { describe, expect, it } from 'vitest';
import { acknowledge, unacknowledge } from '../../../src/alerts/acknowledge.js';
import type { AlertDecision } from '../../../src/alerts/alert-decision.js';
import { snooze, unsnooze } from '../../../src/alerts/snooze.js';
import type { Alert } from '../../../src/domain/alert.js';
import { at, finding, HOUR, Lifecycle, maria, MIN, omar, T0 } from './alert-fixtures.js';

function firing(): Alert {
  const life = new Lifecycle();
  life.run([finding('secret web/web-tls tls.crt', 'critical')], T0);
  return life.only();
}

function ok(decision: AlertDecision) {
  if (!decision.ok) throw new Error(`refused: ${decision.message}`);
  return decision;
}

const now = at(10 * MIN);
const origin = 'slack:C0OPS';

describe('acknowledge', () => {
  it('acknowledges with a note and an expiry, announced, with actor and origin for the audit log', () => {
    const d = ok(
      acknowledge(firing(), { by: maria, now, origin, note: '  renewing now  ', expiresIn: '4h' }),
    );
    const expiresAt = at(10 * MIN + 4 * HOUR).toISOString();
    expect(d.alert).toMatchObject({
      state: 'acknowledged',
      seq: 2,
      acknowledged: { by: maria, at: now.toISOString(), note: 'renewing now', expiresAt },
    });
    expect(d.changes.transitions).toEqual([
      {
        id: 'a1-2',
        alertId: 'a1',
        seq: 2,
        kind: 'acknowledged',
        at: now.toISOString(),
        reason: `acknowledged by maria: "renewing now" until ${expiresAt}`,
        from: { state: 'firing', severity: 'critical' },
        to: { state: 'acknowledged', severity: 'critical' },
        actor: maria,
        origin,
        notify: true,
      },
    ]);
    expect(d.message).toBe(`acknowledged a1 until ${expiresAt}`);
  });

  it('accepts an expiry in milliseconds (a button value)', () => {
    const d = ok(acknowledge(firing(), { by: maria, now, origin, expiresIn: 30 * MIN }));
    expect(d.alert.acknowledged?.expiresAt).toBe(at(40 * MIN).toISOString());
  });

  it('refuses a resolved alert, a bad duration and an over-long note', () => {
    const resolved: Alert = { ...firing(), state: 'resolved', resolvedAt: T0.toISOString() };
    expect(acknowledge(resolved, { by: maria, now, origin })).toMatchObject({ ok: false, code: 'resolved' });
    expect(acknowledge(firing(), { by: maria, now, origin, expiresIn: '3 fortnights' })).toMatchObject({
      ok: false,
      code: 'invalid-duration',
    });
    expect(acknowledge(firing(), { by: maria, now, origin, note: 'x'.repeat(501) })).toMatchObject({
      ok: false,
      code: 'invalid-note',
    });
  });

  it('changes nothing when the same person acknowledges again (double click, Slack retry)', () => {
    const first = ok(acknowledge(firing(), { by: maria, now, origin }));
    expect(acknowledge(first.alert, { by: maria, now: at(11 * MIN), origin })).toMatchObject({
      ok: false,
      code: 'already-acknowledged',
    });
    // A new note from the same person is an update.
    expect(acknowledge(first.alert, { by: maria, now, origin, note: 'ETA 20 min' }).ok).toBe(true);
  });

  it('lets someone else take over an acknowledgement', () => {
    const first = ok(acknowledge(firing(), { by: maria, now, origin }));
    const second = ok(acknowledge(first.alert, { by: omar, now: at(20 * MIN), origin }));
    expect(second.alert.acknowledged?.by).toEqual(omar);
    expect(second.changes.transitions[0]?.reason).toBe('acknowledged by omar (takes over from maria)');
  });

  it('replaces a snooze', () => {
    const snoozed = ok(snooze(firing(), { by: omar, now, origin, duration: '1h' }));
    const d = ok(acknowledge(snoozed.alert, { by: maria, now: at(20 * MIN), origin }));
    expect(d.alert.state).toBe('acknowledged');
    expect(d.alert.snoozed).toBeUndefined();
    expect(d.changes.transitions[0]?.reason).toBe('acknowledged by maria (ends the snooze)');
  });

  it('unacknowledge makes it fire and announce again; refused when not acknowledged', () => {
    const acked = ok(acknowledge(firing(), { by: maria, now, origin }));
    const d = ok(unacknowledge(acked.alert, { by: omar, now: at(20 * MIN), origin }));
    expect(d.alert).toMatchObject({ state: 'firing', notifiedAt: at(20 * MIN).toISOString() });
    expect(d.alert.acknowledged).toBeUndefined();
    expect(d.changes.transitions[0]).toMatchObject({
      kind: 'unacknowledged',
      notify: true,
      reason: 'acknowledgement by maria withdrawn by omar; firing again',
    });
    expect(unacknowledge(firing(), { by: omar, now, origin })).toMatchObject({
      ok: false,
      code: 'not-acknowledged',
    });
  });
});

describe('snooze', () => {
  it('snoozes until now + duration, announced', () => {
    const d = ok(snooze(firing(), { by: maria, now, origin, duration: '4h' }));
    const until = at(10 * MIN + 4 * HOUR).toISOString();
    expect(d.alert).toMatchObject({ state: 'snoozed', snoozed: { by: maria, at: now.toISOString(), until } });
    expect(d.changes.transitions).toMatchObject([
      {
        kind: 'snoozed',
        notify: true,
        actor: maria,
        origin,
        reason: `snoozed by maria for 4h until ${until}`,
      },
    ]);
    expect(d.message).toBe(`snoozed a1 for 4h (until ${until})`);
  });

  it('replaces an acknowledgement and can be extended', () => {
    const acked = ok(acknowledge(firing(), { by: maria, now, origin }));
    const s1 = ok(snooze(acked.alert, { by: omar, now, origin, duration: '30m' }));
    expect(s1.alert.acknowledged).toBeUndefined();
    expect(s1.changes.transitions[0]?.reason).toContain('(replaces the acknowledgement by maria)');
    const s2 = ok(snooze(s1.alert, { by: omar, now: at(20 * MIN), origin, duration: '2d' }));
    expect(s2.alert.snoozed?.until).toBe(at(20 * MIN + 48 * HOUR).toISOString());
  });

  it('refuses resolved alerts and bad durations with a message fit for chat', () => {
    const resolved: Alert = { ...firing(), state: 'resolved', resolvedAt: T0.toISOString() };
    expect(snooze(resolved, { by: maria, now, origin, duration: '1h' })).toMatchObject({
      ok: false,
      code: 'resolved',
    });
    expect(snooze(firing(), { by: maria, now, origin, duration: '8d' })).toEqual({
      ok: false,
      code: 'invalid-duration',
      message: '"8d" is longer than the maximum of 7d; pick 7d or less and extend it later if needed',
    });
    expect(snooze(firing(), { by: maria, now, origin, duration: 0 })).toMatchObject({
      ok: false,
      code: 'invalid-duration',
    });
  });

  it('unsnooze ends it early; refused when not snoozed', () => {
    const s = ok(snooze(firing(), { by: maria, now, origin, duration: '4h' }));
    const d = ok(unsnooze(s.alert, { by: omar, now: at(20 * MIN), origin }));
    expect(d.alert.state).toBe('firing');
    expect(d.changes.transitions[0]).toMatchObject({ kind: 'unsnoozed', notify: true });
    expect(unsnooze(firing(), { by: omar, now, origin })).toMatchObject({ ok: false, code: 'not-snoozed' });
  });
});
