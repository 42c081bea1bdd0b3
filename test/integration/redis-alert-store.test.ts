import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acknowledge } from '../../src/alerts/acknowledge.js';
import { actOnAlert } from '../../src/alerts/act-on-alert.js';
import { alertIdFor } from '../../src/alerts/alert-id.js';
import type { AlertChanges, AlertStore } from '../../src/alerts/alert-store.js';
import { expectedSeqOf, reconcile } from '../../src/alerts/reconcile.js';
import type { Alert } from '../../src/domain/alert.js';
import type { Finding } from '../../src/domain/finding.js';
import { RedisAlertStore } from '../../src/redis/redis-alert-store.js';
import { RedisAuditLog } from '../../src/redis/redis-audit-log.js';
import { createRedisConnection, type RedisConnection } from '../../src/redis/redis-connection.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { accessFinding, at, finding, maria, MIN, policy, T0 } from '../unit/alerts/alert-fixtures.js';

let server: RedisServer;
let connection: RedisConnection;
let prefix: string;
let store: RedisAlertStore;
let audit: RedisAuditLog;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});
// House rule 10: a unique prefix per test, so tests never see each other's keys.
beforeEach(() => {
  prefix = `test-${randomUUID().slice(0, 8)}`;
  connection = createRedisConnection({ url: server.url, prefix });
  store = new RedisAlertStore(connection.redis, prefix);
  audit = new RedisAuditLog(connection.redis, prefix);
});
afterEach(async () => {
  await connection.close();
});

const web = (severity: 'ok' | 'warning' | 'critical') => finding('secret web/web-tls tls.crt', severity);
const api = (severity: 'ok' | 'warning' | 'critical') => finding('secret web/api-tls tls.crt', severity);

/** A check run the way src/alerts/apply-run.ts does it, without retries: read, reconcile, apply. */
async function run(
  findings: Finding[],
  now: Date,
  runId: string,
  reachable = true,
): Promise<{ changes: AlertChanges; applied: boolean }> {
  const stored = [
    ...(await store.alertsFor('prod', 'certificates')),
    ...(await store.alertsFor('prod', 'cluster')),
  ];
  const ids: string[] = [];
  for (let i = 0; i < findings.length; i++) ids.push(await store.newId());
  const changes = reconcile({
    cluster: 'prod',
    check: 'certificates',
    runId,
    reachable,
    findings,
    stored,
    now,
    policy,
    newId: () => ids.shift() ?? 'none',
  });
  return { changes, applied: await store.apply(changes, expectedSeqOf(stored)) };
}

describe('RedisAlertStore', () => {
  it('stores alerts and finds them by short id (any case), fingerprint and cluster + check', async () => {
    const { changes, applied } = await run([web('warning'), api('critical')], T0, 'r1');
    expect(applied).toBe(true);
    const [first, second] = changes.alerts as [Alert, Alert];
    expect(first.id).toMatch(/^[a-z][a-z2-9]{4}$/);

    expect(await store.get(first.id)).toEqual(first);
    expect(await store.get(` ${first.id.toUpperCase()} `)).toEqual(first);
    expect(await store.get(first.fingerprint)).toEqual(first);
    expect(await store.get('nope')).toBeNull();
    expect((await store.alertsFor('prod', 'certificates')).map((a) => a.id).sort()).toEqual(
      [first.id, second.id].sort(),
    );
    expect(await store.alertsFor('prod', 'registries')).toEqual([]);
    // Worst first.
    expect((await store.listOpen()).map((a) => a.severity)).toEqual(['critical', 'warning']);
    expect(await store.listOpen({ cluster: 'staging' })).toEqual([]);
  });

  it('audits every transition in the same write, with who, what, when and from where', async () => {
    const { changes } = await run([web('warning')], T0, 'r1');
    const id = changes.alerts[0]?.id ?? '';
    expect(await audit.read({ alertId: id })).toEqual([
      {
        at: T0.toISOString(),
        actor: { kind: 'system', id: 'system', name: 'vigil' },
        action: 'opened',
        alertId: id,
        cluster: 'prod',
        origin: 'check-run:r1',
        detail: 'warning: secret web/web-tls tls.crt is warning',
      },
    ]);
  });

  it('a run applied twice changes nothing the second time', async () => {
    await run([web('critical')], T0, 'r1');
    const again = await run([web('critical')], at(MIN), 'r1');
    expect(again.changes).toEqual({ alerts: [], transitions: [] });
    expect(await audit.read()).toHaveLength(1);
  });

  it('refuses a write based on a stale version and writes nothing of it', async () => {
    const { changes } = await run([web('warning')], T0, 'r1');
    const alert = changes.alerts[0] as Alert;
    await run([web('critical')], at(MIN), 'r2'); // escalates: seq 2
    const late = acknowledge(alert, { by: maria, now: at(2 * MIN), origin: 'slack:C0OPS' });
    if (!late.ok) throw new Error(late.message);
    expect(await store.apply(late.changes, { [alert.id]: alert.seq })).toBe(false);
    expect(await store.get(alert.id)).toMatchObject({ state: 'firing', severity: 'critical', seq: 2 });
    expect((await audit.read()).map((e) => e.action)).toEqual(['escalated', 'opened']);
  });

  it('two writers from the same read: exactly one wins, the loser re-reads and neither change is lost', async () => {
    await run([web('critical')], T0, 'r1');
    const read = (await store.alertsFor('prod', 'certificates'))[0] as Alert;
    // A check run (a silent update: okRuns) and an acknowledgement, both decided from `read`.
    const runChanges = reconcile({
      cluster: 'prod',
      check: 'certificates',
      runId: 'r2',
      reachable: true,
      findings: [web('ok')],
      stored: [read],
      now: at(MIN),
      policy,
      newId: () => 'unused',
    });
    const ack = acknowledge(read, { by: maria, now: at(MIN), origin: 'slack:C0OPS', note: 'on it' });
    if (!ack.ok) throw new Error(ack.message);
    const results = await Promise.all([
      store.apply(runChanges, { [read.id]: read.seq }),
      store.apply(ack.changes, { [read.id]: read.seq }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);

    // The loser retries from a fresh read.
    if (results[0]) {
      const retried = await actOnAlert(store, read.id, (a) =>
        acknowledge(a, { by: maria, now: at(MIN), origin: 'slack:C0OPS', note: 'on it' }),
      );
      expect(retried.ok).toBe(true);
    } else {
      expect((await run([web('ok')], at(MIN), 'r2')).applied).toBe(true);
    }
    expect(await store.get(read.id)).toMatchObject({
      state: 'acknowledged',
      okRuns: 1,
      lastRunId: 'r2',
      seq: 3,
    });
  });

  it('actOnAlert re-reads and decides again when a check run writes between its read and its write', async () => {
    await run([web('critical')], T0, 'r1');
    const id = (await store.listOpen())[0]?.id ?? '';
    let raced = false;
    const racing: AlertStore = {
      alertsFor: (c, k) => store.alertsFor(c, k),
      get: (x) => store.get(x),
      listOpen: (f) => store.listOpen(f),
      newId: () => store.newId(),
      async apply(changes, expected) {
        if (!raced) {
          raced = true;
          expect((await run([web('ok')], at(MIN), 'r2')).applied).toBe(true);
        }
        return store.apply(changes, expected);
      },
    };
    const decidedFrom: number[] = [];
    const decision = await actOnAlert(racing, id, (alert) => {
      decidedFrom.push(alert.seq);
      return acknowledge(alert, { by: maria, now: at(2 * MIN), origin: 'slack:C0OPS', note: 'on it' });
    });
    expect(decision.ok).toBe(true);
    expect(decidedFrom).toEqual([1, 2]);
    expect(await store.get(id)).toMatchObject({ state: 'acknowledged', okRuns: 1, lastRunId: 'r2', seq: 3 });
    expect(
      await actOnAlert(store, 'zzzzz', (a) => acknowledge(a, { by: maria, now: T0, origin: 'cli' })),
    ).toMatchObject({
      ok: false,
      code: 'unknown-alert',
    });
  });

  it('refuses a second open alert for a fingerprint, and a new alert whose id exists', async () => {
    const { changes } = await run([web('warning')], T0, 'r1');
    const existing = changes.alerts[0] as Alert;
    // A racing run that did not see `existing` decides to open the same incident.
    const racing = reconcile({
      cluster: 'prod',
      check: 'certificates',
      runId: 'r1b',
      reachable: true,
      findings: [web('warning')],
      stored: [],
      now: T0,
      policy,
      newId: () => 'other',
    });
    expect(await store.apply(racing, {})).toBe(false);
    const sameId = {
      ...racing,
      alerts: racing.alerts.map((a) => ({ ...a, id: existing.id, fingerprint: 'f'.repeat(16) })),
    };
    expect(await store.apply({ alerts: sameId.alerts, transitions: [] }, {})).toBe(false);
    expect(await store.get('other')).toBeNull();
  });

  it('keeps resolved alerts for the retention only, then forgets them and cleans the index', async () => {
    await run([web('critical')], T0, 'r1');
    await run([], at(10 * MIN), 'r2');
    const { changes } = await run([], at(20 * MIN), 'r3');
    const resolved = changes.alerts[0] as Alert;
    expect(resolved.state).toBe('resolved');
    expect(await store.listOpen()).toEqual([]);
    const key = `${prefix}:alerts:id:${resolved.id}`;
    const ttl = await connection.redis.pttl(key);
    expect(ttl).toBeGreaterThan(6 * 86_400_000);
    expect(ttl).toBeLessThanOrEqual(7 * 86_400_000);

    // Reopened within the window: kept again without expiry.
    await run([web('warning')], at(30 * MIN), 'r4');
    expect(await connection.redis.pttl(key)).toBe(-1);
    expect(await store.listOpen()).toHaveLength(1);

    // Expiry (simulated, no waiting): the index forgets the id on the next read.
    await connection.redis.del(key);
    expect(await store.alertsFor('prod', 'certificates')).toEqual([]);
    expect(await connection.redis.smembers(`${prefix}:alerts:check:prod:certificates`)).toEqual([]);
    expect(await store.listOpen()).toEqual([]);
    expect(await connection.redis.smembers(`${prefix}:alerts:open`)).toEqual([]);
  });

  it('holds and releases through the store: the root-cause alert is stored under check "cluster"', async () => {
    await run([web('critical')], T0, 'r1');
    await run([accessFinding()], at(MIN), 'r2', false);
    expect((await store.alertsFor('prod', 'cluster')).map((a) => a.source)).toEqual(['cluster-access']);
    expect((await store.alertsFor('prod', 'certificates'))[0]?.held).toBeDefined();
    await run([web('critical')], at(2 * MIN), 'r3');
    expect((await store.alertsFor('prod', 'certificates'))[0]?.held).toBeUndefined();
  });

  it('gives distinct ids from a counter per prefix', async () => {
    const ids = await Promise.all(Array.from({ length: 200 }, () => store.newId()));
    expect(new Set(ids).size).toBe(200);
    expect(ids).toContain(alertIdFor(1));
    const other = new RedisAlertStore(connection.redis, `${prefix}-other`);
    expect(await other.newId()).toBe(alertIdFor(1));
  });

  it('reloads its Lua script when Redis lost it (restart, SCRIPT FLUSH)', async () => {
    await run([web('critical')], T0, 'r1');
    await connection.redis.script('FLUSH');
    expect((await run([web('critical')], at(MIN), 'r2')).applied).toBe(true);
  });

  it('writes every key under its prefix', async () => {
    const before = new Set(await connection.redis.keys('*'));
    await run([web('critical'), api('warning')], T0, 'r1');
    await audit.append({ at: T0.toISOString(), actor: maria, action: 'refused:ack', origin: 'slack:C0OPS' });
    const keys = (await connection.redis.keys('*')).filter((k) => !before.has(k));
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => !k.startsWith(`${prefix}:`))).toEqual([]);
  });
});
