import type { RedisClient } from './redis-connection.js';
import type { TransitionRelay } from '../alerts/transition-relay.js';
import type { Transition } from '../domain/alert.js';
import { relayKeys } from './redis-keys.js';
import { LuaScript } from './redis-lua.js';

// KEYS: index. ARGV: age ms, limit. Alert ids whose oldest unsent transition is older than the age,
// by Redis TIME (the clock every replica shares).
const strandedScript = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]), 'LIMIT', 0, tonumber(ARGV[2]))`);

// KEYS: index, the alert's hash. ARGV: alert id, then the seqs handed over. An alert with nothing
// left leaves the index; one with transitions written meanwhile (a writer that is about to hand them
// over itself) gets a fresh time, so the stranded sweep leaves it to that writer for the grace.
const handedOverScript = new LuaScript(`
if #ARGV > 1 then redis.call('HDEL', KEYS[2], unpack(ARGV, 2)) end
if redis.call('HLEN', KEYS[2]) == 0 then
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  local t = redis.call('TIME')
  redis.call('ZADD', KEYS[1], 'XX', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[1])
end
return 0`);

/**
 * The transition relay in Redis (transactional outbox): RedisAlertStore.apply writes each applied
 * transition here atomically with the alert (redis-keys.ts `relayKeys`); the Outbox reads, enqueues
 * and then forgets them. What is here has happened and may not have been enqueued yet; nothing else
 * is ever here, so a crashed writer can never make the outbox send a transition that did not land.
 */
export class RedisTransitionRelay implements TransitionRelay {
  private readonly keys: ReturnType<typeof relayKeys>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = relayKeys(prefix);
  }

  async unsent(alertIds: readonly string[]): Promise<Transition[]> {
    if (alertIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of alertIds) pipeline.hvals(this.keys.alert(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.flatMap(([err, values]) => {
      if (err) throw err;
      return (values as string[]).map((v) => JSON.parse(v) as Transition);
    });
  }

  async stranded(olderThanMs: number, limit: number): Promise<string[]> {
    const ids = await strandedScript.run(this.redis, [this.keys.index], [Math.max(0, olderThanMs), limit]);
    return ids as string[];
  }

  async handedOver(alertIds: readonly string[], transitions: readonly Transition[]): Promise<void> {
    for (const id of new Set(alertIds)) {
      const seqs = transitions.filter((t) => t.alertId === id).map((t) => t.seq);
      await handedOverScript.run(this.redis, [this.keys.index, this.keys.alert(id)], [id, ...seqs]);
    }
  }
}
