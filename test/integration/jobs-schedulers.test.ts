import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import type { VigilConfig } from '../../src/config/config-schema.js';
import { syncCheckSchedulers } from '../../jobs/run-check/check-schedulers.js';
import { createQueues } from '../../jobs/create-queues.js';
import { createRedisStores } from '../../src/redis/redis-stores.js';
import { planSchedules } from '../../jobs/queue/schedule-plan.js';
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

const retry = { attempts: 1, backoffSeconds: 1 };

function config(raw: object): Readonly<VigilConfig> {
  return parseConfig(raw, 'test.yaml', '/');
}

describe('check schedulers on BullMQ (real redis-server)', () => {
  let redis: RedisServer;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await redis?.stop();
  });

  function clients(prefix: string): QueueClients {
    const c = queueClients(redis, prefix);
    cleanups.push(() => c.close());
    return c;
  }

  it('upserts one scheduler per cluster and check from config, and prunes those that left it', async () => {
    const c = clients(uniquePrefix('sched'));
    const queues = createQueues(c.bullmq, c.prefix);
    cleanups.push(() => queues.close());
    const before = config({
      clusters: [
        { name: 'prod', inCluster: true },
        { name: 'dev', inCluster: true },
      ],
      schedules: {
        timezone: 'Europe/Berlin',
        checks: { registries: '*/10 * * * *' },
        clusters: { dev: { certificates: false, statefulsets: '*/15 * * * *' } },
      },
    });
    const first = await syncCheckSchedulers(queues.checks, planSchedules(before), retry);
    expect(first.removed).toEqual([]);
    const stored = await queues.checks.getJobSchedulers(0, -1);
    const byId = Object.fromEntries(stored.map((s) => [s.id ?? s.key, s]));
    expect(Object.keys(byId).sort()).toEqual([
      'check-dev-host-certificates',
      'check-dev-registries',
      'check-dev-statefulsets',
      'check-prod-certificates',
      'check-prod-host-certificates',
      'check-prod-registries',
      'check-prod-statefulsets',
    ]);
    expect(byId['check-prod-certificates']).toMatchObject({ pattern: '0 */6 * * *', tz: 'Europe/Berlin' });
    expect(byId['check-dev-statefulsets']).toMatchObject({ pattern: '*/15 * * * *' });
    expect(byId['check-prod-registries']?.template?.data).toEqual({ cluster: 'prod', check: 'registries' });

    // Upserting again (every replica does at start-up) changes nothing.
    await syncCheckSchedulers(queues.checks, planSchedules(before), retry);
    expect(await queues.checks.getJobSchedulersCount()).toBe(7);

    const after = config({ clusters: [{ name: 'prod', inCluster: true }] });
    const second = await syncCheckSchedulers(queues.checks, planSchedules(after), retry);
    expect(second.removed.sort()).toEqual([
      'check-dev-host-certificates',
      'check-dev-registries',
      'check-dev-statefulsets',
    ]);
    expect(await queues.checks.getJobSchedulersCount()).toBe(4);
  });

  it('two replicas: each tick runs once, and the start-up run once per check', async () => {
    const prefix = uniquePrefix('replicas');
    const cfg = config({
      clusters: [{ name: 'prod', inCluster: true }],
      schedules: {
        checks: {
          statefulsets: '* * * * * *',
          certificates: false,
          registries: false,
          'host-certificates': false,
        },
        retry,
      },
    });
    const { deps, runs } = countingCheckDeps();
    const replicas: Jobs[] = await Promise.all(
      [0, 1].map(async () => {
        const c = clients(prefix);
        const stores = createRedisStores(c.storeConnection, cfg.alerts);
        const s = await startJobs({
          config: cfg,
          redis: { bullmq: c.bullmq, store: c.store },
          prefix,
          checks: deps,
          alerts: stores.alerts,
          snapshots: stores.snapshots,
          platforms: new Map(),
          log: recordingLog(),
          now: () => new Date(),
          run: { watchdog: false, notifyWorker: false },
        });
        cleanups.push(() => s.stop());
        return s;
      }),
    );
    const started = Date.now();
    await waitFor('four runs', () => runs.length >= 4, 8000);
    await new Promise((r) => setTimeout(r, 3000 - (Date.now() - started)));
    const elapsed = (Date.now() - started) / 1000;
    // Stop both replicas first: their workers finish whatever is active, so every run counted below
    // is a completed job; counting while they still run races a job moving from active to completed.
    for (const r of replicas) await r.stop();
    const stoppedAfter = (Date.now() - started) / 1000;
    const c = clients(prefix);
    const queues = createQueues(c.bullmq, c.prefix);
    cleanups.push(() => queues.close());
    const completed = await queues.checks.getJobs(['completed'], 0, -1);
    const ticks = completed.filter((j) => j.id?.startsWith('repeat:'));
    const startup = completed.filter((j) => !j.id?.startsWith('repeat:'));
    expect(startup).toHaveLength(1);
    // One job per scheduled second, each run exactly once (no duplicate ticks across the replicas).
    expect(new Set(ticks.map((j) => j.id)).size).toBe(ticks.length);
    expect(ticks.length).toBeGreaterThanOrEqual(Math.floor(elapsed) - 1);
    expect(ticks.length).toBeLessThanOrEqual(Math.ceil(stoppedAfter) + 1);
    expect(runs.length).toBe(completed.length);
  });
});
