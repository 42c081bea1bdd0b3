import type { RedisClient } from './redis-connection.js';
import type { DigestChannel, DigestRecord, DigestState } from '../chat/digest-state.js';
import { digestKeys } from './redis-keys.js';

/** DigestState on Redis: a JSON record per channel and day, SET NX claims per slot. */
export class RedisDigestState implements DigestState {
  private readonly keys: ReturnType<typeof digestKeys>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = digestKeys(prefix);
  }

  async latest(channel: DigestChannel, day: string): Promise<DigestRecord | null> {
    const raw = await this.redis.get(this.keys.latest(channel.platform, channel.destination, day));
    if (raw === null) return null;
    try {
      const parsed = JSON.parse(raw) as DigestRecord;
      return typeof parsed.ref?.messageId === 'string' && typeof parsed.slot === 'number' ? parsed : null;
    } catch {
      // A damaged record is treated as none: the day's digest is posted again rather than never.
      return null;
    }
  }

  async claim(channel: DigestChannel, day: string, slot: number, ttlMs: number): Promise<boolean> {
    const key = this.keys.claim(channel.platform, channel.destination, day, slot);
    return (await this.redis.set(key, '1', 'PX', Math.max(1000, Math.ceil(ttlMs)), 'NX')) === 'OK';
  }

  async release(channel: DigestChannel, day: string, slot: number): Promise<void> {
    await this.redis.del(this.keys.claim(channel.platform, channel.destination, day, slot));
  }

  async record(channel: DigestChannel, day: string, record: DigestRecord, ttlMs: number): Promise<void> {
    const key = this.keys.latest(channel.platform, channel.destination, day);
    await this.redis.set(key, JSON.stringify(record), 'PX', Math.max(1000, Math.ceil(ttlMs)));
  }
}
