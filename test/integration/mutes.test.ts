import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceEndedMutings } from '../../jobs/notify/announce-mute-ends.js';
import { startJobs, type Jobs } from '../../jobs/start-jobs.js';
import { handleCommand } from '../../handlers/handle-command.js';
import type { HandlerDeps } from '../../handlers/handler-deps.js';
import { perPlatform } from '../../src/chat/platforms.js';
import { createSlackPlatform } from '../../src/chat/slack/index.js';
import { createRedisStores } from '../../src/redis/redis-stores.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { VigilConfig } from '../../src/config/config-schema.js';
import { FakeSlackWebApi } from '../fakes/slack/index.js';
import { findingFor, next, opened } from '../support/alert-fixtures.js';
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
import { postsOf, startSlackOutboxRig, visible, type SlackOutboxRig } from '../support/slack-outbox-rig.js';

const CHANNEL = 'C0PROD';
const HOUR = 3_600_000;
const MUTE_MS = 2_500;

/**
 * Issue 13 end to end on the real parts: `/k8s mute` through the handlers into Redis, check-run
 * transitions through the real outbox on BullMQ to the real SlackPlatform against the fake Web API.
 * While muted nothing of prod is posted; when the mute ends, one notice per channel lists what is
 * still firing, even with two replicas announcing at once.
 */
describe('mutes hold notifications and announce the end once (real redis-server, fake Slack)', () => {
  let redis: RedisServer;
  let slack: FakeSlackWebApi;
  let rig: SlackOutboxRig;
  let config: Readonly<VigilConfig>;

  beforeAll(async () => {
    [redis, slack] = await Promise.all([startRedisServer(), FakeSlackWebApi.start()]);
    config = parseConfig(
      {
        clusters: [
          { name: 'prod', inCluster: true },
          { name: 'staging', inCluster: true },
        ],
        alerts: { defaultRoute: { slack: [CHANNEL] } },
        permissions: { mute: { slack: { users: ['U0MARIA'] } } },
      },
      'mutes.yaml',
      '/',
    );
    rig = startSlackOutboxRig(redis, slack, { config, muting: true });
    rig.startWorker();
  });
  afterAll(async () => {
    await rig?.stop();
    await Promise.allSettled([slack?.close(), redis?.stop()]);
  });

  function handlerDeps(now: () => Date): HandlerDeps {
    return {
      config,
      ...rig.stores,
      now,
      notify: async () => {},
      requestCheck: async () => {},
    };
  }

  it('mutes prod, holds its alerts, then posts one grouped notice when the mute ends', async () => {
    // The mute was typed "2 h ago" so that it ends a moment from now in real time.
    const typedAt = new Date(Date.now() - 2 * HOUR + MUTE_MS);
    const deps = handlerDeps(() => typedAt);
    const command = {
      platform: 'slack',
      user: { kind: 'slack', id: 'U0MARIA', name: 'Maria' },
      channel: CHANNEL,
    };
    const refused = await handleCommand(
      { ...command, user: { kind: 'slack', id: 'U0OMAR', name: 'Omar' }, text: 'mute prod 2h' },
      deps,
    );
    expect(refused.title).toBe('Not allowed: mute prod');
    const muted = await handleCommand({ ...command, text: 'mute prod 2h kernel upgrade' }, deps);
    expect(muted.title).toMatch(/^Muted prod until .* · m1$/);

    const now = new Date();
    const stuck = opened('amut1', findingFor('prod', 'statefulset db/mongo'), now);
    const flap = opened('amut2', findingFor('prod', 'statefulset db/redis', 'warning'), now);
    const other = opened('amut3', findingFor('staging', 'statefulset db/pg'), now);
    for (const o of [stuck, flap, other]) await rig.applyAndNotify(o, {});
    const resolvedAt = new Date(now.getTime() + 100);
    const resolved = next(flap.alert, 'resolved', resolvedAt, {
      state: 'resolved',
      resolvedAt: resolvedAt.toISOString(),
    });
    await rig.applyAndNotify(resolved, { amut2: flap.alert.seq });

    // staging is not muted: its alert is posted; prod's deliveries complete without a post.
    await waitFor('the staging post', () => postsOf(slack, CHANNEL, 'amut3').length === 1);
    await waitFor('the held deliveries', async () => {
      const jobs = await Promise.all(
        [...stuck.transitions, ...flap.transitions, ...resolved.transitions].map((t) =>
          rig.job(t.id, CHANNEL),
        ),
      );
      return jobs.every((j) => j?.returnvalue?.skipped?.startsWith('muted: mute m1 by Maria'));
    });
    expect(postsOf(slack, CHANNEL, 'amut1')).toEqual([]);
    expect(postsOf(slack, CHANNEL, 'amut2')).toEqual([]);

    const platforms = new Map([
      ['slack', createSlackPlatform({ botToken: slack.token, apiUrl: slack.apiUrl })],
    ]);
    const announce = (at: Date) =>
      announceEndedMutings(at, {
        holds: rig.stores.mutes,
        alerts: rig.stores.alerts,
        platforms,
        log: rig.log,
      });
    // Before the end: nothing to announce.
    expect(await announce(new Date())).toBe(0);
    await new Promise((r) => setTimeout(r, Math.max(0, typedAt.getTime() + 2 * HOUR - Date.now() + 50)));
    // Two replicas tick at once: one notice.
    const counts = await Promise.all([announce(new Date()), announce(new Date())]);
    expect(counts.sort()).toEqual([0, 1]);
    expect(await announce(new Date())).toBe(0);

    const notices = slack.messages(CHANNEL).filter((m) => !m.metadata && !m.thread_ts);
    expect(notices).toHaveLength(1);
    const text = visible(notices[0]);
    expect(text).toContain('Mute m1 by Maria (kernel upgrade) ended: 1 alert still firing');
    expect(text).toContain('critical · prod · amut1 · StatefulSet statefulset db/mongo stuck: 1/3 ready');
    expect(text).toContain('1 more alert resolved while muted; not posted.');
    expect(text).not.toContain('amut2');

    // After the mute, the held alert's next notification is its first message: a post, not an edit.
    const later = next(stuck.alert, 'reminder', new Date());
    await rig.applyAndNotify(later, { amut1: stuck.alert.seq });
    await waitFor('the post after the mute', () => postsOf(slack, CHANNEL, 'amut1').length === 1);
    expect(slack.callsTo('chat.update').filter((c) => JSON.stringify(c.args).includes('amut1'))).toEqual([]);

    // Audit: who muted and who was refused.
    const history = await rig.stores.audit.read({ alertId: 'm1' });
    expect(history.map((e) => e.action)).toEqual(['mute']);
    const refusals = (await rig.stores.audit.read()).filter((e) => e.action === 'refused:mute');
    expect(refusals.map((e) => e.actor.id)).toEqual(['U0OMAR']);
  });
});

describe('a maintenance window from vigil.yaml holds and announces the same way', () => {
  let redis: RedisServer;
  let slack: FakeSlackWebApi;
  let rig: SlackOutboxRig;
  // The outbox judges windows by the transitions' times and its clock: both are set here.
  let clock = new Date('2026-01-10T21:30:00Z');

  beforeAll(async () => {
    [redis, slack] = await Promise.all([startRedisServer(), FakeSlackWebApi.start()]);
    const config = parseConfig(
      {
        clusters: [{ name: 'prod', inCluster: true }],
        alerts: { defaultRoute: { slack: [CHANNEL] } },
        maintenance: [
          {
            name: 'nightly',
            clusters: 'prod',
            timezone: 'Europe/Berlin',
            times: [{ start: '23:00', end: '05:00' }],
          },
        ],
      },
      'mutes.yaml',
      '/',
    );
    rig = startSlackOutboxRig(redis, slack, { config, muting: true, now: () => clock });
    rig.startWorker();
  });
  afterAll(async () => {
    await rig?.stop();
    await Promise.allSettled([slack?.close(), redis?.stop()]);
  });

  it('holds what opens inside the window and announces it when the window closes', async () => {
    // Before the window (22:30 in Berlin): posted as usual.
    const before = opened('awin0', findingFor('prod', 'statefulset db/pg', 'warning'), clock);
    await rig.applyAndNotify(before, {});
    await waitFor('the post before the window', () => postsOf(slack, CHANNEL, 'awin0').length === 1);

    clock = new Date('2026-01-10T23:00:00Z');
    // Inside: the posted alert's message is kept true quietly (edited, no thread line).
    const worse = next(before.alert, 'escalated', clock, { severity: 'critical' });
    await rig.applyAndNotify(worse, { awin0: before.alert.seq });
    await waitFor('the quiet edit', () => visible(postsOf(slack, CHANNEL, 'awin0')[0]).includes('Critical'));
    expect(postsOf(slack, CHANNEL, 'awin0')[0]?.replies).toEqual([]);

    const inside = opened('awin1', findingFor('prod', 'statefulset db/mongo'), clock);
    await rig.applyAndNotify(inside, {});
    // 23:00 UTC is 00:00 in Berlin: inside the window that began at 23:00 Berlin (22:00 UTC).
    await waitFor('the held delivery', async () => {
      const job = await rig.job(inside.transitions[0]!.id, CHANNEL);
      return job?.returnvalue?.skipped === 'muted: maintenance "nightly"';
    });
    const platforms = new Map([
      ['slack', createSlackPlatform({ botToken: slack.token, apiUrl: slack.apiUrl })],
    ]);
    const announce = (at: Date) =>
      announceEndedMutings(at, {
        holds: rig.stores.mutes,
        alerts: rig.stores.alerts,
        platforms,
        log: rig.log,
      });
    expect(await announce(new Date('2026-01-11T03:59:00Z'))).toBe(0);
    // 05:00 Berlin is 04:00 UTC.
    clock = new Date('2026-01-11T04:00:00Z');
    expect(await announce(clock)).toBe(1);
    const notices = slack.messages(CHANNEL).filter((m) => !m.metadata);
    expect(notices.map((m) => m.text)).toEqual(['Maintenance "nightly" ended: 2 alerts still firing']);
    expect(visible(notices[0])).toContain('critical · prod · awin1');
    expect(visible(notices[0])).toContain('critical · prod · awin0');
    expect(postsOf(slack, CHANNEL, 'awin1')).toEqual([]);
  });
});

describe('vigil serve wiring: check runs, the outbox and the watchdog tick (startJobs)', () => {
  let redis: RedisServer;
  let clients: QueueClients;
  let jobs: Jobs | undefined;

  beforeAll(async () => {
    redis = await startRedisServer();
    clients = queueClients(redis, uniquePrefix('mutes'));
  });
  afterAll(async () => {
    await jobs?.stop();
    await clients?.close();
    await redis?.stop();
  });

  it('a check run opens an alert during a mute: not posted; the watchdog tick after it ends announces it', async () => {
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
          watchdog: { pattern: '* * * * * *', missedRuns: 5, graceSeconds: 0 },
        },
        alerts: { defaultRoute: { slack: [CHANNEL] } },
      },
      'mutes.yaml',
      '/',
    );
    const stores = createRedisStores(clients.storeConnection, config.alerts);
    const now = Date.now();
    await stores.mutes.add({
      scope: { clusters: ['prod'] },
      by: { kind: 'slack', id: 'U0MARIA', name: 'Maria' },
      at: new Date(now).toISOString(),
      until: new Date(now + 3_000).toISOString(),
      origin: 'slack:C0PROD',
    });
    const slack = new RecordingChatPlatform('slack');
    const { deps } = countingCheckDeps((cluster, check) =>
      check === 'statefulsets' ? [findingFor(cluster, 'statefulset db/mongo')] : [],
    );
    jobs = await startJobs({
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
      snapshots: stores.snapshots,
      platforms: new Map([['slack', slack]]),
      log: recordingLog(),
      now: () => new Date(),
      mutes: stores.mutes,
    });
    const alert = await waitFor(
      'the alert opened',
      async () => (await stores.alerts.listOpen({ cluster: 'prod' }))[0],
      8000,
    );
    await waitFor('the notice', () => (slack.notices.get(CHANNEL) ?? []).length > 0, 10_000);
    expect(slack.notices.get(CHANNEL)?.map((n) => n.title)).toEqual([
      'Mute m1 by Maria ended: 1 alert still firing',
    ]);
    expect(slack.notices.get(CHANNEL)?.[0]?.lines[0]).toContain(`critical · prod · ${alert?.id}`);
    // Opened inside the mute: never posted (its next notification would be the 4 h reminder).
    expect(slack.callsOf('post', CHANNEL)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(slack.notices.get(CHANNEL)).toHaveLength(1);
  });
});
