import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CheckSnapshot } from '../../src/alerts/snapshot-store.js';
import type { Finding } from '../../src/domain/finding.js';
import { fingerprint } from '../../src/domain/fingerprint.js';
import { createRedisConnection, type RedisConnection } from '../../src/redis/redis-connection.js';
import { RedisSnapshotStore } from '../../src/redis/redis-snapshot-store.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

let server: RedisServer;
let connection: RedisConnection;
let prefix: string;
let store: RedisSnapshotStore;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(() => {
  prefix = `test-${randomUUID().slice(0, 8)}`;
  connection = createRedisConnection({ url: server.url, prefix });
  store = new RedisSnapshotStore(connection.redis, prefix);
});
afterEach(async () => {
  await connection.close();
});

function secretFinding(i: number): Finding {
  const object = `secret ns-${i % 50}/tls-${i} tls.crt`;
  return {
    cluster: 'big',
    check: 'certificates',
    severity: i % 97 === 0 ? 'warning' : 'ok',
    source: 'tls-secret',
    object,
    summary: `${object}: CN=svc-${i}.example.com expires in ${i % 365} days`,
    nextStep: 'Renew it (cert-manager: check the Certificate; by hand: replace the Secret).',
    evidence: [`issuer CN=Example CA`, `SANs: svc-${i}.example.com, svc-${i}.ns-${i % 50}.svc`],
    fingerprint: fingerprint('big', 'certificates', 'tls-secret', object),
    namespace: `ns-${i % 50}`,
  };
}

function snapshot(
  at: string,
  findings: Finding[] = [],
  check: CheckSnapshot['check'] = 'certificates',
): CheckSnapshot {
  return { cluster: 'big', check, at, reachable: true, findings, unobserved: [] };
}

describe('RedisSnapshotStore', () => {
  it('round-trips a 10,000-finding snapshot, stored compressed in one key', async () => {
    const big = snapshot(
      '2026-11-21T10:00:00.000Z',
      Array.from({ length: 10_000 }, (_, i) => secretFinding(i)),
    );
    big.unobserved.push({
      what: 'etcd peer certificates',
      why: 'no host access',
      howToObserve: 'list tlsEndpoints',
    });
    await store.put(big);
    expect(await store.get('big', 'certificates')).toEqual(big);
    const stored = await connection.redis.strlen(`${prefix}:snapshots:big:certificates`);
    expect(stored).toBeLessThan(JSON.stringify(big).length / 5);
  });

  it('answers null for a cluster and check never run', async () => {
    expect(await store.get('big', 'registries')).toBeNull();
  });

  it('lists the latest run time per cluster and check', async () => {
    await store.put(snapshot('2026-11-21T10:00:00.000Z'));
    await store.put(snapshot('2026-11-21T10:05:00.000Z', [], 'registries'));
    await store.put({ ...snapshot('2026-11-21T09:00:00.000Z'), cluster: 'alpha' });
    await store.put(snapshot('2026-11-21T10:10:00.000Z'));
    expect(await store.lastRuns()).toEqual([
      { cluster: 'alpha', check: 'certificates', at: '2026-11-21T09:00:00.000Z' },
      { cluster: 'big', check: 'certificates', at: '2026-11-21T10:10:00.000Z' },
      { cluster: 'big', check: 'registries', at: '2026-11-21T10:05:00.000Z' },
    ]);
  });

  it('never replaces a snapshot with an older one (a retried run finishing late)', async () => {
    const newer = snapshot('2026-11-21T10:10:00.000Z', [secretFinding(1)]);
    await store.put(newer);
    await store.put(snapshot('2026-11-21T10:00:00.000Z', [secretFinding(2)]));
    expect(await store.get('big', 'certificates')).toEqual(newer);
    const same = snapshot('2026-11-21T10:10:00.000Z', [secretFinding(3)]);
    await store.put(same);
    expect(await store.get('big', 'certificates')).toEqual(same);
  });
});
