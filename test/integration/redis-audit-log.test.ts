import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/domain/alert.js';
import {
  defaultAuditRetention,
  RedisAuditLog,
  type AuditRetention,
} from '../../src/redis/redis-audit-log.js';
import { createRedisConnection, type RedisConnection } from '../../src/redis/redis-connection.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-21T10:00:00.000Z');
const maria = { kind: 'slack' as const, id: 'U0MARIA', name: 'maria' };

let server: RedisServer;
let connection: RedisConnection;
let prefix: string;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(() => {
  prefix = `test-${randomUUID().slice(0, 8)}`;
  connection = createRedisConnection({ url: server.url, prefix });
});
afterEach(async () => {
  await connection.close();
});

function log(retention: Partial<AuditRetention> = {}): RedisAuditLog {
  return new RedisAuditLog(connection.redis, prefix, { ...defaultAuditRetention, ...retention });
}

function entry(atMs: number, action: string, alertId?: string): AuditEntry {
  return {
    at: new Date(atMs).toISOString(),
    actor: maria,
    action,
    ...(alertId ? { alertId, cluster: 'prod' } : {}),
    origin: 'slack:C0OPS',
  };
}

describe('RedisAuditLog', () => {
  it('reads newest first, of one alert when asked, up to a limit', async () => {
    const audit = log();
    await audit.append(entry(T0, 'ack', 'a1'));
    await audit.append(entry(T0 + 2000, 'snooze', 'a2'));
    await audit.append(entry(T0 + 1000, 'refused:ack', 'a1'));
    await audit.append(entry(T0 + 3000, 'refused:snooze'));
    expect((await audit.read()).map((e) => e.action)).toEqual([
      'refused:snooze',
      'snooze',
      'refused:ack',
      'ack',
    ]);
    expect(await audit.read({ alertId: 'a1' })).toEqual([
      entry(T0 + 1000, 'refused:ack', 'a1'),
      entry(T0, 'ack', 'a1'),
    ]);
    expect((await audit.read({ limit: 2 })).map((e) => e.action)).toEqual(['refused:snooze', 'snooze']);
    expect(await audit.read({ alertId: 'unknown' })).toEqual([]);
  });

  it('keeps two identical entries (the same person pressing twice in one millisecond)', async () => {
    const audit = log();
    await audit.append(entry(T0, 'refused:ack', 'a1'));
    await audit.append(entry(T0, 'refused:ack', 'a1'));
    expect(await audit.read()).toHaveLength(2);
  });

  it('drops the oldest entries beyond maxEntries', async () => {
    const audit = log({ maxEntries: 5 });
    for (let i = 0; i < 8; i++) await audit.append(entry(T0 + i * 1000, `action-${i}`));
    expect((await audit.read({ limit: 100 })).map((e) => e.action)).toEqual([
      'action-7',
      'action-6',
      'action-5',
      'action-4',
      'action-3',
    ]);
  });

  it('drops entries older than the retention, by the entries own clock', async () => {
    const audit = log({ retentionMs: 30 * DAY });
    await audit.append(entry(T0, 'old', 'a1'));
    await audit.append(entry(T0 + 29 * DAY, 'recent', 'a1'));
    expect(await audit.read()).toHaveLength(2);
    await audit.append(entry(T0 + 31 * DAY, 'new', 'a1'));
    expect((await audit.read()).map((e) => e.action)).toEqual(['new', 'recent']);
    expect((await audit.read({ alertId: 'a1' })).map((e) => e.action)).toEqual(['new', 'recent']);
    // The per-alert set expires with the retention when the alert goes quiet.
    const ttl = await connection.redis.pttl(`${prefix}:audit:alert:a1`);
    expect(ttl).toBeGreaterThan(29 * DAY);
  });

  it('caps the entries kept per alert', async () => {
    const audit = log({ perAlertMax: 3 });
    for (let i = 0; i < 6; i++) await audit.append(entry(T0 + i, `flap-${i}`, 'a1'));
    expect((await audit.read({ alertId: 'a1' })).map((e) => e.action)).toEqual([
      'flap-5',
      'flap-4',
      'flap-3',
    ]);
    expect(await audit.read({ limit: 100 })).toHaveLength(6);
  });
});
