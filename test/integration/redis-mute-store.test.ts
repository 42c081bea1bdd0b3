import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisConnection, type RedisConnection } from '../../src/redis/redis-connection.js';
import { muteKeys } from '../../src/redis/redis-keys.js';
import { RedisMuteStore } from '../../src/redis/redis-mute-store.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const maria = { kind: 'slack' as const, id: 'U0MARIA', name: 'maria' };
const HOUR = 3_600_000;

let server: RedisServer;
let connection: RedisConnection;
let prefix: string;
let store: RedisMuteStore;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(() => {
  // Hash-tagged, as on a Redis Cluster: every MULTI must stay in the one slot.
  prefix = `{t-${randomUUID().slice(0, 8)}}`;
  connection = createRedisConnection({ url: server.url, prefix });
  store = new RedisMuteStore(connection.redis, prefix);
});
afterEach(async () => {
  await connection.close();
});

function muteFrom(now: number, hours: number) {
  return {
    scope: { clusters: ['prod'] },
    by: maria,
    at: new Date(now).toISOString(),
    until: new Date(now + hours * HOUR).toISOString(),
    origin: 'slack:C0OPS',
  };
}

describe('RedisMuteStore (real redis-server)', () => {
  it('numbers mutes, lists those in force soonest end first, and expires each at its end', async () => {
    const now = Date.now();
    const a = await store.add(muteFrom(now, 2));
    const b = await store.add({ ...muteFrom(now, 1), reason: 'upgrading' });
    expect([a.id, b.id]).toEqual(['m1', 'm2']);
    expect((await store.active(new Date(now))).map((m) => m.id)).toEqual(['m2', 'm1']);
    expect((await store.active(new Date(now + 1.5 * HOUR))).map((m) => m.id)).toEqual(['m1']);
    const ttl = await connection.redis.pttl(muteKeys(prefix).mute('m1'));
    expect(ttl).toBeGreaterThan(2 * HOUR - 5_000);
    expect(ttl).toBeLessThanOrEqual(2 * HOUR);
  });

  it('ends a mute early and makes what it held due now; an unknown id is null', async () => {
    const now = Date.now();
    const mute = await store.add(muteFrom(now, 2));
    await store.hold(
      { key: `mute:${mute.id}`, label: 'mute m1 by maria', until: mute.until },
      { alertId: 'a1', platform: 'slack', destination: 'C0PROD' },
    );
    expect(await store.ended(new Date(now + 60_000), 10)).toEqual([]);
    expect((await store.end('m1', new Date(now + 60_000)))?.until).toBe(new Date(now + 60_000).toISOString());
    expect(await store.end('m1', new Date(now + 60_000))).toBeNull();
    expect(await store.active(new Date(now + 60_000))).toEqual([]);
    expect(await store.ended(new Date(now + 60_000), 10)).toEqual([
      {
        key: 'mute:m1',
        label: 'mute m1 by maria',
        until: mute.until,
        held: [{ alertId: 'a1', platform: 'slack', destination: 'C0PROD' }],
      },
    ]);
  });

  it('lets one caller claim an announcement, remembers it posted, and forgets the muting after', async () => {
    const muting = {
      key: 'window:nightly:1',
      label: 'maintenance "nightly"',
      until: new Date(Date.now() - 1000).toISOString(),
    };
    await store.hold(muting, { alertId: 'a1', platform: 'teams', destination: '19:abc}{x@thread.tacv2' });
    await store.hold(muting, { alertId: 'a2', platform: 'teams', destination: '19:abc}{x@thread.tacv2' });
    const [ended] = await store.ended(new Date(), 10);
    expect(ended?.held.map((h) => h.alertId).sort()).toEqual(['a1', 'a2']);
    const dest = ['teams', '19:abc}{x@thread.tacv2'] as const;
    expect(
      await Promise.all([store.claim(muting.key, ...dest, 60_000), store.claim(muting.key, ...dest, 60_000)]),
    ).toEqual([true, false]);
    await store.settle(muting.key, ...dest, false);
    expect(await store.claim(muting.key, ...dest, 60_000)).toBe(true);
    await store.settle(muting.key, ...dest, true);
    expect(await store.announced(muting.key, ...dest)).toBe(true);
    await store.finish(muting.key);
    expect(await store.ended(new Date(), 10)).toEqual([]);
  });
});
