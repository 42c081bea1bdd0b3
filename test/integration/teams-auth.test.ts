import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandRequest, ReplyMessage } from '../../src/chat/chat-message.js';
import { createTeams, type Teams } from '../../src/chat/teams/index.js';
import { readTeamsEnv } from '../../src/chat/teams/teams-env.js';
import {
  FakeBotConnector,
  FakeBotFrameworkAuth,
  fakeTenantId,
  groupChat,
  installationUpdateActivity,
  MemoryConversationStore,
  messageActivity,
  postActivity,
  serveRoute,
  type ServedRoute,
} from '../fakes/teams/index.js';

/**
 * With an app id configured, /api/messages accepts only requests carrying a Bot Framework JWT that
 * botbuilder validates: signature against the published keys, issuer, audience = MicrosoftAppId,
 * serviceurl claim = the activity's service URL, expiry. Everything runs offline: the keys are
 * published by a loopback fake (createTeamsAdapter's `openIdMetadataUrl`), and requests without a
 * token, or with one that is not a JWT or not from the Bot Framework issuer, are rejected before any
 * key is fetched (`fetches` stays 0). The valid-token case uses installationUpdate, which stores the
 * conversation without calling out, since sending would need a token from Entra ID.
 */

const appId = '0f8fad5b-d9cb-469f-a165-70867728950e';
const onCommand = vi.fn<(req: CommandRequest) => Promise<ReplyMessage>>();
let auth: FakeBotFrameworkAuth;
let connector: FakeBotConnector;
let store: MemoryConversationStore;
let teams: Teams;
let served: ServedRoute;

function install(conversation = groupChat('Incident room')) {
  return {
    conversation,
    activity: installationUpdateActivity({
      serviceUrl: connector.serviceUrl,
      conversation,
      action: 'add',
      id: '1',
    }),
  };
}

// What reaches the console, under whatever the route installs over it (set up before the route is).
const printed: unknown[][] = [];
const consoleSpies = (['error', 'warn', 'log'] as const).map((level) =>
  vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
    printed.push(args);
  }),
);

beforeAll(async () => {
  [auth, connector] = await Promise.all([FakeBotFrameworkAuth.start(), FakeBotConnector.start()]);
  store = new MemoryConversationStore();
  teams = createTeams({
    env: readTeamsEnv({
      MicrosoftAppId: appId,
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: fakeTenantId,
    }),
    conversations: store,
    adapter: { openIdMetadataUrl: auth.openIdMetadataUrl, requestTimeoutMs: 500 },
    onCommand,
    onAction: async () => undefined,
  });
  served = await serveRoute(teams.route);
});
afterAll(async () => {
  await served.close();
  await Promise.all([auth.close(), connector.close()]);
});
beforeEach(() => {
  onCommand.mockReset();
  printed.length = 0;
});

describe('inbound authentication with MicrosoftAppId set', () => {
  it('rejects a request without a token, or with one that is not a Bot Framework JWT, without fetching keys', async () => {
    const started = performance.now();
    for (const authorization of [
      undefined,
      'Bearer abc',
      'Basic dXNlcjpwYXNz',
      `Bearer ${auth.token({ audience: appId, serviceUrl: connector.serviceUrl, issuer: 'https://evil.example' })}`,
    ]) {
      const { activity } = install();
      const res = await postActivity(served.url, activity, authorization ? { authorization } : {});
      expect(res.status, String(authorization)).toBe(401);
    }
    const message = messageActivity({
      serviceUrl: connector.serviceUrl,
      conversation: groupChat('x'),
      text: 'certs prod',
    });
    expect((await postActivity(served.url, message)).status).toBe(401);
    expect(auth.fetches).toBe(0);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(await store.list()).toEqual([]);
    expect(onCommand).not.toHaveBeenCalled();
    expect(connector.calls).toHaveLength(0);
  });

  it.each([
    ['a forged signature', { forged: true }],
    ['another bot as audience', { audience: '11111111-1111-1111-1111-111111111111' }],
    ['another service URL', { serviceUrl: 'http://127.0.0.1:9/' }],
    ['an expired token', { expiresInSeconds: -3600 }],
  ])('rejects %s with 401 and changes nothing', async (_name, override) => {
    const { activity } = install();
    const authorization = auth.bearer({ audience: appId, serviceUrl: connector.serviceUrl, ...override });
    const res = await postActivity(served.url, activity, { authorization });
    expect(res.status).toBe(401);
    expect(await store.list()).toEqual([]);
    // botbuilder prints the jsonwebtoken stack and every signing key for a bad signature; the
    // route logs one line with the reason instead (pino, not the console).
    expect(consoleSpies.length).toBe(3);
    expect(printed).toEqual([]);
  });

  it('accepts a valid token and stores the conversation', async () => {
    const { activity, conversation } = install(groupChat('War room'));
    const res = await postActivity(served.url, activity, {
      authorization: auth.bearer({ audience: appId, serviceUrl: connector.serviceUrl }),
    });
    expect(res.status).toBe(200);
    expect((await store.resolve('chat-war-room'))?.conversationId).toBe(conversation.id);
  });

  it('a single-tenant bot ignores activities from another tenant, even with a valid token', async () => {
    const { activity } = install({
      ...groupChat('Elsewhere'),
      tenantId: '9a1f5a6e-0000-4000-8000-000000000000',
    });
    const res = await postActivity(served.url, activity, {
      authorization: auth.bearer({ audience: appId, serviceUrl: connector.serviceUrl }),
    });
    expect(res.status).toBe(200);
    expect(await store.resolve('chat-elsewhere')).toBeNull();
  });
});
