import { describe, expect, it } from 'vitest';
import { acknowledge } from '../../../src/alerts/acknowledge.js';
import { reconcile } from '../../../src/alerts/reconcile.js';
import { snooze } from '../../../src/alerts/snooze.js';
import { at, finding, HOUR, kinds, Lifecycle, maria, MIN, policy, T0 } from './alert-fixtures.js';

const web = (severity: 'ok' | 'warning' | 'critical' | 'unknown') =>
  finding('secret web/web-tls tls.crt', severity);

describe('reconcile: opening', () => {
  it('opens a firing alert for a non-ok finding and announces it', () => {
    const life = new Lifecycle();
    const changes = life.run([web('warning')], T0, { runId: 'r1' });
    expect(changes.alerts).toHaveLength(1);
    const alert = life.only();
    expect(alert).toMatchObject({
      id: 'a1',
      fingerprint: web('warning').fingerprint,
      cluster: 'prod',
      check: 'certificates',
      source: 'tls-secret',
      object: 'secret web/web-tls tls.crt',
      namespace: 'web',
      state: 'firing',
      severity: 'warning',
      openedAt: T0.toISOString(),
      changedAt: T0.toISOString(),
      lastSeenAt: T0.toISOString(),
      notifiedAt: T0.toISOString(),
      okRuns: 0,
      seq: 1,
      lastRunId: 'r1',
    });
    expect(changes.transitions).toEqual([
      {
        id: 'a1-1',
        alertId: 'a1',
        seq: 1,
        kind: 'opened',
        at: T0.toISOString(),
        reason: 'warning: secret web/web-tls tls.crt is warning',
        to: { state: 'firing', severity: 'warning' },
        actor: { kind: 'system', id: 'system', name: 'vigil' },
        origin: 'check-run:r1',
        notify: true,
      },
    ]);
  });

  it('creates nothing for ok findings', () => {
    const life = new Lifecycle();
    expect(life.run([web('ok')], T0)).toEqual({ alerts: [], transitions: [] });
  });

  it('opens unknown-severity alerts for findings vigil could not judge', () => {
    const life = new Lifecycle();
    life.run([finding('secret web/broken tls.crt', 'unknown')], T0);
    expect(life.only()).toMatchObject({ state: 'firing', severity: 'unknown' });
  });

  it('ignores findings of other clusters and checks, and keeps the worst of duplicates', () => {
    const life = new Lifecycle();
    const changes = life.run(
      [
        finding('sts db/mongo', 'critical', { check: 'statefulsets', source: 'statefulset' }),
        finding('secret web/x tls.crt', 'critical', { cluster: 'staging' }),
        web('warning'),
        web('critical'),
      ],
      T0,
    );
    expect(changes.alerts).toHaveLength(1);
    expect(life.only()).toMatchObject({ severity: 'critical', object: 'secret web/web-tls tls.crt' });
  });
});

describe('reconcile: severity changes', () => {
  it('escalates and announces when the severity rises', () => {
    const life = new Lifecycle();
    life.run([web('warning')], T0);
    const changes = life.run([web('critical')], at(10 * MIN));
    expect(changes.transitions).toMatchObject([
      {
        kind: 'escalated',
        notify: true,
        seq: 2,
        id: 'a1-2',
        from: { state: 'firing', severity: 'warning' },
        to: { state: 'firing', severity: 'critical' },
        reason: 'severity rose from warning to critical: secret web/web-tls tls.crt is critical',
      },
    ]);
    expect(life.only()).toMatchObject({
      severity: 'critical',
      notifiedAt: at(10 * MIN).toISOString(),
      changedAt: at(10 * MIN).toISOString(),
    });
  });

  it('escalation re-notifies an acknowledged alert and makes it fire again (the ack covered the lesser severity)', () => {
    const life = new Lifecycle();
    life.run([web('warning')], T0);
    const acked = acknowledge(life.only(), {
      by: maria,
      now: at(5 * MIN),
      origin: 'slack:C0OPS',
      note: 'next sprint',
    });
    if (!acked.ok) throw new Error(acked.message);
    life.write(acked.changes);

    const changes = life.run([web('critical')], at(10 * MIN));
    expect(changes.transitions).toHaveLength(1);
    expect(changes.transitions[0]).toMatchObject({
      kind: 'escalated',
      notify: true,
      from: { state: 'acknowledged', severity: 'warning' },
      to: { state: 'firing', severity: 'critical' },
    });
    expect(changes.transitions[0]?.reason).toContain(
      'the acknowledgement by maria covered warning and is cleared',
    );
    expect(life.only().state).toBe('firing');
    expect(life.only().acknowledged).toBeUndefined();
  });

  it('escalation ends a snooze early', () => {
    const life = new Lifecycle();
    life.run([web('warning')], T0);
    const snoozed = snooze(life.only(), {
      by: maria,
      now: at(1 * MIN),
      origin: 'slack:C0OPS',
      duration: '24h',
    });
    if (!snoozed.ok) throw new Error(snoozed.message);
    life.write(snoozed.changes);
    const changes = life.run([web('critical')], at(10 * MIN));
    expect(kinds(changes)).toEqual(['escalated']);
    expect(changes.transitions[0]?.reason).toContain('the snooze by maria covered warning and ends early');
    expect(life.only()).toMatchObject({ state: 'firing' });
    expect(life.only().snoozed).toBeUndefined();
  });

  it('de-escalates without announcing and keeps an acknowledgement', () => {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    const acked = acknowledge(life.only(), { by: maria, now: at(1 * MIN), origin: 'slack:C0OPS' });
    if (!acked.ok) throw new Error(acked.message);
    life.write(acked.changes);
    const changes = life.run([web('warning')], at(10 * MIN));
    expect(changes.transitions).toMatchObject([
      {
        kind: 'de-escalated',
        notify: false,
        from: { state: 'acknowledged', severity: 'critical' },
        to: { state: 'acknowledged', severity: 'warning' },
      },
    ]);
    expect(life.only().acknowledged?.by).toEqual(maria);
  });

  it('treats unknown as worse than warning and better than critical (src/domain/severity.ts)', () => {
    const life = new Lifecycle();
    life.run([web('warning')], T0);
    expect(kinds(life.run([web('unknown')], at(MIN)))).toEqual(['escalated']);
    expect(kinds(life.run([web('critical')], at(2 * MIN)))).toEqual(['escalated']);
    expect(kinds(life.run([web('unknown')], at(3 * MIN)))).toEqual(['de-escalated']);
  });
});

describe('reconcile: resolving', () => {
  it('resolves only after resolveAfterOkRuns consecutive ok runs', () => {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    const first = life.run([web('ok')], at(10 * MIN));
    expect(first.transitions).toEqual([]);
    expect(life.only()).toMatchObject({ state: 'firing', okRuns: 1, seq: 2 });

    const second = life.run([web('ok')], at(20 * MIN));
    expect(second.transitions).toMatchObject([
      {
        kind: 'resolved',
        notify: true,
        from: { state: 'firing', severity: 'critical' },
        to: { state: 'resolved', severity: 'critical' },
        reason: 'ok for 2 consecutive run(s): secret web/web-tls tls.crt is ok (open 20m)',
      },
    ]);
    expect(life.only()).toMatchObject({
      state: 'resolved',
      resolvedAt: at(20 * MIN).toISOString(),
      okRuns: 2,
    });
  });

  it('counts a finding that is no longer reported (object deleted) as ok', () => {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    life.run([], at(10 * MIN));
    const changes = life.run([], at(20 * MIN));
    expect(changes.transitions[0]?.reason).toMatch(/^not reported for 2 consecutive run\(s\)/);
  });

  it('a flap resets the count: ok, not ok, ok does not resolve', () => {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    life.run([web('ok')], at(10 * MIN));
    const flap = life.run([web('critical')], at(20 * MIN));
    expect(flap.transitions).toEqual([]);
    expect(life.only().okRuns).toBe(0);
    expect(life.run([web('ok')], at(30 * MIN)).transitions).toEqual([]);
    expect(kinds(life.run([web('ok')], at(40 * MIN)))).toEqual(['resolved']);
  });

  it('clears an acknowledgement on resolving (the audit log keeps who acknowledged)', () => {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    const acked = acknowledge(life.only(), { by: maria, now: at(MIN), origin: 'slack:C0OPS' });
    if (!acked.ok) throw new Error(acked.message);
    life.write(acked.changes);
    life.run([web('ok')], at(10 * MIN));
    expect(kinds(life.run([web('ok')], at(20 * MIN)))).toEqual(['resolved']);
    expect(life.only().acknowledged).toBeUndefined();
  });
});

describe('reconcile: reopening', () => {
  function resolvedAt20(): Lifecycle {
    const life = new Lifecycle();
    life.run([web('critical')], T0);
    life.run([web('ok')], at(10 * MIN));
    life.run([web('ok')], at(20 * MIN));
    return life;
  }

  it('reopens the same alert when the finding is back within the reopen window', () => {
    const life = resolvedAt20();
    const changes = life.run([web('warning')], at(50 * MIN));
    expect(changes.transitions).toMatchObject([
      {
        kind: 'reopened',
        notify: true,
        alertId: 'a1',
        from: { state: 'resolved' },
        to: { state: 'firing', severity: 'warning' },
      },
    ]);
    expect(changes.transitions[0]?.reason).toMatch(
      /^back 30m after resolving \(within the 1h reopen window\)/,
    );
    expect(life.only()).toMatchObject({
      id: 'a1',
      state: 'firing',
      severity: 'warning',
      okRuns: 0,
      openedAt: T0.toISOString(),
    });
    expect(life.only().resolvedAt).toBeUndefined();
  });

  it('opens a new alert after the window and leaves the old one as history', () => {
    const life = resolvedAt20();
    const changes = life.run([web('warning')], at(20 * MIN + 2 * HOUR));
    expect(kinds(changes)).toEqual(['opened']);
    expect(changes.alerts.map((a) => a.id)).toEqual(['a2']);
    expect(life.get('a1').state).toBe('resolved');
    // The new alert now speaks for the fingerprint.
    expect(kinds(life.run([web('critical')], at(20 * MIN + 3 * HOUR)))).toEqual(['escalated']);
    expect(life.get('a2').severity).toBe('critical');
  });

  it('never reopens when the window is 0', () => {
    const life = new Lifecycle('certificates', { ...policy, reopenWindowMs: 0 });
    life.run([web('critical')], T0);
    life.run([], at(MIN));
    life.run([], at(2 * MIN));
    expect(kinds(life.run([web('critical')], at(3 * MIN)))).toEqual(['opened']);
  });
});

describe('reconcile: idempotence (BullMQ runs a job at least once)', () => {
  it('a run applied twice changes nothing the second time', () => {
    const life = new Lifecycle();
    life.run([web('warning')], T0, { runId: 'r1' });
    expect(life.run([web('warning')], T0, { runId: 'r1' })).toEqual({ alerts: [], transitions: [] });

    life.run([web('ok')], at(10 * MIN), { runId: 'r2' });
    expect(life.run([web('ok')], at(11 * MIN), { runId: 'r2' }).alerts).toEqual([]);
    expect(life.only().okRuns).toBe(1);

    life.run([web('ok')], at(20 * MIN), { runId: 'r3' });
    expect(life.only().state).toBe('resolved');
    expect(life.run([web('ok')], at(21 * MIN), { runId: 'r3' }).alerts).toEqual([]);
  });

  it('a rerun of the opening run does not open a second alert', () => {
    const life = new Lifecycle();
    life.run([web('critical'), finding('secret web/api-tls tls.crt', 'warning')], T0, { runId: 'r1' });
    const again = life.run([web('critical'), finding('secret web/api-tls tls.crt', 'warning')], at(MIN), {
      runId: 'r1',
    });
    expect(again.transitions).toEqual([]);
    expect(life.alerts.size).toBe(2);
  });
});

describe('reconcile: versions', () => {
  it('every write advances seq: one per transition, one for a silent update', () => {
    const life = new Lifecycle();
    life.run([web('warning')], T0);
    expect(life.only().seq).toBe(1);
    life.run([web('warning')], at(MIN)); // lastSeenAt only
    expect(life.only().seq).toBe(2);
    const changes = life.run([web('critical')], at(5 * HOUR)); // escalation; no reminder on top of it
    expect(changes.transitions.map((t) => [t.kind, t.seq, t.id])).toEqual([['escalated', 3, 'a1-3']]);
    expect(life.only().seq).toBe(3);
  });

  it('gives several transitions of one write consecutive seqs', () => {
    const life = new Lifecycle();
    life.run([web('warning')], T0);
    const acked = acknowledge(life.only(), { by: maria, now: T0, origin: 'cli', expiresIn: '1h' });
    if (!acked.ok) throw new Error(acked.message);
    life.write(acked.changes);
    const changes = life.run([web('critical')], at(2 * HOUR));
    expect(changes.transitions.map((t) => [t.kind, t.seq])).toEqual([
      ['unacknowledged', 3],
      ['escalated', 4],
    ]);
    expect(life.only().seq).toBe(4);
  });

  it('is a pure function: the same input gives the same output', () => {
    const input = {
      cluster: 'prod',
      check: 'certificates' as const,
      runId: 'r1',
      reachable: true,
      findings: [web('critical')],
      stored: [],
      now: T0,
      policy,
    };
    let n = 0;
    const first = reconcile({ ...input, newId: () => `x${n++}` });
    n = 0;
    expect(reconcile({ ...input, newId: () => `x${n++}` })).toEqual(first);
  });
});
