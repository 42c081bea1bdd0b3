import type { RedisClient } from './redis-connection.js';
import type { ReplayGuard } from '../chat/replay-guard.js';
import { replayKeys } from './redis-keys.js';

/** ReplayGuard on Redis: SET NX with an expiry, one key per remembered request. */
export class RedisReplayGuard implements ReplayGuard {
  private readonly keys: ReturnType<typeof replayKeys>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = replayKeys(prefix);
  }

  async firstTime(key: string, ttlSeconds: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    return (await this.redis.set(this.keys.seen(key), '1', 'EX', ttl, 'NX')) === 'OK';
  }
}
