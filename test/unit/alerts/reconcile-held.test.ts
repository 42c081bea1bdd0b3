import { describe, expect, it } from 'vitest';
import { accessFinding, at, finding, HOUR, kinds, Lifecycle, MIN, policy, T0 } from './alert-fixtures.js';

const web = (severity: 'ok' | 'warning' | 'critical') => finding('secret web/web-tls tls.crt', severity);
const api = (severity: 'ok' | 'warning' | 'critical') => finding('secret web/api-tls tls.crt', severity);

describe('reconcile: unreachable cluster (the root cause inhibits the symptoms)', () => {
  it('holds per-object alerts silently and opens one root-cause alert that says why', () => {
    const life = new Lifecycle();
    life.run([web('critical'), api('warning')], T0);

    const changes = life.run([accessFinding()], at(10 * MIN), { reachable: false });
    const held = changes.transitions.filter((t) => t.kind === 'held');
    expect(held.map((t) => t.alertId).sort()).toEqual(['a1', 'a2']);
    expect(held.every((t) => !t.notify)).toBe(true);
    expect(held[0]?.reason).toBe(
      'held, not resolved, while vigil cannot see it: cluster prod unreachable: connect ETIMEDOUT 10.0.0.1:6443',
    );
    const root = changes.transitions.find((t) => t.kind === 'opened');
    expect(root).toMatchObject({
      alertId: 'a3',
      notify: true,
      reason: 'unknown: cluster prod unreachable: connect ETIMEDOUT 10.0.0.1:6443',
    });
    expect(life.get('a3')).toMatchObject({ check: 'cluster', source: 'cluster-access', state: 'firing' });
    expect(life.get('a1')).toMatchObject({
      state: 'firing',
      held: {
        since: at(10 * MIN).toISOString(),
        reason: 'cluster prod unreachable: connect ETIMEDOUT 10.0.0.1:6443',
      },
    });
  });

  it('never resolves held alerts, however many runs miss their findings', () => {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    for (let i = 1; i <= 6; i++) life.run([accessFinding()], at(i * 10 * MIN), { reachable: false });
    expect(life.get('a1')).toMatchObject({ state: 'firing', okRuns: 0 });
    expect(life.history.filter((t) => t.alertId === 'a1').map((t) => t.kind)).toEqual(['opened', 'held']);
  });

  it('writes nothing for an alert that is already held (no churn while the outage lasts)', () => {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    life.run([accessFinding()], at(10 * MIN), { reachable: false });
    const next = life.run([accessFinding()], at(20 * MIN), { reachable: false });
    expect(next.alerts.map((a) => a.id)).toEqual(['a2']); // only the root-cause alert is updated
  });

  it('does not open alerts for symptoms seen while blind (the handshake still works, the API does not)', () => {
    const life = new Lifecycle();
    const changes = life.run([accessFinding(), web('critical')], T0, { reachable: false });
    expect(changes.alerts.map((a) => a.check)).toEqual(['cluster']);
  });

  it('releases held alerts without resolving them when the cluster is reachable again', () => {
    const life = new Lifecycle('certificates', { ...policy, resolveAfterOkRuns: 1 });
    life.run([web('critical')], T0);
    life.run([accessFinding()], at(10 * MIN), { reachable: false });

    // Reachable again and the certificate was renewed meanwhile: even with resolveAfterOkRuns 1, the
    // release run does not resolve (a first look after an outage may be partial).
    const back = life.run([web('ok')], at(20 * MIN));
    const forWeb = back.transitions.filter((t) => t.alertId === 'a1');
    expect(forWeb).toMatchObject([{ kind: 'released', notify: false }]);
    expect(life.get('a1')).toMatchObject({ state: 'firing', okRuns: 1 });
    expect(life.get('a1').held).toBeUndefined();
    // The root cause resolves (its finding is gone) and says so.
    expect(back.transitions.filter((t) => t.alertId === 'a2')).toMatchObject([
      { kind: 'resolved', notify: true },
    ]);

    expect(kinds(life.run([web('ok')], at(30 * MIN)))).toEqual(['resolved']);
  });

  it('judges a released alert normally in the same run: an escalation is announced', () => {
    const life = new Lifecycle();
    life.run([web('warning')], T0);
    life.run([accessFinding()], at(10 * MIN), { reachable: false });
    const back = life.run([web('critical')], at(20 * MIN));
    expect(back.transitions.filter((t) => t.alertId === 'a1').map((t) => [t.kind, t.notify])).toEqual([
      ['released', false],
      ['escalated', true],
    ]);
  });

  it('holds symptoms when the check itself failed, with the failure as the root cause', () => {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    const failed = finding('check certificates', 'unknown', {
      source: 'check-error',
      summary: 'the certificates check failed: TypeError: x is undefined',
    });
    const changes = life.run([failed], at(10 * MIN));
    expect(changes.transitions.map((t) => [t.alertId, t.kind])).toEqual([
      ['a1', 'held'],
      ['a2', 'opened'],
    ]);
    for (let i = 2; i < 5; i++) life.run([failed], at(i * 10 * MIN));
    expect(life.get('a1').state).toBe('firing');
    // Fixed: the check-error alert counts ok runs like any other alert.
    life.run([web('critical')], at(HOUR));
    expect(life.get('a1').held).toBeUndefined();
  });

  it('does not remind about held alerts; the root-cause alert reminds', () => {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    life.run([accessFinding()], at(10 * MIN), { reachable: false });
    const later = life.run([accessFinding()], at(10 * MIN + 5 * HOUR), { reachable: false });
    expect(later.transitions.map((t) => [t.alertId, t.kind])).toEqual([['a2', 'reminder']]);
  });
});
