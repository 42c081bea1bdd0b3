import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledge } from '../../src/alerts/acknowledge.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { Alert } from '../../src/domain/alert.js';
import { FakeSlackWebApi, type FakeSlackMessage } from '../fakes/slack/index.js';
import { findingFor, maria, next, opened } from '../support/alert-fixtures.js';
import { waitFor } from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import {
  postsOf,
  startSlackOutboxRig,
  threadOf,
  visible,
  type SlackOutboxRig,
} from '../support/slack-outbox-rig.js';
import { perPlatform } from '../../src/chat/platforms.js';

/**
 * Issue 4: Slack answering 429 and 5xx for a while. Every alert goes to three channels: one that is
 * rate-limited (429, Retry-After 1 s), one that fails with 503, one healthy. Real SlackPlatform
 * (@slack/web-api, rejectRateLimitedCalls) against the fake Web API, two workers on real BullMQ.
 */
const LIMITED = 'C0LIMITED';
const FLAKY = 'C0FLAKY';
const CALM = 'C0CALM';
const CHANNELS = [LIMITED, FLAKY, CALM];
const IDS = ['aslk1', 'aslk2', 'aslk3'];
const INTERVAL_MS = 100;
const HOUR = 3_600_000;

/** A Slack `ts` ("1700000000.123456") in ms: the fake stamps messages with the time they took effect. */
const tsMs = (m: FakeSlackMessage) => Number(m.ts) * 1000;

describe('fault: Slack answers 429 and 503 for a while', () => {
  let redis: RedisServer;
  let slack: FakeSlackWebApi;
  let rig: SlackOutboxRig;

  beforeAll(async () => {
    [redis, slack] = await Promise.all([startRedisServer(), FakeSlackWebApi.start()]);
    const config = parseConfig(
      { clusters: [{ name: 'prod', inCluster: true }], alerts: { defaultRoute: { slack: CHANNELS } } },
      'fault.yaml',
      '/',
    );
    rig = startSlackOutboxRig(redis, slack, {
      config,
      pacing: {
        minIntervalMs: perPlatform(() => INTERVAL_MS),
        retryInitialMs: 50,
        retryMaxMs: 300,
      },
    });
    rig.startWorker();
    rig.startWorker();
  });
  afterAll(async () => {
    await rig?.stop();
    await Promise.allSettled([slack?.close(), redis?.stop()]);
  });

  it('delivers every notification once, in order per alert, and the healthy channel keeps its pace', async () => {
    slack.rateLimit({ channel: LIMITED, retryAfterSeconds: 1, times: 3 });
    slack.failStatus(503, { channel: FLAKY, times: 8 });
    const started = Date.now();

    // Each alert: opened (warning), escalated, acknowledged, resolved; each change applied and handed
    // to the outbox as it happens, far faster than the channels can take them.
    const alerts = new Map<string, Alert>();
    for (const id of IDS) {
      const o = opened(id, findingFor('prod', `statefulset db/${id}`, 'warning'), new Date(started - HOUR));
      await rig.applyAndNotify(o, {});
      alerts.set(id, o.alert);
    }
    const step = async (change: (a: Alert) => ReturnType<typeof next>) => {
      for (const id of IDS) {
        const before = alerts.get(id)!;
        const c = change(before);
        await rig.applyAndNotify(c, { [id]: before.seq });
        alerts.set(id, c.alert);
      }
    };
    await step((a) => next(a, 'escalated', new Date(), { severity: 'critical' }));
    await step((a) => {
      const ack = acknowledge(a, { by: maria, now: new Date(), origin: `slack:${CALM}` });
      if (!ack.ok) throw new Error(ack.message);
      return { ...ack.changes, alert: ack.alert };
    });
    await step((a) =>
      next(a, 'resolved', new Date(), { state: 'resolved', resolvedAt: new Date().toISOString() }),
    );

    const done = (channel: string) => () =>
      IDS.every((id) => threadOf(slack, channel, id).length >= 3) ? true : undefined;
    await Promise.all(CHANNELS.map((c) => waitFor(`every notification in ${c}`, done(c), 20_000)));
    const lastJobs = await Promise.all(CHANNELS.flatMap((c) => IDS.map((id) => rig.job(`${id}-4`, c))));
    await waitFor('every last job to complete', async () => {
      const states = await Promise.all(lastJobs.map((j) => j?.getState()));
      return states.every((s) => s === 'completed');
    });

    for (const channel of CHANNELS) {
      for (const id of IDS) {
        const where = `${id} in ${channel}`;
        expect(postsOf(slack, channel, id), where).toHaveLength(1);
        expect(
          threadOf(slack, channel, id).map((l) => l.split(' ')[0]),
          where,
        ).toEqual(['escalated', 'acknowledged', 'resolved']);
        expect(visible(postsOf(slack, channel, id)[0]), where).toMatch(/Resolved after 1 hour/);
      }
      const posts = slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args['channel'] === channel && c.args['thread_ts'] === undefined && !c.error);
      expect(posts, channel).toHaveLength(IDS.length);
    }
    // The faults did happen, on their channels only.
    const failed = slack.calls.filter((c) => c.error);
    expect(failed.filter((c) => c.status === 429).map((c) => c.args['channel'])).toEqual([
      LIMITED,
      LIMITED,
      LIMITED,
    ]);
    expect(failed.filter((c) => c.status === 503)).toHaveLength(8);
    expect(failed.every((c) => c.args['channel'] !== CALM)).toBe(true);
    expect(rig.log.lines.some((l) => l.message.includes('rate-limited'))).toBe(true);
    expect(rig.log.lines.some((l) => l.message.includes('chat unavailable; will retry'))).toBe(true);

    // Pacing: the healthy channel needs 12 slots of 100 ms; the 429s (3 x 1 s) cost it nothing. The
    // rate-limited channel never sent closer than its Retry-After allowed.
    const calm = slack.messages(CALM);
    const calmLast = Math.max(...calm.flatMap((m) => [m, ...m.replies]).map(tsMs));
    expect(calmLast - started).toBeLessThan(12 * INTERVAL_MS + 1500);
    const limitedFirst = Math.min(...slack.messages(LIMITED).map(tsMs));
    expect(limitedFirst - started).toBeGreaterThanOrEqual(2900);
    expect(calmLast).toBeLessThan(limitedFirst);
  });
});
