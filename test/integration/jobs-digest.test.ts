import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledge } from '../../src/alerts/acknowledge.js';
import { actOnAlert } from '../../src/alerts/act-on-alert.js';
import { ChatDeliveryError } from '../../src/chat/chat-delivery-error.js';
import { perPlatform } from '../../src/chat/platforms.js';
import { parseConfig } from '../../src/config/load-config.js';
import { fingerprint } from '../../src/domain/fingerprint.js';
import { RedisDigestState } from '../../src/redis/redis-digest-state.js';
import { createRedisStores } from '../../src/redis/redis-stores.js';
import { runDigest, type DigestDeps, type DigestResult } from '../../jobs/digest/digest.js';
import { digestSchedulerId } from '../../jobs/digest/digest-scheduler.js';
import { startJobs, type Jobs } from '../../jobs/start-jobs.js';
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
import { certFinding } from '../unit/handlers/handler-fixtures.js';

const PROD = 'C0PROD';
const OPS = 'C0OPS';
const MIN = 60_000;

function config(digest: object) {
  return parseConfig(
    {
      clusters: [
        { name: 'prod', inCluster: true },
        { name: 'staging', inCluster: true },
      ],
      schedules: {
        checks: { certificates: '0 */6 * * *', statefulsets: false, registries: false },
        runOnStart: false,
        housekeeping: '* * * * * *',
      },
      alerts: { routes: [{ match: { cluster: 'prod' }, slack: [PROD] }], defaultRoute: { slack: [OPS] } },
      digest: { at: '09:00', timezone: 'Europe/Berlin', refreshEvery: '1h', staleAfter: '2h', ...digest },
    },
    'test.yaml',
    '/',
  );
}

const prodCert = {
  ...findingFor('prod', 'secret shop/web-tls tls.crt'),
  check: 'certificates' as const,
  source: 'tls-secret',
  summary: 'Secret shop/web-tls (tls.crt): certificate CN=shop.example.com expires in 3 days',
  fingerprint: fingerprint('prod', 'certificates', 'tls-secret', 'secret shop/web-tls tls.crt'),
  namespace: 'shop',
};

/**
 * The daily digest on real Redis and BullMQ: a cluster-wide job scheduler ticking every second on
 * two replicas, the clock injected (09:00 in Berlin is 08:00 UTC in November). Each channel gets one
 * message at 09:00, edited in place by the hourly refresh, and a new one the next day.
 */
describe('daily digest (real BullMQ scheduler, redis-server, two replicas)', () => {
  let redis: RedisServer;
  let clients: QueueClients;
  let stores: ReturnType<typeof createRedisStores>;
  const replicas: Jobs[] = [];
  const results: DigestResult[] = [];
  const slack = new RecordingChatPlatform('slack');
  const cfg = config({});
  let nowMs = Date.parse('2026-11-21T07:30:00.000Z');
  const digests = (channel: string) => slack.digests.get(channel) ?? [];
  const text = (channel: string, i = -1) => {
    const d = digests(channel).at(i)?.digest;
    return d ? [d.title, ...d.sections.flatMap((s) => [s.heading, ...s.lines]), d.footer].join('\n') : '';
  };
  /**
   * Moves the clock, then waits for `ticks` digest ticks that certainly read the new time (the
   * first tick to end may have started before the move).
   */
  const at = async (iso: string, ticks = 1) => {
    nowMs = Date.parse(iso);
    const seen = results.length;
    await waitFor(`${ticks} digest ticks`, () => results.length >= seen + ticks + 1, 15_000);
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    clients = queueClients(redis, uniquePrefix('digest'));
    stores = createRedisStores(clients.storeConnection, cfg.alerts);
    const now = new Date(nowMs);
    await stores.snapshots.put({
      cluster: 'prod',
      check: 'certificates',
      at: new Date(nowMs + 25 * MIN).toISOString(),
      reachable: true,
      findings: [
        { ...certFinding('prod', 'secret shop/web-tls tls.crt', 3), namespace: 'shop' },
        certFinding('prod', 'secret shop/far-tls tls.crt', 200),
      ],
      unobserved: [],
    });
    // staging last ran at 02:00 UTC: not checked within 2 h by 09:00 Berlin.
    await stores.snapshots.put({
      cluster: 'staging',
      check: 'certificates',
      at: '2026-11-21T02:00:00.000Z',
      reachable: true,
      findings: [certFinding('staging', 'secret web/api-tls tls.crt', 20)],
      unobserved: [],
    });
    expect(await stores.alerts.apply(opened('dg1', prodCert, now), {})).toBe(true);
    expect(
      await stores.alerts.apply(opened('dg2', findingFor('staging', 'statefulset db/mongo'), now), {}),
    ).toBe(true);
    const replica = (schedulers: boolean) =>
      startJobs({
        config: cfg,
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
        run: { schedulers, startupRuns: false, checkWorker: false, watchdog: false, housekeeping: false },
        observe: { digest: (r) => results.push(r) },
      });
    replicas.push(await replica(true), await replica(true));
  }, 30_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await clients?.close();
    await redis?.stop();
  });

  it('is one cluster-wide job scheduler however many replicas register it', async () => {
    const schedulers = await replicas[0]!.queues.digest.getJobSchedulers(0, -1);
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({ key: digestSchedulerId, pattern: '* * * * * *' });
  });

  it('posts nothing before 09:00 in its time zone', async () => {
    await at('2026-11-21T07:59:00.000Z');
    expect(slack.digests.size).toBe(0);
  });

  it('at 09:00 posts one message per channel, once across the two replicas, each with its own clusters', async () => {
    await at('2026-11-21T08:00:20.000Z', 2);
    expect(digests(PROD)).toHaveLength(1);
    expect(digests(OPS)).toHaveLength(1);
    expect(slack.callsOf('post')).toHaveLength(2);
    const prod = text(PROD);
    expect(prod).toContain('vigil daily digest · 2026-11-21');
    expect(prod).toContain('Expiring within 30 days (1)');
    expect(prod).toContain('• prod · 3 days left (2026-11-24) · secret shop/web-tls tls.crt');
    expect(prod).not.toContain('far-tls');
    expect(prod).toContain('Open (1)');
    expect(prod).toContain('· dg1 · open 30 min');
    expect(prod).not.toContain('staging');
    const ops = text(OPS);
    expect(ops).toContain('• staging · 20 days left');
    expect(ops).toContain('· dg2 · open 30 min');
    expect(ops).toContain('Not checked within 2 h (1)');
    expect(ops).toContain('• staging · last checked 6 h ago (2026-11-21 02:00 UTC)');
    expect(ops).not.toContain('shop/web-tls');
    expect(ops).toContain('As of 09:00 Europe/Berlin');
  });

  it('edits the same message at the hourly refresh, with who acknowledged since', async () => {
    // The ticks since 09:00 were all in the same hourly slot: nothing edited yet.
    expect(slack.callsOf('update')).toHaveLength(0);
    nowMs = Date.parse('2026-11-21T08:40:00.000Z');
    const acked = await actOnAlert(stores.alerts, 'dg1', (a) =>
      acknowledge(a, { by: maria, now: new Date(nowMs), origin: 'test', note: 'renewing' }),
    );
    if (!acked.ok) throw new Error(acked.message);
    await at('2026-11-21T09:00:30.000Z', 2);
    expect(digests(PROD)).toHaveLength(1);
    expect(digests(PROD)[0]!.edits).toBe(1);
    expect(slack.callsOf('post')).toHaveLength(2);
    const prod = text(PROD);
    expect(prod).toContain('Open (0)');
    expect(prod).toContain('Acknowledged (1)');
    expect(prod).toContain('· dg1 · open 1 h 30 min · acknowledged by Maria 20 min ago: renewing');
    expect(prod).toContain('As of 10:00 Europe/Berlin');
  });

  it('starts a new message the next day at 09:00, leaving yesterday’s as it was', async () => {
    await at('2026-11-22T08:00:10.000Z', 2);
    expect(digests(PROD)).toHaveLength(2);
    expect(digests(OPS)).toHaveLength(2);
    expect(digests(PROD)[0]!.edits).toBe(1);
    expect(digests(PROD)[1]!.digest.day).toBe('2026-11-22');
    expect(text(PROD)).toContain('vigil daily digest · 2026-11-22');
  });
});

describe('daily digest processor (redis-server)', () => {
  let redis: RedisServer;
  let clients: QueueClients;

  beforeAll(async () => {
    redis = await startRedisServer();
    clients = queueClients(redis, uniquePrefix('digest-runs'));
  });
  afterAll(async () => {
    await clients?.close();
    await redis?.stop();
  });

  const deps = (slack: RecordingChatPlatform, now: string, digest: object = {}): DigestDeps => {
    const cfg = config(digest);
    const stores = createRedisStores(clients.storeConnection, cfg.alerts);
    return {
      config: cfg,
      alerts: stores.alerts,
      snapshots: stores.snapshots,
      // A state of its own per call: as two replicas, each with its own client, would have.
      state: new RedisDigestState(clients.store, clients.prefix),
      platforms: new Map([['slack', slack]]),
      now: () => new Date(now),
      log: recordingLog(),
    };
  };

  it('two runners ticking at the same moment post once', async () => {
    const slack = new RecordingChatPlatform('slack');
    const [a, b] = await Promise.all([
      runDigest(deps(slack, '2026-12-01T08:05:00.000Z')),
      runDigest(deps(slack, '2026-12-01T08:05:00.000Z')),
    ]);
    expect(slack.callsOf('post')).toHaveLength(2);
    expect(slack.digests.get(PROD)).toHaveLength(1);
    expect(a.posted + b.posted).toBe(2);
    expect(a.skipped + b.skipped).toBe(2);
  });

  it('a failed post gives its slot back, and the next tick posts it', async () => {
    const slack = new RecordingChatPlatform('slack');
    slack.fault = ({ kind, destination }) =>
      kind === 'post' && destination === OPS
        ? new ChatDeliveryError('unavailable', 'Slack is down')
        : undefined;
    const first = await runDigest(deps(slack, '2026-12-02T08:00:00.000Z'));
    expect(first).toMatchObject({ posted: 1, failed: 1 });
    slack.fault = undefined;
    const second = await runDigest(deps(slack, '2026-12-02T08:01:00.000Z'));
    expect(second).toMatchObject({ posted: 1, skipped: 1, failed: 0 });
    expect(slack.digests.get(OPS)).toHaveLength(1);
    expect(slack.digests.get(PROD)).toHaveLength(1);
  });

  it('a refusal retrying cannot fix waits for the next slot instead of every tick', async () => {
    const slack = new RecordingChatPlatform('slack');
    slack.fault = ({ kind, destination }) =>
      kind === 'post' && destination === OPS
        ? new ChatDeliveryError('forbidden', 'not in channel')
        : undefined;
    expect(await runDigest(deps(slack, '2026-12-05T08:00:00.000Z'))).toMatchObject({ posted: 1, failed: 1 });
    expect(await runDigest(deps(slack, '2026-12-05T08:01:00.000Z'))).toMatchObject({ posted: 0, failed: 0 });
    slack.fault = undefined;
    expect(await runDigest(deps(slack, '2026-12-05T09:00:00.000Z'))).toMatchObject({ posted: 1, edited: 1 });
    expect(slack.digests.get(OPS)).toHaveLength(1);
  });

  it('with editInPlace false, each refresh is a new message', async () => {
    const slack = new RecordingChatPlatform('slack');
    await runDigest(deps(slack, '2026-12-03T08:00:00.000Z', { editInPlace: false }));
    await runDigest(deps(slack, '2026-12-03T08:30:00.000Z', { editInPlace: false }));
    await runDigest(deps(slack, '2026-12-03T09:00:00.000Z', { editInPlace: false }));
    expect(slack.digests.get(PROD)).toHaveLength(2);
    expect(slack.callsOf('update')).toHaveLength(0);
    expect(slack.digests.get(PROD)![1]!.digest.footer).toContain('a new one every 1 h');
  });

  it('posts the day’s message again when someone deleted it', async () => {
    const slack = new RecordingChatPlatform('slack');
    await runDigest(deps(slack, '2026-12-04T08:00:00.000Z'));
    slack.digests.delete(PROD);
    const refresh = await runDigest(deps(slack, '2026-12-04T09:00:00.000Z'));
    expect(refresh).toMatchObject({ edited: 1, posted: 1 });
    expect(slack.digests.get(PROD)).toHaveLength(1);
  });
});
