import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotStore } from '../../src/alerts/snapshot-store.js';
import { parseConfig } from '../../src/config/load-config.js';
import { readServeEnv } from '../../src/config/serve-env.js';
import { createRedisStores } from '../../src/redis/redis-stores.js';
import { createHeartbeat, heartbeatTarget } from '../../jobs/housekeeping/heartbeat.js';
import type { HousekeepingResult } from '../../jobs/housekeeping/housekeeping.js';
import { startJobs, type Jobs } from '../../jobs/start-jobs.js';
import { countingCheckDeps } from '../support/fake-check-deps.js';
import {
  queueClients,
  recordingLog,
  uniquePrefix,
  waitFor,
  type QueueClients,
} from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const SECRET_PATH = '/ping/6f1c9a2e-secret-uuid';
const SECRET_QUERY = 'key=S3CRETKEY';

/** A dead-man's-switch receiver on loopback: records each ping, answers `status`. */
async function startReceiver() {
  const pings: { method: string; url: string; body: string }[] = [];
  let status = 200;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      pings.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.writeHead(status);
      res.end('OK');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    pings,
    url: `http://127.0.0.1:${port}${SECRET_PATH}?${SECRET_QUERY}`,
    origin: `http://127.0.0.1:${port}`,
    answer: (s: number) => (status = s),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('heartbeat (VIGIL_HEARTBEAT_URL)', () => {
  it('is read from the environment, and a bad value is refused without repeating it', () => {
    expect(readServeEnv({ VIGIL_HEARTBEAT_URL: 'https://hc-ping.com/abc' }).heartbeat).toEqual({
      url: 'https://hc-ping.com/abc',
      method: 'GET',
    });
    expect(
      readServeEnv({ VIGIL_HEARTBEAT_URL: 'https://x.test/p', VIGIL_HEARTBEAT_METHOD: 'post' }).heartbeat,
    ).toEqual({ url: 'https://x.test/p', method: 'POST' });
    expect(readServeEnv({}).heartbeat).toBeUndefined();
    expect(() => readServeEnv({ VIGIL_HEARTBEAT_URL: 'ftp://x.test/?key=SECRET' })).toThrow(
      /VIGIL_HEARTBEAT_URL: must be an http:\/\/ or https:\/\/ URL/,
    );
    try {
      readServeEnv({ VIGIL_HEARTBEAT_URL: 'not a url ?key=SECRET', VIGIL_HEARTBEAT_METHOD: 'PUT' });
      expect.unreachable();
    } catch (err) {
      expect(String(err)).toMatch(/VIGIL_HEARTBEAT_METHOD: must be GET or POST/);
      expect(String(err)).not.toContain('SECRET');
    }
  });

  it('pings with GET or POST; a refusal or an unreachable receiver is logged with the host only', async () => {
    const receiver = await startReceiver();
    const log = recordingLog();
    expect(await createHeartbeat({ url: receiver.url, log }).beat()).toBe(true);
    expect(await createHeartbeat({ url: receiver.url, method: 'POST', log }).beat()).toBe(true);
    expect(receiver.pings.map((p) => `${p.method} ${p.url}`)).toEqual([
      `GET ${SECRET_PATH}?${SECRET_QUERY}`,
      `POST ${SECRET_PATH}?${SECRET_QUERY}`,
    ]);
    receiver.answer(500);
    expect(await createHeartbeat({ url: receiver.url, log }).beat()).toBe(false);
    await receiver.close();
    expect(await createHeartbeat({ url: receiver.url, log, timeoutMs: 2_000 }).beat()).toBe(false);
    expect(log.lines.map((l) => l.message)).toEqual([
      'heartbeat refused; the dead-man switch may fire',
      'heartbeat not delivered; the dead-man switch may fire',
    ]);
    expect(log.lines.every((l) => JSON.stringify(l.fields).includes(receiver.origin))).toBe(true);
    expect(JSON.stringify(log.lines)).not.toMatch(/secret-uuid|S3CRETKEY/);
    expect(heartbeatTarget('https://hc-ping.com/uuid?key=1')).toBe('https://hc-ping.com');
  });
});

/**
 * The cycle: the housekeeping job (one per tick across replicas) pings after it applied the timers
 * and only while every scheduled check is on time, as the watchdog judges; when the checks stop,
 * the pings stop, and the receiver (healthchecks.io, a Watchdog route) raises the alarm.
 */
describe('heartbeat from the housekeeping cycle (real BullMQ, redis-server)', () => {
  let redis: RedisServer;
  let clients: QueueClients;
  let jobs: Jobs | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const results: HousekeepingResult[] = [];
  const log = recordingLog();

  beforeAll(async () => {
    [redis, receiver] = await Promise.all([startRedisServer(), startReceiver()]);
    clients = queueClients(redis, uniquePrefix('heartbeat'));
  });
  afterAll(async () => {
    await jobs?.stop();
    await clients?.close();
    await Promise.allSettled([redis?.stop(), receiver?.close()]);
  });

  it('pings every cycle while checks run, stops while they do not, and never logs the URL', async () => {
    const config = parseConfig(
      {
        clusters: [{ name: 'prod', inCluster: true }],
        schedules: {
          checks: { statefulsets: '* * * * * *', certificates: false, registries: false },
          retry: { attempts: 1, backoffSeconds: 1 },
          watchdog: { missedRuns: 2, graceSeconds: 0 },
          housekeeping: '* * * * * *',
        },
        alerts: { defaultRoute: { slack: ['C0OPS'] } },
      },
      'test.yaml',
      '/',
    );
    const stores = createRedisStores(clients.storeConnection, config.alerts);
    let broken = false;
    const snapshots: SnapshotStore = {
      put: (s) => (broken ? Promise.reject(new Error('OOM command not allowed')) : stores.snapshots.put(s)),
      get: (c, k) => stores.snapshots.get(c, k),
      lastRuns: () => stores.snapshots.lastRuns(),
    };
    jobs = await startJobs({
      config,
      redis: { bullmq: clients.bullmq, store: clients.store },
      prefix: clients.prefix,
      checks: countingCheckDeps().deps,
      alerts: stores.alerts,
      snapshots,
      platforms: new Map(),
      log,
      now: () => new Date(),
      run: { watchdog: false, startupRuns: false },
      heartbeat: { url: receiver.url, method: 'GET' },
      observe: { housekeeping: { housekept: (r) => results.push(r) } },
    });

    await waitFor(
      'two cycles with a ping',
      () => results.filter((r) => r.heartbeat === 'sent').length >= 2,
      10_000,
    );
    expect(receiver.pings.length).toBeGreaterThanOrEqual(2);
    expect(
      receiver.pings.every((p) => p.method === 'GET' && p.url === `${SECRET_PATH}?${SECRET_QUERY}`),
    ).toBe(true);

    broken = true;
    await waitFor('a withheld heartbeat', () => results.at(-1)?.heartbeat === 'withheld', 10_000);
    expect(results.at(-1)?.stale).toEqual(['prod']);
    const pinged = receiver.pings.length;
    const seen = results.length;
    await waitFor('two more cycles', () => results.length >= seen + 2, 10_000);
    expect(receiver.pings.length).toBe(pinged);
    expect(results.slice(seen).every((r) => r.heartbeat === 'withheld')).toBe(true);

    receiver.answer(503);
    broken = false;
    await waitFor('a refused heartbeat', () => results.at(-1)?.heartbeat === 'failed', 10_000);
    expect(receiver.pings.length).toBeGreaterThan(pinged);
    receiver.answer(200);
    await waitFor('the heartbeat again', () => results.at(-1)?.heartbeat === 'sent', 10_000);

    const refused = log.lines.find((l) => l.message.startsWith('heartbeat refused'));
    expect(refused?.fields).toEqual({ target: receiver.origin, status: 503 });
    expect(JSON.stringify(log.lines)).not.toMatch(/secret-uuid|S3CRETKEY/);
  }, 40_000);
});
