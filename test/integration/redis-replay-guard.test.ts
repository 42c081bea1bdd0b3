import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnection, type RedisConnection } from '../../src/redis/redis-connection.js';
import { RedisReplayGuard } from '../../src/redis/redis-replay-guard.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

let server: RedisServer;
let a: RedisConnection;
let b: RedisConnection;
const prefix = `test-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  server = await startRedisServer();
  // Two connections: two replicas seeing the same replayed request.
  a = createRedisConnection({ url: server.url, prefix });
  b = createRedisConnection({ url: server.url, prefix });
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await server?.stop();
});

describe('RedisReplayGuard', () => {
  it('says true once per key across replicas, even when both ask at the same moment', async () => {
    const guards = [new RedisReplayGuard(a.redis, prefix), new RedisReplayGuard(b.redis, prefix)];
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => guards[i % 2]!.firstTime('slack:abc', 600)),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(await guards[0]!.firstTime('slack:other', 600)).toBe(true);
  });

  it('forgets a key when its window ends, under the prefix', async () => {
    const guard = new RedisReplayGuard(a.redis, prefix);
    expect(await guard.firstTime('slack:short', 1)).toBe(true);
    const ttl = await a.redis.pttl(`${prefix}:replay:slack:short`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await guard.firstTime('slack:short', 1)).toBe(true);
  });
});
