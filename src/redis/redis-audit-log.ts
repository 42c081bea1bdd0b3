import { randomBytes } from 'node:crypto';
import type { RedisClient } from './redis-connection.js';
import type { AuditLog } from '../alerts/alert-store.js';
import type { AlertsConfig } from '../config/alerts-config.js';
import type { AuditEntry } from '../domain/alert.js';
import { auditKeys } from './redis-keys.js';
import { LuaScript } from './redis-lua.js';

const DAY_MS = 86_400_000;

export interface AuditRetention {
  /** Entries older than this (relative to the newest entry) are dropped. */
  retentionMs: number;
  /** At most this many entries in all; the oldest go first. */
  maxEntries: number;
  /** At most this many entries per alert (a flapping alert must not keep thousands). */
  perAlertMax: number;
}

export const defaultAuditRetention: Readonly<AuditRetention> = Object.freeze({
  retentionMs: 90 * DAY_MS,
  maxEntries: 100_000,
  perAlertMax: 500,
});

export function auditRetentionFrom(audit: AlertsConfig['audit']): AuditRetention {
  return {
    ...defaultAuditRetention,
    retentionMs: audit.retentionDays * DAY_MS,
    maxEntries: audit.maxEntries,
  };
}

/**
 * Lua shared with the alert store's apply script, so transitions are audited in the same atomic
 * step as the alert write. Sorted sets scored by the entry's own time (the clock passed in, not the
 * server's), trimmed by age and count on every append: retention costs no background job.
 */
export const auditLua = `
local function auditAdd(allKey, alertKey, score, member, retentionMs, perAlertMax)
  redis.call('ZADD', allKey, score, member)
  if alertKey then
    redis.call('ZADD', alertKey, score, member)
    redis.call('ZREMRANGEBYRANK', alertKey, 0, -(tonumber(perAlertMax) + 1))
    redis.call('PEXPIRE', alertKey, retentionMs)
  end
end
local function auditTrim(allKey, cutoff, maxEntries)
  redis.call('ZREMRANGEBYSCORE', allKey, '-inf', '(' .. cutoff)
  redis.call('ZREMRANGEBYRANK', allKey, 0, -(tonumber(maxEntries) + 1))
end
`;

const appendScript = new LuaScript(`${auditLua}
local alertKey = nil
if #KEYS > 1 then alertKey = KEYS[2] end
auditAdd(KEYS[1], alertKey, ARGV[1], ARGV[2], ARGV[4], ARGV[6])
if alertKey then redis.call('ZREMRANGEBYSCORE', alertKey, '-inf', '(' .. ARGV[3]) end
auditTrim(KEYS[1], ARGV[3], ARGV[5])
return 1
`);

/** A sorted-set member: a random nonce keeps two identical entries (same second, same action) apart. */
export function encodeAuditMember(entry: AuditEntry): { score: number; member: string } {
  const score = Date.parse(entry.at);
  if (!Number.isFinite(score)) throw new Error(`audit entry has an invalid time: ${entry.at}`);
  return { score, member: `${randomBytes(6).toString('hex')}\t${JSON.stringify(entry)}` };
}

export function decodeAuditMember(member: string): AuditEntry {
  return JSON.parse(member.slice(member.indexOf('\t') + 1)) as AuditEntry;
}

export class RedisAuditLog implements AuditLog {
  private readonly keys: ReturnType<typeof auditKeys>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly retention: AuditRetention = defaultAuditRetention,
  ) {
    this.keys = auditKeys(prefix);
  }

  async append(entry: AuditEntry): Promise<void> {
    const { score, member } = encodeAuditMember(entry);
    const keys = entry.alertId ? [this.keys.all, this.keys.alert(entry.alertId)] : [this.keys.all];
    const r = this.retention;
    await appendScript.run(this.redis, keys, [
      score,
      member,
      String(score - r.retentionMs),
      r.retentionMs,
      r.maxEntries,
      r.perAlertMax,
    ]);
  }

  /** Newest first; `limit` defaults to 50 and is capped at 1000. */
  async read(filter: { alertId?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const limit = Math.min(Math.max(Math.floor(filter.limit ?? 50), 1), 1000);
    const key = filter.alertId ? this.keys.alert(filter.alertId.trim().toLowerCase()) : this.keys.all;
    const members = await this.redis.zrevrange(key, 0, limit - 1);
    return members.map(decodeAuditMember);
  }
}
