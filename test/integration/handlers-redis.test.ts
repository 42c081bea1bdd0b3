import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handleAction } from '../../handlers/handle-action.js';
import { handleCommand } from '../../handlers/handle-command.js';
import type { HandlerDeps } from '../../handlers/handler-deps.js';
import type { Transition } from '../../src/domain/alert.js';
import { createRedisConnection, type RedisConnection } from '../../src/redis/redis-connection.js';
import { createRedisStores } from '../../src/redis/redis-stores.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import {
  certFinding,
  makeAlert,
  makeConfig,
  NOW,
  omar,
  slackAction,
  slackCommand,
} from '../unit/handlers/handler-fixtures.js';

// The handlers against the real Redis stores (ARCHITECTURE.md house rule 10): the same commands as the unit tests,
// proving the in-memory fakes and the Lua seq check agree on what an acknowledgement writes.
let server: RedisServer;
let connection: RedisConnection;
let stores: ReturnType<typeof createRedisStores>;
let deps: HandlerDeps;
let notified: Transition[];

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

beforeEach(async () => {
  await connection?.close();
  const config = makeConfig({ acknowledge: { slack: { users: ['U0MARIA', 'U0OMAR'] } } });
  connection = createRedisConnection({ url: server.url, prefix: `test-${randomUUID().slice(0, 8)}` });
  stores = createRedisStores(connection, config.alerts);
  notified = [];
  deps = {
    config,
    ...stores,
    now: () => NOW,
    notify: async (t) => void notified.push(...t),
    requestCheck: async () => {},
  };
  // A new alert (no expected seq): the same write a check run's "opened" makes.
  expect(await stores.alerts.apply({ alerts: [makeAlert('a7k2q')], transitions: [] }, {})).toBe(true);
});

describe('handlers with the Redis stores', () => {
  it('answers /k8s certs prod from the stored snapshot', async () => {
    await stores.snapshots.put({
      cluster: 'prod',
      check: 'certificates',
      at: '2026-11-21T10:02:00.000Z',
      reachable: true,
      findings: [
        certFinding('prod', 'secret prod/b tls.crt', 12),
        certFinding('prod', 'secret prod/a tls.crt', 2),
      ],
      unobserved: [],
    });
    const reply = await handleCommand(slackCommand('certs prod'), deps);
    expect(reply.sections[0]?.lines.map((l) => l.split(' · ').slice(1, 3).join(' · '))).toEqual([
      '2 days left (2026-11-23) · secret prod/a tls.crt',
      '12 days left (2026-12-03) · secret prod/b tls.crt',
    ]);
    expect(reply.footer).toBe('data from 3 min ago (2026-11-21 10:02 UTC)');
  });

  it('acknowledges (id in any case), writes the audit entry with the transition, and shows it in history', async () => {
    const reply = await handleCommand(slackCommand('ack A7K2Q "on it"'), deps);
    expect(reply.title).toBe('Acknowledged a7k2q');
    expect(await stores.alerts.get('a7k2q')).toMatchObject({
      state: 'acknowledged',
      seq: 2,
      acknowledged: { note: 'on it' },
    });
    expect(notified.map((t) => t.id)).toEqual(['a7k2q-2']);
    const history = await handleCommand(slackCommand('history a7k2q'), deps);
    expect(history.sections[1]?.lines).toEqual([
      '2026-11-21 10:05 UTC · acknowledged · maria via slack:C0OPS · acknowledged by maria: "on it"',
    ]);
  });

  it('two people at once: the Lua seq check lets no acknowledgement overwrite the other', async () => {
    const [a, b] = await Promise.all([
      handleCommand(slackCommand('ack a7k2q'), deps),
      handleAction(slackAction({ kind: 'ack', alertId: 'a7k2q' }, { user: omar }), deps),
    ]);
    expect([a.title, b.title]).toEqual(['Acknowledged a7k2q', 'Acknowledged a7k2q']);
    expect(notified.map((t) => t.seq).sort()).toEqual([2, 3]);
    expect((await stores.alerts.get('a7k2q'))?.seq).toBe(3);
  });

  it('audits a refused acknowledgement in the Redis audit log', async () => {
    const reply = await handleCommand(
      slackCommand('ack a7k2q', { user: { kind: 'slack', id: 'U0EVE' } }),
      deps,
    );
    expect(reply.title).toBe('Not allowed: acknowledge a7k2q');
    expect(await stores.audit.read({ alertId: 'a7k2q' })).toEqual([
      expect.objectContaining({
        action: 'refused:ack',
        origin: 'slack:C0OPS',
        actor: { kind: 'slack', id: 'U0EVE' },
      }),
    ]);
    expect((await stores.alerts.get('a7k2q'))?.state).toBe('firing');
  });
});
