import type { RedisClient } from './redis-connection.js';
import type { PostedRef } from '../chat/chat-message.js';
import type {
  GateVerdict,
  HeldDestination,
  OutboxState,
  OutboxTarget,
  SlotVerdict,
} from '../chat/outbox-state.js';
import type { ChatPlatformName } from '../domain/alert.js';
import { outboxKeys } from './redis-keys.js';
import { LuaScript } from './redis-lua.js';

// Redis TIME in ms: the one clock every replica shares, so pacing holds when their clocks drift.
const redisNowMs = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// KEYS: pending, done. ARGV: seq, ttl. A seq already done is never pending again (re-enqueue).
const enqueuedScript = new LuaScript(`
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then redis.call('ZADD', KEYS[1], ARGV[1], ARGV[1]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 0`);

// KEYS: pending, done. ARGV: seq.
const gateScript = new LuaScript(`
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return 'done' end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if first[2] ~= nil and tonumber(first[2]) < tonumber(ARGV[1]) then return 'wait' end
return 'deliver'`);

// KEYS: pending, done. ARGV: seq, ttl. Returns the next pending seq or -1.
const completeScript = new LuaScript(`
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[1], ARGV[1])
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if first[2] == nil then return -1 end
return tonumber(first[2])`);

// KEYS: next-slot, blocked-until, last-sent. ARGV: interval ms, held slot (0 = none).
// Returns {waitMs, slotAt}: waitMs 0 = send now; slotAt -1 = blocked, nothing reserved.
// Reserved slots spread waiting jobs out (no herd waking at once); `last-sent` is the guarantee: a
// job woken late by BullMQ never sends closer than the interval to the previous send.
const reserveScript = new LuaScript(`
${redisNowMs}
local blocked = tonumber(redis.call('GET', KEYS[2]) or '0')
if blocked > now then return {blocked - now, -1} end
local interval = tonumber(ARGV[1])
local held = tonumber(ARGV[2])
local earliest = tonumber(redis.call('GET', KEYS[3]) or '0') + interval
local function send()
  redis.call('SET', KEYS[3], now, 'PX', interval + 60000)
end
-- A slot reserved earlier: wait for it if woken early, then for the interval after the last send; a
-- very old one (the job waited for something else meanwhile) is void.
if held > 0 and held >= now - 60000 then
  local at = math.max(held, earliest)
  if at > now + 5 then return {at - now, at} end
  send()
  return {0, held}
end
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'), earliest)
redis.call('SET', KEYS[1], slot + interval, 'PX', slot + interval - now + 60000)
if slot <= now + 5 then
  send()
  return {0, slot}
end
return {slot - now, slot}`);

// KEYS: blocked-until. ARGV: wait ms. Only ever extends the block.
const blockScript = new LuaScript(`
${redisNowMs}
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 60000) end
return 0`);

/**
 * Outbox bookkeeping in Redis, under `<prefix>:outbox:`. Each decision several replicas could race
 * on (order gate, slot reservation, block) is one Lua script, so it is atomic.
 *
 * Keys per alert and destination expire after `retentionDays` without a write; a lost PostedRef is
 * recovered by ChatPlatform.findPosted, never by posting again.
 */
export class RedisOutboxState implements OutboxState {
  private readonly keys: ReturnType<typeof outboxKeys>;
  private readonly ttlSeconds: number;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    options: { retentionDays?: number } = {},
  ) {
    this.keys = outboxKeys(prefix);
    this.ttlSeconds = Math.round((options.retentionDays ?? 90) * 86_400);
  }

  private key(kind: 'pending' | 'done' | 'posted', t: OutboxTarget): string {
    return this.keys.perAlert(kind, t.alertId, t.platform, t.destination);
  }

  private destinationKey(
    kind: 'next-slot' | 'blocked' | 'last-sent' | 'held-jobs',
    t: Pick<OutboxTarget, 'platform' | 'destination'>,
  ): string {
    return this.keys.perDestination(kind, t.platform, t.destination);
  }

  async enqueued(target: OutboxTarget, seq: number): Promise<void> {
    await enqueuedScript.run(
      this.redis,
      [this.key('pending', target), this.key('done', target)],
      [seq, this.ttlSeconds],
    );
  }

  async gate(target: OutboxTarget, seq: number): Promise<GateVerdict> {
    const verdict = await gateScript.run(
      this.redis,
      [this.key('pending', target), this.key('done', target)],
      [seq],
    );
    return verdict as GateVerdict;
  }

  async complete(target: OutboxTarget, seq: number): Promise<number | undefined> {
    const next = await completeScript.run(
      this.redis,
      [this.key('pending', target), this.key('done', target)],
      [seq, this.ttlSeconds],
    );
    return typeof next === 'number' && next >= 0 ? next : undefined;
  }

  async getPosted(target: OutboxTarget): Promise<PostedRef | null> {
    const raw = await this.redis.get(this.key('posted', target));
    return raw ? (JSON.parse(raw) as PostedRef) : null;
  }

  async setPosted(target: OutboxTarget, ref: PostedRef): Promise<void> {
    await this.redis.set(this.key('posted', target), JSON.stringify(ref), 'EX', this.ttlSeconds);
  }

  async reserveSlot(
    target: Pick<OutboxTarget, 'platform' | 'destination'>,
    minIntervalMs: number,
    heldSlotAt?: number,
  ): Promise<SlotVerdict> {
    const [waitMs, slotAt] = (await reserveScript.run(
      this.redis,
      [
        this.destinationKey('next-slot', target),
        this.destinationKey('blocked', target),
        this.destinationKey('last-sent', target),
      ],
      [minIntervalMs, heldSlotAt ?? 0],
    )) as [number, number];
    if (waitMs <= 0) return { go: true };
    return slotAt < 0 ? { go: false, waitMs } : { go: false, waitMs, slotAt };
  }

  async block(target: Pick<OutboxTarget, 'platform' | 'destination'>, waitMs: number): Promise<void> {
    await blockScript.run(this.redis, [this.destinationKey('blocked', target)], [Math.ceil(waitMs)]);
  }

  async steps(deliveryId: string): Promise<Set<string>> {
    return new Set(await this.redis.smembers(this.keys.steps(deliveryId)));
  }

  async markStep(deliveryId: string, step: string): Promise<void> {
    const key = this.keys.steps(deliveryId);
    await this.redis.multi().sadd(key, step).expire(key, this.ttlSeconds).exec();
  }

  // Held destinations: one hash `held` (field `platform|destination` -> since), and per destination
  // a set of the job ids waiting for it. Platform names never contain `|`.
  private heldField(t: Pick<OutboxTarget, 'platform' | 'destination'>): string {
    return `${t.platform}|${t.destination}`;
  }

  async hold(target: Pick<OutboxTarget, 'platform' | 'destination'>, jobId: string): Promise<void> {
    const jobs = this.destinationKey('held-jobs', target);
    await this.redis
      .multi()
      .hsetnx(this.keys.held, this.heldField(target), new Date().toISOString())
      .sadd(jobs, jobId)
      .expire(jobs, this.ttlSeconds)
      .exec();
  }

  async held(): Promise<HeldDestination[]> {
    const all = await this.redis.hgetall(this.keys.held);
    const entries = Object.entries(all).map(([field, since]) => {
      const bar = field.indexOf('|');
      return {
        platform: field.slice(0, bar) as ChatPlatformName,
        destination: field.slice(bar + 1),
        since,
      };
    });
    const counts = entries.length
      ? ((await entries
          .reduce((m, e) => m.scard(this.destinationKey('held-jobs', e)), this.redis.multi())
          .exec()) ?? [])
      : [];
    const held = entries.map((e, i) => ({ ...e, jobs: Number(counts[i]?.[1] ?? 0) }));
    // A destination whose waiting jobs are all gone (their set expired) is not held any more.
    const stale = held.filter((h) => h.jobs === 0).map((h) => this.heldField(h));
    if (stale.length > 0) await this.redis.hdel(this.keys.held, ...stale);
    return held.filter((h) => h.jobs > 0).sort((a, b) => a.since.localeCompare(b.since));
  }

  async release(target: Pick<OutboxTarget, 'platform' | 'destination'>): Promise<string[]> {
    const jobs = this.destinationKey('held-jobs', target);
    const result = await this.redis
      .multi()
      .smembers(jobs)
      .del(jobs)
      .hdel(this.keys.held, this.heldField(target))
      .exec();
    const members = result?.[0]?.[1];
    return Array.isArray(members) ? (members as string[]) : [];
  }
}
