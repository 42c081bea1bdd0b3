import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheckJob } from '../../jobs/run-check/run-check.js';
import { lifecyclePolicy } from '../../src/alerts/lifecycle-policy.js';
import { allChecks } from '../../src/checks/index.js';
import type { VigilConfig } from '../../src/config/config-schema.js';
import { startDemoClusters, type DemoClusters } from '../../src/demo/start-demo-clusters.js';
import { loadClusterConnection } from '../../src/kube/load-cluster-connection.js';
import { probeTls } from '../../src/probe/tls-probe.js';
import { createRedisStores } from '../../src/redis/redis-stores.js';
import { startJobs, type Jobs } from '../../jobs/start-jobs.js';
import {
  queueClients,
  recordingLog,
  uniquePrefix,
  waitFor,
  type QueueClients,
} from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { perPlatform } from '../../src/chat/platforms.js';

/**
 * The certificate check on the simulated `prod` cluster (fake Kubernetes API over HTTPS, TLS
 * endpoints), run as a BullMQ job: alerts opened, notifications queued, and the same job id run
 * again (BullMQ is at-least-once) changes nothing.
 */
describe('run-check job (real BullMQ worker, fake Kubernetes API)', () => {
  let redis: RedisServer;
  let demo: DemoClusters;
  let clients: QueueClients;
  let scheduling: Jobs;
  let stores: ReturnType<typeof createRedisStores>;
  let config: Readonly<VigilConfig>;
  const now = () => demo.now;

  beforeAll(async () => {
    [redis, demo] = await Promise.all([
      startRedisServer(),
      startDemoClusters(new Date(Math.floor(Date.now() / 1000) * 1000)),
    ]);
    config = {
      ...demo.config,
      alerts: {
        ...demo.config.alerts,
        defaultRoute: { ...perPlatform((): string[] => []), slack: ['C0PROD'] },
      },
    };
    clients = queueClients(redis, uniquePrefix('runcheck'));
    stores = createRedisStores(clients.storeConnection, config.alerts);
    scheduling = await startJobs({
      config,
      redis: { bullmq: clients.bullmq, store: clients.store },
      prefix: clients.prefix,
      checks: {
        connect: (c) => loadClusterConnection({ ...c, requestTimeoutMs: c.requestTimeoutSeconds * 1000 }),
        probeTls,
        now,
        checks: allChecks,
      },
      alerts: stores.alerts,
      snapshots: stores.snapshots,
      platforms: new Map(),
      log: recordingLog(),
      now,
      run: { schedulers: false, startupRuns: false, notifyWorker: false, watchdog: false },
    });
  });
  afterAll(async () => {
    await scheduling?.stop();
    await clients?.close();
    await Promise.all([redis?.stop(), demo?.stop()]);
  });

  async function finished(id: string) {
    return waitFor(
      `job ${id} to complete`,
      async () => {
        const job = await scheduling.queues.checks.getJob(id);
        const state = await job?.getState();
        if (state === 'failed') throw new Error(`job ${id} failed: ${job?.failedReason}`);
        return state === 'completed' ? job : undefined;
      },
      20_000,
    );
  }

  it('opens alerts and queues notifications; running the same job id again changes nothing', async () => {
    const id = await scheduling.runNow('prod', 'certificates');
    expect(await scheduling.waitForRun(id, 20_000)).toMatchObject({ state: 'completed' });
    const job = await finished(id);
    expect(job.returnvalue).toMatchObject({ ran: true, reachable: true });
    const open = await stores.alerts.listOpen({ cluster: 'prod' });
    expect(open.length).toBeGreaterThan(3);
    expect(open.every((a) => a.lastRunId === id)).toBe(true);
    expect(open.map((a) => a.finding.summary).join('\n')).toMatch(/expired 12 days ago/);
    const snapshot = await stores.snapshots.get('prod', 'certificates');
    expect(snapshot?.findings.length).toBeGreaterThan(open.length);
    expect(await scheduling.queues.notify.getWaitingCount()).toBe(open.length);
    const audit = (await stores.audit.read({ limit: 1000 })).length;

    // BullMQ runs the same job again (a stalled worker): same id, same data.
    await job.retry('completed');
    const again = await finished(id);
    expect(again.returnvalue).toMatchObject({ ran: false });
    expect(await stores.alerts.listOpen({ cluster: 'prod' })).toEqual(open);
    expect(await scheduling.queues.notify.getWaitingCount()).toBe(open.length);
    expect((await stores.audit.read({ limit: 1000 })).length).toBe(audit);

    // Even a rerun that lost its saved progress decides nothing new: the alerts carry its run id.
    const rerun = await runCheckJob({ cluster: 'prod', check: 'certificates' }, id, {
      config,
      checks: {
        connect: (c) => loadClusterConnection({ ...c, requestTimeoutMs: 10_000 }),
        probeTls,
        now,
        checks: allChecks,
      },
      snapshots: stores.snapshots,
      alerts: stores.alerts,
      policy: lifecyclePolicy(config.alerts),
      outbox: scheduling.outbox,
      saveData: () => Promise.resolve(),
    });
    expect(rerun).toMatchObject({ ran: true, transitions: 0 });
    expect(await stores.alerts.listOpen({ cluster: 'prod' })).toEqual(open);
  });
});
