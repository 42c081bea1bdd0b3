import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  ActionRequest,
  AlertMessage,
  CommandRequest,
  ReplyMessage,
} from '../../src/chat/chat-message.js';
import { createTeams, type Teams } from '../../src/chat/teams/index.js';
import {
  bob,
  cardOf,
  channel,
  conversationUpdateActivity,
  FakeBotConnector,
  groupChat,
  installationUpdateActivity,
  invokeActivity,
  maria,
  MemoryConversationStore,
  messageActivity,
  personalChat,
  postActivity,
  serveRoute,
  validateCard,
  visibleText,
  type ServedRoute,
} from '../fakes/teams/index.js';

/**
 * The inbound side over real HTTP: activities POSTed to `/api/messages` as the Bot Framework service
 * does, through botbuilder's real CloudAdapter (authentication off via the explicit development
 * setting), answers going back to the fake Bot Connector.
 */

const onCommand = vi.fn<(req: CommandRequest) => Promise<ReplyMessage>>();
const onAction = vi.fn<(req: ActionRequest) => Promise<ReplyMessage | void>>();
let mayRename = true;
let connector: FakeBotConnector;
let store: MemoryConversationStore;
let teams: Teams;
let served: ServedRoute;
let nextId = 1_800_000_000_000;

const now = new Date('2026-11-21T10:49:00Z');
const general = channel('General');
const alerts = channel('Alerts');

const reply = (overrides: Partial<ReplyMessage> = {}): ReplyMessage => ({
  kind: 'reply',
  private: false,
  title: 'Certificates on prod',
  sections: [{ lines: ['web-tls expires in 3 days'] }],
  ...overrides,
});

const acknowledged: AlertMessage = {
  kind: 'alert',
  alertId: 'a7k2q',
  severity: 'critical',
  state: 'acknowledged',
  cluster: 'prod',
  check: 'certificates',
  title: 'web-tls expires in 3 days',
  object: 'secret shop/web-tls',
  since: '2026-11-21T10:02:00Z',
  evidence: [],
  blastRadius: [],
  status: 'Acknowledged by Maria Garcia at 2026-11-21 10:49 UTC',
  actions: [{ kind: 'ack', alertId: 'a7k2q' }],
};

function id(): string {
  nextId += 1;
  return String(nextId);
}

async function post(activity: unknown): Promise<Response> {
  return postActivity(served.url, activity);
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(20);
  }
}

beforeAll(async () => {
  connector = await FakeBotConnector.start();
  connector.addMember({ ...maria });
  store = new MemoryConversationStore();
  teams = createTeams({
    env: { authDisabled: true },
    conversations: store,
    now: () => now,
    onCommand,
    onAction,
    loadAlert: async (alertId) => (alertId === 'a7k2q' ? acknowledged : null),
    mayRenameConversation: () => mayRename,
    commandDeadlineMs: 300,
    actionDeadlineMs: 300,
  });
  served = await serveRoute(teams.route);
});
afterAll(async () => {
  await served.close();
  await connector.close();
});
beforeEach(() => {
  onCommand.mockReset();
  onAction.mockReset();
  onCommand.mockResolvedValue(reply());
  mayRename = true;
  connector.calls.length = 0;
});

describe('installation: the only way vigil learns where it may post', () => {
  it('the bot added to a team stores the General channel, says hello there, and can post to it', async () => {
    const res = await post(
      conversationUpdateActivity({ serviceUrl: connector.serviceUrl, conversation: general, id: id() }),
    );
    expect(res.status).toBe(200);
    const stored = await store.resolve('platform-sre-general');
    expect(stored).toMatchObject({
      kind: 'channel',
      conversationId: general.id,
      teamName: 'Platform SRE',
      channelName: 'General',
    });
    expect(stored!.reference).toMatchObject({
      serviceUrl: connector.serviceUrl,
      conversation: { id: general.id },
    });
    expect(connector.sentTo(general.id).at(-1)!.text).toContain('teams: [platform-sre-general]');

    const ref = await teams.platform.post('platform-sre-general', acknowledged);
    expect(connector.activity(ref.messageId)).toBeDefined();
  });

  it('installationUpdate adds and removes a group chat', async () => {
    const chat = groupChat('DB migration');
    await post(
      installationUpdateActivity({
        serviceUrl: connector.serviceUrl,
        conversation: chat,
        action: 'add',
        id: id(),
      }),
    );
    expect((await store.resolve('chat-db-migration'))?.conversationId).toBe(chat.id);
    await post(
      installationUpdateActivity({
        serviceUrl: connector.serviceUrl,
        conversation: chat,
        action: 'remove',
        id: id(),
      }),
    );
    expect(await store.resolve('chat-db-migration')).toBeNull();
  });

  it('removing the bot from a team forgets every channel of that team', async () => {
    const team = { id: '19:ops-general@thread.tacv2', name: 'Ops' };
    const opsGeneral = channel('General', team);
    const opsPager = channel('Pager', team);
    await post(
      conversationUpdateActivity({ serviceUrl: connector.serviceUrl, conversation: opsGeneral, id: id() }),
    );
    await post(
      messageActivity({ serviceUrl: connector.serviceUrl, conversation: opsPager, text: 'help', id: id() }),
    );
    expect(await store.resolve('ops-pager')).not.toBeNull();
    await post(
      conversationUpdateActivity({
        serviceUrl: connector.serviceUrl,
        conversation: opsGeneral,
        removed: true,
        id: id(),
      }),
    );
    expect(await store.resolve('ops-general')).toBeNull();
    expect(await store.resolve('ops-pager')).toBeNull();
  });
});

describe('commands by @mention', () => {
  it('`@vigil certs prod` in a channel reaches onCommand as the typed words, with the sender by object id and UPN', async () => {
    const messageId = id();
    const res = await post(
      messageActivity({
        serviceUrl: connector.serviceUrl,
        conversation: alerts,
        text: 'certs prod',
        id: messageId,
      }),
    );
    expect(res.status).toBe(200);
    expect(onCommand).toHaveBeenCalledTimes(1);
    const req = onCommand.mock.calls[0]![0];
    expect(req).toMatchObject({
      platform: 'teams',
      text: 'certs prod',
      user: { kind: 'teams', id: maria.aadObjectId, name: maria.name },
      userPrincipalName: maria.userPrincipalName,
      channel: alerts.id,
    });
    // The answer is a card in the thread of the question.
    const [answer] = connector.thread(alerts.id, messageId);
    expect(validateCard(cardOf(answer))).toBeUndefined();
    expect(visibleText(cardOf(answer))).toContain('web-tls expires in 3 days');
    // A channel vigil was @mentioned in is stored, so routes can name it.
    expect((await store.resolve('platform-sre-alerts'))?.conversationId).toBe(alerts.id);
  });

  it('in a personal chat the text needs no mention; HTML from the client is undone', async () => {
    const dm = personalChat();
    await post(
      messageActivity({
        serviceUrl: connector.serviceUrl,
        conversation: dm,
        text: '<p>ack a7k2q db &amp; cache</p>',
        id: id(),
      }),
    );
    expect(onCommand.mock.calls[0]![0]).toMatchObject({ text: 'ack a7k2q db & cache', channel: dm.id });
    expect(connector.sentTo(dm.id)).toHaveLength(1);
  });

  it('a user whose roster entry cannot be read still gets an answer, without a UPN (looked up once)', async () => {
    await post(
      messageActivity({
        serviceUrl: connector.serviceUrl,
        conversation: alerts,
        from: bob,
        text: 'alerts',
        id: id(),
      }),
    );
    await post(
      messageActivity({
        serviceUrl: connector.serviceUrl,
        conversation: alerts,
        from: bob,
        text: 'alerts',
        id: id(),
      }),
    );
    expect(onCommand).toHaveBeenCalledTimes(2);
    expect(onCommand.mock.calls[0]![0].userPrincipalName).toBeUndefined();
    expect(onCommand.mock.calls[0]![0].user.id).toBe(bob.aadObjectId);
    expect(
      connector.callsTo('get-member').filter((c) => c.path.includes(encodeURIComponent(bob.id))),
    ).toHaveLength(1);
  });

  it('`help` also says how to route alerts here and the conversation id for permissions', async () => {
    const messageId = id();
    await post(
      messageActivity({
        serviceUrl: connector.serviceUrl,
        conversation: alerts,
        text: 'help',
        id: messageId,
      }),
    );
    const text = visibleText(cardOf(connector.thread(alerts.id, messageId)[0]));
    expect(text).toContain('teams: [platform-sre-alerts]');
    expect(text).toContain(alerts.id);
  });

  it('a later answer (`check prod`) arrives through respond, proactively, in the same thread', async () => {
    onCommand.mockImplementation(async (req) => {
      setTimeout(() => void req.respond?.(reply({ title: 'Check finished on prod' })), 50);
      return reply({ title: 'Checking prod…' });
    });
    const messageId = id();
    await post(
      messageActivity({
        serviceUrl: connector.serviceUrl,
        conversation: alerts,
        text: 'check prod',
        id: messageId,
      }),
    );
    await until(() => connector.thread(alerts.id, messageId).length === 2);
    expect(visibleText(cardOf(connector.thread(alerts.id, messageId)[1]))).toContain(
      'Check finished on prod',
    );
  });

  it('a slow handler gets "Working on it…" first and its answer after', async () => {
    onCommand.mockImplementation(async () => {
      await sleep(600);
      return reply({ title: 'Slow answer' });
    });
    const messageId = id();
    const res = await post(
      messageActivity({
        serviceUrl: connector.serviceUrl,
        conversation: alerts,
        text: 'alerts',
        id: messageId,
      }),
    );
    expect(res.status).toBe(200);
    expect(visibleText(cardOf(connector.thread(alerts.id, messageId)[0]))).toContain('Working on it');
    await until(() => connector.thread(alerts.id, messageId).length === 2);
    expect(visibleText(cardOf(connector.thread(alerts.id, messageId)[1]))).toContain('Slow answer');
  });

  it('`alias NAME` renames the conversation; a taken name or a disallowed user is refused', async () => {
    await post(
      messageActivity({
        serviceUrl: connector.serviceUrl,
        conversation: alerts,
        text: 'alias SRE-Alerts',
        id: id(),
      }),
    );
    expect((await store.resolve('sre-alerts'))?.conversationId).toBe(alerts.id);
    expect(await store.resolve('platform-sre-alerts')).toBeNull();
    expect(onCommand).not.toHaveBeenCalled();

    const other = groupChat('Other');
    await post(
      installationUpdateActivity({
        serviceUrl: connector.serviceUrl,
        conversation: other,
        action: 'add',
        id: id(),
      }),
    );
    await post(
      messageActivity({
        serviceUrl: connector.serviceUrl,
        conversation: other,
        text: 'alias sre-alerts',
        id: id(),
      }),
    );
    expect(visibleText(cardOf(connector.sentTo(other.id).at(-1)))).toContain('sre-alerts is taken');

    mayRename = false;
    await post(
      messageActivity({
        serviceUrl: connector.serviceUrl,
        conversation: other,
        text: 'alias mine',
        id: id(),
      }),
    );
    expect(visibleText(cardOf(connector.sentTo(other.id).at(-1)))).toContain('Not allowed');
    expect(await store.resolve('mine')).toBeNull();
  });
});

describe('Action.Execute buttons (adaptiveCard/action invoke)', () => {
  it('Acknowledge reaches onAction and the invoke response replaces the card for the presser', async () => {
    onAction.mockResolvedValue(
      reply({
        title: 'Acknowledged a7k2q',
        sections: [{ lines: ['Every copy of the alert message is being updated.'] }],
      }),
    );
    const res = await post(
      invokeActivity({
        serviceUrl: connector.serviceUrl,
        conversation: alerts,
        verb: 'vigil.ack',
        data: { alertId: 'a7k2q' },
        replyToId: '1700000000001',
        id: id(),
      }),
    );
    expect(res.status).toBe(200);
    expect(onAction.mock.calls[0]![0]).toMatchObject({
      platform: 'teams',
      action: { kind: 'ack', alertId: 'a7k2q' },
      user: { kind: 'teams', id: maria.aadObjectId },
      userPrincipalName: maria.userPrincipalName,
      channel: alerts.id,
    });
    const body = (await res.json()) as { statusCode: number; type: string; value: unknown };
    expect(body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(validateCard(body.value)).toBeUndefined();
    expect(visibleText(body.value)).toContain('Acknowledged by Maria Garcia');
    expect(visibleText(body.value)).toContain('Every copy of the alert message is being updated.');
  });

  it('Snooze carries its duration', async () => {
    onAction.mockResolvedValue(reply({ title: 'Snoozed' }));
    await post(
      invokeActivity({
        serviceUrl: connector.serviceUrl,
        conversation: alerts,
        verb: 'vigil.snooze',
        data: { alertId: 'a7k2q', duration: '4h' },
        replyToId: '1',
        id: id(),
      }),
    );
    expect(onAction.mock.calls[0]![0].action).toEqual({ kind: 'snooze', alertId: 'a7k2q', duration: '4h' });
  });

  it('Chart posts its answer in the conversation, and a refusal only to the presser', async () => {
    onAction.mockResolvedValueOnce(reply({ title: 'Certificate expiries on prod, next 90 days' }));
    const before = connector.sentTo(alerts.id).length;
    const res = await post(
      invokeActivity({
        serviceUrl: connector.serviceUrl,
        conversation: alerts,
        verb: 'vigil.chart',
        data: { alertId: 'a7k2q' },
        replyToId: '1',
        id: id(),
      }),
    );
    expect(await res.json()).toMatchObject({ value: 'The chart is posted in the conversation.' });
    expect(onAction.mock.calls[0]![0].action).toEqual({ kind: 'chart', alertId: 'a7k2q' });
    const sent = connector.sentTo(alerts.id).slice(before);
    expect(sent.map((a) => visibleText(cardOf(a)))).toEqual([
      expect.stringContaining('Certificate expiries on prod'),
    ]);

    onAction.mockResolvedValueOnce(
      reply({ private: true, title: 'Not allowed: chart for prod in this channel' }),
    );
    const refused = await post(
      invokeActivity({
        serviceUrl: connector.serviceUrl,
        conversation: alerts,
        verb: 'vigil.chart',
        data: { alertId: 'a7k2q' },
        replyToId: '1',
        id: id(),
      }),
    );
    expect(await refused.json()).toMatchObject({
      value: expect.stringContaining('Not allowed: chart for prod'),
    });
    expect(connector.sentTo(alerts.id).slice(before)).toHaveLength(1);
  });

  it('a Chart slower than the invoke deadline follows in the conversation', async () => {
    onAction.mockImplementationOnce(async () => {
      await sleep(600);
      return reply({ title: 'Slow chart' });
    });
    const before = connector.sentTo(alerts.id).length;
    const res = await post(
      invokeActivity({
        serviceUrl: connector.serviceUrl,
        conversation: alerts,
        verb: 'vigil.chart',
        data: { alertId: 'a7k2q' },
        replyToId: '1',
        id: id(),
      }),
    );
    expect(await res.json()).toMatchObject({ value: 'Drawing the chart: it follows in the conversation.' });
    await until(() => connector.sentTo(alerts.id).length > before);
    expect(visibleText(cardOf(connector.sentTo(alerts.id).at(-1)))).toContain('Slow chart');
  });

  it('without a card to show, the handler answer comes back as a message', async () => {
    onAction.mockResolvedValue(reply({ title: 'No alert zzz' }));
    const res = await post(
      invokeActivity({
        serviceUrl: connector.serviceUrl,
        conversation: alerts,
        verb: 'vigil.ack',
        data: { alertId: 'zzz' },
        replyToId: '1',
        id: id(),
      }),
    );
    expect(await res.json()).toMatchObject({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: expect.stringContaining('No alert zzz'),
    });
  });

  it('a verb or data that is not vigil’s is refused with 400 and reaches no handler', async () => {
    for (const [verb, data] of [
      ['vigil.ack', { alertId: 'a7k2q; DROP' }],
      ['vigil.snooze', { alertId: 'a7k2q', duration: 'forever' }],
      ['other.verb', { alertId: 'a7k2q' }],
    ] as const) {
      const res = await post(
        invokeActivity({
          serviceUrl: connector.serviceUrl,
          conversation: alerts,
          verb,
          data,
          replyToId: '1',
          id: id(),
        }),
      );
      expect(await res.json()).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
    }
    expect(onAction).not.toHaveBeenCalled();
  });
});

describe('the HTTP front door', () => {
  it('refuses what is not a JSON activity, and bodies over the limit, before botbuilder sees them', async () => {
    const text = await fetch(served.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(text.status).toBe(415);
    const broken = await fetch(served.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(broken.status).toBe(400);
    const list = await fetch(served.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[]',
    });
    expect(list.status).toBe(400);
    const huge = await fetch(served.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'x'.repeat(300 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(onCommand).not.toHaveBeenCalled();
  });
});
