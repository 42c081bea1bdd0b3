import { describe, expect, it } from 'vitest';
import type { AlertChanges } from '../../../src/alerts/alert-store.js';
import { defaultLifecyclePolicy } from '../../../src/alerts/lifecycle-policy.js';
import { snooze } from '../../../src/alerts/snooze.js';
import type { Alert, Transition } from '../../../src/domain/alert.js';
import { runHousekeeping, type HousekeepingDeps } from '../../../jobs/housekeeping/housekeeping.js';
import type { TransitionSink } from '../../../jobs/notify/transition-sink.js';
import { findingFor, maria, opened } from '../../support/alert-fixtures.js';
import { MemoryAlertStore } from '../../support/memory-stores.js';

const t0 = new Date('2026-03-02T09:00:00.000Z');
const HOUR = 3_600_000;

/** An alert snoozed for 1 h at t0, stored. */
async function snoozedAlert(store: MemoryAlertStore, id: string): Promise<Alert> {
  const o = opened(id, findingFor('prod', `db/${id}`), t0);
  await store.apply(o, {});
  const decision = snooze(o.alert, { by: maria, now: t0, origin: 'test', duration: '1h' });
  if (!decision.ok) throw new Error(decision.message);
  await store.apply(decision.changes, { [id]: o.alert.seq });
  return decision.alert;
}

function recordingSink(): TransitionSink & { sent: Transition[]; sweeps: number } {
  const sink = {
    sent: [] as Transition[],
    sweeps: 0,
    notify: (transitions: readonly Transition[]) => {
      sink.sent.push(...transitions);
      return Promise.resolve();
    },
    relay: () => {
      sink.sweeps++;
      return Promise.resolve();
    },
  };
  return sink;
}

function deps(
  store: HousekeepingDeps['alerts'],
  outbox: TransitionSink,
  at: Date,
  extra: Partial<HousekeepingDeps> = {},
) {
  return {
    alerts: store,
    policy: defaultLifecyclePolicy,
    outbox,
    now: () => at,
    staleClusters: () => Promise.resolve([]),
    ...extra,
  } satisfies HousekeepingDeps;
}

describe('runHousekeeping', () => {
  it('ends the snoozes that are due, hands them to the outbox once, and finds nothing due the second time', async () => {
    const store = new MemoryAlertStore();
    await snoozedAlert(store, 'a1');
    const outbox = recordingSink();
    expect(await runHousekeeping(deps(store, outbox, new Date(t0.getTime() + HOUR - 1)))).toMatchObject({
      reviewed: 1,
      transitions: 0,
    });
    const due = deps(store, outbox, new Date(t0.getTime() + HOUR));
    expect(await runHousekeeping(due)).toEqual({
      reviewed: 1,
      transitions: 1,
      conflicts: 0,
      stale: [],
      heartbeat: 'off',
    });
    expect(outbox.sent.map((t) => `${t.kind} ${t.origin}`)).toEqual(['unsnoozed housekeeping']);
    expect(await runHousekeeping(due)).toMatchObject({ transitions: 0 });
    expect(outbox.sent).toHaveLength(1);
    expect((await store.get('a1'))?.state).toBe('firing');
    // Every run also sweeps the relay for transitions a dead writer left behind.
    expect(outbox.sweeps).toBe(3);
  });

  it('re-reads and decides again when another writer wrote the alert in between', async () => {
    const store = new MemoryAlertStore();
    await snoozedAlert(store, 'a1');
    let raced = false;
    const racing: HousekeepingDeps['alerts'] = {
      listOpen: (f) => store.listOpen(f),
      get: (id) => store.get(id),
      async apply(changes: AlertChanges, expected: Record<string, number>) {
        if (!raced) {
          // A check run stamps the alert (seq + 1) after housekeeping read it.
          raced = true;
          const current = (await store.get('a1')) as Alert;
          await store.apply(
            { alerts: [{ ...current, seq: current.seq + 1, okRuns: 1 }], transitions: [] },
            { a1: current.seq },
          );
        }
        return store.apply(changes, expected);
      },
    };
    const outbox = recordingSink();
    const result = await runHousekeeping(deps(racing, outbox, new Date(t0.getTime() + 2 * HOUR)));
    expect(result).toMatchObject({ transitions: 1, conflicts: 0 });
    const after = await store.get('a1');
    expect(after).toMatchObject({ state: 'firing', okRuns: 1 });
    expect(outbox.sent[0]?.seq).toBe(after?.seq);
  });

  it('leaves an alert it keeps losing to the next tick and carries on with the others', async () => {
    const store = new MemoryAlertStore();
    await snoozedAlert(store, 'a1');
    await snoozedAlert(store, 'a2');
    const losing: HousekeepingDeps['alerts'] = {
      listOpen: (f) => store.listOpen(f),
      get: (id) => store.get(id),
      apply: (changes, expected) =>
        changes.alerts.some((a) => a.id === 'a1') ? Promise.resolve(false) : store.apply(changes, expected),
    };
    const result = await runHousekeeping(
      deps(losing, recordingSink(), new Date(t0.getTime() + 2 * HOUR), { maxConflicts: 3 }),
    );
    expect(result).toMatchObject({ reviewed: 2, transitions: 1, conflicts: 1 });
    expect((await store.get('a1'))?.state).toBe('snoozed');
    expect((await store.get('a2'))?.state).toBe('firing');
  });

  it('pings the heartbeat only while no scheduled check is stale', async () => {
    const store = new MemoryAlertStore();
    const beats: string[] = [];
    const heartbeat = (ok: boolean) => ({
      beat: () => {
        beats.push(ok ? 'ok' : 'refused');
        return Promise.resolve(ok);
      },
    });
    const run = (stale: string[], ok = true) =>
      runHousekeeping(
        deps(store, recordingSink(), t0, {
          staleClusters: () => Promise.resolve(stale),
          heartbeat: heartbeat(ok),
        }),
      );
    expect(await run([])).toMatchObject({ heartbeat: 'sent', stale: [] });
    expect(await run(['prod'])).toMatchObject({ heartbeat: 'withheld', stale: ['prod'] });
    expect(await run([], false)).toMatchObject({ heartbeat: 'failed' });
    expect(beats).toEqual(['ok', 'refused']);
  });

  it('sends no heartbeat when the timers could not be applied (the job fails instead)', async () => {
    const beats: number[] = [];
    const broken: HousekeepingDeps['alerts'] = {
      listOpen: () => Promise.reject(new Error('ECONNREFUSED')),
      get: () => Promise.resolve(null),
      apply: () => Promise.resolve(false),
    };
    const hb = { beat: () => Promise.resolve(beats.push(1) > 0) };
    await expect(runHousekeeping(deps(broken, recordingSink(), t0, { heartbeat: hb }))).rejects.toThrow(
      'ECONNREFUSED',
    );
    expect(beats).toEqual([]);
  });
});
