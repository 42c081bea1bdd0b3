import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import type { VigilConfig } from '../../src/config/config-schema.js';
import { parseConfig } from '../../src/config/load-config.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';
import {
  blockActionsPayload,
  FakeSlackWebApi,
  FakeSocketMode,
  slashCommandPayload,
  type FakeConnection,
  type FakeSlackMessage,
} from '../fakes/slack/index.js';
import { waitFor as waitUntil } from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { perPlatform } from '../../src/chat/platforms.js';

/**
 * `vigil serve` in Slack Socket Mode, end to end: two replicas (two `createApp`, as two pods run it)
 * sharing one real redis-server, each with its own WebSocket to the fake Socket Mode endpoint,
 * which it found through apps.connections.open on the fake Web API with the app-level token.
 * Commands and buttons arrive only as envelopes; there is no `/slack/events`.
 */
const CHANNEL = 'C0ALERTS';
const TOKEN = 'e2e-kube-token';

const waitFor = <T>(what: string, probe: () => T | Promise<T>) => waitUntil(what, probe, 15_000);

function visible(m: FakeSlackMessage): string {
  return `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`;
}

describe('Slack Socket Mode story (two vigil serve replicas end to end)', () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const ca = issueCa('e2e-ca', now);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-socket-'));
  let redis: RedisServer;
  let kube: FakeKubeApiServer;
  let web: FakeSlackWebApi;
  let slack: FakeSocketMode;
  let config: Readonly<VigilConfig>;
  const replicas: { app: App; base: string; connection: FakeConnection }[] = [];

  const setWebCertificate = (daysLeft: number) => {
    const leaf = issueLeaf('shop.example.com', now, daysLeft, { issuer: ca, sans: ['shop.example.com'] });
    kube.upsert({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'shop', name: 'web-tls' },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.from(leaf.certPem).toString('base64'),
        'tls.key': Buffer.from('not a real key').toString('base64'),
      },
    });
  };

  const readyz = async (i: number) => {
    const res = await fetch(`${replicas[i]!.base}/readyz`);
    return { status: res.status, text: await res.text() };
  };

  /** The connection a replica opened after `afterId`: how the fake tells replicas apart. */
  const reconnected = (i: number, afterId: number) =>
    waitFor(`replica ${i} reconnected`, async () => {
      const fresh = slack.open.find((c) => c.id > afterId && !replicas.some((r) => r.connection === c));
      if (!fresh || (await readyz(i)).status !== 200) return undefined;
      replicas[i]!.connection = fresh;
      return fresh;
    });

  beforeAll(async () => {
    const api = issueLeaf('kube-apiserver', now, 300, { issuer: ca, sans: ['127.0.0.1', 'localhost'] });
    [redis, kube, web] = await Promise.all([
      startRedisServer(),
      FakeKubeApiServer.start({ certPem: api.certPem, keyPem: api.keyPem, tokens: { [TOKEN]: 'vigil' } }),
      FakeSlackWebApi.start(),
    ]);
    slack = await FakeSocketMode.start(web);
    setWebCertificate(20);
    const kubeconfig = join(dir, 'prod.kubeconfig');
    writeFileSync(kubeconfig, kube.kubeconfig({ caPem: ca.certPem, token: TOKEN, contextName: 'prod' }));
    config = parseConfig(
      {
        clusters: [{ name: 'prod', kubeconfig }],
        schedules: {
          checks: { certificates: '0 0 1 1 *', statefulsets: false, registries: false },
          runOnStart: true,
        },
        alerts: { resolveAfterOkRuns: 1, routes: [{ match: { namespace: 'shop' }, slack: [CHANNEL] }] },
      },
      'e2e',
      dir,
    );
    // One at a time, so each replica's connection is known by the order they opened in.
    for (let i = 0; i < 2; i++) {
      const app = createApp({
        config,
        serve: { redisUrl: redis.url, redisPrefix: 'e2e-socket', port: 0, host: '127.0.0.1' },
        // No signing secret: nothing arrives over HTTP in Socket Mode.
        platforms: {
          slack: { botToken: web.token, signingSecret: '', appToken: web.appToken, apiUrl: web.apiUrl },
        },
        scheduling: { outbox: { ...config.outbox, minIntervalMs: perPlatform(() => 50) } },
      });
      const { port } = await app.start();
      replicas.push({ app, base: `http://127.0.0.1:${port}`, connection: slack.open.at(-1)! });
    }
  }, 90_000);

  afterAll(async () => {
    await Promise.allSettled(replicas.map((r) => r.app.stop()));
    await Promise.allSettled([slack?.close(), kube?.stop(), web?.close(), redis?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('each replica holds its own connection, is ready, and serves no /slack/events', async () => {
    expect(new Set(replicas.map((r) => r.connection.id)).size).toBe(2);
    expect(web.callsTo('apps.connections.open').every((c) => c.authorized)).toBe(true);
    for (let i = 0; i < 2; i++) {
      await waitFor(`replica ${i} ready`, async () => ((await readyz(i)).status === 200 ? true : undefined));
      expect((await fetch(`${replicas[i]!.base}/slack/events`, { method: 'POST' })).status).toBe(404);
    }
  });

  let alertId = '';

  it('posts the alert once, whichever replica ran the check', async () => {
    const [msg] = await waitFor('the alert message', () => {
      const list = web.messages(CHANNEL);
      return list.length > 0 ? list : undefined;
    });
    alertId = String(msg!.metadata?.event_payload.alert_id ?? '');
    expect(alertId).toMatch(/^[a-z0-9]+$/);
    expect(visible(msg!)).toMatch(/shop\/web-tls/);
  });

  it('answers /k8s certs prod on the envelope ack within 3 s', async () => {
    const delivery = slack.deliver(
      'slash_commands',
      slashCommandPayload({ text: 'certs prod', response_url: web.responseUrl('certs') }),
      { to: replicas[0]!.connection.id },
    );
    const ack = await delivery.acked;
    expect(ack.inTime).toBe(true);
    expect(ack.afterMs).toBeLessThan(3_000);
    expect(JSON.stringify(ack.payload)).toMatch(/shop\/web-tls/);
    expect(JSON.stringify(ack.payload)).toMatch(/(19|20) days left/);
  });

  it('a button press reaching both replicas acknowledges the alert once, editing the message in place', async () => {
    const msg = web.messages(CHANNEL)[0]!;
    const delivery = slack.deliver(
      'interactive',
      blockActionsPayload({
        responseUrl: web.responseUrl('ack-button'),
        action: { type: 'button', action_id: `vigil_ack:${alertId}`, value: alertId },
        messageTs: msg.ts,
        channelId: CHANNEL,
      }),
      { to: 'each' },
    );
    await waitFor('both acks', () => delivery.acks.length === 2 || undefined);
    expect(delivery.acks.every((a) => a.inTime && !a.lost)).toBe(true);
    const edited = await waitFor('the acknowledged message', () => {
      const m = web.messages(CHANNEL)[0]!;
      return /acknowledged by/i.test(visible(m)) ? m : undefined;
    });
    expect(edited.ts).toBe(msg.ts);
    expect(visible(edited)).toMatch(/maria/);
    await waitFor(
      'the thread line',
      () => edited.replies.some((r) => /acknowledged/i.test(r.text ?? '')) || undefined,
    );
    // Handled twice, the second would answer "already acknowledged" on the response_url.
    await waitFor(
      'the private reply',
      () => web.responses.some((r) => r.path.endsWith('/ack-button')) || undefined,
    );
    await sleep(500);
    expect(web.responses.filter((r) => r.path.endsWith('/ack-button'))).toHaveLength(1);
    expect(edited.replies.filter((r) => /acknowledged/i.test(r.text ?? ''))).toHaveLength(1);
    expect(web.messages(CHANNEL)).toHaveLength(1);
  });

  it('a retried envelope (its ack lost) is acknowledged again but handled once', async () => {
    const delivery = slack.deliver(
      'slash_commands',
      slashCommandPayload({ text: `history ${alertId}`, response_url: web.responseUrl('history') }),
      { to: replicas[1]!.connection.id, loseAcks: 1 },
    );
    const ack = await delivery.acked;
    expect(delivery.attempts.map((a) => a.retryAttempt)).toEqual([0, 1]);
    // The retry went to the other replica, which saw the claim and only acknowledged.
    expect(delivery.attempts.map((a) => a.connection)).toEqual([
      replicas[1]!.connection.id,
      replicas[0]!.connection.id,
    ]);
    expect(ack.payload).toEqual({});
    expect(JSON.stringify(delivery.acks[0]!.payload)).toMatch(/acknowledged/i);
  });

  it('reconnects on disconnect (refresh_requested) and handles the next envelope on the new connection', async () => {
    const old = replicas[0]!.connection;
    slack.disconnect('refresh_requested', old.id);
    const fresh = await reconnected(0, old.id);
    const ack = await slack.deliver(
      'slash_commands',
      slashCommandPayload({ text: 'alerts prod', response_url: web.responseUrl('alerts') }),
      { to: fresh.id },
    ).acked;
    expect(ack.connection).toBe(fresh.id);
    expect(JSON.stringify(ack.payload)).toContain(alertId);
  });

  it('is not ready while its connection is down (503 with the reason), then ready again', async () => {
    web.failStatus(500, { method: 'apps.connections.open', times: 2 });
    const old = replicas[1]!.connection;
    slack.drop(old.id);
    const down = await waitFor('503 from the cut-off replica', async () => {
      const r = await readyz(1);
      return r.status === 503 ? r : undefined;
    });
    expect(down.text).toMatch(/^not ready: slack: Socket Mode (disconnected|reconnecting) \(/);
    // The other replica has its own connection and stays ready meanwhile.
    expect((await readyz(0)).status).toBe(200);
    const fresh = await reconnected(1, old.id);
    const ack = await slack.deliver(
      'slash_commands',
      slashCommandPayload({ text: 'clusters', response_url: web.responseUrl('clusters') }),
      { to: fresh.id },
    ).acked;
    expect(JSON.stringify(ack.payload)).toContain('prod');
  });

  it('refuses to start when Slack refuses the app-level token, and opens nothing', async () => {
    const before = slack.connections.length;
    const refused = createApp({
      config: { ...config, schedules: { ...config.schedules, runOnStart: false } },
      serve: { redisUrl: redis.url, redisPrefix: 'e2e-socket-refused', port: 0, host: '127.0.0.1' },
      platforms: {
        slack: {
          botToken: web.token,
          signingSecret: '',
          appToken: 'xapp-1-A0VIGIL-revoked',
          apiUrl: web.apiUrl,
        },
      },
    });
    await expect(refused.start()).rejects.toMatchObject({ code: 'slack-app-token-refused' });
    expect(web.callsTo('apps.connections.open').at(-1)?.error).toBe('invalid_auth');
    expect(slack.connections.length).toBe(before);
  });

  it('closes its connection on stop', async () => {
    const last = replicas[1]!;
    await last.app.stop();
    await waitFor('the connection closed', () => last.connection.state === 'closed' || undefined);
    expect(slack.open.map((c) => c.id)).toEqual([replicas[0]!.connection.id]);
  });
});
