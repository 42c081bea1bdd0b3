import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import type { VigilConfig } from '../../src/config/config-schema.js';
import { parseConfig } from '../../src/config/load-config.js';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';
import {
  FakeSlackWebApi,
  blockActionsBody,
  postToSlackEvents,
  slashCommandBody,
  type FakeSlackMessage,
} from '../fakes/slack/index.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { waitFor as waitUntil } from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { perPlatform } from '../../src/chat/platforms.js';

/**
 * The issue's end-to-end story over HTTP: the whole bot (`createApp`, as `vigil serve` builds it)
 * with a real redis-server and BullMQ workers, the fake Kubernetes API over HTTPS and the fake Slack
 * Web API, driven only from outside: Secrets change in the cluster, Slack posts signed requests.
 */
const SIGNING_SECRET = 'e2e-signing-secret';
const CHANNEL = 'C0ALERTS';
const TOKEN = 'e2e-kube-token';

// Story steps cross several async hops (queue, outbox pace, HTTP), so they get a longer wait.
const waitFor = <T>(what: string, probe: () => T | Promise<T>) => waitUntil(what, probe, 15_000);

/** Everything a reader sees of a message: its fallback text and every block's text. */
function visible(m: FakeSlackMessage): string {
  return `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`;
}

describe('Slack alert story (vigil serve end to end)', () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const ca = issueCa('e2e-ca', now);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
  let redis: RedisServer;
  let kube: FakeKubeApiServer;
  let slack: FakeSlackWebApi;
  let app: App;
  let base: string;
  let config: Readonly<VigilConfig>;

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

  const runCertificates = async () => {
    const s = app.scheduling;
    if (!s) throw new Error('app not started');
    const id = await s.runNow('prod', 'certificates');
    expect((await s.waitForRun(id, 20_000)).state).toBe('completed');
  };

  /** The channel's messages apart from shared files (the Chart button's picture is one). */
  const topLevel = () => slack.messages(CHANNEL).filter((m) => !slack.files().some((f) => f.ts === m.ts));

  beforeAll(async () => {
    const api = issueLeaf('kube-apiserver', now, 300, { issuer: ca, sans: ['127.0.0.1', 'localhost'] });
    [redis, kube, slack] = await Promise.all([
      startRedisServer(),
      FakeKubeApiServer.start({ certPem: api.certPem, keyPem: api.keyPem, tokens: { [TOKEN]: 'vigil' } }),
      FakeSlackWebApi.start(),
    ]);
    setWebCertificate(200);
    const kubeconfig = join(dir, 'prod.kubeconfig');
    writeFileSync(kubeconfig, kube.kubeconfig({ caPem: ca.certPem, token: TOKEN, contextName: 'prod' }));
    config = parseConfig(
      {
        clusters: [{ name: 'prod', kubeconfig }],
        // Runs are triggered by the test; the schedules only exist (a tick a year away).
        schedules: {
          checks: {
            certificates: '0 0 1 1 *',
            statefulsets: false,
            registries: false,
            'host-certificates': false,
          },
          runOnStart: true,
        },
        alerts: {
          resolveAfterOkRuns: 1,
          routes: [{ match: { namespace: 'shop' }, slack: [CHANNEL] }],
        },
      },
      'e2e',
      dir,
    );
    app = createApp({
      config,
      serve: { redisUrl: redis.url, redisPrefix: 'e2e', port: 0, host: '127.0.0.1' },
      platforms: { slack: { botToken: slack.token, signingSecret: SIGNING_SECRET, apiUrl: slack.apiUrl } },
      scheduling: { outbox: { ...config.outbox, minIntervalMs: perPlatform(() => 50) } },
    });
    const { port } = await app.start();
    base = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await Promise.allSettled([kube?.stop(), slack?.close(), redis?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is ready once schedulers are registered and Redis answers', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await waitFor('readyz', async () =>
      (await fetch(`${base}/readyz`)).status === 200 ? true : undefined,
    );
    expect(ready).toBe(true);
  });

  it('a healthy certificate posts nothing', async () => {
    await runCertificates();
    expect(topLevel()).toHaveLength(0);
  });

  let alertId = '';

  it('a certificate entering the warning window posts one message', async () => {
    setWebCertificate(20);
    await runCertificates();
    const [msg] = await waitFor('the alert message', () => (topLevel().length > 0 ? topLevel() : undefined));
    expect(topLevel()).toHaveLength(1);
    expect(visible(msg!)).toMatch(/shop\/web-tls/);
    expect(visible(msg!)).toMatch(/expires in (19|20) days/);
    expect(visible(msg!)).toMatch(/warning/i);
    alertId = String(msg!.metadata?.event_payload.alert_id ?? '');
    expect(alertId).toMatch(/^[a-z0-9]+$/);
    expect(visible(msg!)).toContain(alertId);
  });

  it('/k8s certs prod answers within 3 s from the stored results, soonest first', async () => {
    const started = performance.now();
    const res = await postToSlackEvents(
      `${base}/slack/events`,
      slashCommandBody({ text: 'certs prod', response_url: slack.responseUrl('certs') }),
      SIGNING_SECRET,
    );
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(elapsed).toBeLessThan(3_000);
    const body = JSON.stringify(await res.json());
    expect(body).toMatch(/shop\/web-tls/);
    expect(body).toMatch(/(19|20) days left/);
    expect(body).toMatch(/data from/);
  });

  it('/k8s check prod certs runs now and answers later through the response URL', async () => {
    const res = await postToSlackEvents(
      `${base}/slack/events`,
      slashCommandBody({ text: 'check prod certs', response_url: slack.responseUrl('check') }),
      SIGNING_SECRET,
    );
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toMatch(/Running the certificate/i);
    const later = await waitFor('the late answer', () =>
      slack.responses.find(
        (r) => r.path.includes('check') && /Checks on prod finished/.test(JSON.stringify(r.body)),
      ),
    );
    expect(JSON.stringify(later.body)).toMatch(/Certificates: 0 critical, 1 warning/);
  });

  it('a bad signature is refused and changes nothing', async () => {
    const res = await postToSlackEvents(
      `${base}/slack/events`,
      blockActionsBody({
        responseUrl: slack.responseUrl('forged'),
        action: { type: 'button', action_id: `vigil_ack:${alertId}`, value: alertId },
      }),
      'not-the-secret',
    );
    expect(res.status).toBe(401);
    expect(visible(topLevel()[0]!)).not.toMatch(/acknowledged by/i);
  });

  it('the Acknowledge button edits the message to show who acknowledged it', async () => {
    const msg = topLevel()[0]!;
    const res = await postToSlackEvents(
      `${base}/slack/events`,
      blockActionsBody({
        responseUrl: slack.responseUrl('ack'),
        action: { type: 'button', action_id: `vigil_ack:${alertId}`, value: alertId },
        messageTs: msg.ts,
        channelId: CHANNEL,
      }),
      SIGNING_SECRET,
    );
    expect(res.status).toBe(200);
    const edited = await waitFor('the acknowledged message', () => {
      const m = topLevel()[0]!;
      return /acknowledged by/i.test(visible(m)) ? m : undefined;
    });
    expect(visible(edited)).toMatch(/maria/);
    expect(edited.ts).toBe(msg.ts);
    expect(topLevel()).toHaveLength(1);
    await waitFor('the thread line', () =>
      edited.replies.some((r) => /acknowledged/i.test(r.text ?? '')) ? true : undefined,
    );
  });

  it('the Chart button shares prod’s certificate timeline in the channel', async () => {
    const msg = topLevel()[0]!;
    expect(JSON.stringify(msg.blocks)).toContain(`vigil_chart:${alertId}`);
    const before = slack.files().length;
    const res = await postToSlackEvents(
      `${base}/slack/events`,
      blockActionsBody({
        responseUrl: slack.responseUrl('chart'),
        action: { type: 'button', action_id: `vigil_chart:${alertId}`, value: alertId },
        messageTs: msg.ts,
        channelId: CHANNEL,
      }),
      SIGNING_SECRET,
    );
    expect(res.status).toBe(200);
    const file = await waitFor('the shared chart', () =>
      slack
        .files()
        .slice(before)
        .find((f) => f.channel === CHANNEL && f.bytes),
    );
    expect(Buffer.from(file.bytes!).subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(file.title).toBe('Certificate expiries on prod, next 90 days');
    const answer = await waitFor('the chart as text', () =>
      slack.responses.find((r) => r.path.includes('chart')),
    );
    expect(JSON.stringify(answer.body)).toContain('secret shop/web-tls tls.crt');
    // One more message in the channel: the picture; the alert is still the one message.
    expect(slack.messages(CHANNEL).map((m) => m.ts)).toEqual([msg.ts, file.ts]);
    expect(topLevel()).toHaveLength(1);
  });

  it('the certificate becoming critical escalates the same message', async () => {
    setWebCertificate(10);
    await runCertificates();
    const m = await waitFor('the escalated message', () => {
      const cur = topLevel()[0]!;
      return /critical/i.test(visible(cur)) && /expires in (9|10) days/.test(visible(cur)) ? cur : undefined;
    });
    await waitFor('the escalation thread line', () =>
      m.replies.some((r) => /escalated/i.test(r.text ?? '')) ? true : undefined,
    );
    expect(topLevel()).toHaveLength(1);
  });

  it('renewing the certificate resolves the message, without buttons', async () => {
    setWebCertificate(200);
    await runCertificates();
    const m = await waitFor('the resolved message', () => {
      const cur = topLevel()[0]!;
      return /resolved/i.test(visible(cur)) ? cur : undefined;
    });
    expect(JSON.stringify(m.blocks)).not.toMatch(/vigil_ack:/);
    await waitFor('the resolution thread line', () =>
      m.replies.some((r) => /resolved/i.test(r.text ?? '')) ? true : undefined,
    );
    // One incident, one message: every later change was an edit.
    expect(topLevel()).toHaveLength(1);
    const posts = slack
      .callsTo('chat.postMessage')
      .filter((c) => !(c.args as { thread_ts?: string }).thread_ts);
    expect(posts).toHaveLength(1);
    // History is searched after a crash mid-post, and read once per channel when the state is new (a
    // first install, as here, or a lost Redis: src/chat/state-epoch.ts); a normal first post spends
    // none of Slack's scarce conversations.history budget.
    expect(slack.callsTo('conversations.history')).toHaveLength(1);
  });
});
