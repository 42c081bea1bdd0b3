import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeReport } from '../../src/checks/check.js';
import { createRedisConnection, type RedisConnection } from '../../src/redis/redis-connection.js';
import { nodeReportKeys } from '../../src/redis/redis-keys.js';
import { RedisNodeReports } from '../../src/redis/redis-node-reports.js';
import { DAY_MS, HOUR_MS } from '../../src/time/time-units.js';
import { uniquePrefix } from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

describe('RedisNodeReports (real redis-server)', () => {
  let server: RedisServer;
  let connection: RedisConnection;
  let clock = new Date('2026-03-10T12:00:00Z');
  const prefix = uniquePrefix('node-reports');
  let store: RedisNodeReports;

  beforeAll(async () => {
    server = await startRedisServer();
    connection = createRedisConnection({ url: server.url, prefix });
    store = new RedisNodeReports(connection.redis, prefix, () => clock);
  });
  afterAll(async () => {
    await connection?.close();
    await server?.stop();
  });

  const report = (node: string, observedAt: string, body: unknown = { node }): NodeReport => ({
    node,
    observedAt,
    intervalMinutes: 60,
    body,
  });

  it('keeps the newest report of each node: a late write of an older one changes nothing', async () => {
    expect(
      await store.put('prod', 'host-certificates', report('cp-1', '2026-03-10T11:00:00.000Z'), DAY_MS),
    ).toBe(true);
    expect(
      await store.put('prod', 'host-certificates', report('cp-1', '2026-03-10T10:00:00.000Z', 'old'), DAY_MS),
    ).toBe(false);
    expect(
      await store.put('prod', 'host-certificates', report('cp-2', '2026-03-10T11:30:00.000Z'), DAY_MS),
    ).toBe(true);
    expect(
      await store.put('staging', 'host-certificates', report('s-1', '2026-03-10T11:30:00.000Z'), DAY_MS),
    ).toBe(true);
    const latest = await store.latest('prod', 'host-certificates');
    expect(latest.sort((a, b) => a.node.localeCompare(b.node))).toEqual([
      report('cp-1', '2026-03-10T11:00:00.000Z'),
      report('cp-2', '2026-03-10T11:30:00.000Z'),
    ]);
    expect(await store.latest('prod', 'other-kind')).toEqual([]);
  });

  it('forgets a node once its report expired, and tidies the index', async () => {
    const keys = nodeReportKeys(prefix);
    await store.put('expiry', 'host-certificates', report('gone', '2026-03-10T11:00:00.000Z'), HOUR_MS);
    await store.put('expiry', 'host-certificates', report('kept', '2026-03-10T11:00:00.000Z'), DAY_MS);
    clock = new Date(clock.getTime() + 2 * HOUR_MS);
    expect((await store.latest('expiry', 'host-certificates')).map((r) => r.node)).toEqual(['kept']);
    expect(await connection.redis.zrange(keys.nodes('expiry', 'host-certificates'), '0', '-1')).toEqual([
      'kept',
    ]);
    clock = new Date(clock.getTime() - 2 * HOUR_MS);
  });

  it('returns a value that is not a report as one the check reports unreadable', async () => {
    const keys = nodeReportKeys(prefix);
    await store.put('garbage', 'host-certificates', report('n-1', '2026-03-10T11:00:00.000Z'), DAY_MS);
    await connection.redis.set(keys.report('garbage', 'host-certificates', 'n-1'), '{not json');
    expect(await store.latest('garbage', 'host-certificates')).toEqual([
      { node: 'n-1', observedAt: '', intervalMinutes: 0, body: undefined },
    ]);
  });

  it('reads a large cluster in slices', async () => {
    const nodes = Array.from({ length: 450 }, (_, i) => `n-${String(i).padStart(3, '0')}`);
    for (const n of nodes)
      await store.put('big', 'host-certificates', report(n, '2026-03-10T11:00:00.000Z'), DAY_MS);
    const latest = await store.latest('big', 'host-certificates');
    expect(latest.map((r) => r.node).sort()).toEqual(nodes);
  });
});
