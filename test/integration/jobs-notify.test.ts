import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acknowledge } from '../../src/alerts/acknowledge.js';
import { promoteJobs } from '../../jobs/notify/notify-worker.js';
import { ChatDeliveryError } from '../../src/chat/chat-delivery-error.js';
import type { Alert } from '../../src/domain/alert.js';
import { findingFor, maria, next, opened } from '../support/alert-fixtures.js';
import { startOutboxHarness, type OutboxHarness } from '../support/outbox-harness.js';
import { waitFor } from '../support/queue-harness.js';
import { RecordingChatPlatform } from '../support/recording-chat-platform.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { perPlatform } from '../../src/chat/platforms.js';

const HOUR = 3_600_000;

describe('notify outbox on BullMQ (real redis-server, real workers)', () => {
  let redis: RedisServer;
  let harness: OutboxHarness | undefined;

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });
  afterAll(() => redis?.stop());

  const toChannel = (alert: Alert) => [
    { platform: 'slack' as const, destination: alert.cluster === 'dev' ? 'C0DEV' : 'C0PROD' },
  ];

  it('posts the first transition, then edits the same message and replies in its thread', async () => {
    const slack = new RecordingChatPlatform('slack');
    harness = startOutboxHarness(redis, { platforms: [slack], destinations: toChannel });
    const openedAt = new Date(Date.now() - (2 * 24 + 3) * HOUR - 60_000);
    const open = opened('aopen', findingFor('prod', 'statefulset db/mongo'), openedAt);
    await harness.applyAndNotify(open, {});
    await waitFor('the post', () => slack.callsOf('post').length === 1);

    const ack = acknowledge(open.alert, {
      by: maria,
      now: new Date(),
      origin: 'slack:C0PROD',
      note: 'on it',
    });
    if (!ack.ok) throw new Error(ack.message);
    await harness.applyAndNotify(ack.changes, { [open.alert.id]: open.alert.seq });
    await waitFor('the ack reply', () => slack.callsOf('reply').length === 1);

    const resolved = next(
      ack.alert,
      'resolved',
      new Date(openedAt.getTime() + (2 * 24 + 3) * HOUR + 60_000),
      {
        state: 'resolved',
        resolvedAt: new Date(openedAt.getTime() + (2 * 24 + 3) * HOUR + 60_000).toISOString(),
      },
    );
    await harness.applyAndNotify(resolved, { [ack.alert.id]: ack.alert.seq });
    await waitFor('the resolve reply', () => slack.callsOf('reply').length === 2);

    const [message] = slack.postedFor('C0PROD', 'aopen');
    expect(slack.postedFor('C0PROD', 'aopen')).toHaveLength(1);
    expect(message?.thread).toEqual(['acknowledged by Maria: on it', 'resolved after 2 days 3 hours']);
    expect(message?.message.state).toBe('resolved');
    expect(message?.message.status).toMatch(/^Resolved after 2 days 3 hours/);
    expect(message?.message.actions).toEqual([]);
    expect(message?.message.blastRadius).toEqual(['service db/mongo']);
    expect(slack.callsOf('update')).toHaveLength(2);
    // Delivery is idempotent: enqueueing the same transitions again sends nothing more.
    await harness.outbox.notify([...open.transitions, ...ack.changes.transitions, ...resolved.transitions]);
    await new Promise((r) => setTimeout(r, 300));
    expect(slack.calls.filter((c) => c.kind !== 'findPosted')).toHaveLength(5);
  });

  it('keeps each alert in order under concurrency (two workers, random latency)', async () => {
    const slack = new RecordingChatPlatform('slack');
    const jitter = slack.post.bind(slack);
    slack.post = async (d, m) => {
      await new Promise((r) => setTimeout(r, Math.random() * 30));
      return jitter(d, m);
    };
    harness = startOutboxHarness(redis, {
      platforms: [slack],
      destinations: toChannel,
      pacing: { minIntervalMs: perPlatform(() => 0), orderWaitMs: 2000 },
      workers: 2,
      concurrency: 8,
    });
    const ids = ['aone', 'atwo', 'athree', 'afour', 'afive'];
    const now = Date.now();
    for (const id of ids) {
      // Every transition of an alert enqueued at once: without the order gate, later ones would race the post.
      const open = opened(id, findingFor('prod', `statefulset db/${id}`, 'warning'), new Date(now - HOUR));
      const escalated = next(open.alert, 'escalated', new Date(now - 3000), { severity: 'critical' });
      const acked = next(
        escalated.alert,
        'acknowledged',
        new Date(now - 2000),
        { state: 'acknowledged' },
        { actor: maria },
      );
      const resolved = next(acked.alert, 'resolved', new Date(now - 1000), {
        state: 'resolved',
        resolvedAt: new Date(now - 1000).toISOString(),
      });
      await harness.applyAndNotify(
        {
          alerts: [resolved.alert],
          transitions: [
            ...open.transitions,
            ...escalated.transitions,
            ...acked.transitions,
            ...resolved.transitions,
          ],
        },
        {},
      );
    }
    await waitFor('every reply', () => slack.callsOf('reply').length === ids.length * 3, 15_000);
    for (const id of ids) {
      const posted = slack.postedFor('C0PROD', id);
      expect(posted, id).toHaveLength(1);
      expect(posted[0]?.thread.map((l) => l.split(' ')[0])).toEqual([
        'escalated',
        'acknowledged',
        'resolved',
      ]);
    }
  });

  it('paces one channel to the configured interval without slowing another channel', async () => {
    const slack = new RecordingChatPlatform('slack');
    harness = startOutboxHarness(redis, {
      platforms: [slack],
      destinations: toChannel,
      workers: 2,
      concurrency: 8,
    });
    const now = new Date();
    const busy = Array.from({ length: 10 }, (_, i) =>
      opened(`abusy${i}`, findingFor('prod', `statefulset db/s${i}`), now),
    );
    const quiet = opened('aquiet', findingFor('dev', 'statefulset db/q'), now);
    const started = Date.now();
    await Promise.all([...busy, quiet].map((o) => harness?.applyAndNotify(o, {})));
    await waitFor('all posts', () => slack.callsOf('post').length === 11, 10_000);

    const times = slack.callsOf('post', 'C0PROD').map((c) => c.at);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(60);
    const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
    expect(span).toBeGreaterThanOrEqual(850);
    expect(span).toBeLessThan(2500);
    // The other channel is not queued behind the busy one: its post goes out among the first.
    expect(slack.callsOf('post', 'C0DEV')[0]?.at ?? Infinity).toBeLessThan(times[3] ?? 0);
    expect((slack.callsOf('post', 'C0DEV')[0]?.at ?? Infinity) - started).toBeLessThan(800);
  });

  it("waits out a 429's retry-after on that channel only", async () => {
    const slack = new RecordingChatPlatform('slack');
    let limited = false;
    slack.fault = ({ kind, destination }) => {
      if (kind !== 'post' || destination !== 'C0PROD' || limited) return undefined;
      limited = true;
      return new ChatDeliveryError('rate-limited', 'ratelimited', { retryAfterMs: 800 });
    };
    harness = startOutboxHarness(redis, { platforms: [slack], destinations: toChannel });
    const now = new Date();
    await harness.applyAndNotify(opened('alimited', findingFor('prod', 'statefulset db/l'), now), {});
    await waitFor('the 429', () => limited);
    const limitedAt = Date.now();
    await Promise.all(
      [0, 1, 2].map((i) =>
        harness?.applyAndNotify(opened(`adev${i}`, findingFor('dev', `statefulset db/d${i}`), now), {}),
      ),
    );
    await waitFor('the delayed post', () => slack.callsOf('post', 'C0PROD').length === 1, 5000);
    const devPosts = slack.callsOf('post', 'C0DEV');
    expect(devPosts).toHaveLength(3);
    const limitedPost = slack.callsOf('post', 'C0PROD')[0]?.at ?? 0;
    expect(Math.max(...devPosts.map((c) => c.at))).toBeLessThan(limitedPost);
    expect(limitedPost - limitedAt).toBeGreaterThanOrEqual(700);
    expect(harness.log.lines.some((l) => l.message.includes('rate-limited'))).toBe(true);
  });

  it('rides out a chat outage (5xx) and delivers everything exactly once afterwards', async () => {
    const slack = new RecordingChatPlatform('slack');
    let down = true;
    slack.fault = () => (down ? new ChatDeliveryError('unavailable', 'Slack answered 503') : undefined);
    harness = startOutboxHarness(redis, {
      platforms: [slack],
      destinations: toChannel,
      pacing: { minIntervalMs: perPlatform(() => 20), retryInitialMs: 40, retryMaxMs: 150 },
    });
    const now = new Date();
    for (const id of ['adown1', 'adown2', 'adown3']) {
      const open = opened(id, findingFor('prod', `statefulset db/${id}`), new Date(now.getTime() - HOUR));
      const acked = next(open.alert, 'acknowledged', now, { state: 'acknowledged' }, { actor: maria });
      await harness.applyAndNotify(
        { alerts: [acked.alert], transitions: [...open.transitions, ...acked.transitions] },
        {},
      );
    }
    await waitFor('a few failed attempts', () => slack.calls.filter((c) => c.failed).length >= 12);
    down = false;
    await waitFor('recovery', () => slack.callsOf('reply').length === 3, 10_000);
    for (const id of ['adown1', 'adown2', 'adown3']) {
      expect(slack.postedFor('C0PROD', id), id).toHaveLength(1);
      expect(slack.postedFor('C0PROD', id)[0]?.thread).toEqual(['acknowledged by Maria']);
    }
    // The reply is on the wire a moment before BullMQ records the job as completed.
    const h = harness;
    await waitFor(
      'the job recorded as completed',
      async () => (await h.jobState('adown1-2', 'slack', 'C0PROD')) === 'completed',
    );
    expect(harness.log.lines.filter((l) => l.message.includes('will retry')).length).toBeGreaterThanOrEqual(
      3,
    );
  });

  it('fails a permanent error visibly, logs it for the audit, and lets later notifications through', async () => {
    const slack = new RecordingChatPlatform('slack');
    slack.fault = ({ kind, destination }) =>
      kind === 'post' && destination === 'C0PROD'
        ? new ChatDeliveryError('not-found', 'channel C0PROD not found')
        : undefined;
    harness = startOutboxHarness(redis, { platforms: [slack], destinations: toChannel });
    const open = opened('agone', findingFor('prod', 'statefulset db/g'), new Date());
    await harness.applyAndNotify(open, {});
    await waitFor(
      'the failed job',
      async () => (await harness?.jobState('agone-1', 'slack', 'C0PROD')) === 'failed',
    );
    const line = harness.log.lines.find((l) => l.level === 'error');
    expect(line?.message).toMatch(/channel C0PROD not found/);
    expect(line?.fields).toMatchObject({
      audit: true,
      alertId: 'agone',
      code: 'chat-not-found',
      destination: 'C0PROD',
    });
  });

  describe('a destination not registered with its platform yet (a Teams conversation vigil is not in)', () => {
    const toOncall = () => [{ platform: 'teams' as const, destination: 'oncall' }];
    const notRegistered = () =>
      new ChatDeliveryError('not-registered', 'No Teams conversation is known as "oncall"');

    it('holds the alert instead of dropping it, lists the destination, and delivers once woken', async () => {
      const teams = new RecordingChatPlatform('teams');
      let registered = false;
      teams.fault = ({ kind }) => (kind === 'post' && !registered ? notRegistered() : undefined);
      // A backoff longer than the test: only the wake-up can deliver it in time.
      harness = startOutboxHarness(redis, {
        platforms: [teams],
        destinations: toOncall,
        hold: { initialMs: 60_000, maxMs: 60_000 },
      });
      const open = opened('aheld', findingFor('prod', 'statefulset db/h'), new Date());
      await harness.applyAndNotify(open, {});
      await waitFor('the hold', async () => (await harness!.state.held()).length === 1);
      expect(await harness.state.held()).toEqual([
        { platform: 'teams', destination: 'oncall', since: expect.any(String), jobs: 1 },
      ]);
      expect(await harness.jobState('aheld-1', 'teams', 'oncall')).toBe('delayed');
      expect(harness.log.lines.filter((l) => l.level === 'error')).toEqual([]);
      expect(harness.log.lines.find((l) => l.level === 'warn')?.message).toMatch(
        /^held: teams destination "oncall" is not registered yet/,
      );

      // What Jobs.releaseHeld does when the conversation store announces "oncall".
      registered = true;
      await promoteJobs(
        harness.queue,
        await harness.state.release({ platform: 'teams', destination: 'oncall' }),
      );
      await waitFor('the post', () => teams.callsOf('post').length === 1, 5_000);
      expect(teams.postedFor('oncall', 'aheld')).toHaveLength(1);
      expect(await harness.state.held()).toEqual([]);
    });

    it('retries with a backoff meanwhile; the first delivery ends the hold for the destination', async () => {
      const teams = new RecordingChatPlatform('teams');
      let registered = false;
      teams.fault = ({ kind }) => (kind === 'post' && !registered ? notRegistered() : undefined);
      harness = startOutboxHarness(redis, {
        platforms: [teams],
        destinations: toOncall,
        hold: { initialMs: 100, maxMs: 200 },
      });
      for (const id of ['aheld1', 'aheld2']) {
        await harness.applyAndNotify(opened(id, findingFor('prod', `statefulset db/${id}`), new Date()), {});
      }
      await waitFor('a few held attempts', () => teams.calls.filter((c) => c.failed).length >= 4);
      expect((await harness.state.held())[0]?.jobs).toBe(2);
      registered = true;
      await waitFor('both posts', () => teams.callsOf('post').length === 2, 5_000);
      await waitFor('the hold ended', async () => (await harness!.state.held()).length === 0);
      expect(await harness.jobState('aheld1-1', 'teams', 'oncall')).toBe('completed');
      expect(harness.log.lines.filter((l) => l.level === 'error')).toEqual([]);
    });
  });

  it('adopts the message a killed worker posted but never recorded: no duplicate post', async () => {
    const slack = new RecordingChatPlatform('slack');
    let killedAfterPost = false;
    slack.afterPost = async () => {
      if (killedAfterPost) return;
      killedAfterPost = true;
      await new Promise(() => {}); // this worker never gets to record the PostedRef
    };
    harness = startOutboxHarness(redis, {
      platforms: [slack],
      destinations: toChannel,
      workers: 1,
      lockDurationMs: 600,
      stalledIntervalMs: 300,
    });
    const open = opened('akilled', findingFor('prod', 'statefulset db/k'), new Date());
    await harness.applyAndNotify(open, {});
    await waitFor('the post that is never recorded', () => killedAfterPost);
    await harness.workers[0]?.close(true); // the "killed" replica: no more lock renewals
    harness.addWorker();
    await waitFor(
      'the job taken over',
      async () => (await harness?.jobState('akilled-1', 'slack', 'C0PROD')) === 'completed',
      10_000,
    );
    expect(slack.postedFor('C0PROD', 'akilled')).toHaveLength(1);
    expect(slack.callsOf('findPosted').at(-1)?.messageId).toBe(
      slack.postedFor('C0PROD', 'akilled')[0]?.messageId,
    );
    expect(slack.callsOf('reply')).toHaveLength(0);
    expect(
      await harness.state.getPosted({ alertId: 'akilled', platform: 'slack', destination: 'C0PROD' }),
    ).toMatchObject({
      messageId: slack.postedFor('C0PROD', 'akilled')[0]?.messageId,
    });
  });
});
