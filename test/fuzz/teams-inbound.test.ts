import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AlertMessage, ReplyMessage } from '../../src/chat/chat-message.js';
import { createTeams } from '../../src/chat/teams/index.js';
import { createHttpServer, type HttpServer } from '../../src/http/create-http-server.js';
import {
  channel,
  conversationUpdateActivity,
  FakeBotConnector,
  installationUpdateActivity,
  invokeActivity,
  maria,
  MemoryConversationStore,
  messageActivity,
  personalChat,
} from '../fakes/teams/index.js';
import { hostileTeamsActivities, hostileTeamsBodies } from '../fixtures/hostile/teams-activities.js';
import { editedDocument } from './document-edits.js';
import { asyncOutcomeOf, fuzzParams, mutatedBytes, tally } from './fuzz-run.js';

/**
 * Teams activities, mutated, POSTed to /api/messages on vigil's real HTTP server through
 * botbuilder's real CloudAdapter (authentication off via the development setting, so the body
 * reaches botbuilder): every one is answered below 500 and the server keeps serving. The serviceUrl
 * is always put back to the fake Bot Connector, so every answer stays on loopback.
 */
vi.hoisted(() => {
  process.env.LOG_LEVEL ??= 'error';
});

const now = new Date('2026-11-21T10:49:00Z');
const reply: ReplyMessage = { kind: 'reply', private: false, title: 'ok', sections: [{ lines: ['fine'] }] };
const alert: AlertMessage = {
  kind: 'alert',
  alertId: 'a7k2q',
  severity: 'critical',
  state: 'firing',
  cluster: 'prod',
  check: 'certificates',
  title: 'web-tls expires in 3 days',
  object: 'secret shop/web-tls',
  since: '2026-11-21T10:02:00Z',
  evidence: [],
  blastRadius: [],
  actions: [{ kind: 'ack', alertId: 'a7k2q' }],
};
let connector: FakeBotConnector;
let server: HttpServer;
let url: string;

beforeAll(async () => {
  connector = await FakeBotConnector.start();
  connector.addMember({ ...maria });
  const teams = createTeams({
    env: { authDisabled: true },
    conversations: new MemoryConversationStore(),
    now: () => now,
    onCommand: async () => reply,
    onAction: async () => reply,
    loadAlert: async (id) => (id === 'a7k2q' ? alert : null),
    mayRenameConversation: () => true,
    commandDeadlineMs: 300,
    actionDeadlineMs: 300,
  });
  server = createHttpServer({ readiness: () => true, routes: [teams.route] });
  const { port } = await server.start(0, '127.0.0.1');
  url = `http://127.0.0.1:${port}/api/messages`;
});
afterAll(async () => {
  expect((await fetch(url.replace('/api/messages', '/healthz'))).status).toBe(200);
  await server.stop();
  await connector.close();
});

const t = tally('teams-inbound');

async function post(body: Buffer | string, contentType = 'application/json; charset=utf-8') {
  return asyncOutcomeOf(t, async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
    await res.arrayBuffer();
    // 501 is botbuilder's own answer to an invoke it has no handler for (no name, or another name).
    if (res.status !== 501) expect(res.status, `answered ${res.status}`).toBeLessThan(500);
    return `http-${res.status}`;
  });
}

/** The activity as JSON, its serviceUrl pinned to the fake connector (loopback) whatever the edits. */
function pinned(doc: unknown): string {
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
    return JSON.stringify({ ...(doc as object), serviceUrl: connector.serviceUrl });
  }
  return JSON.stringify(doc) ?? 'null';
}

describe('fuzz: Teams inbound activities', () => {
  it.each(hostileTeamsActivities)(
    'replays the activity found by fuzzing over HTTP: $name',
    async ({ activity }) => {
      const full = {
        ...messageActivity({ serviceUrl: '', conversation: personalChat(), text: '' }),
        ...activity,
      };
      await post(pinned(full));
    },
  );

  it.each(hostileTeamsBodies)(
    'answers the body found by fuzzing with a 400: $name',
    async ({ body, says }) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: pinned({ channelId: 'msteams', ...body }),
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(says);
    },
  );

  it('activities with values replaced or removed are answered below 500', async () => {
    const serviceUrl = 'http://127.0.0.1:1/';
    const alerts = channel('Alerts');
    const seeds = [
      messageActivity({ serviceUrl, conversation: alerts, text: 'certs prod' }),
      messageActivity({ serviceUrl, conversation: personalChat(), text: 'ack a7k2q on it' }),
      messageActivity({ serviceUrl, conversation: alerts, text: 'alias payments' }),
      invokeActivity({
        serviceUrl,
        conversation: alerts,
        verb: 'vigil.ack',
        data: { alertId: 'a7k2q' },
        replyToId: '1',
      }),
      invokeActivity({
        serviceUrl,
        conversation: alerts,
        verb: 'vigil.snooze',
        data: { alertId: 'a7k2q', duration: '4h' },
        replyToId: '1',
      }),
      conversationUpdateActivity({ serviceUrl, conversation: alerts }),
      conversationUpdateActivity({ serviceUrl, conversation: alerts, removed: true }),
      installationUpdateActivity({ serviceUrl, conversation: personalChat(), action: 'add' }),
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...seeds).chain(editedDocument), async (doc) => {
        await post(pinned(doc));
      }),
      fuzzParams(80),
    );
  });

  it('mutated body bytes under any content type are answered below 500', async () => {
    const seed = Buffer.from(
      pinned(
        messageActivity({
          serviceUrl: '',
          conversation: channel('Alerts'),
          text: 'certs prod --expiring 30',
        }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        mutatedBytes(seed),
        fc.constantFrom(
          'application/json; charset=utf-8',
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
        ),
        async (body, type) => {
          await post(body, type);
        },
      ),
      fuzzParams(60),
    );
  });
});
