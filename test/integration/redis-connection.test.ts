import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../src/domain/vigil-error.js';
import { createRedisConnection } from '../../src/redis/redis-connection.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

let server: RedisServer;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

function errorOf(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(VigilError);
    return err as VigilError;
  }
  throw new Error('expected a VigilError');
}

describe('createRedisConnection', () => {
  it('connects, names the connection and closes', async () => {
    const c = createRedisConnection({
      url: server.url,
      prefix: `test-${randomUUID().slice(0, 8)}`,
      name: 'vigil-test',
    });
    expect(await c.redis.ping()).toBe('PONG');
    expect(await c.redis.client('GETNAME')).toBe('vigil-test');
    expect((c.redis.options as { maxRetriesPerRequest?: number | null }).maxRetriesPerRequest).not.toBeNull();
    await c.close();
    expect(c.redis.status).toBe('end');
    await c.close(); // twice is fine
  });

  it('configures BullMQ connections to wait for a reconnection (maxRetriesPerRequest: null)', async () => {
    const c = createRedisConnection({ url: server.url, forBullMQ: true, lazyConnect: true });
    expect((c.redis.options as { maxRetriesPerRequest?: number | null }).maxRetriesPerRequest).toBeNull();
    expect(c.prefix).toBe('vigil');
    await c.close();
  });

  it('closes at once when Redis is not there, even a BullMQ connection that would wait forever', async () => {
    // A port nobody listens on: the connection keeps reconnecting, with QUIT stuck in its offline queue.
    const gone = await startRedisServer();
    const url = gone.url;
    await gone.stop();
    for (const forBullMQ of [false, true]) {
      let attempts = 0;
      const c = createRedisConnection({ url, forBullMQ, lazyConnect: true, onError: () => attempts++ });
      await expect(c.redis.connect()).rejects.toThrow();
      const started = Date.now();
      await c.close();
      expect(Date.now() - started).toBeLessThan(1_000);
      // And it stops trying: no reconnect loop left to keep the process alive.
      const after = attempts;
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(attempts).toBe(after);
    }
  });

  it('refuses a bad prefix or URL with the fix, without echoing a password', () => {
    expect(errorOf(() => createRedisConnection({ url: server.url, prefix: 'vigil:' })).code).toBe(
      'redis-prefix-invalid',
    );
    expect(errorOf(() => createRedisConnection({ url: server.url, prefix: 'a b' })).userMessage).toMatch(
      /e\.g\. "vigil"/,
    );
    expect(errorOf(() => createRedisConnection({ url: 'localhost:6379' })).code).toBe('redis-url-invalid');
    const http = errorOf(() => createRedisConnection({ url: 'http://user:s3cret@redis:6379' }));
    expect(http.userMessage).toBe(
      'REDIS_URL must start with redis:// or rediss:// (got http://redis:6379); e.g. redis://redis:6379',
    );
    expect(http.userMessage).not.toContain('s3cret');
  });
});
