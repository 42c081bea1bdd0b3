import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';

function ping(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write('PING\r\n'));
    s.once('error', reject);
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().trim());
    });
  });
}

/** test/support/redis-server.ts with REDIS_URL set: that server is used, not spawned, not stopped. */
describe('startRedisServer with REDIS_URL', () => {
  let own: RedisServer;
  const before = process.env.REDIS_URL;
  beforeAll(async () => {
    own = await startRedisServer();
    process.env.REDIS_URL = own.url;
  });
  afterAll(async () => {
    if (before === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = before;
    await own?.stop();
  });

  it('hands out the REDIS_URL server, and refuses to kill or restart it', async () => {
    const shared = await startRedisServer();
    expect(shared.url).toBe(own.url);
    expect(shared.port).toBe(own.port);
    await expect(shared.kill()).rejects.toThrow(
      /is not a server this test started; it cannot kill or restart it/,
    );
    await expect(shared.restart()).rejects.toThrow(/cannot kill or restart it/);
    await shared.stop();
    expect(await ping(own.port)).toBe('+PONG'); // stop() left it running
  });

  it('still spawns a server of its own for a test that crashes it (persist)', async () => {
    const crashable = await startRedisServer({ persist: true });
    try {
      expect(crashable.url).not.toBe(own.url);
      await crashable.kill();
      await crashable.start();
    } finally {
      await crashable.stop();
    }
  });
});
