import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActionRequest, CommandRequest, ReplyMessage } from '../../src/chat/chat-message.js';
import type { ReplayGuard } from '../../src/chat/replay-guard.js';
import { replayWindowSeconds } from '../../src/chat/slack/create-slack-route.js';
import { createSlackGroupLookup, createSlackRoute } from '../../src/chat/slack/index.js';
import type { SlackWorkspace } from '../../src/chat/slack/slack-workspace.js';
import { VigilError } from '../../src/domain/vigil-error.js';
import { createHttpServer, type HttpServer } from '../../src/http/create-http-server.js';
import {
  blockActionsBody,
  FakeSlackWebApi,
  postToSlackEvents,
  signSlackRequest,
  slashCommandBody,
} from '../fakes/slack/index.js';
import { blockActionsPayload, hostileSlackBodies } from '../fixtures/hostile/slack-bodies.js';
import { MemoryReplayGuard } from '../support/memory-replay-guard.js';

/**
 * The inbound side over real HTTP: the Slack route (Bolt's receiver behind vigil's guard) mounted on
 * vigil's one HTTP server, signed like Slack signs, with the fake Web API as the response_url target
 * and group source.
 */

const SECRET = 'test-signing-secret';
const onCommand = vi.fn<(req: CommandRequest) => Promise<ReplyMessage>>();
const onAction = vi.fn<(req: ActionRequest) => Promise<ReplyMessage | void>>();
let ready: boolean | { ready: boolean; detail?: string } = true;
let fake: FakeSlackWebApi;
let server: HttpServer;
let base: string;
const installed: SlackWorkspace = { teamId: 'T0FAKE' };
let workspace: SlackWorkspace | undefined = installed;
let replayGuard: ReplayGuard = new MemoryReplayGuard();
const replayCalls: { key: string; ttlSeconds: number }[] = [];

const reply = (overrides: Partial<ReplyMessage> = {}): ReplyMessage => ({
  kind: 'reply',
  private: false,
  title: 'Certificates on prod',
  sections: [{ lines: ['web-tls expires in 3 days'] }],
  ...overrides,
});

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(20);
  }
}

function command(text: string, extra: Record<string, string> = {}): string {
  return slashCommandBody({ text, response_url: fake.responseUrl('commands/T0FAKE/1/abc'), ...extra });
}

beforeAll(async () => {
  fake = await FakeSlackWebApi.start();
  fake.setUserGroup('S0ONCALL', ['U0MARIA', 'U0BOB']);
  fake.setUserGroup('S0ADMINS', ['U0BOB']);
  const groups = createSlackGroupLookup({ botToken: fake.token, apiUrl: fake.apiUrl });
  const slackRoute = createSlackRoute({
    env: { signingSecret: SECRET, botToken: fake.token, apiUrl: fake.apiUrl },
    workspace: () => workspace,
    replayGuard: {
      firstTime: (key, ttlSeconds) => {
        replayCalls.push({ key, ttlSeconds });
        return replayGuard.firstTime(key, ttlSeconds);
      },
    },
    replayCheckTimeoutMs: 300,
    onCommand,
    onAction,
    resolveUserGroups: (userId) => groups.memberOfGroups(userId, ['S0ONCALL', 'S0ADMINS']),
    ackDeadlineMs: 400,
  });
  server = createHttpServer({
    readiness: () => ready,
    routes: [
      slackRoute,
      {
        method: 'GET',
        path: '/metrics',
        handler: (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('vigil_up 1\n');
        },
      },
      {
        method: 'GET',
        path: '/broken',
        handler: async () => {
          throw new Error('boom');
        },
      },
    ],
  });
  const { port } = await server.start(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await server.stop();
  await fake.close();
});
beforeEach(() => {
  onCommand.mockReset();
  onAction.mockReset();
  fake.responses.length = 0;
  fake.clearFaults();
  ready = true;
  workspace = installed;
  replayGuard = new MemoryReplayGuard();
  replayCalls.length = 0;
});

describe('slash commands', () => {
  it('hands a signed /k8s command to onCommand and answers with the rendered reply within 3 s', async () => {
    onCommand.mockResolvedValue(reply());
    const started = Date.now();
    const res = await postToSlackEvents(`${base}/slack/events`, command('certs prod'), SECRET);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { response_type: string; text: string; blocks: unknown[] };
    expect(body.response_type).toBe('in_channel');
    expect(body.text).toBe('Certificates on prod');
    expect(JSON.stringify(body.blocks)).toContain('web-tls expires in 3 days');
    expect(onCommand).toHaveBeenCalledWith({
      platform: 'slack',
      text: 'certs prod',
      user: { kind: 'slack', id: 'U0MARIA', name: 'maria' },
      channel: 'C0ALERTS',
      userGroups: ['S0ONCALL'],
      respond: expect.any(Function),
    });
  });

  it('passes the text as typed, undoing the entities Slack adds', async () => {
    onCommand.mockResolvedValue(reply());
    await postToSlackEvents(`${base}/slack/events`, command('ack a7k2q db &amp; cache &lt;soon&gt;'), SECRET);
    expect(onCommand.mock.calls[0]![0].text).toBe('ack a7k2q db & cache <soon>');
    expect(fake.callsTo('auth.test')).toHaveLength(0);
  });

  it('answers privately (ephemeral) when the reply is private', async () => {
    onCommand.mockResolvedValue(reply({ private: true }));
    const res = await postToSlackEvents(`${base}/slack/events`, command('help'), SECRET);
    expect(((await res.json()) as { response_type: string }).response_type).toBe('ephemeral');
  });

  it('acks "Working on it…" when the answer is slow, then delivers it through the response_url', async () => {
    onCommand.mockImplementation(async () => {
      await sleep(1200);
      return reply({ title: 'Check finished' });
    });
    const started = Date.now();
    const res = await postToSlackEvents(`${base}/slack/events`, command('check prod'), SECRET);
    expect(Date.now() - started).toBeLessThan(1000);
    const ack = (await res.json()) as { response_type: string; text: string };
    expect(ack).toMatchObject({ response_type: 'ephemeral', text: 'Working on it…' });
    await until(() => fake.responses.length === 1);
    expect(fake.responses[0]!.path).toBe('/hooks/commands/T0FAKE/1/abc');
    expect(fake.responses[0]!.body).toMatchObject({
      response_type: 'in_channel',
      replace_original: false,
      text: 'Check finished',
    });
  });

  it('sends the first page on the ack and the rest through the response_url', async () => {
    const lines = Array.from(
      { length: 600 },
      (_, i) => `secret ns/cert-${i} expires in ${i} days ${'x'.repeat(40)}`,
    );
    onCommand.mockResolvedValue(reply({ sections: [{ lines }] }));
    const res = await postToSlackEvents(`${base}/slack/events`, command('certs prod --all'), SECRET);
    const first = (await res.json()) as { blocks: unknown[] };
    const total = Number(/\(1\/(\d)\)/.exec(JSON.stringify(first.blocks[0]))?.[1]);
    expect(total).toBeGreaterThan(1);
    await until(() => fake.responses.length === total - 1);
    expect(JSON.stringify(fake.responses.at(-1)!.body)).toContain(`(${total}/${total})`);
  });

  it("shows a VigilError's user message, and nothing internal for other errors", async () => {
    onCommand.mockRejectedValueOnce(
      new VigilError('unknown-cluster', 'No cluster named "prdo"; try /k8s clusters'),
    );
    const res1 = await postToSlackEvents(`${base}/slack/events`, command('certs prdo'), SECRET);
    const body1 = (await res1.json()) as { response_type: string; blocks: unknown[] };
    expect(body1.response_type).toBe('ephemeral');
    expect(JSON.stringify(body1.blocks)).toContain('No cluster named');

    onCommand.mockRejectedValueOnce(new Error('redis ECONNREFUSED 10.0.0.5:6379'));
    const res2 = await postToSlackEvents(`${base}/slack/events`, command('certs prod'), SECRET);
    const text2 = JSON.stringify(await res2.json());
    expect(text2).not.toContain('ECONNREFUSED');
    expect(text2).toContain('internal error');
  });

  it('never posts a late answer to a response_url outside Slack', async () => {
    onCommand.mockImplementation(async () => {
      await sleep(600);
      return reply();
    });
    const body = slashCommandBody({ text: 'check prod', response_url: 'http://127.0.0.1:1/steal' });
    const res = await postToSlackEvents(`${base}/slack/events`, body, SECRET);
    expect(res.status).toBe(200);
    await sleep(900);
    expect(fake.responses).toHaveLength(0);
  });
});

describe('request authenticity', () => {
  it('rejects a bad signature with 401 and never calls onCommand', async () => {
    const res = await postToSlackEvents(`${base}/slack/events`, command('certs prod'), SECRET, {
      headers: { 'x-slack-signature': 'v0=0000000000000000000000000000000000000000000000000000000000000000' },
    });
    expect(res.status).toBe(401);
    const wrongSecret = await postToSlackEvents(
      `${base}/slack/events`,
      command('certs prod'),
      'not-the-secret',
    );
    expect(wrongSecret.status).toBe(401);
    const unsigned = await fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: command('certs prod'),
    });
    expect(unsigned.status).toBe(401);
    expect(onCommand).not.toHaveBeenCalled();
  });

  it('rejects correctly signed requests with stale or future timestamps', async () => {
    const nowSec = Math.floor(Date.now() / 1000);
    for (const timestampSeconds of [nowSec - 6 * 60, nowSec + 6 * 60, nowSec + 365 * 86_400]) {
      const res = await postToSlackEvents(`${base}/slack/events`, command('certs prod'), SECRET, {
        timestampSeconds,
      });
      expect(res.status, String(timestampSeconds - nowSec)).toBe(401);
    }
    expect(onCommand).not.toHaveBeenCalled();
  });

  it('rejects an oversized body with 413, declared or chunked', async () => {
    const big = command('x'.repeat(70 * 1024));
    const declared = await postToSlackEvents(`${base}/slack/events`, big, SECRET);
    expect(declared.status).toBe(413);

    const chunkedStatus = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${base}/slack/events`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(big, SECRET) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      // No Content-Length: node sends it chunked, so only the streaming limit can catch it.
      for (let i = 0; i < big.length; i += 8192) req.write(big.slice(i, i + 8192));
      req.end();
    });
    expect(chunkedStatus).toBe(413);
    expect(onCommand).not.toHaveBeenCalled();
  });
});

describe('buttons (block_actions)', () => {
  it('acks at once and hands Acknowledge to onAction with the right ActionRequest', async () => {
    onAction.mockResolvedValue(undefined);
    const body = blockActionsBody({
      responseUrl: fake.responseUrl('actions/T0FAKE/2/def'),
      user: { id: 'U0BOB', username: 'bob' },
      action: {
        type: 'button',
        action_id: 'vigil_ack:a7k2q',
        value: 'a7k2q',
        text: { type: 'plain_text', text: 'Acknowledge' },
      },
    });
    const res = await postToSlackEvents(`${base}/slack/events`, body, SECRET);
    expect(res.status).toBe(200);
    await until(() => onAction.mock.calls.length === 1);
    expect(onAction).toHaveBeenCalledWith({
      platform: 'slack',
      action: { kind: 'ack', alertId: 'a7k2q' },
      user: { kind: 'slack', id: 'U0BOB', name: 'bob' },
      channel: 'C0ALERTS',
      userGroups: ['S0ONCALL', 'S0ADMINS'],
    });
  });

  it('hands a snooze choice to onAction and delivers its reply privately via the response_url', async () => {
    onAction.mockResolvedValue(reply({ private: true, title: 'You may not snooze alerts on prod' }));
    const body = blockActionsBody({
      responseUrl: fake.responseUrl('actions/T0FAKE/3/ghi'),
      action: {
        type: 'static_select',
        action_id: 'vigil_snooze:a7k2q',
        selected_option: { text: { type: 'plain_text', text: 'for 4 h' }, value: 'a7k2q 4h' },
      },
    });
    await postToSlackEvents(`${base}/slack/events`, body, SECRET);
    await until(() => fake.responses.length === 1);
    expect(onAction.mock.calls[0]![0].action).toEqual({ kind: 'snooze', alertId: 'a7k2q', duration: '4h' });
    expect(fake.responses[0]!.body).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: 'You may not snooze alerts on prod',
    });
  });

  it('ignores an action whose value does not match its id', async () => {
    const body = blockActionsBody({
      responseUrl: fake.responseUrl(),
      action: { type: 'button', action_id: 'vigil_ack:a7k2q', value: 'someone-elses-alert' },
    });
    const res = await postToSlackEvents(`${base}/slack/events`, body, SECRET);
    expect(res.status).toBe(200);
    await sleep(200);
    expect(onAction).not.toHaveBeenCalled();
  });
});

describe('health and extra routes', () => {
  it('serves /healthz and /readyz from the readiness callback', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    ready = { ready: false, detail: 'redis unreachable' };
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toContain('redis unreachable');
  });

  it('refuses extra routes on the paths it serves itself', () => {
    const env = { signingSecret: SECRET, botToken: fake.token, apiUrl: fake.apiUrl };
    const handler = () => undefined;
    expect(() =>
      createHttpServer({ readiness: () => true, routes: [{ method: 'GET', path: '/healthz', handler }] }),
    ).toThrow(/\/healthz/);
    const slack = () =>
      createSlackRoute({ env, onCommand, onAction, workspace: () => installed, replayGuard });
    expect(() => createHttpServer({ readiness: () => true, routes: [slack(), slack()] })).toThrow(
      /\/slack\/events/,
    );
  });

  it('serves extra routes, answers 500 when one throws, and 404 for unknown paths', async () => {
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('vigil_up 1');
    expect((await fetch(`${base}/broken`)).status).toBe(500);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/slack/events`)).status).toBe(404);
  });
});

describe('hostile bodies (test/fixtures/hostile/slack-bodies.ts)', () => {
  it.each(hostileSlackBodies)(
    'answers a signed body "$name" with 400, hands nothing on and keeps serving',
    async ({ body, contentType }) => {
      const res = await postToSlackEvents(`${base}/slack/events`, body, SECRET, {
        headers: { 'content-type': contentType },
      });
      expect(res.status).toBe(400);
      await sleep(50);
      expect(onCommand).not.toHaveBeenCalled();
      expect(onAction).not.toHaveBeenCalled();
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    },
  );

  it('checks the signature before the shape: an unsigned hostile body is 401', async () => {
    const res = await fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'payload=null',
    });
    expect(res.status).toBe(401);
  });

  it("still answers Slack's unsigned ssl_check", async () => {
    const res = await fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'ssl_check=1&token=legacy-verification-token',
    });
    expect(res.status).toBe(200);
  });
});

describe('the installed workspace and app', () => {
  const click = (team: string, appId = 'A0VIGIL') =>
    new URLSearchParams({
      payload: JSON.stringify(
        blockActionsPayload({
          team: { id: team },
          user: { id: 'U0MARIA', username: 'maria', team_id: team },
          api_app_id: appId,
          response_url: fake.responseUrl('actions/x'),
        }),
      ),
    }).toString();

  it('refuses a signed button press from another workspace (403) and acts on nothing', async () => {
    onAction.mockResolvedValue(undefined);
    const res = await postToSlackEvents(`${base}/slack/events`, click('T0OTHER'), SECRET);
    expect(res.status).toBe(403);
    await sleep(100);
    expect(onAction).not.toHaveBeenCalled();
    const ours = await postToSlackEvents(`${base}/slack/events`, click('T0FAKE'), SECRET);
    expect(ours.status).toBe(200);
    await until(() => onAction.mock.calls.length === 1);
  });

  it('refuses a signed slash command from another workspace', async () => {
    const res = await postToSlackEvents(
      `${base}/slack/events`,
      command('ack a7k2q', { team_id: 'T0OTHER' }),
      SECRET,
    );
    expect(res.status).toBe(403);
    expect(onCommand).not.toHaveBeenCalled();
  });

  it('with SLACK_APP_ID set, refuses requests naming another app', async () => {
    workspace = { teamId: 'T0FAKE', appId: 'A0VIGIL' };
    const other = await postToSlackEvents(`${base}/slack/events`, click('T0FAKE', 'A0OTHER'), SECRET);
    expect(other.status).toBe(403);
    const cmd = await postToSlackEvents(
      `${base}/slack/events`,
      command('help', { api_app_id: 'A0OTHER' }),
      SECRET,
    );
    expect(cmd.status).toBe(403);
    expect(onAction).not.toHaveBeenCalled();
    expect(onCommand).not.toHaveBeenCalled();
    onCommand.mockResolvedValue(reply());
    expect((await postToSlackEvents(`${base}/slack/events`, command('help'), SECRET)).status).toBe(200);
  });

  it('refuses everything but ssl_check while the workspace is not known yet (503)', async () => {
    workspace = undefined;
    expect((await postToSlackEvents(`${base}/slack/events`, click('T0FAKE'), SECRET)).status).toBe(503);
    expect(onAction).not.toHaveBeenCalled();
  });
});

describe('replayed requests', () => {
  const snooze = () =>
    blockActionsBody({
      responseUrl: fake.responseUrl('actions/T0FAKE/9/snooze'),
      action: {
        type: 'static_select',
        action_id: 'vigil_snooze:a7k2q',
        selected_option: { text: { type: 'plain_text', text: 'for 4 h' }, value: 'a7k2q 4h' },
      },
    });

  it('acts once on the same signed snooze sent twice; the replay is acked and ignored', async () => {
    onAction.mockResolvedValue(undefined);
    const body = snooze();
    const timestampSeconds = Math.floor(Date.now() / 1000);
    const first = await postToSlackEvents(`${base}/slack/events`, body, SECRET, { timestampSeconds });
    const replay = await postToSlackEvents(`${base}/slack/events`, body, SECRET, { timestampSeconds });
    expect([first.status, replay.status]).toEqual([200, 200]);
    await until(() => onAction.mock.calls.length === 1);
    await sleep(200);
    expect(onAction).toHaveBeenCalledTimes(1);
    // Remembered for the whole window a timestamp is accepted in: five minutes either way.
    expect(replayCalls.map((c) => c.ttlSeconds)).toEqual([replayWindowSeconds, replayWindowSeconds]);
    expect(replayWindowSeconds).toBe(600);
  });

  it('acts on each of two presses of the same button: each is its own signed request', async () => {
    onAction.mockResolvedValue(undefined);
    const body = snooze();
    const now = Math.floor(Date.now() / 1000);
    await postToSlackEvents(`${base}/slack/events`, body, SECRET, { timestampSeconds: now - 1 });
    await postToSlackEvents(`${base}/slack/events`, body, SECRET, { timestampSeconds: now });
    await until(() => onAction.mock.calls.length === 2);
  });

  it('a replayed slash command is not run again', async () => {
    onCommand.mockResolvedValue(reply());
    const body = command('ack a7k2q on it');
    const timestampSeconds = Math.floor(Date.now() / 1000);
    await postToSlackEvents(`${base}/slack/events`, body, SECRET, { timestampSeconds });
    const replay = await postToSlackEvents(`${base}/slack/events`, body, SECRET, { timestampSeconds });
    expect(replay.status).toBe(200);
    expect(await replay.text()).toBe('');
    expect(onCommand).toHaveBeenCalledTimes(1);
  });

  it('handles the request when the replay check fails or hangs (Redis away), within Slack’s 3 s', async () => {
    onCommand.mockResolvedValue(reply());
    replayGuard = { firstTime: async () => Promise.reject(new Error('ECONNREFUSED')) };
    expect((await postToSlackEvents(`${base}/slack/events`, command('help'), SECRET)).status).toBe(200);
    replayGuard = { firstTime: () => new Promise<boolean>(() => {}) };
    const started = Date.now();
    expect((await postToSlackEvents(`${base}/slack/events`, command('help'), SECRET)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(onCommand).toHaveBeenCalledTimes(2);
  });

  it('counts the time spent before Bolt against the ack deadline: Slack’s 3 s are from arrival', async () => {
    onCommand.mockImplementation(async () => {
      await sleep(1500);
      return reply();
    });
    replayGuard = { firstTime: () => new Promise<boolean>(() => {}) };
    const started = Date.now();
    const res = await postToSlackEvents(`${base}/slack/events`, command('check prod'), SECRET);
    const elapsed = Date.now() - started;
    expect(JSON.stringify(await res.json())).toMatch(/Working on it/);
    // The ack deadline is 400 ms here and the replay check gives up after 300 ms: the interim
    // answer goes out 400 ms after arrival, not 700.
    expect(elapsed).toBeLessThan(580);
  });
});
