import type { RedisClient } from './redis-connection.js';
import type { ChatPlatformName } from '../domain/alert.js';
import {
  conversationAliasPattern,
  type ConversationDetails,
  type ConversationStore,
  type RenameResult,
  type StoredConversation,
} from '../chat/conversation-store.js';
import { LuaScript } from './redis-lua.js';

/**
 * Where conversations live, under `${prefix}:conversations:<platform>:` (kept here rather than in
 * redis-keys.ts only because that file belongs to another change; it can move there as is).
 */
export function conversationKeys(prefix: string, platform: ChatPlatformName) {
  const base = `${prefix}:conversations:${platform}`;
  return {
    /** Hash {alias, storedAt, updatedAt, details(JSON)} of one conversation. */
    conversation: (conversationId: string) => `${base}:id:${conversationId}`,
    /** Hash alias -> conversation id. */
    aliases: `${base}:aliases`,
    /** Set of stored conversation ids, for listing. */
    index: `${base}:index`,
  };
}

// A known conversation keeps its alias and first-seen time; a new one takes the first free
// candidate (HSETNX), all in one step so two replicas handling the same installation agree.
const rememberScript = new LuaScript(`
local alias = redis.call('HGET', KEYS[1], 'alias')
if not alias then
  for i = 4, #ARGV do
    if redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[1]) == 1 then
      alias = ARGV[i]
      break
    end
  end
  if not alias then return redis.error_reply('ERR every candidate alias is taken') end
  redis.call('HSET', KEYS[1], 'alias', alias, 'storedAt', ARGV[3])
  redis.call('SADD', KEYS[3], ARGV[1])
end
redis.call('HSET', KEYS[1], 'details', ARGV[2], 'updatedAt', ARGV[3])
return {alias, redis.call('HGET', KEYS[1], 'storedAt')}
`);

const renameScript = new LuaScript(`
local current = redis.call('HGET', KEYS[1], 'alias')
if not current then return {'unknown'} end
if current == ARGV[2] then return {'ok', current} end
local owner = redis.call('HGET', KEYS[2], ARGV[2])
if owner and owner ~= ARGV[1] then return {'taken', owner} end
if redis.call('HGET', KEYS[2], current) == ARGV[1] then redis.call('HDEL', KEYS[2], current) end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[1], 'alias', ARGV[2], 'updatedAt', ARGV[3])
return {'ok', current}
`);

const forgetScript = new LuaScript(`
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return fields end
local alias = redis.call('HGET', KEYS[1], 'alias')
if alias and redis.call('HGET', KEYS[2], alias) == ARGV[1] then redis.call('HDEL', KEYS[2], alias) end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[3], ARGV[1])
return fields
`);

/** ConversationStore in Redis: small, read on every proactive post, so one hash per conversation. */
export class RedisConversationStore implements ConversationStore {
  private readonly keys: ReturnType<typeof conversationKeys>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    platform: ChatPlatformName = 'teams',
  ) {
    this.keys = conversationKeys(prefix, platform);
  }

  async remember(
    details: ConversationDetails,
    aliases: readonly string[],
    now: Date,
  ): Promise<StoredConversation> {
    const candidates = aliases.map((a) => a.toLowerCase()).filter((a) => conversationAliasPattern.test(a));
    if (candidates.length === 0) throw new Error('remember() needs at least one valid alias candidate');
    const at = now.toISOString();
    const [alias, storedAt] = (await rememberScript.run(
      this.redis,
      [this.keys.conversation(details.conversationId), this.keys.aliases, this.keys.index],
      [details.conversationId, JSON.stringify(details), at, ...candidates],
    )) as [string, string];
    return { ...details, alias, storedAt, updatedAt: at };
  }

  async resolve(aliasOrConversationId: string): Promise<StoredConversation | null> {
    const key = aliasOrConversationId.trim();
    const byAlias = conversationAliasPattern.test(key.toLowerCase())
      ? await this.redis.hget(this.keys.aliases, key.toLowerCase())
      : null;
    return this.read(byAlias ?? key);
  }

  async rename(conversationId: string, alias: string, now: Date): Promise<RenameResult> {
    const wanted = alias.toLowerCase();
    if (!conversationAliasPattern.test(wanted)) throw new Error(`not an alias: ${alias.slice(0, 80)}`);
    // The owner of a taken alias may vanish between the script and the read: then try again.
    for (let attempt = 0; ; attempt += 1) {
      const [outcome, detail] = (await renameScript.run(
        this.redis,
        [this.keys.conversation(conversationId), this.keys.aliases],
        [conversationId, wanted, now.toISOString()],
      )) as [string, string | undefined];
      if (outcome === 'unknown') return { ok: false, reason: 'unknown' };
      if (outcome === 'taken') {
        const takenBy = await this.read(detail ?? '');
        if (takenBy) return { ok: false, reason: 'taken', takenBy };
        if (attempt < 2) continue;
        return { ok: false, reason: 'unknown' };
      }
      const conversation = await this.read(conversationId);
      if (!conversation) return { ok: false, reason: 'unknown' };
      return { ok: true, previous: detail ?? wanted, conversation };
    }
  }

  async forget(conversationId: string): Promise<StoredConversation | null> {
    const flat = (await forgetScript.run(
      this.redis,
      [this.keys.conversation(conversationId), this.keys.aliases, this.keys.index],
      [conversationId],
    )) as string[];
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
    return parse(fields);
  }

  async list(): Promise<StoredConversation[]> {
    const ids = await this.redis.smembers(this.keys.index);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.conversation(id));
    const results = (await pipeline.exec()) ?? [];
    return results
      .map(([error, fields]) => (error ? null : parse(fields as Record<string, string>)))
      .filter((c): c is StoredConversation => c !== null)
      .sort((a, b) => a.alias.localeCompare(b.alias));
  }

  private async read(conversationId: string): Promise<StoredConversation | null> {
    if (!conversationId) return null;
    return parse(await this.redis.hgetall(this.keys.conversation(conversationId)));
  }
}

function parse(fields: Record<string, string>): StoredConversation | null {
  const { alias, storedAt, updatedAt, details } = fields;
  if (!alias || !storedAt || !details) return null;
  return {
    ...(JSON.parse(details) as ConversationDetails),
    alias,
    storedAt,
    updatedAt: updatedAt ?? storedAt,
  };
}
