import type { RedisClient } from './redis-connection.js';
import { clockKeys } from './redis-keys.js';

/** This process's wall clock against Redis' TIME, as one replica last measured it. */
export interface ClockReading {
  /** Local clock minus Redis' clock, in ms (positive: this process runs ahead). */
  offsetMs: number;
  /** Round trip of the TIME call: the reading is good to about half of it. */
  rttMs: number;
}

/**
 * Where the replicas publish how far their clocks are from Redis', so each can tell whether it is the
 * one that is off (jobs/clock-guard/). One hash under `${prefix}:clocks`, field = replica id, value =
 * the offset and Redis' time of the reading; readings older than `maxAgeMs` (a replica that died)
 * are ignored and pruned.
 */
export class RedisClockBoard {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.key = clockKeys(prefix).board;
  }

  /** Measures this process's offset from Redis with TIME, taking the local time at the midpoint. */
  async measure(now: () => number): Promise<ClockReading & { redisMs: number }> {
    const before = now();
    const [seconds, micros] = await this.redis.time();
    const after = now();
    const redisMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    return { offsetMs: Math.round((before + after) / 2 - redisMs), rttMs: after - before, redisMs };
  }

  /** Publishes this replica's reading and returns the other replicas' fresh offsets. */
  async publish(replicaId: string, offsetMs: number, redisMs: number, maxAgeMs: number): Promise<number[]> {
    await this.redis.hset(this.key, replicaId, JSON.stringify({ offsetMs, at: redisMs }));
    await this.redis.pexpire(this.key, maxAgeMs * 4);
    const all = await this.redis.hgetall(this.key);
    const peers: number[] = [];
    const stale: string[] = [];
    for (const [id, raw] of Object.entries(all)) {
      if (id === replicaId) continue;
      try {
        const r = JSON.parse(raw) as { offsetMs?: unknown; at?: unknown };
        if (typeof r.offsetMs === 'number' && typeof r.at === 'number' && redisMs - r.at <= maxAgeMs) {
          peers.push(r.offsetMs);
          continue;
        }
      } catch {
        // unreadable: pruned below
      }
      stale.push(id);
    }
    if (stale.length > 0) await this.redis.hdel(this.key, ...stale);
    return peers;
  }

  /** Removes this replica's reading (a clean stop). */
  async remove(replicaId: string): Promise<void> {
    await this.redis.hdel(this.key, replicaId);
  }
}
