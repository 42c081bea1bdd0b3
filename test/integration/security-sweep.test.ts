import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { perPlatform } from '../../src/chat/platforms.js';
import { createTeams } from '../../src/chat/teams/index.js';
import { readTeamsEnv } from '../../src/chat/teams/teams-env.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createRedisConnection, type RedisClient } from '../../src/redis/redis-connection.js';
import { createHttpServer, type HttpServer, type ServedRoute } from '../../src/http/create-http-server.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';
import {
  FakeSlackWebApi,
  blockActionsBody,
  postToSlackEvents,
  slashCommandBody,
} from '../fakes/slack/index.js';
import {
  FakeBotConnector,
  FakeBotFrameworkAuth,
  MemoryConversationStore,
  fakeTenantId,
  groupChat,
  installationUpdateActivity,
  postActivity,
} from '../fakes/teams/index.js';
import { waitFor as waitUntil } from '../support/queue-harness.js';
import { rawHttp, requestHead } from '../support/raw-http.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { startVigilServeProcess, type VigilServeProcess } from '../support/vigil-serve-process.js';

/**
 * Issue 15's security sweep over vigil's whole HTTP surface: `vigil serve` as createApp builds it
 * (Slack over HTTP, the web chat behind a token, /metrics, health) and the Teams route with real
 * Bot Framework authentication (its start-up credential check needs Entra ID, so it is mounted on a
 * server of its own here, with the keys published by a loopback fake). Every route is taken from the
 * servers' own route tables, so a route added later is swept without touching this file.
 */
const SIGNING_SECRET = 'sweep-signing-secret-5b1f';
const WEB_TOKEN = 'sweep-web-token-77c2e0a4d9b1f3';
const APP_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const APP_PASSWORD = 'sweep-teams-password-91d3';
const KUBE_TOKEN = 'sweep-kube-token-4e8a';
const CHANNEL = 'C0ALERTS';
// Small on purpose: a slow body must be cut within a second, not Node's default 15 s + 30 s.
const http = { requestTimeoutMs: 400, headersTimeoutMs: 300, connectionsCheckingIntervalMs: 50 };
const waitFor = <T>(what: string, probe: () => T | Promise<T>) => waitUntil(what, probe, 15_000);

interface Surface {
  name: string;
  port: number;
  routes: readonly ServedRoute[];
}

describe('security sweep: every route, every trick', () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const ca = issueCa('sweep-ca', now);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sweep-'));
  let redis: RedisServer;
  let kube: FakeKubeApiServer;
  let slack: FakeSlackWebApi;
  let auth: FakeBotFrameworkAuth;
  let connector: FakeBotConnector;
  let app: App;
  let appBase = '';
  let teamsServer: HttpServer;
  let teamsBase = '';
  const teamsStore = new MemoryConversationStore();
  const surfaces: Surface[] = [];
  // botbuilder prints to the console (its own stack traces, keys); collected to search for secrets.
  const printed: unknown[][] = [];
  const spies = (['error', 'warn', 'log', 'info', 'debug'] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void printed.push(args)),
  );

  beforeAll(async () => {
    const api = issueLeaf('kube-apiserver', now, 300, { issuer: ca, sans: ['127.0.0.1', 'localhost'] });
    [redis, kube, slack, auth, connector] = await Promise.all([
      startRedisServer(),
      FakeKubeApiServer.start({
        certPem: api.certPem,
        keyPem: api.keyPem,
        tokens: { [KUBE_TOKEN]: 'vigil' },
      }),
      FakeSlackWebApi.start({ token: 'xoxb-sweep-bot-token-0a9d' }),
      FakeBotFrameworkAuth.start(),
      FakeBotConnector.start(),
    ]);
    const leaf = issueLeaf('shop.example.com', now, 5, { issuer: ca, sans: ['shop.example.com'] });
    kube.upsert({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'shop', name: 'web-tls' },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.from(leaf.certPem).toString('base64'),
        'tls.key': Buffer.from(leaf.keyPem).toString('base64'),
      },
    });
    const kubeconfig = join(dir, 'prod.kubeconfig');
    writeFileSync(kubeconfig, kube.kubeconfig({ caPem: ca.certPem, token: KUBE_TOKEN, contextName: 'prod' }));
    const config = parseConfig(
      {
        clusters: [{ name: 'prod', kubeconfig }],
        schedules: {
          checks: {
            certificates: '0 0 1 1 *',
            statefulsets: false,
            registries: false,
            'host-certificates': false,
          },
          runOnStart: true,
        },
        alerts: { routes: [{ match: { namespace: 'shop' }, slack: [CHANNEL], web: ['ops'] }] },
      },
      'sweep.yaml',
      dir,
    );
    app = createApp({
      config,
      serve: { redisUrl: redis.url, redisPrefix: 'sweep', port: 0, host: '127.0.0.1' },
      platforms: {
        slack: { botToken: slack.token, signingSecret: SIGNING_SECRET, apiUrl: slack.apiUrl },
        web: { token: WEB_TOKEN },
      },
      scheduling: { outbox: { ...config.outbox, minIntervalMs: perPlatform(() => 20) } },
      http,
    });
    const { port } = await app.start();
    appBase = `http://127.0.0.1:${port}`;
    surfaces.push({ name: 'vigil serve', port, routes: app.routes });

    const teams = createTeams({
      env: readTeamsEnv({
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: APP_PASSWORD,
        MicrosoftAppType: 'SingleTenant',
        MicrosoftAppTenantId: fakeTenantId,
      }),
      conversations: teamsStore,
      adapter: { openIdMetadataUrl: auth.openIdMetadataUrl, requestTimeoutMs: 500 },
      onCommand: () => Promise.reject(new Error('no command may pass an unauthenticated request')),
      onAction: () => Promise.reject(new Error('no action may pass an unauthenticated request')),
    });
    teamsServer = createHttpServer({ routes: [teams.route], readiness: () => true, ...http });
    const teamsPort = (await teamsServer.start(0, '127.0.0.1')).port;
    teamsBase = `http://127.0.0.1:${teamsPort}`;
    surfaces.push({ name: 'teams', port: teamsPort, routes: teamsServer.routes });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await teamsServer?.stop();
    await Promise.allSettled([
      kube?.stop(),
      slack?.close(),
      auth?.close(),
      connector?.close(),
      redis?.stop(),
    ]);
    rmSync(dir, { recursive: true, force: true });
    for (const spy of spies) spy.mockRestore();
  });

  const everyRoute = () =>
    surfaces.flatMap((s) => s.routes.map((r) => ({ ...r, port: s.port, surface: s.name })));

  it('sweeps the routes the servers serve: Slack, Teams, web chat, metrics and health', () => {
    const paths = everyRoute().map((r) => `${r.method} ${r.path}`);
    for (const expected of [
      'POST /slack/events',
      'POST /api/messages',
      'GET /metrics',
      'GET /healthz',
      'GET /readyz',
      'GET /',
    ])
      expect(paths).toContain(expected);
    expect(paths.length).toBeGreaterThanOrEqual(8);
  });

  it('every route answers a declared body over its limit with 413, before reading it', async () => {
    for (const r of everyRoute()) {
      const head = requestHead(r.method, r.path, {
        'content-type': 'application/json',
        'content-length': String(r.bodyLimitBytes + 1),
        authorization: `Bearer ${WEB_TOKEN}`,
      });
      const answer = await rawHttp(r.port, [head], { giveUpMs: 2000 });
      expect(answer.status, `${r.method} ${r.path}`).toBe(413);
    }
  });

  it('every route that reads a body refuses a chunked one past its limit, and lets go of it', async () => {
    for (const r of everyRoute().filter((x) => x.method === 'POST')) {
      const head = requestHead(r.method, r.path, {
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
        authorization: `Bearer ${WEB_TOKEN}`,
        host: `127.0.0.1:${r.port}`,
        origin: `http://127.0.0.1:${r.port}`,
      });
      // Past the limit and never finished: a reader without a bound would hold it in memory forever.
      const size = r.bodyLimitBytes + 1024;
      const chunk = `${size.toString(16)}\r\n${'x'.repeat(size)}\r\n`;
      const answer = await rawHttp(r.port, [head, chunk, `400\r\n${'y'.repeat(1024)}\r\n`], {
        gapMs: 100,
        giveUpMs: 4000,
      });
      // Slack's and Teams' routes refuse an unsigned request before reading it (401); the rest say 413.
      expect([401, 413], `${r.method} ${r.path}: ${answer.status}`).toContain(answer.status);
      expect(answer.closed, `${r.method} ${r.path} kept reading`).toBe(true);
      expect(answer.closedAfterMs, `${r.method} ${r.path}`).toBeLessThan(2500);
    }
  });

  it('every route cuts a body that stops half way, within the request timeout', async () => {
    await Promise.all(
      everyRoute().map(async (r) => {
        const head = requestHead(r.method, r.path, {
          'content-type': 'application/json',
          'content-length': '100',
          authorization: `Bearer ${WEB_TOKEN}`,
        });
        const answer = await rawHttp(r.port, [head, '{"text":'], { giveUpMs: 4000 });
        expect(answer.closed, `${r.method} ${r.path} held a slow body open`).toBe(true);
        expect(answer.closedAfterMs, `${r.method} ${r.path}`).toBeLessThan(2500);
      }),
    );
  });

  it('headers that never end are cut too', async () => {
    for (const s of surfaces) {
      const answer = await rawHttp(s.port, ['GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: '], {
        giveUpMs: 4000,
      });
      expect(answer.closed, s.name).toBe(true);
      expect(answer.closedAfterMs, s.name).toBeLessThan(2500);
    }
  });

  it('a path trick reaches no route under another name', async () => {
    const served = new Set([200, 204, 301, 302, 303, 401, 403, 405, 413, 415, 500, 503]);
    for (const r of everyRoute()) {
      const tricks: (string | Buffer)[] = [
        `/x/..${r.path}`,
        `/x/%2e%2e${r.path}`,
        `/x/%2E%2E${r.path}`,
        `/.${r.path}`,
        `/%2e${r.path}`,
        `/${r.path}`,
        `${r.path}/`,
        `${r.path}/.`,
        `${r.path}/..${r.path}`,
        `/slack/events/..${r.path}`,
        `/slack/events/%2e%2e${r.path}`,
        `/x\\..${r.path}`,
        `${r.path}%00`,
        `${r.path}%2f`,
        `http://evil.example${r.path}`,
        `${r.path}/${'a'.repeat(20_000)}`,
        Buffer.from(`${r.path}é`, 'utf8'),
        Buffer.from(`/%C0%AE%C0%AE${r.path}`),
      ];
      for (const target of tricks) {
        const answer = await rawHttp(r.port, [
          requestHead(r.method, target, { authorization: `Bearer ${WEB_TOKEN}`, connection: 'close' }),
        ]);
        const shown = String(target).slice(0, 60);
        expect(served.has(answer.status), `${r.method} ${shown} was served (${answer.status})`).toBe(false);
        expect([400, 404, 414, 431], `${r.method} ${shown}: ${answer.status}`).toContain(answer.status);
      }
      // The exact path does reach its route (so the tricks above are refused, not the route absent).
      const exact = await rawHttp(r.port, [
        requestHead(r.method, r.path, { 'content-length': '0', connection: 'close' }),
      ]);
      expect(exact.status, `${r.method} ${r.path}`).not.toBe(404);
    }
  });

  describe('Teams: Bot Framework JWTs that must not pass', () => {
    it.each([
      ['alg none', { alg: 'none' as const }],
      ['HS256 keyed with the published public key', { alg: 'HS256-public-key' as const }],
      ['a key id the JWKS does not publish', { kid: 'not-published' }],
      ['an unpublished key under the published key id', { forged: true }],
      ['another audience', { audience: '11111111-1111-1111-1111-111111111111' }],
      ['another issuer', { issuer: 'https://login.evil.example' }],
      ['an expired token', { expiresInSeconds: -600 }],
      ['a token not valid before an hour from now', { notBeforeInSeconds: 3600 }],
      ['another service URL', { serviceUrl: 'http://127.0.0.1:9/' }],
    ])('%s: 401, nothing stored', async (_name, override) => {
      const conversation = groupChat(`Sweep ${_name}`);
      const activity = installationUpdateActivity({
        serviceUrl: connector.serviceUrl,
        conversation,
        action: 'add',
        id: '1',
      });
      const authorization = auth.bearer({ audience: APP_ID, serviceUrl: connector.serviceUrl, ...override });
      const res = await postActivity(`${teamsBase}/api/messages`, activity, { authorization });
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain(APP_PASSWORD);
      expect(await teamsStore.list()).toEqual([]);
    });

    it('the same activity with a valid token passes (the cases above fail for their flaw alone)', async () => {
      const conversation = groupChat('Sweep valid');
      const activity = installationUpdateActivity({
        serviceUrl: connector.serviceUrl,
        conversation,
        action: 'add',
        id: '1',
      });
      const res = await postActivity(`${teamsBase}/api/messages`, activity, {
        authorization: auth.bearer({ audience: APP_ID, serviceUrl: connector.serviceUrl }),
      });
      expect(res.status).toBe(200);
      expect((await teamsStore.list()).map((c) => c.conversationId)).toEqual([conversation.id]);
    });
  });

  describe('Slack, through the whole bot (real Redis replay guard)', () => {
    let alertId = '';
    const events = () => `${appBase}/slack/events`;
    const ackBody = () =>
      blockActionsBody({
        responseUrl: slack.responseUrl('sweep-ack'),
        action: { type: 'button', action_id: `vigil_ack:${alertId}`, value: alertId },
        messageTs: slack.messages(CHANNEL)[0]?.ts ?? '1.0',
        channelId: CHANNEL,
      });
    const acks = () =>
      slack.messages(CHANNEL).flatMap((m) => m.replies.filter((r) => /acknowledged by/i.test(r.text ?? '')));

    beforeAll(async () => {
      const [message] = await waitFor('the start-up run to post the expiring certificate', () =>
        slack.messages(CHANNEL).length > 0 ? slack.messages(CHANNEL) : undefined,
      );
      alertId = String(message!.metadata?.event_payload['alert_id']);
    });

    it('a bad signature is 401 and acts on nothing', async () => {
      const res = await postToSlackEvents(events(), ackBody(), 'not-the-signing-secret');
      expect(res.status).toBe(401);
      const unsigned = await fetch(events(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: ackBody(),
      });
      expect(unsigned.status).toBe(401);
    });

    it('a correctly signed request from six minutes ago (or ahead) is 401', async () => {
      for (const skew of [-360, 360]) {
        const res = await postToSlackEvents(events(), ackBody(), SIGNING_SECRET, {
          timestampSeconds: Math.floor(Date.now() / 1000) + skew,
        });
        expect(res.status, String(skew)).toBe(401);
      }
      expect(acks()).toHaveLength(0);
    });

    it('a signed command from another workspace is refused', async () => {
      const body = slashCommandBody({
        text: 'ack ' + alertId,
        team_id: 'T0EVIL',
        response_url: slack.responseUrl('evil'),
      });
      const res = await postToSlackEvents(events(), body, SIGNING_SECRET);
      expect(res.status).toBe(403);
      expect(acks()).toHaveLength(0);
    });

    it('the same signed press sent again within the window acts once', async () => {
      const body = ackBody();
      const timestampSeconds = Math.floor(Date.now() / 1000);
      const first = await postToSlackEvents(events(), body, SIGNING_SECRET, { timestampSeconds });
      const replay = await postToSlackEvents(events(), body, SIGNING_SECRET, { timestampSeconds });
      expect([first.status, replay.status]).toEqual([200, 200]);
      await waitFor('the acknowledgement', () => acks().length > 0);
      await new Promise((r) => setTimeout(r, 500));
      expect(acks()).toHaveLength(1);
    });
  });

  describe('web chat token', () => {
    it('off its token nothing answers, from loopback too; a wrong token is refused', async () => {
      for (const r of everyRoute().filter(
        (x) => x.surface === 'vigil serve' && !/slack|healthz|readyz|metrics/.test(x.path),
      )) {
        for (const headers of [
          {},
          { authorization: 'Bearer wrong' },
          { authorization: `Basic ${WEB_TOKEN}` },
          { cookie: `vigil_web=${WEB_TOKEN}` },
        ]) {
          const res = await fetch(`${appBase}${r.path}`, {
            method: r.method,
            headers: { 'content-type': 'application/json', ...headers },
            ...(r.method === 'POST' ? { body: '{"text":"help","name":"x"}' } : {}),
          });
          expect(res.status, `${r.method} ${r.path} ${JSON.stringify(headers)}`).toBe(401);
          expect(await res.text()).not.toContain(WEB_TOKEN);
        }
      }
    });

    it('a token in the query string opens nothing but the page that swaps it for a cookie', async () => {
      const events = await fetch(`${appBase}/events?token=${WEB_TOKEN}`);
      expect(events.status).toBe(401);
      const page = await fetch(`${appBase}/?token=${WEB_TOKEN}`, { redirect: 'manual' });
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toBe('/');
    });

    it('a web chat beyond loopback without a token does not start', async () => {
      const config = parseConfig(
        { clusters: [{ name: 'prod', inCluster: true }], alerts: { defaultRoute: { web: ['ops'] } } },
        'offloop.yaml',
        dir,
      );
      const offLoopback = createApp({
        config,
        serve: { redisUrl: redis.url, redisPrefix: 'sweep-off', port: 0, host: '0.0.0.0' },
        platforms: { web: {} },
        scheduling: {
          run: {
            schedulers: false,
            startupRuns: false,
            checkWorker: false,
            notifyWorker: false,
            watchdog: false,
            housekeeping: false,
          },
        },
      });
      await expect(offLoopback.start()).rejects.toThrow(/VIGIL_WEB_TOKEN/);
    });
  });

  it('nothing above printed a secret to the console', () => {
    const text = JSON.stringify(printed.map((args) => args.map(String)));
    for (const secret of [APP_PASSWORD, SIGNING_SECRET, WEB_TOKEN, KUBE_TOKEN, slack.token])
      expect(text).not.toContain(secret);
    expect(text).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  });
});

describe('secret material never leaves: logs, chat, metrics, Redis (a whole `vigil serve` run)', () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const ca = issueCa('leak-ca', now);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-leak-'));
  const leaf = issueLeaf('pay.example.com', now, 3, { issuer: ca, sans: ['pay.example.com'] });
  const secrets = {
    slackBotToken: 'xoxb-leak-bot-token-3f1c9a',
    signingSecret: 'leak-signing-secret-8d02b7',
    webToken: 'leak-web-token-c4e91f0a7b3d5e9f',
    kubeToken: 'leak-kube-bearer-token-61aa0d',
    // A second cluster whose token the API server refuses (401): the failure paths log too.
    refusedKubeToken: 'leak-kube-refused-token-2b7e44',
    // Slack still sends its legacy verification token in every body; a logged body would show it.
    slackVerificationToken: 'legacy-verification-token',
  };
  // The Secret's key as it sits in the cluster (PEM) and on the wire (base64), and a line of its body.
  const keyForms = [
    leaf.keyPem.split('\n').find((l) => l.length > 40 && !l.startsWith('-----'))!,
    Buffer.from(leaf.keyPem).toString('base64').slice(0, 64),
  ];
  let redis: RedisServer;
  let kube: FakeKubeApiServer;
  let slack: FakeSlackWebApi;
  let vigil: VigilServeProcess | undefined;
  const seen: { where: string; text: string }[] = [];

  beforeAll(async () => {
    const api = issueLeaf('kube-apiserver', now, 300, { issuer: ca, sans: ['127.0.0.1', 'localhost'] });
    [redis, kube, slack] = await Promise.all([
      startRedisServer(),
      FakeKubeApiServer.start({
        certPem: api.certPem,
        keyPem: api.keyPem,
        tokens: { [secrets.kubeToken]: 'vigil' },
      }),
      FakeSlackWebApi.start({ token: secrets.slackBotToken }),
    ]);
    kube.upsert({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'pay', name: 'pay-tls' },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.from(leaf.certPem).toString('base64'),
        'tls.key': Buffer.from(leaf.keyPem).toString('base64'),
      },
    });
    const kubeconfig = join(dir, 'prod.kubeconfig');
    writeFileSync(
      kubeconfig,
      kube.kubeconfig({ caPem: ca.certPem, token: secrets.kubeToken, contextName: 'prod' }),
    );
    const refused = join(dir, 'stage.kubeconfig');
    writeFileSync(
      refused,
      kube.kubeconfig({ caPem: ca.certPem, token: secrets.refusedKubeToken, contextName: 'stage' }),
    );
    // Slack failing now and then, so the outbox's and the responder's error paths log as well.
    slack.inject({ method: 'chat.postMessage', fault: { kind: 'status', status: 502 }, times: 1 });
    slack.inject({ method: 'chat.update', fault: { kind: 'rate-limited', retryAfterSeconds: 1 }, times: 1 });
    slack.inject({ method: 'response_url', fault: { kind: 'status', status: 500 }, times: 1 });
    const configFile = join(dir, 'vigil.yaml');
    writeFileSync(
      configFile,
      stringify({
        clusters: [
          { name: 'prod', kubeconfig },
          { name: 'stage', kubeconfig: refused },
        ],
        schedules: {
          checks: {
            certificates: '0 0 1 1 *',
            statefulsets: false,
            registries: false,
            'host-certificates': false,
          },
          runOnStart: true,
        },
        alerts: { routes: [{ match: { namespace: 'pay' }, slack: [CHANNEL], web: ['ops'] }] },
        outbox: { minIntervalMs: { slack: 20, web: 20 } },
      }),
    );
    vigil = await startVigilServeProcess(configFile, {
      LOG_LEVEL: 'debug',
      REDIS_URL: redis.url,
      VIGIL_REDIS_PREFIX: 'leak',
      SLACK_BOT_TOKEN: secrets.slackBotToken,
      SLACK_SIGNING_SECRET: secrets.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      VIGIL_WEB: '1',
      VIGIL_WEB_TOKEN: secrets.webToken,
    });
  }, 60_000);

  afterAll(async () => {
    await vigil?.stop();
    await Promise.allSettled([kube?.stop(), slack?.close(), redis?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const keep = async (where: string, res: Response) => {
    seen.push({ where, text: `${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}` });
    return res;
  };

  it('is exercised: an alert, commands, a button, the web chat, refusals, /metrics', async () => {
    const base = vigil!.base;
    const [message] = await waitFor('the start-up run to post the expiring certificate', () =>
      slack.messages(CHANNEL).length > 0 ? slack.messages(CHANNEL) : undefined,
    );
    const alertId = String(message!.metadata?.event_payload['alert_id']);
    const events = `${base}/slack/events`;
    for (const text of [
      'certs prod',
      'alerts',
      `history ${alertId}`,
      'check prod',
      'clusters',
      'help',
      `ack ${alertId} on it`,
    ])
      await keep(
        `/k8s ${text}`,
        await postToSlackEvents(
          events,
          slashCommandBody({ text, response_url: slack.responseUrl('leak') }),
          secrets.signingSecret,
        ),
      );
    const snooze = blockActionsBody({
      responseUrl: slack.responseUrl('leak-snooze'),
      action: {
        type: 'static_select',
        action_id: `vigil_snooze:${alertId}`,
        selected_option: { text: { type: 'plain_text', text: 'for 4 h' }, value: `${alertId} 4h` },
      },
      messageTs: message!.ts,
      channelId: CHANNEL,
    });
    await keep('snooze', await postToSlackEvents(events, snooze, secrets.signingSecret));
    await keep('snooze replayed', await postToSlackEvents(events, snooze, secrets.signingSecret));
    await keep('forged', await postToSlackEvents(events, snooze, 'forged-secret'));
    const web = { authorization: `Bearer ${secrets.webToken}`, 'content-type': 'application/json' };
    await keep('web page', await fetch(`${base}/`, { headers: web }));
    await keep('web feed', await fetch(`${base}/api/feed`, { headers: web }));
    await keep(
      'web command',
      await fetch(`${base}/api/command`, {
        method: 'POST',
        headers: web,
        body: JSON.stringify({ text: 'alerts', name: 'Maria' }),
      }),
    );
    await keep(
      'web wrong token',
      await fetch(`${base}/api/feed`, { headers: { authorization: 'Bearer nope' } }),
    );
    await keep('web token link', await fetch(`${base}/?token=${secrets.webToken}`, { redirect: 'manual' }));
    await waitFor('the snooze to reach the thread', () =>
      slack.messages(CHANNEL)[0]!.replies.some((r) => /snoozed/.test(r.text ?? '')),
    );
    const metrics = await keep('metrics', await fetch(`${base}/metrics`));
    expect(metrics.status).toBe(200);
    // The run did what it should, so the search below looks at real output.
    expect(seen.find((s) => s.where === 'web feed')?.text).toMatch(/pay-tls/);
    expect(slack.responses.length).toBeGreaterThan(0);
  });

  it('no secret, and no private key, in any of it', async () => {
    // Stopped first, so the shutdown's own lines are searched too.
    const proc = vigil!;
    await proc.stop();
    vigil = undefined;
    const logs = proc.logs.map((l) => JSON.stringify(l)).join('\n');
    const conn = createRedisConnection({ url: redis.url, prefix: 'leak' });
    const dump = await readEverything(conn.redis);
    await conn.close();
    expect(dump.length, 'Redis holds what the run wrote').toBeGreaterThan(1000);
    expect(dump, 'the snapshot was read through its gzip').toMatch(/pay-tls/);
    const places: Record<string, string> = {
      logs,
      'chat (Web API calls)': JSON.stringify(slack.calls.map((c) => ({ method: c.method, args: c.args }))),
      'chat (response_url posts)': JSON.stringify(slack.responses),
      'chat (messages)': JSON.stringify(slack.messages(CHANNEL)),
      'HTTP answers and metrics': JSON.stringify(seen),
      'Redis (every key, every value)': dump,
    };
    expect(logs).toMatch(/vigil serve started/);
    // The failure paths ran: Slack's 502 and 429, and the cluster whose token is refused.
    expect(logs).toMatch(/chat unavailable; will retry/);
    expect(logs).toMatch(/rate-limited/);
    expect(`${logs}\n${dump}`).toMatch(/stage[^\n]*(401|nauthori[sz]ed|credentials)/i);
    for (const [where, text] of Object.entries(places)) {
      for (const [name, value] of Object.entries(secrets))
        expect(text, `${name} in ${where}`).not.toContain(value);
      for (const form of keyForms) expect(text, `the private key in ${where}`).not.toContain(form);
      expect(text, `a private key header in ${where}`).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    }
  });
});

/**
 * Every key of the Redis and every value, read by type (a DUMP or the RDB file would compress
 * strings with LZF and hide what is in them); gzip'd values (the check snapshots) are unpacked.
 */
async function readEverything(redis: RedisClient): Promise<string> {
  const out: string[] = [];
  const text = (b: Buffer) => (b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b).toString('utf8');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scanBuffer(cursor, 'COUNT', 500);
    cursor = next.toString();
    for (const keyBuf of keys) {
      const key = keyBuf.toString();
      const type = await redis.type(key);
      const values: Buffer[] =
        type === 'string'
          ? [(await redis.getBuffer(key)) ?? Buffer.alloc(0)]
          : type === 'hash'
            ? await redis
                .hgetallBuffer(key)
                .then((h) => Object.entries(h).flatMap(([k, v]) => [Buffer.from(k), v]))
            : type === 'list'
              ? await redis.lrangeBuffer(key, 0, -1)
              : type === 'set'
                ? await redis.smembersBuffer(key)
                : type === 'zset'
                  ? await redis.zrangeBuffer(key, '0', '-1')
                  : type === 'stream'
                    ? (await redis.xrangeBuffer(key, '-', '+')).flatMap(([id, fields]) => [id, ...fields])
                    : [];
      out.push(`${key} (${type}): ${values.map(text).join(' | ')}`);
    }
  } while (cursor !== '0');
  return out.join('\n');
}
