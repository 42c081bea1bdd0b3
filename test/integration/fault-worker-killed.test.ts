import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledge } from '../../src/alerts/acknowledge.js';
import { parseConfig } from '../../src/config/load-config.js';
import { FakeSlackWebApi } from '../fakes/slack/index.js';
import { findingFor, maria, next, opened } from '../support/alert-fixtures.js';
import { waitFor } from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { SlackHoldProxy } from '../support/slack-hold-proxy.js';
import {
  postsOf,
  startSlackOutboxRig,
  threadOf,
  visible,
  type SlackOutboxRig,
} from '../support/slack-outbox-rig.js';
import {
  startNotifyWorkerProcess,
  type NotifyWorkerProcess,
} from '../support/start-notify-worker-process.js';

/**
 * Issue 4: a notify worker killed mid-delivery. Replicas are child processes (SIGKILL: no cleanup, no
 * lock release) talking to the fake Slack Web API through a proxy that lets a call take effect and
 * withholds the answer, so the kill lands exactly between "Slack has the message" and "vigil recorded
 * it". BullMQ's stall detection is shortened so the next replica takes the job over within a second.
 */
const CHANNEL = 'C0KILL';
const HOUR = 3_600_000;
const timings = { lockDurationMs: 1000, stalledIntervalMs: 250 };

describe('fault: notify worker killed mid-delivery (real SlackPlatform, child processes)', () => {
  let redis: RedisServer;
  let slack: FakeSlackWebApi;
  let proxy: SlackHoldProxy;
  let rig: SlackOutboxRig;
  const replicas: NotifyWorkerProcess[] = [];

  beforeAll(async () => {
    [redis, slack] = await Promise.all([startRedisServer(), FakeSlackWebApi.start()]);
    proxy = await SlackHoldProxy.start(slack.origin);
    const config = parseConfig(
      { clusters: [{ name: 'prod', inCluster: true }], alerts: { defaultRoute: { slack: [CHANNEL] } } },
      'fault.yaml',
      '/',
    );
    rig = startSlackOutboxRig(redis, slack, { config });
  });
  afterAll(async () => {
    await Promise.allSettled(replicas.map((r) => r.kill()));
    await rig?.stop();
    await Promise.allSettled([proxy?.close(), slack?.close(), redis?.stop()]);
  });

  const replica = async () => {
    const r = await startNotifyWorkerProcess({
      redisUrl: redis.url,
      prefix: rig.prefix,
      slackApiUrl: proxy.apiUrl,
      slackToken: slack.token,
      pacing: rig.pacing,
      ...timings,
    });
    replicas.push(r);
    return r;
  };
  const topLevelPosts = () =>
    slack.callsTo('chat.postMessage').filter((c) => c.args['thread_ts'] === undefined && !c.error);

  it('posts once, then edits and replies in order, across two replicas killed mid-call', async () => {
    const a = await replica();
    // Replica A posts; Slack stores the message; A never sees the answer and is killed.
    proxy.hold({ method: 'chat.postMessage', when: (body) => !body.includes('thread_ts') });
    const open = opened('akill', findingFor('prod', 'statefulset db/mongo'), new Date(Date.now() - HOUR));
    await rig.applyAndNotify(open, {});
    await waitFor('Slack to store the post whose answer is withheld', () => proxy.held.length === 1);
    expect(postsOf(slack, CHANNEL, 'akill')).toHaveLength(1);
    await a.kill();

    // Meanwhile, with no worker alive, Maria acknowledges and the alert resolves.
    const ack = acknowledge(open.alert, { by: maria, now: new Date(), origin: `slack:${CHANNEL}` });
    if (!ack.ok) throw new Error(ack.message);
    await rig.applyAndNotify(ack.changes, { akill: 1 });
    const resolvedAt = new Date();
    const resolved = next(ack.alert, 'resolved', resolvedAt, {
      state: 'resolved',
      resolvedAt: resolvedAt.toISOString(),
    });
    await rig.applyAndNotify(resolved, { akill: 2 });

    // Replica B takes the post over: finds A's message, records it, edits it to the alert's current
    // state, and is killed after Slack applied the edit.
    proxy.hold({ method: 'chat.update' });
    const b = await replica();
    await waitFor('Slack to apply the edit whose answer is withheld', () => proxy.held.length === 2, 15_000);
    await b.kill();

    // Replica C (in this process, straight to the fake) finishes the job and the next one.
    rig.startWorker(timings);
    await waitFor('both thread lines', () => threadOf(slack, CHANNEL, 'akill').length === 2, 15_000);
    const last = await rig.job('akill-3', CHANNEL);
    await waitFor('the last delivery', async () => (await last?.getState()) === 'completed');

    expect(postsOf(slack, CHANNEL, 'akill')).toHaveLength(1);
    expect(topLevelPosts()).toHaveLength(1);
    expect(threadOf(slack, CHANNEL, 'akill').map((l) => l.replace(/\s+after .*/, ''))).toEqual([
      'acknowledged by Maria',
      'resolved',
    ]);
    expect(visible(postsOf(slack, CHANNEL, 'akill')[0])).toMatch(/Resolved after 1 hour/);
    // B found A's message (findPosted) and recorded it; everything after edited that one message.
    const ts = postsOf(slack, CHANNEL, 'akill')[0]?.ts;
    expect(
      await rig.state.getPosted({ alertId: 'akill', platform: 'slack', destination: CHANNEL }),
    ).toMatchObject({ messageId: ts });
    expect((await rig.job('akill-1', CHANNEL))?.returnvalue).toMatchObject({ messageId: ts });
    expect(slack.callsTo('conversations.history').length).toBeGreaterThanOrEqual(1);
    expect(b.lines.some((l) => l['event'] === 'active')).toBe(true);
  });
});
