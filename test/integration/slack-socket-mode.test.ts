import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActionRequest, CommandRequest, ReplyMessage } from '../../src/chat/chat-message.js';
import type { EnvelopeDedupe } from '../../src/chat/envelope-dedupe.js';
import { createSlackSocket, type SlackSocket, type SlackSocketOptions } from '../../src/chat/slack/index.js';
import { VigilError } from '../../src/domain/vigil-error.js';
import { createRedisConnection, type RedisConnection } from '../../src/redis/redis-connection.js';
import { RedisEnvelopeDedupe } from '../../src/redis/redis-envelope-dedupe.js';
import {
  blockActionsPayload,
  FakeSlackWebApi,
  FakeSocketMode,
  slashCommandPayload,
} from '../fakes/slack/index.js';
import { waitFor } from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

/**
 * Slack Socket Mode through the real client (Bolt's SocketModeReceiver and @slack/socket-mode)
 * against the fake Socket Mode endpoint over loopback: apps.connections.open on the fake Web API
 * with the app-level token, a real WebSocket, hello, envelopes, acks, Slack's redeliveries, its
 * `disconnect` messages and network failures; envelopes claimed in a real redis-server.
 */

const onCommand = vi.fn<(req: CommandRequest) => Promise<ReplyMessage>>();
const onAction = vi.fn<(req: ActionRequest) => Promise<ReplyMessage | void>>();
let redis: RedisServer;
let connection: RedisConnection;
let web: FakeSlackWebApi;
let slack: FakeSocketMode;
let prefix: string;
const started: SlackSocket[] = [];

const reply = (overrides: Partial<ReplyMessage> = {}): ReplyMessage => ({
  kind: 'reply',
  private: false,
  title: 'Certificates on prod',
  sections: [{ lines: ['web-tls expires in 3 days'] }],
  ...overrides,
});

/** A socket with short timings, so reconnects and dead peers show in well under a second. */
async function startSocket(overrides: Partial<SlackSocketOptions> = {}): Promise<SlackSocket> {
  const socket = createSlackSocket({
    env: { botToken: web.token, appToken: web.appToken, apiUrl: web.apiUrl },
    envelopes: new RedisEnvelopeDedupe(connection.redis, prefix, 'slack'),
    onCommand,
    onAction,
    ackDeadlineMs: 400,
    clientPingTimeoutMs: 600,
    reconnect: { minDelayMs: 50, maxDelayMs: 400 },
    ...overrides,
  });
  started.push(socket);
  await socket.start();
  return socket;
}

const command = (text: string) =>
  slashCommandPayload({ text, response_url: web.responseUrl(`commands/${randomUUID().slice(0, 8)}`) });

const ackButton = (alertId: string) =>
  blockActionsPayload({
    responseUrl: web.responseUrl('actions/1'),
    action: { type: 'button', action_id: `vigil_ack:${alertId}`, value: alertId },
  });

const opensSoFar = () => web.callsTo('apps.connections.open').length;

beforeAll(async () => {
  [redis, web] = await Promise.all([startRedisServer(), FakeSlackWebApi.start()]);
  slack = await FakeSocketMode.start(web);
});
afterAll(async () => {
  await Promise.allSettled([slack?.close(), web?.close(), redis?.stop()]);
});
beforeEach(() => {
  prefix = `test-${randomUUID().slice(0, 8)}`;
  connection = createRedisConnection({ url: redis.url, prefix });
  onCommand.mockReset();
  onAction.mockReset();
  web.clearFaults();
});
afterEach(async () => {
  slack.reset();
  await Promise.all(started.splice(0).map((s) => s.stop()));
  await connection.close();
});

describe('connecting', () => {
  it('opens the WebSocket through apps.connections.open with the app-level token, and is ready on hello', async () => {
    const before = slack.connections.length;
    const socket = await startSocket();
    expect(socket.status()).toEqual({ ready: true });
    expect(slack.connections.length).toBe(before + 1);
    const open = web.callsTo('apps.connections.open').at(-1)!;
    expect(open.authorized).toBe(true);
  });

  it('refuses to start when Slack refuses the app-level token, naming the variable but not the value', async () => {
    const before = slack.connections.length;
    for (const appToken of ['xapp-1-A0VIGIL-revoked', web.token]) {
      const error = await startSocket({ env: { botToken: web.token, appToken, apiUrl: web.apiUrl } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(VigilError);
      expect((error as VigilError).code).toBe('slack-app-token-refused');
      expect((error as VigilError).userMessage).toMatch(/SLACK_APP_TOKEN .*connections:write/);
      expect((error as VigilError).userMessage).not.toContain(appToken);
    }
    expect(
      web
        .callsTo('apps.connections.open')
        .map((c) => c.error)
        .slice(-2),
    ).toEqual(['invalid_auth', 'not_allowed_token_type']);
    expect(slack.connections.length).toBe(before);
  });

  it('keeps trying while apps.connections.open fails, not ready meanwhile, and connects once it answers', async () => {
    web.failStatus(503, { method: 'apps.connections.open', times: 3 });
    const before = opensSoFar();
    const socket = await startSocket({ startWaitMs: 100 });
    expect(socket.status().ready).toBe(false);
    expect(socket.status().detail).toMatch(/Socket Mode/);
    await waitFor('connected after three refusals', () => socket.status().ready);
    expect(opensSoFar() - before).toBe(4);
  });

  it('drains on stop: the envelope in hand is answered, one arriving meanwhile is left to another replica', async () => {
    // Slower than nothing, quicker than the ack deadline (400 ms here): the answer rides on the ack.
    onCommand.mockImplementationOnce(async () => {
      await sleep(250);
      return reply({ title: 'Answered while stopping' });
    });
    onCommand.mockResolvedValue(reply({ title: 'Answered elsewhere' }));
    const stopping = await startSocket();
    const mine = slack.connections.at(-1)!;
    await startSocket();
    const inHand = slack.deliver('slash_commands', command('certs prod'), { to: mine.id });
    await waitFor('the command in hand', () => onCommand.mock.calls.length === 1);
    const stopped = stopping.stop();
    expect(stopping.status()).toEqual({ ready: false, detail: 'Socket Mode stopping' });
    const meanwhile = slack.deliver('slash_commands', command('alerts'), { to: mine.id });
    expect((await inHand.acked).payload).toMatchObject({ text: 'Answered while stopping' });
    await stopped;
    await waitFor('the drained connection closed', () => mine.state === 'closed');
    const elsewhere = await meanwhile.acked;
    expect(elsewhere.connection).not.toBe(mine.id);
    expect(elsewhere.payload).toMatchObject({ text: 'Answered elsewhere' });
    expect(meanwhile.acks.filter((a) => a.connection === mine.id)).toHaveLength(0);
    expect(onCommand).toHaveBeenCalledTimes(2);
  });

  it('closes the connection on stop and does not come back', async () => {
    const socket = await startSocket();
    const mine = slack.connections.at(-1)!;
    await socket.stop();
    await waitFor('the fake to see the close', () => mine.state === 'closed');
    const opens = opensSoFar();
    await sleep(300);
    expect(opensSoFar()).toBe(opens);
    expect(socket.status()).toEqual({ ready: false, detail: 'Socket Mode stopped' });
  });
});

describe('envelopes', () => {
  it('answers a slash command on its ack, within 3 s, through the same handlers as HTTP', async () => {
    onCommand.mockResolvedValue(reply());
    await startSocket();
    const delivery = slack.deliver('slash_commands', command('certs prod'));
    const ack = await delivery.acked;
    expect(ack.inTime).toBe(true);
    expect(ack.afterMs).toBeLessThan(3000);
    expect(ack.payload).toMatchObject({ response_type: 'in_channel', text: 'Certificates on prod' });
    expect(JSON.stringify(ack.payload['blocks'])).toContain('web-tls expires in 3 days');
    expect(onCommand).toHaveBeenCalledTimes(1);
    expect(onCommand.mock.calls[0]![0]).toMatchObject({
      platform: 'slack',
      text: 'certs prod',
      user: { kind: 'slack', id: 'U0MARIA', name: 'maria' },
      channel: 'C0ALERTS',
    });
  });

  it('acks "Working on it…" when the answer is slow, then posts it to the response_url', async () => {
    onCommand.mockImplementation(async () => {
      await sleep(900);
      return reply({ title: 'Check finished' });
    });
    await startSocket();
    const payload = command('check prod');
    const ack = await slack.deliver('slash_commands', payload).acked;
    expect(ack.afterMs).toBeLessThan(900);
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral', text: 'Working on it…' });
    const later = await waitFor('the late answer', () =>
      web.responses.find((r) => r.path === new URL(String(payload['response_url'])).pathname),
    );
    expect(later.body).toMatchObject({ text: 'Check finished', replace_original: false });
  });

  it('acks a button at once with an empty payload and hands the action on', async () => {
    onAction.mockImplementation(async () => {
      await sleep(300);
    });
    await startSocket();
    const ack = await slack.deliver('interactive', ackButton('a7k2q')).acked;
    expect(ack.payload).toEqual({});
    expect(ack.afterMs).toBeLessThan(300);
    await waitFor('onAction', () => onAction.mock.calls.length === 1);
    expect(onAction.mock.calls[0]![0]).toMatchObject({
      platform: 'slack',
      action: { kind: 'ack', alertId: 'a7k2q' },
      user: { kind: 'slack', id: 'U0MARIA' },
      channel: 'C0ALERTS',
    });
  });

  it('handles a redelivered envelope once: Slack missed the first ack and retried', async () => {
    onCommand.mockResolvedValue(reply());
    await startSocket();
    const delivery = slack.deliver('slash_commands', command('certs prod'), { loseAcks: 1 });
    const ack = await delivery.acked;
    expect(delivery.attempts.map((a) => a.retryAttempt)).toEqual([0, 1]);
    expect(delivery.acks.map((a) => a.lost)).toEqual([true, false]);
    // The copy is acknowledged (so Slack stops retrying) but not handled again.
    expect(ack.payload).toEqual({});
    expect(onCommand).toHaveBeenCalledTimes(1);
  });

  it('handles an envelope once when it reaches two replicas sharing Redis, and both ack it', async () => {
    onAction.mockResolvedValue(undefined);
    await Promise.all([startSocket(), startSocket()]);
    expect(slack.open.length).toBeGreaterThanOrEqual(2);
    const delivery = slack.deliver('interactive', ackButton('b8m3r'), { to: 'each' });
    await waitFor('an ack from every replica', () => delivery.acks.length >= 2);
    expect(new Set(delivery.acks.map((a) => a.connection)).size).toBe(2);
    expect(delivery.acks.every((a) => a.inTime)).toBe(true);
    await sleep(200);
    expect(onAction).toHaveBeenCalledTimes(1);
    expect(delivery.attempts).toHaveLength(2);
  });

  it('handles the same envelope id delivered twice to one replica once', async () => {
    onCommand.mockResolvedValue(reply());
    await startSocket();
    const first = slack.deliver('slash_commands', command('certs prod'));
    await first.acked;
    const again = slack.deliver('slash_commands', command('certs prod'), { envelopeId: first.envelopeId });
    expect((await again.acked).payload).toEqual({});
    expect(onCommand).toHaveBeenCalledTimes(1);
  });

  it('handles an envelope it cannot claim rather than drop it: Redis trouble must not cost the answer', async () => {
    onCommand.mockResolvedValue(reply());
    const hung: EnvelopeDedupe = { claim: () => new Promise<boolean>(() => undefined) };
    await startSocket({ envelopes: hung, claimTimeoutMs: 100 });
    const ack = await slack.deliver('slash_commands', command('certs prod')).acked;
    expect(ack.payload).toMatchObject({ text: 'Certificates on prod' });
    expect(onCommand).toHaveBeenCalledTimes(1);
  });
});

describe('reconnecting', () => {
  it('reconnects at once on disconnect (refresh_requested) and handles the next envelope on the new connection', async () => {
    onCommand.mockResolvedValue(reply());
    const socket = await startSocket();
    const old = slack.connections.at(-1)!;
    const opens = opensSoFar();
    slack.disconnect('refresh_requested', old.id);
    await waitFor('the old connection closed', () => old.state === 'closed');
    await waitFor('a new connection', () => socket.status().ready && slack.open.some((c) => c.id > old.id));
    expect(opensSoFar()).toBe(opens + 1);
    const ack = await slack.deliver('slash_commands', command('certs prod')).acked;
    expect(ack.connection).toBeGreaterThan(old.id);
    expect(ack.payload).toMatchObject({ text: 'Certificates on prod' });
  });

  it('takes link_disabled (Socket Mode turned off) as a failure: says so, and backs off before trying again', async () => {
    const socket = await startSocket({ reconnect: { minDelayMs: 600, maxDelayMs: 600 } });
    const old = slack.connections.at(-1)!;
    slack.disconnect('link_disabled', old.id);
    const down = await waitFor('not ready', () => {
      const s = socket.status();
      return s.ready ? undefined : s;
    });
    expect(down.detail).toMatch(/link_disabled/);
    await waitFor('the old connection closed', () => old.state === 'closed');
    const closedAt = Date.now();
    await waitFor('a new connection', () => socket.status().ready && slack.open.some((c) => c.id > old.id));
    // At least half the delay (the jitter takes up to the other half off), minus some slack.
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(150);
  });

  it('reconnects after the server drops the connection without a close frame', async () => {
    onCommand.mockResolvedValue(reply());
    const socket = await startSocket();
    const old = slack.connections.at(-1)!;
    slack.drop(old.id);
    await waitFor('a new connection', () => socket.status().ready && slack.open.some((c) => c.id > old.id));
    const ack = await slack.deliver('slash_commands', command('certs prod')).acked;
    expect(ack.connection).toBeGreaterThan(old.id);
  });

  it('gives up on a connection that stops answering pings and opens another', async () => {
    const socket = await startSocket();
    const old = slack.connections.at(-1)!;
    slack.silence(old.id);
    await waitFor('not ready once the pongs are missed', () => !socket.status().ready);
    await waitFor('a new connection', () => socket.status().ready && slack.open.some((c) => c.id > old.id));
  });

  it('is not ready while disconnected, with the reason, and ready again once reconnected', async () => {
    const socket = await startSocket();
    web.failStatus(500, { method: 'apps.connections.open', times: 2 });
    slack.drop(slack.connections.at(-1)!.id);
    const down = await waitFor('not ready', () => {
      const s = socket.status();
      return s.ready ? undefined : s;
    });
    expect(down.detail).toMatch(/^Socket Mode (disconnected|reconnecting) \(/);
    await waitFor('ready again', () => socket.status().ready);
    expect(
      web.callsTo('apps.connections.open').filter((c) => c.status === 500).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('delivers what Slack held while no connection was open once it reconnects', async () => {
    onCommand.mockResolvedValue(reply());
    const socket = await startSocket();
    web.failStatus(500, { method: 'apps.connections.open', times: 1 });
    slack.drop(slack.connections.at(-1)!.id);
    expect(slack.open).toHaveLength(0);
    const delivery = slack.deliver('slash_commands', command('certs prod'));
    const ack = await delivery.acked;
    expect(socket.status().ready).toBe(true);
    expect(ack.payload).toMatchObject({ text: 'Certificates on prod' });
    expect(onCommand).toHaveBeenCalledTimes(1);
  });
});
