import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationDetails, ConversationStore } from '../../src/chat/conversation-store.js';
import { aliasCandidates } from '../../src/chat/teams/index.js';
import { createRedisConnection, type RedisConnection } from '../../src/redis/redis-connection.js';
import { RedisConversationStore } from '../../src/redis/redis-conversation-store.js';
import { MemoryConversationStore } from '../fakes/teams/index.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

/**
 * The ConversationStore rules, run against the Redis store (a real redis-server, a unique prefix
 * per test) and the in-memory one the other Teams tests use, so the fake cannot drift.
 */

const t0 = new Date('2026-11-21T10:00:00Z');
const t1 = new Date('2026-11-21T11:00:00Z');

function details(id: string, overrides: Partial<ConversationDetails> = {}): ConversationDetails {
  return {
    kind: 'channel',
    conversationId: id,
    teamId: '19:team@thread.tacv2',
    teamName: 'Platform SRE',
    channelName: 'Alerts',
    reference: { serviceUrl: 'https://smba.trafficmanager.net/emea/', conversation: { id } },
    ...overrides,
  };
}

function remember(store: ConversationStore, d: ConversationDetails, at = t0) {
  return store.remember(d, aliasCandidates(d), at);
}

let server: RedisServer;
let connection: RedisConnection;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

const stores: [string, () => ConversationStore][] = [
  [
    'RedisConversationStore',
    () => new RedisConversationStore(connection.redis, `test-${randomUUID().slice(0, 8)}`),
  ],
  ['MemoryConversationStore', () => new MemoryConversationStore()],
];

describe.each(stores)('%s', (_name, make) => {
  let store: ConversationStore;
  beforeEach(() => {
    connection = createRedisConnection({ url: server.url, prefix: 'unused' });
    store = make();
  });
  afterEach(async () => {
    await connection.close();
  });

  it('stores a conversation under its default alias and resolves it by alias (any case) or id', async () => {
    const stored = await remember(store, details('19:a@thread.tacv2'));
    expect(stored).toMatchObject({
      alias: 'platform-sre-alerts',
      storedAt: t0.toISOString(),
      teamName: 'Platform SRE',
    });
    expect((await store.resolve('Platform-SRE-Alerts'))?.conversationId).toBe('19:a@thread.tacv2');
    expect((await store.resolve('19:a@thread.tacv2'))?.alias).toBe('platform-sre-alerts');
    expect((await store.resolve('19:a@thread.tacv2'))?.reference).toEqual(
      details('19:a@thread.tacv2').reference,
    );
    expect(await store.resolve('nothing-here')).toBeNull();
  });

  it('a known conversation keeps its alias and first-seen time; its details are refreshed', async () => {
    await remember(store, details('19:a@thread.tacv2'));
    const again = await remember(
      store,
      details('19:a@thread.tacv2', {
        channelName: 'Alerts (renamed)',
        reference: { serviceUrl: 'https://moved/' },
      }),
      t1,
    );
    expect(again).toMatchObject({
      alias: 'platform-sre-alerts',
      storedAt: t0.toISOString(),
      updatedAt: t1.toISOString(),
    });
    expect((await store.resolve('platform-sre-alerts'))?.reference).toEqual({ serviceUrl: 'https://moved/' });
    expect(await store.list()).toHaveLength(1);
  });

  it('a second conversation with the same names takes the next free alias', async () => {
    await remember(store, details('19:a@thread.tacv2'));
    const second = await remember(store, details('19:b@thread.tacv2'));
    expect(second.alias).toBe('platform-sre-alerts-2');
    for (let i = 0; i < 8; i++) await remember(store, details(`19:more-${i}@thread.tacv2`));
    const last = await remember(store, details('19:z@thread.tacv2'));
    expect(last.alias).toMatch(/^platform-sre-alerts-[0-9a-f]{8}$/);
  });

  it('renames, refusing an alias another conversation holds', async () => {
    await remember(store, details('19:a@thread.tacv2'));
    await remember(store, details('19:b@thread.tacv2', { channelName: 'Pager' }));
    const renamed = await store.rename('19:a@thread.tacv2', 'SRE-Alerts', t1);
    expect(renamed).toMatchObject({
      ok: true,
      previous: 'platform-sre-alerts',
      conversation: { alias: 'sre-alerts' },
    });
    expect(await store.resolve('platform-sre-alerts')).toBeNull();
    expect((await store.resolve('sre-alerts'))?.conversationId).toBe('19:a@thread.tacv2');
    const taken = await store.rename('19:b@thread.tacv2', 'sre-alerts', t1);
    expect(taken).toMatchObject({
      ok: false,
      reason: 'taken',
      takenBy: { conversationId: '19:a@thread.tacv2' },
    });
    expect(await store.rename('19:unknown@thread.tacv2', 'x', t1)).toEqual({ ok: false, reason: 'unknown' });
    // The freed default alias can be taken by a newcomer.
    expect((await remember(store, details('19:c@thread.tacv2'))).alias).toBe('platform-sre-alerts');
  });

  it('forgets a conversation and frees its alias', async () => {
    await remember(store, details('19:a@thread.tacv2'));
    expect((await store.forget('19:a@thread.tacv2'))?.alias).toBe('platform-sre-alerts');
    expect(await store.resolve('platform-sre-alerts')).toBeNull();
    expect(await store.list()).toEqual([]);
    expect(await store.forget('19:a@thread.tacv2')).toBeNull();
  });

  it('lists by alias', async () => {
    await remember(store, details('19:z@thread.tacv2', { teamName: 'Zeta' }));
    await remember(store, details('19:a@thread.tacv2', { teamName: 'Alpha' }));
    await remember(store, {
      kind: 'personal',
      conversationId: 'a:1xyz',
      title: 'Maria Garcia',
      reference: {},
    });
    expect((await store.list()).map((c) => c.alias)).toEqual([
      'alpha-alerts',
      'dm-maria-garcia',
      'zeta-alerts',
    ]);
  });
});

describe('RedisConversationStore concurrency', () => {
  it('two replicas storing different conversations with the same names at once get different aliases', async () => {
    const conn = createRedisConnection({ url: server.url, prefix: 'race' });
    try {
      const prefix = `race-${randomUUID().slice(0, 8)}`;
      const a = new RedisConversationStore(conn.redis, prefix);
      const b = new RedisConversationStore(conn.redis, prefix);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => remember(i % 2 ? a : b, details(`19:race-${i}@thread.tacv2`))),
      );
      expect(new Set(results.map((r) => r.alias)).size).toBe(6);
    } finally {
      await conn.close();
    }
  });
});
