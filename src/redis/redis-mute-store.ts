import type { ActiveMute, Mute } from '../alerts/mute.js';
import type { EndedMuting, HeldNotification, MuteHolds, MuteStore } from '../alerts/mute-store.js';
import type { RedisClient } from './redis-connection.js';
import { muteKeys } from './redis-keys.js';

/** Held records outlive their muting by this long, so an announcement that keeps failing is not lost at once. */
const HELD_RETENTION_MS = 7 * 86_400_000;
const META_FIELD = '~';

function field(n: HeldNotification): string {
  return `${n.platform}\t${n.destination}\t${n.alertId}`;
}

function parseField(f: string): HeldNotification | undefined {
  const [platform, destination, alertId] = f.split('\t');
  return platform && destination && alertId ? { platform, destination, alertId } : undefined;
}

/**
 * Ad-hoc mutes and the notifications mutings held, in Redis under `${prefix}:mutes:` (redis-keys.ts).
 * A mute's key expires when it ends (TTL = until), so a forgotten mute cleans itself up; the sorted
 * set beside it lists them and is trimmed on read. Every multi-key write is a MULTI over keys of the
 * one prefix, so it stays in one slot on a Redis Cluster with a hash-tagged prefix.
 */
export class RedisMuteStore implements MuteStore, MuteHolds {
  private readonly keys: ReturnType<typeof muteKeys>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = muteKeys(prefix);
  }

  async add(mute: Omit<Mute, 'id'>): Promise<Mute> {
    const n = await this.redis.incr(this.keys.idCounter);
    const stored: Mute = { ...mute, id: `m${n}` };
    const until = Date.parse(mute.until);
    const ttl = Math.max(1, until - Date.parse(mute.at));
    await this.redis
      .multi()
      .set(this.keys.mute(stored.id), JSON.stringify(stored), 'PX', ttl)
      .zadd(this.keys.active, until, stored.id)
      .exec();
    return stored;
  }

  async active(now: Date): Promise<Mute[]> {
    await this.redis.zremrangebyscore(this.keys.active, '-inf', String(now.getTime()));
    const ids = await this.redis.zrange(this.keys.active, '0', '999');
    if (ids.length === 0) return [];
    const raw = await this.redis.mget(...ids.map((id) => this.keys.mute(id)));
    return raw.flatMap((json) => {
      if (!json) return [];
      const mute = JSON.parse(json) as Mute;
      return Date.parse(mute.until) > now.getTime() ? [mute] : [];
    });
  }

  async end(id: string, at: Date): Promise<Mute | null> {
    const key = this.keys.mute(id);
    const json = await this.redis.get(key);
    if (!json) return null;
    const mute = JSON.parse(json) as Mute;
    const muting = `mute:${id}`;
    // XX: only a muting that held something is due; `LT` moves its end forward, never back.
    await this.redis
      .multi()
      .del(key)
      .zrem(this.keys.active, id)
      .zadd(this.keys.due, 'XX', 'LT', at.getTime(), muting)
      .exec();
    return { ...mute, until: at.toISOString() };
  }

  async hold(muting: ActiveMute, notification: HeldNotification): Promise<void> {
    const key = this.keys.held(muting.key);
    const until = Date.parse(muting.until);
    await this.redis
      .multi()
      .hset(key, field(notification), '1')
      .hsetnx(key, META_FIELD, JSON.stringify({ label: muting.label, until: muting.until }))
      // Relative to Redis's own (real) clock, whatever clock the caller's times come from.
      .pexpire(key, Math.max(0, until - Date.now()) + HELD_RETENTION_MS)
      .zadd(this.keys.due, 'NX', until, muting.key)
      .exec();
  }

  async ended(now: Date, limit: number): Promise<EndedMuting[]> {
    const keys = await this.redis.zrangebyscore(this.keys.due, '-inf', now.getTime(), 'LIMIT', 0, limit);
    const out: EndedMuting[] = [];
    for (const mutingKey of keys) {
      const raw = await this.redis.hgetall(this.keys.held(mutingKey));
      const meta = raw[META_FIELD];
      if (!meta) {
        // Expired after a week of failed announcements, or never written: nothing left to say.
        await this.redis.zrem(this.keys.due, mutingKey);
        continue;
      }
      const { label, until } = JSON.parse(meta) as { label: string; until: string };
      const held = Object.keys(raw)
        .filter((f) => f !== META_FIELD)
        .flatMap((f) => parseField(f) ?? []);
      out.push({ key: mutingKey, label, until, held });
    }
    return out;
  }

  async claim(mutingKey: string, platform: string, destination: string, leaseMs: number): Promise<boolean> {
    const lease = this.keys.announcement('lease', mutingKey, platform, destination);
    return (await this.redis.set(lease, '1', 'PX', Math.max(1, leaseMs), 'NX')) === 'OK';
  }

  async settle(mutingKey: string, platform: string, destination: string, posted: boolean): Promise<void> {
    const lease = this.keys.announcement('lease', mutingKey, platform, destination);
    if (!posted) {
      await this.redis.del(lease);
      return;
    }
    await this.redis
      .multi()
      .set(this.keys.announcement('done', mutingKey, platform, destination), '1', 'PX', HELD_RETENTION_MS)
      .del(lease)
      .exec();
  }

  async announced(mutingKey: string, platform: string, destination: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.announcement('done', mutingKey, platform, destination))) === 1;
  }

  async finish(mutingKey: string): Promise<void> {
    await this.redis.multi().zrem(this.keys.due, mutingKey).del(this.keys.held(mutingKey)).exec();
  }
}
