import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';
import {
  FakeBotConnector,
  cardOf,
  channel,
  conversationUpdateActivity,
  postActivity,
  visibleText,
} from '../fakes/teams/index.js';
import { waitFor } from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { startVigilServeProcess, type VigilServeProcess } from '../support/vigil-serve-process.js';

/**
 * An alert routed to a Teams conversation vigil has not been added to yet is held, not dropped:
 * `vigil serve` warns about the route at start-up, holds the alert (log, /readyz detail, still
 * ready), and posts it as soon as someone adds vigil to that channel, without waiting out the
 * hold's backoff. The whole bot runs as a child process (Teams authentication off through the
 * explicit development setting, as the fake connector issues no tokens).
 */
const TOKEN = 'held-kube-token';
const oncall = channel('Oncall');
const ALIAS = 'platform-sre-oncall';

describe('Teams: an alert for a conversation vigil is not in yet (vigil serve)', () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const ca = issueCa('held-ca', now);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-held-'));
  let redis: RedisServer;
  let kube: FakeKubeApiServer;
  let connector: FakeBotConnector;
  let vigil: VigilServeProcess | undefined;

  beforeAll(async () => {
    const api = issueLeaf('kube-apiserver', now, 300, { issuer: ca, sans: ['127.0.0.1', 'localhost'] });
    [redis, kube, connector] = await Promise.all([
      startRedisServer(),
      FakeKubeApiServer.start({ certPem: api.certPem, keyPem: api.keyPem, tokens: { [TOKEN]: 'vigil' } }),
      FakeBotConnector.start(),
    ]);
    const leaf = issueLeaf('shop.example.com', now, 20, { issuer: ca });
    kube.upsert({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'shop', name: 'web-tls' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': Buffer.from(leaf.certPem).toString('base64') },
    });
    const kubeconfig = join(dir, 'prod.kubeconfig');
    writeFileSync(kubeconfig, kube.kubeconfig({ caPem: ca.certPem, token: TOKEN, contextName: 'prod' }));
    const config = join(dir, 'vigil.yaml');
    writeFileSync(
      config,
      stringify({
        clusters: [{ name: 'prod', kubeconfig }],
        schedules: {
          checks: { certificates: '0 0 1 1 *', statefulsets: false, registries: false },
          runOnStart: true,
        },
        alerts: { routes: [{ match: { namespace: 'shop' }, teams: [ALIAS] }] },
        outbox: { minIntervalMs: { teams: 50 } },
      }),
    );
    vigil = await startVigilServeProcess(config, {
      REDIS_URL: redis.url,
      VIGIL_REDIS_PREFIX: 'held',
      VIGIL_TEAMS_INSECURE_DEV: 'true',
    });
  }, 60_000);

  afterAll(async () => {
    await vigil?.stop();
    await Promise.allSettled([kube?.stop(), connector?.close(), redis?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const readyz = async () => {
    const res = await fetch(`${vigil!.base}/readyz`);
    return { status: res.status, text: await res.text() };
  };

  it('warns at start-up about the route naming a conversation vigil does not know', () => {
    const warning = vigil!.logs.find((l) => /not registered in yet/.test(String(l['msg'])));
    expect(warning).toMatchObject({ level: 40, platform: 'teams', destinations: [ALIAS] });
  });

  it('holds the alert: says so in the log and in /readyz, which stays ready', async () => {
    await waitFor(
      'the held notification',
      () => vigil!.logs.some((l) => String(l['msg']).startsWith(`held: teams destination "${ALIAS}"`)),
      20_000,
    );
    const ready = await waitFor(
      'the held destination in /readyz',
      async () => {
        const r = await readyz();
        return r.text.includes(`teams:${ALIAS}`) ? r : undefined;
      },
      10_000,
    );
    expect(ready.status).toBe(200);
    expect(ready.text).toMatch(
      /^ready: alerts held for destinations not registered yet: teams:platform-sre-oncall/,
    );
    expect(vigil!.logs.filter((l) => /notification not delivered/.test(String(l['msg'])))).toEqual([]);
  });

  it('posts the alert as soon as vigil is added to the channel, not at the end of the backoff', async () => {
    const added = Date.now();
    const res = await postActivity(
      `${vigil!.base}/api/messages`,
      conversationUpdateActivity({ serviceUrl: connector.serviceUrl, conversation: oncall }),
    );
    expect(res.status).toBe(200);
    const card = await waitFor(
      'the alert card',
      () => connector.messages(oncall.id).find((a) => cardOf(a) !== undefined),
      8_000,
    );
    // The first hold waits 10 s; the registration wakes it at once.
    expect(Date.now() - added).toBeLessThan(8_000);
    expect(visibleText(cardOf(card))).toMatch(/shop\/web-tls/);
    await waitFor(
      '/readyz without held destinations',
      async () => (await readyz()).text === 'ready\n',
      5_000,
    );
  });
});
