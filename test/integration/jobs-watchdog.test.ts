import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotStore } from '../../src/alerts/snapshot-store.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createRedisStores } from '../../src/redis/redis-stores.js';
import { startJobs, type Jobs } from '../../jobs/start-jobs.js';
import { countingCheckDeps } from '../support/fake-check-deps.js';
import {
  queueClients,
  recordingLog,
  uniquePrefix,
  waitFor,
  type QueueClients,
} from '../support/queue-harness.js';
import { RecordingChatPlatform } from '../support/recording-chat-platform.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { perPlatform } from '../../src/chat/platforms.js';

/**
 * The tool that watches must be watched: the check job fails on every run (its store is broken), the
 * per-process watchdog notices that no run completed, raises "vigil is not checking cluster prod"
 * with the last error through the lifecycle and outbox, and resolves it once runs complete again.
 */
describe('watchdog (real BullMQ, node-cron, redis-server)', () => {
  let redis: RedisServer;
  let clients: QueueClients;
  let scheduling: Jobs | undefined;

  beforeAll(async () => {
    redis = await startRedisServer();
    clients = queueClients(redis, uniquePrefix('watchdog'));
  });
  afterAll(async () => {
    await scheduling?.stop();
    await clients?.close();
    await redis?.stop();
  });

  it('raises an alert when scheduled checks stop completing and resolves it when they run again', async () => {
    const config = parseConfig(
      {
        clusters: [{ name: 'prod', inCluster: true }],
        schedules: {
          checks: {
            statefulsets: '* * * * * *',
            certificates: false,
            registries: false,
            'host-certificates': false,
          },
          retry: { attempts: 1, backoffSeconds: 1 },
          watchdog: { pattern: '* * * * * *', missedRuns: 2, graceSeconds: 0 },
        },
        alerts: { resolveAfterOkRuns: 1, defaultRoute: { slack: ['C0OPS'] } },
      },
      'test.yaml',
      '/',
    );
    const stores = createRedisStores(clients.storeConnection, config.alerts);
    let broken = true;
    const snapshots: SnapshotStore = {
      put: (s) =>
        broken
          ? Promise.reject(new Error('OOM command not allowed when used memory > maxmemory'))
          : stores.snapshots.put(s),
      get: (c, k) => stores.snapshots.get(c, k),
      lastRuns: () => stores.snapshots.lastRuns(),
    };
    const slack = new RecordingChatPlatform('slack');
    const { deps } = countingCheckDeps();
    scheduling = await startJobs({
      config,
      outbox: {
        minIntervalMs: perPlatform(() => 10),
        retryInitialMs: 50,
        retryMaxMs: 200,
        orderWaitMs: 200,
        concurrency: 4,
      },
      redis: { bullmq: clients.bullmq, store: clients.store },
      prefix: clients.prefix,
      checks: deps,
      alerts: stores.alerts,
      snapshots,
      platforms: new Map([['slack', slack]]),
      log: recordingLog(),
      now: () => new Date(),
    });

    await waitFor('the watchdog alert', () => slack.callsOf('post', 'C0OPS').length === 1, 8000);
    const [posted] = slack.messages.get('C0OPS') ?? [];
    expect(posted?.message.title).toMatch(
      /^vigil is not checking cluster prod: no statefulsets run since at least/,
    );
    expect(posted?.message.check).toBe('cluster');
    expect(posted?.message.evidence.join('\n')).toMatch(
      /statefulsets: last error at .*OOM command not allowed/,
    );
    expect(posted?.message.nextStep).toMatch(/check job is failing .*OOM.*Redis down.*workers crashed/);
    await waitFor('the watchdog status', () => scheduling?.watchdogStatus().stale.includes('prod'));
    const alert = (await stores.alerts.listOpen({ cluster: 'prod' })).find((a) => a.source === 'watchdog');
    expect(alert?.severity).toBe('unknown');

    broken = false;
    await waitFor(
      'the resolution',
      () => slack.callsOf('reply', 'C0OPS').some((c) => c.text?.startsWith('resolved after')),
      8000,
    );
    expect(posted?.message.state).toBe('resolved');
    expect(slack.callsOf('post')).toHaveLength(1);
    expect(
      (await stores.alerts.listOpen({ cluster: 'prod' })).filter((a) => a.source === 'watchdog'),
    ).toEqual([]);
  });
});
