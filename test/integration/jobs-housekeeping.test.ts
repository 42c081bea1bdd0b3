import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledge } from '../../src/alerts/acknowledge.js';
import { actOnAlert } from '../../src/alerts/act-on-alert.js';
import { snooze } from '../../src/alerts/snooze.js';
import { parseConfig } from '../../src/config/load-config.js';
import { fingerprint } from '../../src/domain/fingerprint.js';
import { createRedisStores } from '../../src/redis/redis-stores.js';
import type { HousekeepingResult } from '../../jobs/housekeeping/housekeeping.js';
import { housekeepingSchedulerId } from '../../jobs/housekeeping/housekeeping-scheduler.js';
import { startJobs, type Jobs, type JobsOptions } from '../../jobs/start-jobs.js';
import { findingFor, maria, opened } from '../support/alert-fixtures.js';
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

const MIN = 60_000;
const HOUR = 60 * MIN;
const CHANNEL = 'C0OPS';

/**
 * Acknowledgements, snoozes and reminders end and fire on time, not at the alert's next check run:
 * the certificate check runs every 6 hours (and never, here), the housekeeping job every second on a
 * real BullMQ job scheduler, on two replicas. vigil's clock is injected and moved forward; Redis,
 * BullMQ and the outbox are real, and every change reaches the channel exactly once.
 */
describe('housekeeping job (real BullMQ scheduler, redis-server, two replicas)', () => {
  let redis: RedisServer;
  let clients: QueueClients;
  const replicas: Jobs[] = [];
  const results: HousekeepingResult[] = [];
  const slack = new RecordingChatPlatform('slack');
  const t0 = Date.parse('2026-03-02T09:00:00.000Z');
  let nowMs = t0;
  const config = parseConfig(
    {
      clusters: [{ name: 'prod', inCluster: true }],
      schedules: {
        checks: { certificates: '0 */6 * * *', statefulsets: false, registries: false },
        runOnStart: false,
        housekeeping: '* * * * * *',
      },
      alerts: { repeatIntervalHours: 4, defaultRoute: { slack: [CHANNEL] } },
    },
    'test.yaml',
    '/',
  );
  let stores: ReturnType<typeof createRedisStores>;

  const finding = {
    ...findingFor('prod', 'shop/web-tls'),
    check: 'certificates' as const,
    source: 'tls-secret',
    object: 'secret shop/web-tls tls.crt',
    summary: 'Secret shop/web-tls (tls.crt): certificate CN=shop.example.com expires in 3 days',
    fingerprint: fingerprint('prod', 'certificates', 'tls-secret', 'secret shop/web-tls tls.crt'),
    namespace: 'shop',
  };
  const replies = (pattern: RegExp) =>
    slack.callsOf('reply', CHANNEL).filter((c) => pattern.test(c.text ?? ''));
  const alert = async () => {
    const a = await stores.alerts.get('hk1');
    if (!a) throw new Error('alert hk1 is gone');
    return a;
  };
  /** Moves the clock, then waits until `runs` housekeeping runs have ended since (the first may have read the old time). */
  const at = async (ms: number, runs = 3) => {
    nowMs = t0 + ms;
    const seen = results.length;
    await waitFor(`${runs} housekeeping runs`, () => results.length >= seen + runs, 15_000);
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    clients = queueClients(redis, uniquePrefix('housekeeping'));
    stores = createRedisStores(clients.storeConnection, config.alerts);
    const replica = (run: JobsOptions['run']) =>
      startJobs({
        config,
        outbox: {
          minIntervalMs: perPlatform(() => 10),
          retryInitialMs: 50,
          retryMaxMs: 200,
          orderWaitMs: 100,
          concurrency: 4,
        },
        redis: { bullmq: clients.bullmq, store: clients.store },
        prefix: clients.prefix,
        checks: countingCheckDeps().deps,
        alerts: stores.alerts,
        snapshots: stores.snapshots,
        platforms: new Map([['slack', slack]]),
        log: recordingLog(),
        now: () => new Date(nowMs),
        run,
        observe: { housekeeping: { housekept: (r) => results.push(r) } },
      });
    replicas.push(await replica({ startupRuns: false, checkWorker: false, watchdog: false }));
    replicas.push(
      await replica({ schedulers: false, startupRuns: false, checkWorker: false, watchdog: false }),
    );
  }, 30_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await clients?.close();
    await redis?.stop();
  });

  it('is one cluster-wide BullMQ job scheduler with the configured pattern', async () => {
    const [scheduler] = await replicas[0]!.queues.housekeeping.getJobSchedulers(0, -1);
    expect(scheduler).toMatchObject({ key: housekeepingSchedulerId, pattern: '* * * * * *' });
    expect(await replicas[0]!.queues.housekeeping.getJobSchedulersCount()).toBe(1);
  });

  it('a 1 h snooze ends at 1 h, though the check runs every 6 h', async () => {
    const o = opened('hk1', finding, new Date(t0));
    expect(await stores.alerts.apply(o, {})).toBe(true);
    await replicas[0]!.outbox.notify(o.transitions, o.alerts);
    await waitFor('the alert message', () => slack.callsOf('post', CHANNEL).length === 1);

    const snoozed = await actOnAlert(stores.alerts, 'hk1', (a) =>
      snooze(a, { by: maria, now: new Date(nowMs), origin: 'test', duration: '1h' }),
    );
    if (!snoozed.ok) throw new Error(snoozed.message);
    await replicas[0]!.outbox.notify(snoozed.changes.transitions);
    await waitFor('the snooze line', () => replies(/^snoozed by Maria/).length === 1);

    await at(59 * MIN);
    expect((await alert()).state).toBe('snoozed');
    expect(replies(/snooze ended/)).toHaveLength(0);

    await at(60 * MIN + 2_000, 1);
    await waitFor(
      'the end of the snooze in the channel',
      () => replies(/^snooze ended; firing again$/).length === 1,
    );
    const a = await alert();
    expect(a.state).toBe('firing');
    expect(a.notifiedAt).toBe(new Date(t0 + 60 * MIN + 2_000).toISOString());
  }, 40_000);

  it('an acknowledgement with a 2 h expiry ends at 2 h', async () => {
    nowMs = t0 + 61 * MIN;
    const acked = await actOnAlert(stores.alerts, 'hk1', (a) =>
      acknowledge(a, { by: maria, now: new Date(nowMs), origin: 'test', expiresIn: '2h' }),
    );
    if (!acked.ok) throw new Error(acked.message);
    await replicas[0]!.outbox.notify(acked.changes.transitions);
    await waitFor('the acknowledgement line', () => replies(/^acknowledged by Maria/).length === 1);

    await at(3 * HOUR);
    expect((await alert()).state).toBe('acknowledged');
    await at(3 * HOUR + 2 * MIN, 1);
    await waitFor(
      'the expiry in the channel',
      () => replies(/^acknowledgement expired; firing again$/).length === 1,
    );
    expect((await alert()).state).toBe('firing');
  }, 40_000);

  it('the 4 h reminder goes out 4 h after the last announcement, once', async () => {
    const last = Date.parse((await alert()).notifiedAt ?? '');
    expect(last).toBeGreaterThanOrEqual(t0 + 3 * HOUR + 2 * MIN);
    await at(last - t0 + 4 * HOUR - MIN);
    expect(replies(/^still critical after/)).toHaveLength(0);

    await at(last - t0 + 4 * HOUR + MIN, 1);
    await waitFor('the reminder', () => replies(/^still critical after/).length === 1);
    // Later ticks at the same time, on either replica, find nothing due: each change went out once.
    await at(last - t0 + 4 * HOUR + MIN);
    expect(replies(/^still critical after/)).toHaveLength(1);
    expect(replies(/snooze ended/)).toHaveLength(1);
    expect(replies(/acknowledgement expired/)).toHaveLength(1);
    expect(slack.callsOf('post', CHANNEL)).toHaveLength(1);
    // unsnoozed, unacknowledged, reminder: nothing else was applied by either replica.
    expect(results.reduce((n, r) => n + r.transitions, 0)).toBe(3);
  }, 40_000);
});
