import { Redis } from 'ioredis';
import { VigilError } from '../domain/vigil-error.js';

/**
 * The ioredis client type, for code outside src/redis/ that only hands a client on (BullMQ queues and
 * workers in jobs/): ioredis itself is imported nowhere else (eslint.config.js `sdkHomes`).
 */
export type RedisClient = Redis;

/** The default key prefix; BullMQ's `prefix` option takes the same string (jobs/queue/queue-names.ts). */
export const defaultRedisPrefix = 'vigil';

export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...` (TLS). */
  url: string;
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
  readonly redis: Redis;
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
  const redis = new Redis(options.url, {
    ...(options.forBullMQ ? { maxRetriesPerRequest: null } : {}),
    ...(options.name ? { connectionName: options.name } : {}),
    ...(options.lazyConnect ? { lazyConnect: true } : {}),
  });
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

function hasEnded(redis: Redis): boolean {
  return redis.status === 'end';
}
