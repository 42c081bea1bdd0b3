import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisConnection, type RedisConnection } from '../../src/redis/redis-connection.js';
import {
  defaultEnvelopeWindowMs,
  envelopeKeys,
  RedisEnvelopeDedupe,
} from '../../src/redis/redis-envelope-dedupe.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

let server: RedisServer;
let a: RedisConnection;
let b: RedisConnection;
let prefix: string;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(() => {
  prefix = `test-${randomUUID().slice(0, 8)}`;
  // Two connections: two replicas of vigil sharing one Redis.
  a = createRedisConnection({ url: server.url, prefix });
  b = createRedisConnection({ url: server.url, prefix });
});
afterEach(async () => {
  await Promise.all([a.close(), b.close()]);
});

describe('RedisEnvelopeDedupe', () => {
  it('lets exactly one of many concurrent claims across replicas win', async () => {
    const replicas = [a, b].map((c) => new RedisEnvelopeDedupe(c.redis, prefix, 'slack'));
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => replicas[i % 2]!.claim('env-1')));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await replicas[0]!.claim('env-2')).toBe(true);
  });

  it('forgets a claim after the window, and keys it under the prefix and platform', async () => {
    const dedupe = new RedisEnvelopeDedupe(a.redis, prefix, 'slack', 150);
    expect(await dedupe.claim('env-3')).toBe(true);
    const key = envelopeKeys(prefix, 'slack').envelope('env-3');
    expect(key).toBe(`${prefix}:inbound:slack:envelope:env-3`);
    expect(await a.redis.pttl(key)).toBeGreaterThan(0);
    expect(await dedupe.claim('env-3')).toBe(false);
    await new Promise((r) => setTimeout(r, 250));
    expect(await dedupe.claim('env-3')).toBe(true);
    // Another platform's envelope ids are its own.
    expect(await new RedisEnvelopeDedupe(a.redis, prefix, 'teams').claim('env-3')).toBe(true);
  });

  it('keeps a claim for ten minutes by default, longer than Slack retries an envelope', async () => {
    expect(defaultEnvelopeWindowMs).toBe(600_000);
    await new RedisEnvelopeDedupe(a.redis, prefix, 'slack').claim('env-4');
    const ttl = await a.redis.pttl(envelopeKeys(prefix, 'slack').envelope('env-4'));
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
  });

  it('rejects when Redis cannot record the claim', async () => {
    const closed = createRedisConnection({ url: server.url, prefix });
    await closed.close();
    await expect(new RedisEnvelopeDedupe(closed.redis, prefix, 'slack').claim('env-5')).rejects.toThrow();
  });
});
