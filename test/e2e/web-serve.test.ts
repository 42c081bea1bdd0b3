import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createApp, type App } from '../../src/app.js';
import { perPlatform } from '../../src/chat/platforms.js';
import type { WebCard } from '../../src/chat/web/index.js';
import { parseConfig } from '../../src/config/load-config.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';
import { FakeSlackWebApi } from '../fakes/slack/index.js';
import { readEvents } from '../contract/web-event-reader.js';
import { waitFor } from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { startVigilServeProcess, type VigilServeProcess } from '../support/vigil-serve-process.js';

const TOKEN = 'web-serve-kube-token';

/**
 * `vigil serve` with the web chat turned on by the environment (VIGIL_WEB), as a team without Slack
 * or Teams would run it: alerts routed to a `web:` room appear on the page; beyond loopback it
 * refuses to start without VIGIL_WEB_TOKEN; beside Slack it shares the one HTTP port.
 */
describe('vigil serve with the web chat', () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const ca = issueCa('web-serve-ca', now);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-web-serve-'));
  let redis: RedisServer;
  let kube: FakeKubeApiServer;
  let configFile: string;
  let kubeconfig: string;

  beforeAll(async () => {
    const api = issueLeaf('kube-apiserver', now, 300, { issuer: ca, sans: ['127.0.0.1', 'localhost'] });
    [redis, kube] = await Promise.all([
      startRedisServer(),
      FakeKubeApiServer.start({ certPem: api.certPem, keyPem: api.keyPem, tokens: { [TOKEN]: 'vigil' } }),
    ]);
    const leaf = issueLeaf('shop.example.com', now, 5, { issuer: ca });
    kube.upsert({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'shop', name: 'web-tls' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': Buffer.from(leaf.certPem).toString('base64') },
    });
    kubeconfig = join(dir, 'prod.kubeconfig');
    writeFileSync(kubeconfig, kube.kubeconfig({ caPem: ca.certPem, token: TOKEN, contextName: 'prod' }));
    configFile = join(dir, 'vigil.yaml');
    writeFileSync(
      configFile,
      stringify({
        clusters: [{ name: 'prod', kubeconfig }],
        schedules: {
          checks: {
            certificates: '0 0 1 1 *',
            statefulsets: false,
            registries: false,
            'host-certificates': false,
          },
        },
        alerts: { defaultRoute: { web: ['status'] } },
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([kube?.stop(), redis?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('VIGIL_WEB=1 alone is a chat platform: the start-up run posts to the page', async () => {
    let vigil: VigilServeProcess | undefined;
    try {
      vigil = await startVigilServeProcess(configFile, {
        REDIS_URL: redis.url,
        VIGIL_REDIS_PREFIX: 'web-serve',
        VIGIL_WEB: '1',
      });
      const page = await fetch(`${vigil.base}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>vigil web chat</title>');
      const card = await waitFor(
        'the alert on the page',
        async () => {
          const feed = (await (await fetch(`${vigil!.base}/api/feed`)).json()) as { messages: WebCard[] };
          return feed.messages.find((m) => m.object.includes('shop/web-tls'));
        },
        20_000,
      );
      expect(card).toMatchObject({ room: 'status', severity: 'critical', state: 'firing' });
      expect(vigil.logs.find((l) => l['msg'] === 'vigil serve started')?.['platforms']).toEqual(['web']);
    } finally {
      await vigil?.stop();
    }
    expect(vigil?.exit()).toMatchObject({ code: 0 });
  });

  it('refuses to start on a non-loopback HOST without VIGIL_WEB_TOKEN', async () => {
    await expect(
      startVigilServeProcess(configFile, { REDIS_URL: redis.url, VIGIL_WEB: '1', HOST: '0.0.0.0' }),
    ).rejects.toThrow(/VIGIL_WEB_TOKEN/);
  });

  it('beside Slack, the page, its stream and its API share the one port', async () => {
    const slack = await FakeSlackWebApi.start();
    let app: App | undefined;
    try {
      app = createApp({
        config: parseConfig(
          {
            clusters: [{ name: 'prod', kubeconfig }],
            schedules: {
              checks: {
                certificates: '0 0 1 1 *',
                statefulsets: false,
                registries: false,
                'host-certificates': false,
              },
            },
            alerts: { defaultRoute: { web: ['status'], slack: ['C0ALERTS'] } },
          },
          'test',
          dir,
        ),
        serve: { redisUrl: redis.url, redisPrefix: 'web-slack', port: 0, host: '127.0.0.1' },
        platforms: {
          slack: { botToken: slack.token, signingSecret: 'web-serve-secret', apiUrl: slack.apiUrl },
          web: {},
        },
        scheduling: {
          outbox: {
            minIntervalMs: perPlatform(() => 50),
            retryInitialMs: 100,
            retryMaxMs: 500,
            orderWaitMs: 200,
            concurrency: 4,
          },
        },
      });
      const { port } = await app.start();
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/`)).status).toBe(200);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const stream = await readEvents(`${base}/events`);
      const card = await stream.next(
        'the alert on the stream',
        (e) =>
          e.event === 'message' && (e.data as WebCard).object.includes('shop/web-tls') ? e.data : undefined,
        20_000,
      );
      expect(card).toMatchObject({ room: 'status' });
      await waitFor(
        'the Slack message',
        () => (slack.messages('C0ALERTS').length > 0 ? true : undefined),
        20_000,
      );
      stream.close();
    } finally {
      await app?.stop();
      await slack.close();
    }
  });
});
