import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AlertMessage } from '../../src/chat/chat-message.js';
import { ChatDeliveryError } from '../../src/chat/chat-delivery-error.js';
import { createSlackPlatform, type SlackPlatform } from '../../src/chat/slack/index.js';
import { FakeSlackWebApi } from '../fakes/slack/index.js';

/**
 * SlackPlatform with the real @slack/web-api WebClient against the fake Web API over HTTP: what
 * goes on the wire (metadata, thread_ts, include_all_metadata) and how every Slack failure is
 * classified for the outbox.
 */

const now = new Date('2026-11-21T10:49:00Z');
let fake: FakeSlackWebApi;
let slack: SlackPlatform;

function alert(overrides: Partial<AlertMessage> = {}): AlertMessage {
  return {
    kind: 'alert',
    alertId: 'a7k2q',
    severity: 'critical',
    state: 'firing',
    cluster: 'prod',
    check: 'certificates',
    title: 'API server certificate CN=kube-apiserver expires in 3 days',
    object: 'endpoint 10.0.0.1:6443',
    since: '2026-11-21T10:02:00Z',
    evidence: ['notAfter 2026-11-24T09:00Z'],
    blastRadius: [],
    nextStep: 'kubeadm certs renew apiserver',
    actions: [{ kind: 'ack', alertId: 'a7k2q' }],
    ...overrides,
  };
}

async function deliveryError(promise: Promise<unknown>): Promise<ChatDeliveryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ChatDeliveryError);
    return error as ChatDeliveryError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  fake = await FakeSlackWebApi.start();
  slack = createSlackPlatform(
    { botToken: fake.token, apiUrl: fake.apiUrl },
    { now: () => now, timeoutMs: 500 },
  );
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.clearFaults();
  fake.calls.length = 0;
});

describe('SlackPlatform against the fake Web API', () => {
  it('posts with blocks, fallback text and the vigil_alert metadata', async () => {
    const ref = await slack.post('C0POST', alert());
    expect(ref).toMatchObject({ platform: 'slack', destination: 'C0POST' });
    const [call] = fake.callsTo('chat.postMessage');
    expect(call!.authorized).toBe(true);
    expect(call!.args['metadata']).toEqual({
      event_type: 'vigil_alert',
      event_payload: { alert_id: 'a7k2q' },
    });
    expect(call!.args['text']).toContain('Critical [prod]');
    const [stored] = fake.messages('C0POST');
    expect(stored!.ts).toBe(ref.messageId);
    expect(stored!.metadata?.event_payload).toEqual({ alert_id: 'a7k2q' });
    expect(JSON.stringify(stored!.blocks)).toContain('vigil_ack:a7k2q');
  });

  it('updates the same message in place, dropping the buttons once resolved', async () => {
    const ref = await slack.post('C0UPD', alert());
    await slack.update(ref, alert({ state: 'resolved', status: 'Resolved after 2 h 3 min' }));
    const [stored] = fake.messages('C0UPD');
    expect(fake.messages('C0UPD')).toHaveLength(1);
    expect(stored!.edited).toBeDefined();
    expect(JSON.stringify(stored!.blocks)).toContain('Resolved after 2 h 3 min');
    expect(JSON.stringify(stored!.blocks)).not.toContain('vigil_ack');
    expect(stored!.metadata?.event_payload).toEqual({ alert_id: 'a7k2q' });
  });

  it('replies in the thread with escaped plain text', async () => {
    const ref = await slack.post('C0THREAD', alert());
    await slack.reply(ref, 'acknowledged by <@U1> <!channel>');
    const [parent] = fake.messages('C0THREAD');
    expect(fake.messages('C0THREAD')).toHaveLength(1);
    expect(parent!.replies).toHaveLength(1);
    expect(parent!.replies[0]!.text).toBe('acknowledged by &lt;@U1&gt; &lt;!channel&gt;');
    expect(parent!.replies[0]!.metadata).toBeUndefined();
  });

  it('finds a posted alert by its metadata, across pages, and not one posted before `since`', async () => {
    const channel = 'C0FIND';
    const t0 = Date.now() / 1000;
    fake.seedMessage({
      channel,
      ts: (t0 - 3600).toFixed(6),
      text: 'old',
      metadata: { event_type: 'vigil_alert', event_payload: { alert_id: 'old1' } },
    });
    const ref = await slack.post(channel, alert({ alertId: 'find1', actions: [] }));
    for (let i = 0; i < 450; i += 1) fake.seedMessage({ channel, text: `chatter ${i}`, user: 'U0MARIA' });
    const since = new Date((t0 - 60) * 1000);

    expect(await slack.findPosted(channel, 'find1', since)).toEqual(ref);
    const historyCalls = fake.callsTo('conversations.history');
    expect(historyCalls.length).toBe(3); // 450 newer messages at 200 a page, newest first
    expect(historyCalls[0]!.args).toMatchObject({
      include_all_metadata: 'true',
      inclusive: 'true',
      limit: '200',
    });

    expect(await slack.findPosted(channel, 'old1', since)).toBeNull();
    expect(await slack.findPosted(channel, 'missing', new Date((t0 - 7200) * 1000))).toBeNull();
  });

  it('stops after its page bound', async () => {
    const bounded = createSlackPlatform(
      { botToken: fake.token, apiUrl: fake.apiUrl },
      { historyPageSize: 10, maxHistoryPages: 2 },
    );
    const channel = 'C0BOUND';
    await bounded.post(channel, alert({ alertId: 'deep1' }));
    for (let i = 0; i < 30; i += 1) fake.seedMessage({ channel, text: `chatter ${i}` });
    fake.calls.length = 0;
    expect(await bounded.findPosted(channel, 'deep1', new Date(Date.now() - 60_000))).toBeNull();
    expect(fake.callsTo('conversations.history')).toHaveLength(2);
  });

  it('surfaces a 429 as rate-limited with Retry-After, without retrying inside the client', async () => {
    fake.rateLimit({ retryAfterSeconds: 30, times: 1, method: 'chat.postMessage' });
    const error = await deliveryError(slack.post('C0RATE', alert()));
    expect(error.code).toBe('chat-rate-limited');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(30_000);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(fake.messages('C0RATE')).toHaveLength(0);
  });

  it('treats a 429 without Retry-After as rate-limited with a default wait', async () => {
    fake.rateLimit({ retryAfterSeconds: null, times: 1 });
    const error = await deliveryError(slack.post('C0RATE2', alert()));
    expect(error.code).toBe('chat-rate-limited');
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('surfaces 5xx as unavailable (retryable), once', async () => {
    fake.failStatus(503, { times: 1 });
    const error = await deliveryError(slack.post('C0DOWN', alert()));
    expect(error.code).toBe('chat-unavailable');
    expect(error.retryable).toBe(true);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('surfaces a slow Slack as a retryable timeout', async () => {
    fake.slow(2000, { times: 1 });
    const error = await deliveryError(slack.post('C0SLOW', alert()));
    expect(error.code).toBe('chat-timeout');
    expect(error.retryable).toBe(true);
  });

  it('makes channel problems permanent and names the channel and the fix', async () => {
    fake.setChannel('C0GONE', 'not-found');
    fake.setChannel('C0PRIV', 'not-member');
    fake.setChannel('C0OLD', 'archived');
    const gone = await deliveryError(slack.post('C0GONE', alert()));
    expect(gone.code).toBe('chat-not-found');
    expect(gone.retryable).toBe(false);
    expect(gone.userMessage).toContain('C0GONE');
    expect(gone.userMessage).toContain('/invite @vigil');
    const priv = await deliveryError(slack.post('C0PRIV', alert()));
    expect(priv.code).toBe('chat-forbidden');
    expect(priv.userMessage).toMatch(/invite .*C0PRIV|C0PRIV.*invite/);
    const old = await deliveryError(slack.post('C0OLD', alert()));
    expect(old.code).toBe('chat-forbidden');
    expect(old.userMessage).toContain('archived');
  });

  it('makes a bad or revoked token permanent, without the token in the message', async () => {
    const wrong = createSlackPlatform({ botToken: 'xoxb-wrong-token', apiUrl: fake.apiUrl });
    const error = await deliveryError(wrong.post('C0AUTH', alert()));
    expect(error.code).toBe('chat-forbidden');
    expect(error.retryable).toBe(false);
    expect(error.userMessage).toContain('SLACK_BOT_TOKEN');
    expect(JSON.stringify({ message: error.message, user: error.userMessage })).not.toContain(
      'xoxb-wrong-token',
    );

    fake.failWith('token_revoked', { times: 1 });
    expect((await deliveryError(slack.post('C0AUTH', alert()))).code).toBe('chat-forbidden');
  });

  it('reports a message that no longer exists as not-found and a refused payload as invalid', async () => {
    const missing = await deliveryError(
      slack.update({ platform: 'slack', destination: 'C0X', messageId: '1.000001' }, alert()),
    );
    expect(missing.code).toBe('chat-not-found');
    fake.failWith('invalid_blocks', { times: 1 });
    const invalid = await deliveryError(slack.post('C0X', alert()));
    expect(invalid.code).toBe('chat-invalid');
    expect(invalid.retryable).toBe(false);
  });

  it('checks the token with auth.test', async () => {
    expect(await slack.checkAuth()).toEqual({ teamId: 'T0FAKE', botUserId: 'U0VIGIL', botId: 'B0VIGIL' });
  });

  it('renders a maximal alert the fake (with Slack limits) accepts', async () => {
    const huge = alert({
      title: '&'.repeat(5000),
      evidence: Array.from({ length: 300 }, () => '<'.repeat(4000)),
      blastRadius: Array.from({ length: 500 }, (_, i) => `pod-${i}`),
      nextStep: 'x'.repeat(9000),
      status: 'y'.repeat(9000),
    });
    await expect(slack.post('C0BIG', huge)).resolves.toMatchObject({ destination: 'C0BIG' });
  });
});
