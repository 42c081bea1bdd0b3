import { describe, expect, it } from 'vitest';
import { acknowledge } from '../../../src/alerts/acknowledge.js';
import { reviewAlert } from '../../../src/alerts/alert-timers.js';
import { snooze } from '../../../src/alerts/snooze.js';
import type { AlertDecision } from '../../../src/alerts/alert-decision.js';
import {
  accessFinding,
  at,
  finding,
  HOUR,
  kinds,
  Lifecycle,
  maria,
  MIN,
  policy,
  T0,
} from './alert-fixtures.js';

const web = (severity: 'warning' | 'critical') => finding('secret web/web-tls tls.crt', severity);

function applied(life: Lifecycle, decision: AlertDecision): void {
  if (!decision.ok) throw new Error(decision.message);
  life.write(decision.changes);
}

describe('reminders (repeat interval)', () => {
  it('reminds about a firing, unacknowledged alert once the interval has passed, then waits again', () => {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    expect(life.run([web('critical')], at(4 * HOUR - MIN)).transitions).toEqual([]);
    const due = life.run([web('critical')], at(4 * HOUR));
    expect(due.transitions).toMatchObject([
      {
        kind: 'reminder',
        notify: true,
        reason: 'still critical and unacknowledged after 4h; last announced 4h ago (repeat interval 4h)',
      },
    ]);
    expect(life.only().notifiedAt).toBe(at(4 * HOUR).toISOString());
    expect(life.run([web('critical')], at(7 * HOUR)).transitions).toEqual([]);
    expect(kinds(life.run([web('critical')], at(8 * HOUR)))).toEqual(['reminder']);
  });

  it('does not remind about acknowledged alerts', () => {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    applied(life, acknowledge(life.only(), { by: maria, now: at(MIN), origin: 'slack:C0OPS' }));
    expect(life.run([web('critical')], at(9 * HOUR)).transitions).toEqual([]);
  });

  it('does not remind about snoozed alerts', () => {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    applied(life, snooze(life.only(), { by: maria, now: at(MIN), origin: 'slack:C0OPS', duration: '24h' }));
    expect(life.run([web('critical')], at(9 * HOUR)).transitions).toEqual([]);
  });

  it('does not remind about held alerts', () => {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    life.run([accessFinding()], at(MIN), { reachable: false });
    const later = life.run([accessFinding()], at(9 * HOUR), { reachable: false });
    expect(later.transitions.filter((t) => t.alertId === 'a1')).toEqual([]);
  });

  it('never reminds when the interval is 0', () => {
    const life = new Lifecycle('certificates', { ...policy, repeatIntervalMs: 0 });
    life.run([web('critical')], T0);
    expect(life.run([web('critical')], at(48 * HOUR)).transitions).toEqual([]);
  });
});

describe('expiry of acknowledgements and snoozes', () => {
  it('an acknowledgement with an expiry fires again when it passes, and says so', () => {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    applied(
      life,
      acknowledge(life.only(), { by: maria, now: at(MIN), origin: 'slack:C0OPS', expiresIn: '2h' }),
    );
    expect(life.run([web('critical')], at(2 * HOUR)).transitions).toEqual([]);
    const expired = life.run([web('critical')], at(2 * HOUR + MIN));
    expect(expired.transitions).toMatchObject([
      {
        kind: 'unacknowledged',
        notify: true,
        to: { state: 'firing' },
        reason: `acknowledgement by maria expired at ${at(2 * HOUR + MIN).toISOString()}; firing again`,
      },
    ]);
    expect(life.only().acknowledged).toBeUndefined();
  });

  it('a snooze ends: back to firing, announced', () => {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    applied(life, snooze(life.only(), { by: maria, now: at(MIN), origin: 'slack:C0OPS', duration: '1h' }));
    const ended = life.run([web('critical')], at(HOUR + MIN));
    expect(ended.transitions).toMatchObject([{ kind: 'unsnoozed', notify: true, to: { state: 'firing' } }]);
    expect(life.only()).toMatchObject({ state: 'firing', notifiedAt: at(HOUR + MIN).toISOString() });
    expect(life.only().snoozed).toBeUndefined();
  });

  it('a snooze that ends while the alert is held is not announced (the root cause speaks)', () => {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    applied(life, snooze(life.only(), { by: maria, now: at(MIN), origin: 'slack:C0OPS', duration: '1h' }));
    life.run([accessFinding()], at(10 * MIN), { reachable: false });
    const ended = life.run([accessFinding()], at(2 * HOUR), { reachable: false });
    expect(ended.transitions.filter((t) => t.alertId === 'a1')).toMatchObject([
      { kind: 'unsnoozed', notify: false },
    ]);
  });

  it('reviewAlert does the same between check runs (housekeeping) and is null when nothing is due', () => {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    applied(life, snooze(life.only(), { by: maria, now: T0, origin: 'slack:C0OPS', duration: '30m' }));
    expect(reviewAlert(life.only(), at(29 * MIN), policy)).toBeNull();
    const review = reviewAlert(life.only(), at(30 * MIN), policy);
    expect(review?.transitions).toMatchObject([{ kind: 'unsnoozed', origin: 'housekeeping', notify: true }]);
    expect(review?.alert.seq).toBe(3);
    life.write({ alerts: review ? [review.alert] : [], transitions: [] });
    // The reminder clock restarts from the unsnooze announcement.
    expect(reviewAlert(life.only(), at(4 * HOUR), policy)).toBeNull();
    expect(reviewAlert(life.only(), at(30 * MIN + 4 * HOUR), policy)?.transitions).toMatchObject([
      { kind: 'reminder' },
    ]);
  });
});
