import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { clusterPrefixProblem, type RedisTopology } from '../config/redis-env.js';
import { VigilError } from '../domain/vigil-error.js';

/**
 * The ioredis client type: a standalone or Sentinel-managed server (`Redis`) or a Redis Cluster
 * (`Cluster`), which answer the same commands. For the stores here and for code outside src/redis/
 * that only hands a client on (BullMQ queues and workers in jobs/): ioredis itself is imported
 * nowhere else (eslint.config.js `sdkHomes`).
 */
export type RedisClient = Redis | Cluster;

/** The default key prefix; BullMQ's `prefix` option takes the same string (jobs/queue/queue-names.ts). */
export const defaultRedisPrefix = 'vigil';

export interface RedisConnectionOptions {
  /**
   * `redis://[user:password@]host:port[/db]` or `rediss://...` (TLS). With a cluster it names one seed
   * node; with Sentinel only its credentials, db and scheme count (src/config/redis-env.ts).
   */
  url: string;
  /** Standalone (the default), Cluster or Sentinel: src/config/redis-env.ts `RedisTopology`. */
  topology?: RedisTopology;
  /**
   * Every vigil key lives under `${prefix}:` so several installs (and every test) can share one
   * Redis. Not ioredis' `keyPrefix`: BullMQ refuses clients that use it.
   */
  prefix?: string;
  /**
   * For BullMQ Queue/Worker connections: `maxRetriesPerRequest: null`, which BullMQ requires, so
   * blocking commands wait for a reconnection instead of failing. Leave it off for the stores, whose
   * commands should fail (and the job or chat command report it) rather than hang.
   */
  forBullMQ?: boolean;
  /** CLIENT SETNAME, to tell vigil's connections apart in `CLIENT LIST`. */
  name?: string;
  /** Connection errors (ioredis reconnects by itself); without it ioredis prints them to stderr. */
  onError?: (err: Error) => void;
  /** Connect on the first command instead of now. */
  lazyConnect?: boolean;
  /** How long close() lets QUIT take before it drops the socket. */
  quitTimeoutMs?: number;
}

export interface RedisConnection {
  readonly redis: RedisClient;
  /** Without a trailing `:`; key builders add it. */
  readonly prefix: string;
  /**
   * Waits for pending replies, then closes (QUIT; disconnects if that fails or takes over
   * `quitTimeoutMs`, and at once when not connected); resolves once closed, always in bounded time.
   */
  close(): Promise<void>;
}

const prefixPattern = /^[A-Za-z0-9{}._-]+(:[A-Za-z0-9{}._-]+)*$/;

/** Creates an ioredis client for vigil: the only place a Redis connection is configured. */
export function createRedisConnection(options: RedisConnectionOptions): RedisConnection {
  const prefix = options.prefix ?? defaultRedisPrefix;
  if (!prefixPattern.test(prefix)) {
    throw new VigilError(
      'redis-prefix-invalid',
      `Redis key prefix "${prefix}" is invalid: use letters, digits, ".", "_", "-", optionally ":"-separated, without a trailing ":" (e.g. "vigil" or "team-a:vigil")`,
    );
  }
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new VigilError(
      'redis-url-invalid',
      `REDIS_URL is not a URL; expected redis://host:6379 or rediss://host:6380`,
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new VigilError(
      'redis-url-invalid',
      `REDIS_URL must start with redis:// or rediss:// (got ${url.protocol}//${url.host}); e.g. redis://redis:6379`,
    );
  }
  const topology = options.topology ?? { mode: 'standalone' };
  if (topology.mode === 'cluster') {
    const problem = clusterPrefixProblem(prefix);
    if (problem) throw new VigilError('redis-prefix-invalid', `Redis key prefix ${problem}`);
  }
  const redis = createClient(url, options, topology);
  if (options.onError) redis.on('error', options.onError);
  return {
    redis,
    prefix,
    async close() {
      if (redis.status === 'end') return;
      if (redis.status !== 'ready') {
        // Never connected (lazyConnect), or connecting/reconnecting to a Redis that is not there:
        // nothing to flush, and QUIT would wait in the offline queue for a server that may never
        // come (the reconnect loop would then keep the process alive forever).
        redis.disconnect();
        return;
      }
      const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
      // QUIT flushes what is pending; a server that stops answering meanwhile gets a disconnect.
      const quitTimer = setTimeout(() => redis.disconnect(), options.quitTimeoutMs ?? 2_000);
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      } finally {
        clearTimeout(quitTimer);
      }
      // quit() resolves on the server's OK; the socket closes a moment later.
      if (!hasEnded(redis)) await ended;
    },
  };
}

function hasEnded(redis: RedisClient): boolean {
  return redis.status === 'end';
}

function createClient(url: URL, options: RedisConnectionOptions, topology: RedisTopology): RedisClient {
  const common: RedisOptions = {
    ...(options.forBullMQ ? { maxRetriesPerRequest: null } : {}),
    ...(options.name ? { connectionName: options.name } : {}),
  };
  if (topology.mode === 'standalone') {
    return new Redis(options.url, { ...common, ...(options.lazyConnect ? { lazyConnect: true } : {}) });
  }
  const tls = url.protocol === 'rediss:';
  const auth: RedisOptions = {
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(tls ? { tls: {} } : {}),
  };
  if (topology.mode === 'sentinel') {
    const db = Number(url.pathname.slice(1) || '0');
    return new Redis({
      ...common,
      ...auth,
      ...(options.lazyConnect ? { lazyConnect: true } : {}),
      ...(Number.isInteger(db) && db > 0 ? { db } : {}),
      sentinels: topology.sentinels.map((s) => ({ host: s.host, port: s.port })),
      name: topology.masterName,
      ...(topology.sentinelPassword ? { sentinelPassword: topology.sentinelPassword } : {}),
      // TLS to the master and replicas the Sentinels name; the Sentinels themselves are asked in plain.
      ...(tls ? { enableTLSForSentinelMode: true } : {}),
    });
  }
  const seed = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || 6379) };
  return new Cluster([seed, ...topology.nodes], {
    redisOptions: { ...common, ...auth },
    ...(options.lazyConnect ? { lazyConnect: true } : {}),
    // A managed cluster with TLS announces its nodes by the names its certificate was issued for:
    // resolving them to addresses first would make every node's certificate check fail.
    ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
  });
}

/**
 * Where vigil looks for Redis, for messages: hosts and ports only, never the URL (it may carry a
 * password).
 */
export function describeRedisTarget(
  urlText: string,
  topology: RedisTopology = { mode: 'standalone' },
): string {
  let host = '?';
  try {
    host = new URL(urlText).host;
  } catch {
    // an invalid URL is reported where it is read
  }
  const list = (nodes: readonly { host: string; port: number }[]) =>
    nodes.map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)).join(',');
  if (topology.mode === 'cluster') {
    return `the Redis Cluster seeded by ${[host, list(topology.nodes)].filter(Boolean).join(',')}`;
  }
  if (topology.mode === 'sentinel') {
    return `master "${topology.masterName}" of the Sentinels ${list(topology.sentinels)}`;
  }
  return host;
}

/**
 * The servers holding data: a Redis Cluster's masters (known once the client has connected), or the
 * one server. For commands that see one node's keys only, such as SCAN.
 */
export function masterNodes(redis: RedisClient): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}
