import { randomBytes } from 'node:crypto';
import type { RedisTopology } from '../../src/config/redis-env.js';
import { createRedisConnection, type RedisConnection } from '../../src/redis/redis-connection.js';
import type { RedisServer } from './redis-server.js';

/** A prefix no other test uses (ARCHITECTURE.md house rule 10), so tests share one redis-server safely. */
export function uniquePrefix(name: string): string {
  return `t-${name}-${randomBytes(4).toString('hex')}`;
}

type Redis = RedisConnection['redis'];

export interface QueueClients {
  prefix: string;
  /** For BullMQ queues and workers (maxRetriesPerRequest null). */
  bullmq: Redis;
  /** For stores and the outbox state. */
  store: Redis;
  /** The store connection itself, for createRedisStores. */
  storeConnection: RedisConnection;
  close(): Promise<void>;
}

/**
 * The two clients a replica of vigil uses, made by the production factory; on a redis-server
 * (test/support/redis-server.ts) or a Redis Cluster (test/support/redis-cluster.ts, with its topology).
 */
export function queueClients(
  server: Pick<RedisServer, 'url'> & { topology?: RedisTopology },
  prefix: string,
): QueueClients {
  const topology = server.topology ? { topology: server.topology } : {};
  const connections: RedisConnection[] = [
    createRedisConnection({ url: server.url, ...topology, prefix, forBullMQ: true, onError: () => {} }),
    createRedisConnection({ url: server.url, ...topology, prefix, onError: () => {} }),
  ];
  const [bullmq, store] = connections as [RedisConnection, RedisConnection];
  return {
    prefix,
    bullmq: bullmq.redis,
    store: store.redis,
    storeConnection: store,
    async close() {
      await Promise.all(connections.map((c) => c.close()));
    },
  };
}

/** Polls until `probe` returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  fields: object;
  message: string;
}

/** A logger that keeps what it is told, for assertions on audit-worthy lines. */
export function recordingLog(): {
  lines: LogLine[];
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
} {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (fields, message) => lines.push({ level: 'info', fields, message }),
    warn: (fields, message) => lines.push({ level: 'warn', fields, message }),
    error: (fields, message) => lines.push({ level: 'error', fields, message }),
  };
}
