import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClockGuard } from '../../jobs/clock-guard/clock-guard.js';
import { startJobs, type Jobs } from '../../jobs/start-jobs.js';
import { parseConfig } from '../../src/config/load-config.js';
import { RedisClockBoard } from '../../src/redis/redis-clock-board.js';
import { createRedisStores } from '../../src/redis/redis-stores.js';
import { countingCheckDeps } from '../support/fake-check-deps.js';
import { queueClients, recordingLog, uniquePrefix, waitFor } from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

/**
 * The clock guard against a real redis-server: replicas compare their wall clocks with Redis' TIME
 * through the board, and the one that is off (90 s ahead, as in the soak, bench/soak-replicas.ts)
 * takes no scheduled runs, while the others take every tick.
 */
describe('clock guard (real redis-server)', () => {
  let redis: RedisServer;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await redis?.stop();
  });

  const guards = (prefix: string, offsets: number[]) => {
    const c = queueClients(redis, prefix);
    cleanups.push(() => c.close());
    const board = new RedisClockBoard(c.store, prefix);
    return offsets.map(
      (offset, i) =>
        new ClockGuard({
          board,
          replicaId: `r${i}`,
          toleranceMs: 5_000,
          intervalMs: 1_000,
          now: () => Date.now() + offset,
          onOutlier: async () => {},
          log: recordingLog(),
        }),
    );
  };

  it('names the replica 90 s ahead as the outlier, and nobody when Redis is the one that is off', async () => {
    const three = guards(uniquePrefix('clock'), [0, 40, 90_000]);
    for (const g of three) await g.check(); // publish
    const verdicts = [];
    for (const g of three) verdicts.push(await g.check());
    expect(verdicts.map((v) => v.outlier)).toEqual([false, false, true]);
    expect(verdicts[2]!.offsetMs).toBeGreaterThan(89_000);
    expect(verdicts[2]!.peers).toBe(2);

    const redisOff = guards(uniquePrefix('clock'), [90_000, 90_050, 89_900]);
    for (const g of redisOff) await g.check();
    for (const g of redisOff) expect((await g.check()).outlier).toBe(false);
  });

  it('the skewed replica of two runs no scheduled tick and reports it; the other runs them all', async () => {
    const prefix = uniquePrefix('clock-jobs');
    const cfg = parseConfig(
      {
        clusters: [{ name: 'prod', inCluster: true }],
        schedules: {
          checks: {
            statefulsets: '* * * * * *',
            certificates: false,
            registries: false,
            'host-certificates': false,
          },
          runOnStart: false,
          retry: { attempts: 1, backoffSeconds: 1 },
        },
      },
      'test.yaml',
      '/',
    );
    const start = async (offsetMs: number) => {
      const c = queueClients(redis, prefix);
      cleanups.push(() => c.close());
      const counting = countingCheckDeps();
      const stores = createRedisStores(c.storeConnection, cfg.alerts);
      const log = recordingLog();
      const jobs: Jobs = await startJobs({
        config: cfg,
        redis: { bullmq: c.bullmq, store: c.store },
        prefix,
        checks: counting.deps,
        alerts: stores.alerts,
        snapshots: stores.snapshots,
        platforms: new Map(),
        log,
        now: () => new Date(Date.now() + offsetMs),
        run: { watchdog: false, notifyWorker: false },
        clock: { now: () => Date.now() + offsetMs, intervalMs: 200 },
      });
      cleanups.push(() => jobs.stop());
      return { jobs, runs: counting.runs, log };
    };
    const healthy = await start(0);
    const skewed = await start(90_000);
    expect(skewed.jobs.clockStatus()).toMatchObject({ outlier: true, peers: 1 });
    expect(healthy.jobs.clockStatus()?.outlier).toBe(false);
    expect(
      skewed.log.lines.some((l) => l.level === 'error' && /clock is (89|90)\.\d s off/.test(l.message)),
    ).toBe(true);
    await waitFor('four ticks run', () => healthy.runs.length >= 4, 10_000);
    await skewed.jobs.stop();
    await healthy.jobs.stop();
    expect(skewed.runs).toEqual([]);
  }, 20_000);
});
