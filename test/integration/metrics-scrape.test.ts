import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import type { VigilConfig } from '../../src/config/config-schema.js';
import { parseConfig } from '../../src/config/load-config.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';
import { FakeSlackWebApi, postToSlackEvents, slashCommandBody } from '../fakes/slack/index.js';
import { samplesOf, valueOf } from '../support/exposition.js';
import { promtoolCheckMetrics } from '../support/promtool.js';
import { waitFor } from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { perPlatform } from '../../src/chat/platforms.js';

const SIGNING_SECRET = 'metrics-signing-secret';
const CHANNEL = 'C0ALERTS';
const TOKEN = 'metrics-kube-token';
const DAY = 86_400;

/**
 * `/metrics` on vigil serve's port, scraped over HTTP from the whole app (createApp) with a real
 * redis-server and BullMQ, the fake Kubernetes API and the fake Slack Web API, and linted by
 * Prometheus's own promtool. A second replica that ran nothing answers the same certificates: they
 * are read from Redis at scrape time, not from the process that ran the check.
 */
describe('/metrics (vigil serve, two replicas, promtool)', () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const ca = issueCa('metrics-ca', now);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-metrics-'));
  let redis: RedisServer;
  let kube: FakeKubeApiServer;
  let slack: FakeSlackWebApi;
  let worker: App;
  let idle: App;
  const base: string[] = [];
  let config: Readonly<VigilConfig>;

  const scrape = async (replica: 0 | 1) => {
    const res = await fetch(`${base[replica]}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  beforeAll(async () => {
    const api = issueLeaf('kube-apiserver', now, 300, { issuer: ca, sans: ['127.0.0.1', 'localhost'] });
    [redis, kube, slack] = await Promise.all([
      startRedisServer(),
      FakeKubeApiServer.start({ certPem: api.certPem, keyPem: api.keyPem, tokens: { [TOKEN]: 'vigil' } }),
      FakeSlackWebApi.start(),
    ]);
    const leaf = issueLeaf('shop.example.com', now, 20, { issuer: ca, sans: ['shop.example.com'] });
    kube.upsert({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'shop', name: 'web-tls' },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.from(leaf.certPem).toString('base64'),
        'tls.key': Buffer.from('PRIVATE KEY MATERIAL').toString('base64'),
      },
    });
    const kubeconfig = join(dir, 'prod.kubeconfig');
    writeFileSync(kubeconfig, kube.kubeconfig({ caPem: ca.certPem, token: TOKEN, contextName: 'prod' }));
    config = parseConfig(
      {
        clusters: [{ name: 'prod', kubeconfig }],
        schedules: {
          checks: { certificates: '0 0 1 1 *', statefulsets: false, registries: false },
          runOnStart: false,
        },
        alerts: { routes: [{ match: { namespace: 'shop' }, slack: [CHANNEL] }] },
        metrics: { cacheSeconds: 0 },
      },
      'metrics-test',
      dir,
    );
    const app = (run?: Record<string, boolean>) =>
      createApp({
        config,
        serve: { redisUrl: redis.url, redisPrefix: 'metrics', port: 0, host: '127.0.0.1' },
        platforms: { slack: { botToken: slack.token, signingSecret: SIGNING_SECRET, apiUrl: slack.apiUrl } },
        scheduling: {
          outbox: { ...config.outbox, minIntervalMs: perPlatform(() => 50) },
          ...(run ? { run } : {}),
        },
      });
    worker = app();
    idle = app({
      schedulers: false,
      startupRuns: false,
      checkWorker: false,
      notifyWorker: false,
      watchdog: false,
      housekeeping: false,
    });
    for (const a of [worker, idle]) base.push(`http://127.0.0.1:${(await a.start()).port}`);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([worker?.stop(), idle?.stop()]);
    await Promise.allSettled([kube?.stop(), slack?.close(), redis?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the certificates, runs, alerts, notifications, 429s and commands of a real check run', async () => {
    const s = worker.scheduling;
    if (!s) throw new Error('not started');
    // The first post meets a 429: the outbox waits its Retry-After and posts; both are counted.
    slack.rateLimit({ method: 'chat.postMessage', times: 1, retryAfterSeconds: 1 });
    const id = await s.runNow('prod', 'certificates');
    expect((await s.waitForRun(id, 20_000)).state).toBe('completed');
    await waitFor('the alert message', () => slack.messages(CHANNEL).length === 1, 15_000);
    const answer = await postToSlackEvents(
      `${base[0]}/slack/events`,
      slashCommandBody({ text: 'certs prod', response_url: slack.responseUrl('certs') }),
      SIGNING_SECRET,
    );
    expect(answer.status).toBe(200);

    // The notify job's outcome is counted once the job returns, a moment after the post.
    const text = await waitFor('the delivery counted', async () => {
      const t = await scrape(0);
      return samplesOf(t, 'vigil_notifications_total', { platform: 'slack', outcome: 'posted' })[0]?.value ===
        1
        ? t
        : undefined;
    });
    const cert = {
      cluster: 'prod',
      check: 'certificates',
      source: 'tls-secret',
      namespace: 'shop',
      name: 'web-tls',
      key: 'tls.crt',
      object: 'secret shop/web-tls tls.crt',
    };
    expect(samplesOf(text, 'vigil_cert_not_after_timestamp_seconds', cert)[0]?.labels).toMatchObject({
      subject_CN: 'shop.example.com',
      issuer_CN: 'metrics-ca',
    });
    const left = valueOf(text, 'vigil_cert_expires_in_seconds', cert);
    expect(left).toBeGreaterThan(19 * DAY);
    expect(left).toBeLessThanOrEqual(20 * DAY);
    expect(valueOf(text, 'vigil_cert_not_after_timestamp_seconds', cert) - left).toBeCloseTo(
      Date.now() / 1000,
      -1,
    );
    const lastSuccess = valueOf(text, 'vigil_check_last_success_timestamp_seconds', {
      cluster: 'prod',
      check: 'certificates',
    });
    expect(Math.abs(lastSuccess - Date.now() / 1000)).toBeLessThan(60);
    expect(
      valueOf(text, 'vigil_check_runs_total', { cluster: 'prod', check: 'certificates', result: 'ok' }),
    ).toBe(1);
    expect(
      valueOf(text, 'vigil_check_run_duration_seconds_count', { cluster: 'prod', check: 'certificates' }),
    ).toBe(1);
    expect(valueOf(text, 'vigil_alerts', { cluster: 'prod', state: 'firing', severity: 'warning' })).toBe(1);
    expect(
      valueOf(text, 'vigil_command_duration_seconds_count', { platform: 'slack', verb: 'certificates' }),
    ).toBe(1);
    expect(valueOf(text, 'vigil_chat_rate_limited_total', { platform: 'slack' })).toBe(1);
    expect(
      valueOf(text, 'vigil_notifications_total', { platform: 'slack', outcome: 'wait_rate_limited' }),
    ).toBe(1);
    for (const source of ['snapshots', 'alerts', 'outbox']) {
      expect(valueOf(text, 'vigil_metrics_source_up', { source }), source).toBe(1);
    }
    expect(text).not.toContain(Buffer.from('PRIVATE KEY MATERIAL').toString('base64'));
    expect(text).not.toContain('PRIVATE KEY MATERIAL');
  }, 60_000);

  it('the outbox backlog drains to zero', async () => {
    const text = await waitFor('an empty outbox', async () => {
      const t = await scrape(0);
      return valueOf(t, 'vigil_outbox_depth') === 0 ? t : undefined;
    });
    expect(valueOf(text, 'vigil_outbox_oldest_age_seconds')).toBe(0);
  });

  it('a replica that ran nothing answers the same certificates and last success, and only its own counts', async () => {
    const [ran, other] = [await scrape(0), await scrape(1)];
    for (const name of [
      'vigil_cert_not_after_timestamp_seconds',
      'vigil_check_last_success_timestamp_seconds',
      'vigil_alerts',
    ]) {
      expect(samplesOf(other, name), name).toEqual(samplesOf(ran, name));
    }
    // The apiserver's serving certificate and the Secret's.
    expect(
      samplesOf(other, 'vigil_cert_not_after_timestamp_seconds')
        .map((x) => `${x.labels['source']} ${x.labels['object']}`)
        .sort(),
    ).toEqual([
      'apiserver apiserver https://127.0.0.1:' + new URL(kube.url).port,
      'tls-secret secret shop/web-tls tls.crt',
    ]);
    expect(
      valueOf(other, 'vigil_check_runs_total', { cluster: 'prod', check: 'certificates', result: 'ok' }),
    ).toBe(0);
  });

  it('passes promtool check metrics on the real scrape', async () => {
    const lint = await promtoolCheckMetrics(await scrape(0));
    expect(lint).toEqual({ code: 0, output: '' });
  });
});
