import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueues } from '../../jobs/create-queues.js';
import { startJobs } from '../../jobs/start-jobs.js';
import type { VigilConfig } from '../../src/config/config-schema.js';
import { parseConfig } from '../../src/config/load-config.js';
import { RedisAlertStore } from '../../src/redis/redis-alert-store.js';
import { RedisCheckFailures } from '../../src/redis/redis-check-failures.js';
import { createRedisConnection, masterNodes } from '../../src/redis/redis-connection.js';
import { RedisConversationStore } from '../../src/redis/redis-conversation-store.js';
import { RedisEnvelopeDedupe } from '../../src/redis/redis-envelope-dedupe.js';
import { RedisMuteStore } from '../../src/redis/redis-mute-store.js';
import { RedisNodeReports } from '../../src/redis/redis-node-reports.js';
import { RedisOutboxState } from '../../src/redis/redis-outbox-state.js';
import { untaggedStateLeftBehind } from '../../src/redis/redis-prefix-migration.js';
import { RedisReplayGuard } from '../../src/redis/redis-replay-guard.js';
import { createRedisStores } from '../../src/redis/redis-stores.js';
import { findingFor, opened } from '../support/alert-fixtures.js';
import { countingCheckDeps } from '../support/fake-check-deps.js';
import { queueClients, recordingLog, uniquePrefix, waitFor } from '../support/queue-harness.js';
import { RecordingChatPlatform } from '../support/recording-chat-platform.js';
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { keySlot } from '../support/redis-key-slot.js';

/**
 * vigil on a real Redis Cluster of three masters (test/support/redis-cluster.ts): the schedulers, the
 * alert lifecycle and the outbox run unchanged once the prefix carries a hash tag, every key they
 * write sits in that tag's slot, and an un-tagged prefix is refused before the cluster refuses it.
 */
describe('vigil on a Redis Cluster (three masters on loopback)', () => {
  let cluster: RedisCluster;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster();
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await cluster?.stop();
  });

  function clients(prefix: string) {
    const c = queueClients(cluster, prefix);
    cleanups.push(() => c.close());
    return c;
  }

  /** Every key under `prefix` on every master, with the port of the master holding it. */
  async function keysUnder(prefix: string, redis: ReturnType<typeof clients>['store']) {
    const found: { key: string; node: string }[] = [];
    for (const node of masterNodes(redis)) {
      let cursor = '0';
      for (let round = 0; round < 1000; round++) {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        const where = `${String(node.options.host)}:${String(node.options.port)}`;
        found.push(...keys.map((key) => ({ key, node: where })));
        cursor = next;
        if (cursor === '0') break;
      }
    }
    return found;
  }

  it('computes the slots the cluster computes', async () => {
    for (const key of ['123456789', '{vigil}:alerts:open', 'team-a:{vigil}:checks:wait', 'vigil:audit:all']) {
      expect(Number((await cluster.cli(['CLUSTER', 'KEYSLOT', key])).trim())).toBe(keySlot(key));
    }
  });

  it('refuses an un-tagged prefix, whose multi-key scripts the cluster would reject (CROSSSLOT)', async () => {
    expect(() =>
      createRedisConnection({ url: cluster.url, topology: cluster.topology, prefix: 'vigil' }),
    ).toThrow(/"vigil" has no hash tag.*use "\{vigil\}"/);
    // What the refusal saves from: the alert store's apply script under an un-tagged prefix.
    const c = clients(`{${uniquePrefix('refuse')}}`);
    const untagged = new RedisAlertStore(c.store, uniquePrefix('untagged'));
    const { alerts, transitions } = opened('a1', findingFor('prod', 'db/mongo'), new Date());
    await expect(untagged.apply({ alerts, transitions }, {})).rejects.toThrow(/CROSSSLOT/);
  });

  it('runs the schedulers, the lifecycle and the outbox: posted once, resolved in place, one slot', async () => {
    const prefix = `{${uniquePrefix('cluster')}}`;
    const config: Readonly<VigilConfig> = parseConfig(
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
        },
        alerts: { defaultRoute: { slack: ['C0PROD'] }, resolveAfterOkRuns: 1 },
      },
      'test.yaml',
      '/',
    );
    let failing = true;
    const { deps, runs } = countingCheckDeps((name, check) =>
      failing && check === 'statefulsets' ? [findingFor(name, 'db/mongo')] : [],
    );
    const slack = new RecordingChatPlatform('slack');
    const c = clients(prefix);
    const stores = createRedisStores(c.storeConnection, config.alerts);
    const jobs = await startJobs({
      config,
      redis: { bullmq: c.bullmq, store: c.store },
      prefix,
      checks: deps,
      alerts: stores.alerts,
      snapshots: stores.snapshots,
      platforms: new Map([['slack', slack]]),
      log: recordingLog(),
      now: () => new Date(),
      run: { watchdog: false },
    });
    cleanups.push(() => jobs.stop());
    expect(jobs.schedulers?.upserted).toContain('check-prod-statefulsets');

    const post = await waitFor(
      'the alert posted to C0PROD',
      () => slack.calls.find((x) => x.kind === 'post'),
      20_000,
    );
    const [alert] = await stores.alerts.listOpen({ cluster: 'prod' });
    expect(alert).toMatchObject({ id: post.alertId, state: 'firing', check: 'statefulsets' });
    expect(await stores.snapshots.get('prod', 'statefulsets')).toMatchObject({ cluster: 'prod' });

    failing = false;
    await waitFor(
      'the message updated once resolved',
      async () =>
        (await stores.alerts.get(post.alertId))?.state === 'resolved' &&
        slack.calls.some((x) => x.kind === 'update'),
      20_000,
    );
    const ticksSeen = runs.length;
    await waitFor('another scheduled tick', () => runs.length > ticksSeen + 1, 10_000);
    await jobs.stop();

    expect(slack.calls.filter((x) => x.kind === 'post')).toHaveLength(1);
    expect(slack.calls.filter((x) => x.kind === 'update').every((x) => x.messageId === post.messageId)).toBe(
      true,
    );
    expect(await stores.alerts.listOpen()).toEqual([]);
    const history = await stores.audit.read({ alertId: post.alertId });
    expect(history.map((e) => e.action)).toEqual(expect.arrayContaining(['opened', 'resolved']));

    // Everything this deployment wrote, BullMQ's keys included, sits in the prefix's slot on one master.
    const keys = await keysUnder(prefix, c.store);
    expect(keys.some((k) => k.key.startsWith(`${prefix}:checks:`))).toBe(true);
    expect(keys.some((k) => k.key.startsWith(`${prefix}:notify:`))).toBe(true);
    expect(keys.some((k) => k.key.startsWith(`${prefix}:alerts:`))).toBe(true);
    expect(keys.some((k) => k.key.startsWith(`${prefix}:outbox:`))).toBe(true);
    expect(new Set(keys.map((k) => keySlot(k.key)))).toEqual(new Set([keySlot(prefix)]));
    expect(new Set(keys.map((k) => k.node)).size).toBe(1);

    // A second replica's start-up finds the schedulers as they are (upsert is idempotent).
    const queues = createQueues(c.bullmq, prefix);
    cleanups.push(() => queues.close());
    expect(await queues.checks.getJobSchedulersCount()).toBe(
      (await queues.checks.getJobSchedulers(0, -1)).length,
    );
    expect(await queues.checks.getJobSchedulersCount()).toBeGreaterThanOrEqual(1);
  });

  it('runs every other store on the cluster', async () => {
    const prefix = `{${uniquePrefix('stores')}}`;
    const c = clients(prefix);
    const now = new Date();

    const conversations = new RedisConversationStore(c.store, prefix, 'teams');
    const stored = await conversations.remember(
      {
        kind: 'channel',
        conversationId: '19:abc}{def@thread.tacv2',
        channelName: 'ops',
        reference: { serviceUrl: 'https://smba.example/' },
      },
      ['ops'],
      now,
    );
    expect(stored.alias).toBe('ops');
    expect(await conversations.rename('19:abc}{def@thread.tacv2', 'oncall', now)).toMatchObject({ ok: true });
    expect((await conversations.list()).map((x) => x.alias)).toEqual(['oncall']);
    expect(await conversations.forget('19:abc}{def@thread.tacv2')).toMatchObject({ alias: 'oncall' });

    const envelopes = new RedisEnvelopeDedupe(c.store, prefix, 'slack');
    expect([await envelopes.claim('Ev1'), await envelopes.claim('Ev1')]).toEqual([true, false]);
    const replay = new RedisReplayGuard(c.store, prefix);
    expect([await replay.firstTime('r1', 60), await replay.firstTime('r1', 60)]).toEqual([true, false]);

    const reports = new RedisNodeReports(c.store, prefix, () => now);
    for (const node of ['node-1', 'node-2', 'node-3']) {
      const report = { node, observedAt: now.toISOString(), intervalMinutes: 60, body: { n: node } };
      expect(await reports.put('prod', 'host-certificates', report, 3_600_000)).toBe(true);
    }
    expect((await reports.latest('prod', 'host-certificates')).map((r) => r.node).sort()).toEqual([
      'node-1',
      'node-2',
      'node-3',
    ]);

    const failures = new RedisCheckFailures(c.store, prefix);
    await failures.record('prod', 'certificates', { at: now.toISOString(), message: 'connect ECONNREFUSED' });
    expect([...(await failures.all()).keys()]).toEqual(['prod/certificates']);

    const outbox = new RedisOutboxState(c.store, prefix);
    const target = { alertId: 'a1', platform: 'teams' as const, destination: '19:abc}{def@thread.tacv2' };
    await outbox.enqueued(target, 1);
    expect(await outbox.gate(target, 1)).toBe('deliver');
    expect(await outbox.reserveSlot(target, 1000)).toEqual({ go: true });
    await outbox.block(target, 5_000);
    expect(await outbox.reserveSlot(target, 1000)).toMatchObject({ go: false });
    expect(await outbox.complete(target, 1)).toBeUndefined();
    await outbox.hold(target, 'job-1');
    expect((await outbox.held()).map((h) => h.jobs)).toEqual([1]);
    expect(await outbox.release(target)).toEqual(['job-1']);
    await outbox.markStep('d1', 'posted');
    expect([...(await outbox.steps('d1'))]).toEqual(['posted']);

    // MULTI and MGET over the mute keys: one slot, so the cluster takes them.
    const mutes = new RedisMuteStore(c.store, prefix);
    const mute = await mutes.add({
      scope: { clusters: ['prod'] },
      by: { kind: 'slack', id: 'U0MARIA' },
      at: now.toISOString(),
      until: new Date(now.getTime() + 3_600_000).toISOString(),
      origin: 'slack:C0OPS',
    });
    expect((await mutes.active(now)).map((m) => m.id)).toEqual([mute.id]);
    await mutes.hold(
      { key: `mute:${mute.id}`, label: 'mute', until: mute.until },
      { alertId: 'a1', platform: 'teams', destination: target.destination },
    );
    await mutes.end(mute.id, now);
    const [ended] = await mutes.ended(now, 10);
    expect(ended?.held).toEqual([{ alertId: 'a1', platform: 'teams', destination: target.destination }]);
    expect(await mutes.claim(ended?.key ?? '', 'teams', target.destination, 60_000)).toBe(true);
    await mutes.settle(ended?.key ?? '', 'teams', target.destination, true);
    await mutes.finish(ended?.key ?? '');

    const keys = await keysUnder(prefix, c.store);
    expect(keys.length).toBeGreaterThan(10);
    expect(new Set(keys.map((k) => keySlot(k.key)))).toEqual(new Set([keySlot(prefix)]));
  });

  it('says so when state is left under the prefix without its braces', async () => {
    const name = uniquePrefix('moved');
    const c = clients(`{${name}}`);
    expect(await untaggedStateLeftBehind(c.store, `{${name}}`)).toBeUndefined();
    // An install that ran under `name` before (keys copied into the cluster, one by one).
    await c.store.set(`${name}:alerts:id-counter`, '41');
    await c.store.zadd(`${name}:audit:all`, 1, 'x');
    expect(await untaggedStateLeftBehind(c.store, `{${name}}`)).toEqual({
      oldPrefix: name,
      keys: [`${name}:alerts:id-counter`, `${name}:audit:all`],
    });
    // Once the new prefix holds state of its own, the move happened: nothing to say.
    await new RedisAlertStore(c.store, `{${name}}`).newId();
    expect(await untaggedStateLeftBehind(c.store, `{${name}}`)).toBeUndefined();
  });
});
