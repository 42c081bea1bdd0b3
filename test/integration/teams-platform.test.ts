import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AlertMessage, PostedRef } from '../../src/chat/chat-message.js';
import { ChatDeliveryError } from '../../src/chat/chat-delivery-error.js';
import { aliasCandidates, createTeams, type Teams } from '../../src/chat/teams/index.js';
import {
  cardOf,
  channel,
  executeActions,
  FakeBotConnector,
  fakeBot,
  groupChat,
  markdownText,
  MemoryConversationStore,
  personalChat,
  validateCard,
  visibleText,
  type FakeConversation,
} from '../fakes/teams/index.js';

/**
 * TeamsPlatform through botbuilder's real CloudAdapter against the fake Bot Connector over HTTP:
 * what goes on the wire for post, update and thread replies, and how every connector failure is
 * classified for the outbox. Authentication is off through the explicit development setting.
 */

const now = new Date('2026-11-21T10:49:00Z');
let connector: FakeBotConnector;
let store: MemoryConversationStore;
let teams: Teams;

const alerts = channel('Alerts');
const chat = groupChat('DB migration');
const dm = personalChat();

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
    blastRadius: ['deployment shop/web'],
    nextStep: 'kubeadm certs renew apiserver',
    status: 'Firing since 2026-11-21 10:02 UTC, critical',
    actions: [
      { kind: 'ack', alertId: 'a7k2q' },
      { kind: 'snooze', alertId: 'a7k2q', durations: ['1h', '4h', '24h'] },
    ],
    ...overrides,
  };
}

async function remember(c: FakeConversation): Promise<string> {
  const details = {
    kind: c.kind,
    conversationId: c.id,
    ...(c.teamName ? { teamName: c.teamName } : {}),
    ...(c.channelName ? { channelName: c.channelName } : {}),
    ...(c.title ? { title: c.title } : {}),
    reference: {
      channelId: 'msteams',
      serviceUrl: connector.serviceUrl,
      bot: fakeBot,
      conversation: { id: c.id, conversationType: c.kind === 'group' ? 'groupChat' : c.kind },
    },
  };
  return (await store.remember(details, aliasCandidates(details), now)).alias;
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
  connector = await FakeBotConnector.start();
  store = new MemoryConversationStore();
  teams = createTeams({
    env: { authDisabled: true },
    conversations: store,
    now: () => now,
    adapter: { requestTimeoutMs: 500 },
    onCommand: async () => ({ kind: 'reply', private: false, title: 'unused', sections: [] }),
    onAction: async () => undefined,
  });
  for (const c of [alerts, chat, dm]) await remember(c);
});
afterAll(() => connector.close());
beforeEach(() => {
  connector.clearFaults();
  connector.calls.length = 0;
});

describe('TeamsPlatform against the fake Bot Connector', () => {
  it('posts a version 1.5 card to the conversation an alias names, as a new message', async () => {
    const ref = await teams.platform.post('platform-sre-alerts', alert());
    expect(ref).toMatchObject({ platform: 'teams', destination: alerts.id, alertId: 'a7k2q' });
    expect(ref.messageId).toMatch(/^\d+$/);
    const [call] = connector.callsTo('send');
    // A proactive post is POST …/activities, not a reply to botbuilder's synthetic continuation event.
    expect(call).toMatchObject({ method: 'POST', conversationId: alerts.id, authorized: false });
    expect(call!.activityId).toBeUndefined();
    const [message] = connector.messages(alerts.id);
    expect(message!.id).toBe(ref.messageId);
    const card = cardOf(message);
    expect(validateCard(card, call!.body)).toBeUndefined();
    expect(visibleText(card)).toContain('kube-apiserver expires in 3 days');
    expect(message!.summary).toContain('Critical [prod]');
    expect(executeActions(card).map((a) => a.verb)).toEqual([
      'vigil.ack',
      'vigil.snooze',
      'vigil.snooze',
      'vigil.snooze',
    ]);
  });

  it('updates the same message in place and drops the actions once resolved', async () => {
    const ref = await teams.platform.post('platform-sre-alerts', alert());
    await teams.platform.update(
      ref,
      alert({ state: 'resolved', status: 'Resolved after 2 hours 3 minutes' }),
    );
    const [put] = connector.callsTo('update');
    expect(put).toMatchObject({ method: 'PUT', conversationId: alerts.id, activityId: ref.messageId });
    const updated = connector.activity(ref.messageId)!;
    expect(updated.edits).toBe(1);
    expect(visibleText(cardOf(updated))).toContain('Resolved after 2 hours 3 minutes');
    expect(executeActions(cardOf(updated))).toEqual([]);
  });

  it('replies in the channel thread of the alert (conversation id ;messageid=)', async () => {
    const ref = await teams.platform.post('platform-sre-alerts', alert());
    await teams.platform.reply(ref, 'acknowledged by Maria Garcia: on it');
    const call = connector.callsTo('send').at(-1);
    expect(call).toMatchObject({ conversationId: alerts.id, threadId: ref.messageId });
    const [line] = connector.thread(alerts.id, ref.messageId);
    expect(line).toMatchObject({ text: 'acknowledged by Maria Garcia: on it', textFormat: 'plain' });
  });

  it('in a group or personal chat, which have no threads, quotes the alert id instead', async () => {
    for (const [alias, c] of [
      ['chat-db-migration', chat],
      [(await store.resolve(dm.id))!.alias, dm],
    ] as const) {
      const ref = await teams.platform.post(alias, alert());
      await teams.platform.reply(ref, 'escalated to critical');
      const sent = connector.sentTo(c.id);
      expect(sent.at(-1)).toMatchObject({ text: 'Alert a7k2q: escalated to critical', textFormat: 'plain' });
      expect(sent.at(-1)!.threadId).toBeUndefined();
    }
  });

  it('keeps untrusted text out of everything Teams parses as Markdown', async () => {
    const hostile =
      '[click me](https://evil.example) <at>everyone</at> **bold** {{DATE(2017-02-14T06:08:00Z, SHORT)}}';
    const ref = await teams.platform.post(
      'platform-sre-alerts',
      alert({ title: hostile, object: hostile, evidence: [hostile] }),
    );
    const card = cardOf(connector.activity(ref.messageId));
    expect(markdownText(card)).not.toContain('evil.example');
    expect(markdownText(card)).not.toContain('<at>');
    expect(visibleText(card)).toContain('[click me](https://evil.example) <at>everyone</at>');
    expect(visibleText(card)).not.toContain('{{DATE');
  });

  it('says which alias is unknown and how to fix it: a new alert waits for it (not registered)', async () => {
    const error = await deliveryError(teams.platform.post('no-such-alias', alert()));
    // Not a retryable outage, not a permanent failure: the outbox holds it until vigil is added there.
    expect(error).toMatchObject({ code: 'chat-not-registered', retryable: false });
    expect(error.userMessage).toContain('"no-such-alias"');
    expect(error.userMessage).toContain('vigil teams conversations');
    expect(connector.calls).toHaveLength(0);
  });

  it('an edit for a conversation vigil has forgotten (removed from the team) is permanent', async () => {
    const ref: PostedRef = { platform: 'teams', destination: '19:gone@thread.tacv2', messageId: '1' };
    const error = await deliveryError(teams.platform.update(ref, alert()));
    expect(error).toMatchObject({ code: 'chat-not-found', retryable: false });
  });

  it('has no history to search: findPosted is always null', async () => {
    await teams.platform.post('platform-sre-alerts', alert());
    expect(await teams.platform.findPosted('platform-sre-alerts', 'a7k2q', new Date(0))).toBeNull();
  });
});

describe('TeamsPlatform failures, classified for the outbox', () => {
  it('429 is rate-limited with the Retry-After of the response, after one call (no SDK retries)', async () => {
    connector.rateLimit({ retryAfterSeconds: 7, times: 1 });
    const error = await deliveryError(teams.platform.post('platform-sre-alerts', alert()));
    expect(error).toMatchObject({ code: 'chat-rate-limited', retryable: true, retryAfterMs: 7000 });
    expect(error.userMessage).toContain('platform-sre-alerts');
    expect(connector.callsTo('send')).toHaveLength(1);
  });

  it('429 without Retry-After still waits a default time', async () => {
    connector.rateLimit({ retryAfterSeconds: null, times: 1 });
    const error = await deliveryError(teams.platform.post('platform-sre-alerts', alert()));
    expect(error.retryAfterMs).toBe(2000);
  });

  it.each([412, 500, 502, 503, 504])('HTTP %i is retryable and backs off', async (status) => {
    connector.failStatus(status, { times: 1 });
    const error = await deliveryError(teams.platform.post('platform-sre-alerts', alert()));
    expect(error.retryable).toBe(true);
    expect(['chat-unavailable', 'chat-timeout']).toContain(error.code);
    expect(connector.callsTo('send')).toHaveLength(1);
  });

  it('a Retry-After on a 503 is passed on as a hint', async () => {
    connector.inject({ fault: { kind: 'status', status: 503, retryAfterSeconds: 3 }, times: 1 });
    const error = await deliveryError(teams.platform.post('platform-sre-alerts', alert()));
    expect(error.retryAfterMs).toBe(3000);
  });

  it('a connector that does not answer times out, retryable', async () => {
    connector.slow(2000, { times: 1 });
    const error = await deliveryError(teams.platform.post('platform-sre-alerts', alert()));
    expect(error).toMatchObject({ code: 'chat-timeout', retryable: true });
  });

  it('403 (bot removed from the team) is permanent and names the alias and the fix', async () => {
    connector.setConversationState(alerts.id, 'bot-removed');
    try {
      const error = await deliveryError(teams.platform.post('platform-sre-alerts', alert()));
      expect(error).toMatchObject({ code: 'chat-forbidden', retryable: false });
      expect(error.userMessage).toContain('"platform-sre-alerts"');
      expect(error.userMessage).toMatch(/Add vigil to it again/);
    } finally {
      connector.setConversationState(alerts.id, 'ok');
    }
  });

  it('404 on post (chat deleted) and on update (message deleted) are permanent', async () => {
    const ref: PostedRef = await teams.platform.post('platform-sre-alerts', alert());
    const gone = await deliveryError(teams.platform.update({ ...ref, messageId: '999' }, alert()));
    expect(gone).toMatchObject({ code: 'chat-not-found', retryable: false });
    connector.setConversationState(chat.id, 'deleted');
    try {
      const error = await deliveryError(teams.platform.post('chat-db-migration', alert()));
      expect(error).toMatchObject({ code: 'chat-not-found', retryable: false });
    } finally {
      connector.setConversationState(chat.id, 'ok');
    }
  });

  it('a rate-limited update and thread reply are classified the same way', async () => {
    const ref = await teams.platform.post('platform-sre-alerts', alert());
    connector.rateLimit({ retryAfterSeconds: 2, operation: 'update', times: 1 });
    expect(await deliveryError(teams.platform.update(ref, alert()))).toMatchObject({ retryAfterMs: 2000 });
    connector.failStatus(502, { operation: 'send', times: 1 });
    expect(await deliveryError(teams.platform.reply(ref, 'x'))).toMatchObject({ retryable: true });
  });
});
