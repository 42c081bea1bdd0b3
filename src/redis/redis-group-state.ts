import type { GroupDestination, GroupState, MessageGroup } from '../chat/group-state.js';
import type { RedisClient } from './redis-connection.js';
import { groupKeys } from './redis-keys.js';
import { LuaScript } from './redis-lua.js';

/** Group records outlive their last change by this long (a group lasts while a member is open). */
const TTL_SECONDS = 30 * 86_400;

// KEYS: destination hash, target group hash, replaced group hash (or the target again).
// ARGV: key, expected current group ('' = none), target group id, fresh '1'/'0', meta JSON, ttl, ids...
// Only undecided alerts join; a replaced (closed) group's members are forgotten at this destination,
// so an alert of it that comes back later gets a message of its own.
const joinScript = new LuaScript(`
local cur = redis.call('HGET', KEYS[1], 'cur:' .. ARGV[1]) or ''
if cur ~= ARGV[2] then return 0 end
if ARGV[4] == '1' then
  if ARGV[2] ~= '' then
    local old = redis.call('HKEYS', KEYS[3])
    for _, f in ipairs(old) do
      if string.sub(f, 1, 2) == 'm:' then
        local field = 'of:' .. string.sub(f, 3)
        if redis.call('HGET', KEYS[1], field) == ARGV[2] then redis.call('HDEL', KEYS[1], field) end
      end
    end
  end
  redis.call('HSET', KEYS[1], 'cur:' .. ARGV[1], ARGV[3])
  redis.call('HSET', KEYS[2], 'meta', ARGV[5])
end
local order = redis.call('HLEN', KEYS[2])
for i = 7, #ARGV do
  local field = 'of:' .. ARGV[i]
  if redis.call('HEXISTS', KEYS[1], field) == 0 then
    redis.call('HSET', KEYS[1], field, ARGV[3])
    order = order + 1
    redis.call('HSET', KEYS[2], 'm:' .. ARGV[i], order)
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('EXPIRE', KEYS[2], ARGV[6])
return 1`);

// KEYS: group hash. ARGV: transition id, ttl.
const seqScript = new LuaScript(`
local seen = redis.call('HGET', KEYS[1], 't:' .. ARGV[1])
if seen then return tonumber(seen) end
local n = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[1], 't:' .. ARGV[1], n)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return n`);

// KEYS: destination hash. ARGV: ttl, ids... Alone is recorded only for undecided alerts.
const aloneScript = new LuaScript(`
for i = 2, #ARGV do redis.call('HSETNX', KEYS[1], 'of:' .. ARGV[i], '') end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 0`);

interface StoredMeta {
  id: string;
  platform: string;
  destination: string;
  key: string;
  labels: Record<string, string>;
  openedAt: string;
}

/** GroupState in Redis, under `${prefix}:groups:` (keys in redis-keys.ts). */
export class RedisGroupState implements GroupState {
  private readonly keys: ReturnType<typeof groupKeys>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = groupKeys(prefix);
  }

  async decisions(dest: GroupDestination, alertIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (alertIds.length === 0) return out;
    const values = await this.redis.hmget(
      this.keys.destination(dest.platform, dest.destination),
      ...alertIds.map((id) => `of:${id}`),
    );
    alertIds.forEach((id, i) => {
      const v = values[i];
      if (v !== null && v !== undefined) out.set(id, v);
    });
    return out;
  }

  async current(dest: GroupDestination, keys: readonly string[]): Promise<Map<string, MessageGroup>> {
    const out = new Map<string, MessageGroup>();
    if (keys.length === 0) return out;
    const ids = await this.redis.hmget(
      this.keys.destination(dest.platform, dest.destination),
      ...keys.map((k) => `cur:${k}`),
    );
    for (const [i, key] of keys.entries()) {
      const id = ids[i];
      if (!id) continue;
      const group = await this.get(id);
      if (group) out.set(key, group);
    }
    return out;
  }

  async decideAlone(dest: GroupDestination, alertIds: readonly string[]): Promise<void> {
    if (alertIds.length === 0) return;
    await aloneScript.run(
      this.redis,
      [this.keys.destination(dest.platform, dest.destination)],
      [TTL_SECONDS, ...alertIds],
    );
  }

  async join(dest: GroupDestination, join: Parameters<GroupState['join']>[1]): Promise<boolean> {
    const groupId = join.fresh ? `grp${await this.redis.incr(this.keys.idCounter)}` : join.groupId;
    const expected = join.fresh ? (join.replaces ?? '') : join.groupId;
    const meta: StoredMeta = {
      id: groupId,
      platform: dest.platform,
      destination: dest.destination,
      key: join.key,
      labels: join.labels,
      openedAt: join.at,
    };
    const replaced = join.fresh && join.replaces ? this.keys.group(join.replaces) : this.keys.group(groupId);
    const ok = await joinScript.run(
      this.redis,
      [this.keys.destination(dest.platform, dest.destination), this.keys.group(groupId), replaced],
      [
        join.key,
        expected,
        groupId,
        join.fresh ? '1' : '0',
        JSON.stringify(meta),
        TTL_SECONDS,
        ...join.alertIds,
      ],
    );
    return ok === 1;
  }

  async seqFor(groupId: string, transitionId: string): Promise<number> {
    return Number(await seqScript.run(this.redis, [this.keys.group(groupId)], [transitionId, TTL_SECONDS]));
  }

  async latestSeq(groupId: string): Promise<number> {
    return Number((await this.redis.hget(this.keys.group(groupId), 'seq')) ?? 0);
  }

  async get(groupId: string): Promise<MessageGroup | null> {
    const all = await this.redis.hgetall(this.keys.group(groupId));
    if (!all['meta']) return null;
    const meta = JSON.parse(all['meta']) as StoredMeta;
    const members = Object.entries(all)
      .filter(([f]) => f.startsWith('m:'))
      .sort((a, b) => Number(a[1]) - Number(b[1]))
      .map(([f]) => f.slice(2));
    return { ...meta, members };
  }
}
