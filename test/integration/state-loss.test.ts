import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertIdFor } from '../../src/alerts/alert-id.js';
import { createApp, type App } from '../../src/app.js';
import { perPlatform } from '../../src/chat/platforms.js';
import type { VigilConfig } from '../../src/config/config-schema.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { AlertMessage } from '../../src/chat/chat-message.js';
import { DigestBoard } from '../../src/chat/web/digest-board.js';
import { MessageBoard } from '../../src/chat/web/message-board.js';
import { WebPlatform } from '../../src/chat/web/web-platform.js';
import { createRedisConnection, type RedisConnection } from '../../src/redis/redis-connection.js';
import { RedisStateEpoch } from '../../src/redis/redis-state-epoch.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';
import { FakeSlackWebApi, type FakeSlackMessage } from '../fakes/slack/index.js';
import {
  FakeBotConnector,
  cardOf,
  channel,
  conversationUpdateActivity,
  postActivity,
  type FakeActivity,
} from '../fakes/teams/index.js';
import { waitFor as waitUntil } from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

/**
 * Issue 15: Redis loses vigil's data. The whole bot (createApp) with Slack and two Teams channels on
 * a real redis-server without persistence, which the test restarts empty: once under the running
 * bot, once while no vigil runs. Every incident must keep one top-level Slack message (found by its
 * fingerprint and edited), and each Teams channel, which cannot be searched, gets exactly one notice
 * per loss before the cards that may repeat.
 */
const SLACK = 'C0LOSS';
const TOKEN = 'state-loss-kube-token';
const PREFIX = 'loss';
const sre = channel('Alerts');
const oncall = channel('Oncall');
const conversations = [sre, oncall];
const waitFor = <T>(what: string, probe: () => T | Promise<T>) => waitUntil(what, probe, 20_000);

const isCard = (a: FakeActivity) => cardOf(a) !== undefined;
const isNotice = (a: FakeActivity) => !isCard(a) && /no longer act/.test(a.text ?? '');
const alertIdOf = (m: FakeSlackMessage) => m.metadata?.event_payload['alert_id'];

describe('state loss: Redis restarted empty (no AOF) under and before vigil serve', () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const ca = issueCa('loss-ca', now);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-loss-'));
  let redis: RedisServer;
  let kube: FakeKubeApiServer;
  let slack: FakeSlackWebApi;
  let connector: FakeBotConnector;
  let config: Readonly<VigilConfig>;
  let app: App | undefined;
  let base = '';

  const startApp = async () => {
    app = createApp({
      config,
      serve: { redisUrl: redis.url, redisPrefix: PREFIX, port: 0, host: '127.0.0.1' },
      platforms: {
        slack: { botToken: slack.token, signingSecret: 'loss-signing-secret', apiUrl: slack.apiUrl },
        teams: { authDisabled: true },
      },
      scheduling: { outbox: { ...config.outbox, minIntervalMs: perPlatform(() => 20) } },
    });
    base = `http://127.0.0.1:${(await app.start()).port}`;
  };
  const scheduling = () => {
    if (!app?.scheduling) throw new Error('app not started');
    return app.scheduling;
  };
  /** vigil is added to (or, after a loss, @mentioned in) each channel again: it forgot them with Redis. */
  const registerTeams = async () => {
    for (const c of conversations) {
      const res = await postActivity(
        `${base}/api/messages`,
        conversationUpdateActivity({ serviceUrl: connector.serviceUrl, conversation: c }),
      );
      expect(res.status).toBe(200);
    }
  };
  const runCertificates = async () => {
    const id = await scheduling().runNow('prod', 'certificates');
    expect((await scheduling().waitForRun(id, 20_000)).state).toBe('completed');
  };
  const cards = (c: { id: string }) => connector.messages(c.id).filter(isCard);
  const notices = (c: { id: string }) => connector.messages(c.id).filter(isNotice);
  /** Each incident's one message: edited in place, with the thread line saying what happened. */
  const settled = (threadLines: number) =>
    waitFor(`${threadLines} state-loss thread lines under each Slack message`, () => {
      const msgs = slack.messages(SLACK);
      const lines = msgs.map((m) => m.replies.filter((r) => /lost its stored state/.test(r.text ?? '')));
      return lines.every((l) => l.length === threadLines) ? msgs : undefined;
    });

  const secret = (name: string, daysLeft: number) => {
    const leaf = issueLeaf(`${name}.example.com`, now, daysLeft, { issuer: ca });
    kube.upsert({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'shop', name },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': Buffer.from(leaf.certPem).toString('base64') },
    });
  };

  beforeAll(async () => {
    const api = issueLeaf('kube-apiserver', now, 300, { issuer: ca, sans: ['127.0.0.1', 'localhost'] });
    [redis, kube, slack, connector] = await Promise.all([
      startRedisServer({ own: true }),
      FakeKubeApiServer.start({ certPem: api.certPem, keyPem: api.keyPem, tokens: { [TOKEN]: 'vigil' } }),
      FakeSlackWebApi.start(),
      FakeBotConnector.start(),
    ]);
    secret('web-tls', 10);
    secret('api-tls', 20);
    const kubeconfig = join(dir, 'prod.kubeconfig');
    writeFileSync(kubeconfig, kube.kubeconfig({ caPem: ca.certPem, token: TOKEN, contextName: 'prod' }));
    config = parseConfig(
      {
        clusters: [{ name: 'prod', kubeconfig }],
        schedules: {
          checks: {
            certificates: '0 0 1 1 *',
            statefulsets: false,
            registries: false,
            'host-certificates': false,
          },
          runOnStart: false,
          // The test asks checkState itself; a tick a year away keeps the timer out of its way.
          watchdog: { pattern: '0 0 1 1 *' },
        },
        alerts: {
          routes: [
            {
              match: { namespace: 'shop' },
              slack: [SLACK],
              teams: ['platform-sre-alerts', 'platform-sre-oncall'],
            },
          ],
        },
      },
      'loss.yaml',
      dir,
    );
    await startApp();
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await Promise.allSettled([kube?.stop(), slack?.close(), connector?.close(), redis?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  let firstIds: unknown[] = [];

  it('a first install posts each incident once; each Teams channel is told its state is new', async () => {
    await registerTeams();
    await runCertificates();
    const msgs = await waitFor('two Slack messages', () =>
      slack.messages(SLACK).length === 2 ? slack.messages(SLACK) : undefined,
    );
    firstIds = msgs.map(alertIdOf);
    for (const c of conversations) {
      await waitFor(`two cards in ${c.channelName}`, () => cards(c).length === 2);
      expect(notices(c)).toHaveLength(1);
      expect(notices(c)[0]!.text).toMatch(/started with no stored state/);
      // The notice comes first: the cards below it are what it warns about.
      const all = connector.messages(c.id);
      expect(all.indexOf(notices(c)[0]!)).toBeLessThan(all.indexOf(cards(c)[0]!));
    }
    // Nothing of a first install reads as recovered.
    expect(slack.messages(SLACK).flatMap((m) => m.replies.map((r) => r.text ?? ''))).not.toContainEqual(
      expect.stringMatching(/lost its stored state/),
    );
  });

  it('Redis restarted empty under the running bot: noticed, schedules back, no second Slack message', async () => {
    await redis.restart();
    const verdict = await waitFor('checkState once Redis answers again', () =>
      scheduling()
        .checkState()
        .catch(() => undefined),
    );
    expect(verdict).toBe('lost');
    expect(await scheduling().checkState()).toBe('same');
    // The schedules went with the data; the bot put them back without a restart.
    const schedulers = await scheduling().queues.checks.getJobSchedulers(0, -1);
    expect(schedulers.map((s) => s.id ?? s.key)).toContainEqual(expect.stringContaining('prod'));

    const reads = slack.callsTo('conversations.history').length;
    await registerTeams();
    await runCertificates();
    const msgs = await settled(1);
    // Two incidents re-opened, one history read for the channel (Slack allows about 50 a minute).
    expect(slack.callsTo('conversations.history').length - reads).toBe(1);
    expect(msgs).toHaveLength(2);
    // Edited to the new alert ids, so their buttons act on the alerts that exist now.
    const ids = msgs.map(alertIdOf);
    expect(ids.every((id, i) => typeof id === 'string' && id !== firstIds[i])).toBe(true);
    for (const m of msgs) expect(JSON.stringify(m.blocks)).toContain(String(alertIdOf(m)));
    for (const c of conversations) {
      await waitFor(`four cards in ${c.channelName}`, () => cards(c).length === 4);
      expect(notices(c)).toHaveLength(2);
      expect(notices(c)[1]!.text).toMatch(/lost its stored state/);
    }
  });

  it('a later run of the same epoch adds nothing', async () => {
    secret('web-tls', 9);
    await runCertificates();
    await new Promise((r) => setTimeout(r, 500));
    expect(slack.messages(SLACK)).toHaveLength(2);
    for (const c of conversations) {
      expect(cards(c)).toHaveLength(4);
      expect(notices(c)).toHaveLength(2);
    }
  });

  it('a loss met first by a run someone asks for (before any watchdog tick) is handled the same', async () => {
    await redis.restart();
    await waitFor('Redis to answer again', () =>
      scheduling()
        .heldDestinations()
        .then(() => true)
        .catch(() => false),
    );
    await registerTeams();
    await runCertificates();
    expect(await scheduling().checkState()).toBe('same');
    const msgs = await settled(2);
    expect(msgs).toHaveLength(2);
    // Ids from the new epoch's random start, not the counter's 1 and 2 the old messages may carry.
    const ids = msgs.map(alertIdOf);
    expect(ids).not.toContain(alertIdFor(1));
    expect(ids).not.toContain(alertIdFor(2));
    for (const c of conversations) {
      await waitFor(`six cards in ${c.channelName}`, () => cards(c).length === 6);
      expect(notices(c)).toHaveLength(3);
    }
  });

  it('a new empty Redis before vigil starts: the same, one notice per Teams channel', async () => {
    await app?.stop();
    app = undefined;
    await redis.restart();
    await startApp();
    await registerTeams();
    await runCertificates();
    const msgs = await settled(3);
    expect(msgs).toHaveLength(2);
    for (const c of conversations) {
      await waitFor(`eight cards in ${c.channelName}`, () => cards(c).length === 8);
      expect(notices(c)).toHaveLength(4);
    }
  });
});

describe('WebPlatform.listPosted', () => {
  it("lists the board's cards of a room by fingerprint, newest first, without telling the pages", async () => {
    const board = new MessageBoard();
    const web = new WebPlatform(board, new Set(['ops', 'dev']), new DigestBoard());
    const message = (alertId: string, fingerprint: string): AlertMessage => ({
      kind: 'alert',
      alertId,
      fingerprint,
      severity: 'warning',
      state: 'firing',
      cluster: 'prod',
      check: 'certificates',
      title: 't',
      object: 'secret shop/web-tls',
      since: new Date().toISOString(),
      evidence: [],
      blastRadius: [],
      actions: [],
    });
    const a = await web.post('ops', message('aaaaa', 'f1'));
    await web.post('dev', message('bbbbb', 'f2'));
    const c = await web.post('ops', message('ccccc', 'f3'));
    expect(await web.listPosted('ops', new Date(0))).toEqual([
      { messageId: c.messageId, fingerprint: 'f3' },
      { messageId: a.messageId, fingerprint: 'f1' },
    ]);
    expect(JSON.stringify(board.list())).not.toContain('f1');
  });
});

describe('RedisStateEpoch', () => {
  let redis: RedisServer;
  let conn: RedisConnection;
  const client = () => conn.redis;
  beforeAll(async () => {
    redis = await startRedisServer();
    conn = createRedisConnection({ url: redis.url, prefix: 'epoch' });
  });
  afterAll(async () => {
    await conn?.close();
    await redis?.stop();
  });

  it('begins one epoch across racing replicas, with alert ids from a random start', async () => {
    const prefix = `epoch-${Date.now()}`;
    const a = new RedisStateEpoch(client(), prefix);
    const b = new RedisStateEpoch(client(), prefix);
    const [x, y] = await Promise.all([a.ensure('empty-at-start', now()), b.ensure('empty-at-start', now())]);
    expect([x.created, y.created].filter(Boolean)).toHaveLength(1);
    expect(x.epoch).toEqual(y.epoch);
    expect(x.epoch.recovery).toBe(true);
    expect(await a.current()).toEqual(x.epoch);
    const counter = Number(await client().get(`${prefix}:alerts:id-counter`));
    expect(counter).toBeGreaterThanOrEqual(0);
    let reads = 0;
    const read = async () => {
      reads++;
      await new Promise((r) => setTimeout(r, 20));
      return [
        { messageId: '2.0', fingerprint: 'f1' },
        { messageId: '1.0', fingerprint: 'f1' },
      ];
    };
    const found = await Promise.all([
      a.foundBefore(x.epoch.id, 'slack', 'C1', 'f1', read),
      a.foundBefore(x.epoch.id, 'slack', 'C1', 'f2', read),
    ]);
    expect(found).toEqual(['2.0', null]);
    expect(await b.foundBefore(x.epoch.id, 'slack', 'C1', 'f1', read)).toBe('2.0');
    expect(reads).toBe(1);
    expect(await a.claimNotice(x.epoch.id, 'teams', 'c1')).toBe(true);
    expect(await b.claimNotice(x.epoch.id, 'teams', 'c1')).toBe(false);
    await a.releaseNotice(x.epoch.id, 'teams', 'c1');
    expect(await b.claimNotice(x.epoch.id, 'teams', 'c1')).toBe(true);
  });

  it('a missing marker beside existing alerts (an upgrade, an evicted key) is no recovery', async () => {
    const prefix = `epoch-up-${Date.now()}`;
    await client().set(`${prefix}:alerts:id-counter`, '41');
    const { epoch, created } = await new RedisStateEpoch(client(), prefix).ensure('empty-at-start', now());
    expect(created).toBe(true);
    expect(epoch.recovery).toBe(false);
    expect(await client().get(`${prefix}:alerts:id-counter`)).toBe('41');
  });

  it('a running vigil that saw its marker vanish recovers, even if a run in flight minted an id since', async () => {
    const prefix = `epoch-run-${Date.now()}`;
    await client().set(`${prefix}:alerts:id-counter`, '1');
    const { epoch } = await new RedisStateEpoch(client(), prefix).ensure('lost-while-running', now());
    expect(epoch).toMatchObject({ cause: 'lost-while-running', recovery: true });
  });
});

function now(): Date {
  return new Date();
}
