import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';
import { FakeSlackWebApi, postToSlackEvents, slashCommandBody } from '../fakes/slack/index.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { waitFor } from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { postsOf, threadOf, visible } from '../support/slack-outbox-rig.js';
import { startVigilServeProcess, type VigilServeProcess } from '../support/vigil-serve-process.js';

/**
 * Issue 4: Redis goes away for a few seconds while notifications are pending, and comes back with
 * its data (AOF, fsync always: what a production Redis with persistence or a promoted replica keeps).
 * The whole bot runs as `vigil serve` in a child process against the fake Kubernetes API and the fake
 * Slack Web API, watched only from outside: HTTP probes, its log lines, Slack's channel.
 */
const CHANNEL = 'C0ALERTS';
const TOKEN = 'outage-kube-token';
const SIGNING_SECRET = 'outage-signing-secret';
const SECRETS = ['web-tls', 'api-tls', 'shop-tls'];

describe('fault: Redis down for a while (vigil serve, persisted redis-server)', () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const ca = issueCa('outage-ca', now);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-outage-'));
  let redis: RedisServer;
  let kube: FakeKubeApiServer;
  let slack: FakeSlackWebApi;
  let vigil: VigilServeProcess | undefined;

  const setCertificate = (name: string, daysLeft: number) => {
    const leaf = issueLeaf(`${name}.example.com`, now, daysLeft, { issuer: ca });
    kube.upsert({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'shop', name },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.from(leaf.certPem).toString('base64'),
        'tls.key': Buffer.from('not a real key').toString('base64'),
      },
    });
  };

  beforeAll(async () => {
    const api = issueLeaf('kube-apiserver', now, 300, { issuer: ca, sans: ['127.0.0.1', 'localhost'] });
    [redis, kube, slack] = await Promise.all([
      startRedisServer({ persist: true }),
      FakeKubeApiServer.start({ certPem: api.certPem, keyPem: api.keyPem, tokens: { [TOKEN]: 'vigil' } }),
      FakeSlackWebApi.start(),
    ]);
    for (const name of SECRETS) setCertificate(name, 20);
    const kubeconfig = join(dir, 'prod.kubeconfig');
    writeFileSync(kubeconfig, kube.kubeconfig({ caPem: ca.certPem, token: TOKEN, contextName: 'prod' }));
    const config = join(dir, 'vigil.yaml');
    writeFileSync(
      config,
      stringify({
        clusters: [{ name: 'prod', kubeconfig }],
        // One run at start; later runs are asked for with /k8s check.
        schedules: {
          checks: {
            certificates: '0 0 1 1 *',
            statefulsets: false,
            registries: false,
            'host-certificates': false,
          },
          runOnStart: true,
        },
        alerts: { resolveAfterOkRuns: 1, routes: [{ match: { namespace: 'shop' }, slack: [CHANNEL] }] },
        // Slow enough that the outage starts with notifications still queued.
        outbox: { minIntervalMs: { slack: 400 }, retryInitialMs: 100, retryMaxMs: 500, orderWaitMs: 300 },
      }),
    );
    vigil = await startVigilServeProcess(config, {
      REDIS_URL: redis.url,
      VIGIL_REDIS_PREFIX: 'outage',
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
    });
  }, 40_000);

  afterAll(async () => {
    await vigil?.stop();
    await Promise.allSettled([kube?.stop(), slack?.close(), redis?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const status = async (path: string) => (await fetch(`${vigil!.base}${path}`)).status;
  const alertIds = () =>
    slack.messages(CHANNEL).map((m) => String(m.metadata?.event_payload['alert_id'] ?? ''));
  const topLevelPosts = () =>
    slack.callsTo('chat.postMessage').filter((c) => c.args['thread_ts'] === undefined && !c.error);

  it('rides out the outage: not ready meanwhile, no crash, nothing lost or posted twice', async () => {
    await waitFor('ready', async () => (await status('/readyz')) === 200, 15_000);
    await waitFor('the first post', () => slack.messages(CHANNEL).length >= 1, 15_000);
    await redis.kill();
    const logsBefore = vigil!.logs.length;

    await waitFor('/readyz to say not ready', async () => (await status('/readyz')) === 503, 5_000);
    expect(await status('/healthz')).toBe(200);
    await waitFor('the outage in the logs', () =>
      vigil!.logs
        .slice(logsBefore)
        .some((l) => l['level'] === 40 && l['msg'] === 'redis connection error (retrying)'),
    );
    // A certificate is renewed and someone asks for a check while Redis is away: Slack still gets
    // its answer in time, and the run happens when Redis is back.
    setCertificate('web-tls', 200);
    const asked = Date.now();
    const res = await postToSlackEvents(
      `${vigil!.base}/slack/events`,
      slashCommandBody({ text: 'check prod certs', response_url: slack.responseUrl('during') }),
      SIGNING_SECRET,
    );
    expect(res.status).toBe(200);
    expect(Date.now() - asked).toBeLessThan(3_000);
    expect(JSON.stringify(await res.json())).toMatch(/Working on it/);
    expect(slack.messages(CHANNEL).length).toBeLessThan(SECRETS.length);
    expect(vigil!.exit()).toBeUndefined();

    await redis.start();
    await waitFor('ready again', async () => (await status('/readyz')) === 200, 10_000);
    await waitFor('every alert posted', () => slack.messages(CHANNEL).length === SECRETS.length, 15_000);
    const renewed = slack.messages(CHANNEL).find((m) => visible(m).includes('shop/web-tls'));
    const id = String(renewed?.metadata?.event_payload['alert_id']);
    await waitFor('the resolution', () => threadOf(slack, CHANNEL, id).length === 1, 15_000);
    expect(threadOf(slack, CHANNEL, id)[0]).toMatch(/^resolved after/);
    expect(visible(postsOf(slack, CHANNEL, id)[0])).toMatch(/Resolved/);
    await waitFor('the late answer to /k8s check', () =>
      slack.responses.some(
        (r) => r.path.endsWith('/during') && /Checks on prod finished/.test(JSON.stringify(r.body)),
      ),
    );

    expect(new Set(alertIds()).size).toBe(SECRETS.length);
    expect(topLevelPosts()).toHaveLength(SECRETS.length);
    for (const other of alertIds().filter((a) => a !== id))
      expect(threadOf(slack, CHANNEL, other)).toEqual([]);
    expect(vigil!.exit()).toBeUndefined();
    expect(vigil!.logs.filter((l) => Number(l['level']) >= 60)).toEqual([]);
  });
});
