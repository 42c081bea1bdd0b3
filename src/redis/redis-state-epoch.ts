import { randomBytes, randomInt } from 'node:crypto';
import type { RedisClient } from './redis-connection.js';
import type { FoundPost } from '../chat/chat-platform.js';
import { recoveryWindowMs, type StateEpoch, type StateEpochStore } from '../chat/state-epoch.js';
import type { ChatPlatformName } from '../domain/alert.js';
import { alertKeys, metaKeys } from './redis-keys.js';
import { LuaScript } from './redis-lua.js';

/**
 * Alert ids of a new epoch start at a random point of the counter (5-character ids cover 21
 * million): after a loss the counter would otherwise start again at 1 and hand out the very ids
 * still shown on the old messages in chat, so a button pressed there would act on an unrelated new
 * alert. With a random start the old and new ranges meet only when the start falls within a few
 * thousand of the old one (src/alerts/alert-id.ts).
 */
const COUNTER_START_RANGE = 10_000_000;
const NOTICE_TTL_SECONDS = 7 * 86_400;
/** The field that says the destination's history was read (fingerprints are hex, never `~`). */
const READ_FIELD = '~';

// KEYS: epoch hash, alert id counter. ARGV: id, startedAt, cause, counter start.
// At start, the counter tells an empty state from a lost marker (alerts were made here if it
// exists: an upgrade from a vigil without the marker). A running vigil that saw its marker vanish
// knows the state went with it, even if a run in flight has already minted an id since.
const ensureScript = new LuaScript(`
local existing = redis.call('HGETALL', KEYS[1])
if #existing > 0 then return {0, existing} end
local recovery = '1'
if ARGV[3] ~= 'lost-while-running' and redis.call('EXISTS', KEYS[2]) == 1 then recovery = '0' end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'startedAt', ARGV[2], 'cause', ARGV[3], 'recovery', recovery)
if recovery == '1' then redis.call('SET', KEYS[2], ARGV[4]) end
return {1, redis.call('HGETALL', KEYS[1])}
`);

/** StateEpochStore on Redis: one hash, written once per epoch by whichever replica comes first. */
export class RedisStateEpoch implements StateEpochStore {
  private readonly keys: ReturnType<typeof metaKeys>;
  private readonly counterKey: string;
  /** Reads of a destination's history under way in this process, so concurrent jobs share one. */
  private readonly reading = new Map<string, Promise<void>>();

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = metaKeys(prefix);
    this.counterKey = alertKeys(prefix).idCounter;
  }

  async ensure(cause: StateEpoch['cause'], now: Date): Promise<{ epoch: StateEpoch; created: boolean }> {
    const [created, fields] = (await ensureScript.run(
      this.redis,
      [this.keys.epoch, this.counterKey],
      [randomBytes(6).toString('hex'), now.toISOString(), cause, randomInt(COUNTER_START_RANGE)],
    )) as [number, string[]];
    return { epoch: parseEpoch(fields), created: created === 1 };
  }

  async current(): Promise<StateEpoch | null> {
    const raw = await this.redis.hgetall(this.keys.epoch);
    return raw['id'] ? parseEpoch(Object.entries(raw).flat()) : null;
  }

  async claimNotice(epochId: string, platform: ChatPlatformName, destination: string): Promise<boolean> {
    const key = this.keys.notice(epochId, platform, destination);
    return (await this.redis.set(key, '1', 'EX', NOTICE_TTL_SECONDS, 'NX')) === 'OK';
  }

  async releaseNotice(epochId: string, platform: ChatPlatformName, destination: string): Promise<void> {
    await this.redis.del(this.keys.notice(epochId, platform, destination));
  }

  async foundBefore(
    epochId: string,
    platform: ChatPlatformName,
    destination: string,
    fingerprint: string,
    read: () => Promise<FoundPost[]>,
  ): Promise<string | null> {
    const key = this.keys.found(epochId, platform, destination);
    const [read_, id] = await this.redis.hmget(key, READ_FIELD, fingerprint);
    if (read_) return id ?? null;
    let pending = this.reading.get(key);
    if (!pending) {
      pending = this.record(key, read).finally(() => this.reading.delete(key));
      this.reading.set(key, pending);
    }
    await pending;
    return (await this.redis.hget(key, fingerprint)) ?? null;
  }

  private async record(key: string, read: () => Promise<FoundPost[]>): Promise<void> {
    const found = await read();
    // Newest first: the first message of a fingerprint is the one to keep editing.
    const fields: Record<string, string> = { [READ_FIELD]: '1' };
    for (const f of [...found].reverse()) fields[f.fingerprint] = f.messageId;
    await this.redis
      .multi()
      .hset(key, fields)
      .pexpire(key, recoveryWindowMs * 2)
      .exec();
  }
}

function parseEpoch(flat: readonly string[]): StateEpoch {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i]!, flat[i + 1]!);
  return {
    id: f.get('id') ?? '',
    startedAt: f.get('startedAt') ?? new Date(0).toISOString(),
    cause: f.get('cause') === 'lost-while-running' ? 'lost-while-running' : 'empty-at-start',
    recovery: f.get('recovery') === '1',
  };
}
