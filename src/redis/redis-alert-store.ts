import type { RedisClient } from './redis-connection.js';
import { alertIdFor } from '../alerts/alert-id.js';
import type { AlertChanges, AlertStore } from '../alerts/alert-store.js';
import type { OpenAlertIndex, OpenAlertPage } from '../alerts/open-alert-index.js';
import { auditEntryFor } from '../alerts/audit-entry.js';
import { compareAlerts, openAlertScore } from '../alerts/order-alerts.js';
import type { Alert } from '../domain/alert.js';
import type { CheckName } from '../domain/finding.js';
import {
  auditLua,
  defaultAuditRetention,
  encodeAuditMember,
  type AuditRetention,
} from './redis-audit-log.js';
import { alertKeys, auditKeys, relayKeys } from './redis-keys.js';
import { LuaScript } from './redis-lua.js';
import { OpenAlertRankings } from './redis-open-alerts.js';

const DAY_MS = 86_400_000;

export interface RedisAlertStoreOptions {
  /**
   * How long a resolved alert stays readable (`get` answers "already resolved", reconcile can reopen
   * it, `history` shows it). Keep it at least the reopen window. Default 7 days.
   */
  resolvedRetentionMs?: number;
  /** Retention of the audit entries written with each transition (same as the RedisAuditLog's). */
  audit?: AuditRetention;
}

// KEYS: 1 open set, 2 audit (all), then per alert: alert, fingerprint, by-check index, the cluster's
// ranking of open alerts; then one per-alert audit key per audit entry (one entry per transition);
// then the relay index and one relay hash per transition; last the ranking of all open alerts.
// ARGV: counts and retention (1-7), then per alert: id, seq, json, expected seq (-1 = new), resolved
// (1/0), rank score (openAlertScore); then per audit entry: score, member; then per transition:
// alert id, seq, json. Positional arguments, not a JSON payload: user-supplied text never goes through cjson.
//
// The seq check and the writes run in one script, so nothing can come between them: two writers
// that read the same version cannot both win, and the loser re-reads (optimistic concurrency).
// A new alert also loses when another open alert already holds its fingerprint: two check runs
// racing to open the same incident must not post it twice.
//
// The transitions also go to the relay (redis-transition-relay.ts) in the same step: whoever applied
// them may die before handing them to the outbox (a killed replica, a crash right after an
// acknowledgement), and only what is written with the alert is known to have happened. The relay
// time is Redis TIME, the clock every replica shares.
const perAlertArgs = 6;
const perAlertKeys = 4;
const applyScript = new LuaScript(`${auditLua}
local nAlerts, nAudit = tonumber(ARGV[1]), tonumber(ARGV[2])
local resolvedTtl, retention, maxEntries, perAlertMax, cutoff = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local ranked = KEYS[#KEYS]
local inBatch = {}
for i = 1, nAlerts do inBatch[ARGV[8 + (i - 1) * ${perAlertArgs}]] = true end
for i = 1, nAlerts do
  local k, a = 2 + (i - 1) * ${perAlertKeys}, 8 + (i - 1) * ${perAlertArgs}
  local expected = tonumber(ARGV[a + 3])
  local current = redis.call('HGET', KEYS[k + 1], 'seq')
  if expected < 0 then
    if current then return 0 end
    local holder = redis.call('GET', KEYS[k + 2])
    if holder and not inBatch[holder] and redis.call('SISMEMBER', KEYS[1], holder) == 1 then return 0 end
  elseif not current or tonumber(current) ~= expected then
    return 0
  end
end
for i = 1, nAlerts do
  local k, a = 2 + (i - 1) * ${perAlertKeys}, 8 + (i - 1) * ${perAlertArgs}
  local id = ARGV[a]
  redis.call('HSET', KEYS[k + 1], 'seq', ARGV[a + 1], 'json', ARGV[a + 2])
  if ARGV[a + 4] == '1' then
    redis.call('PEXPIRE', KEYS[k + 1], resolvedTtl)
    local holder = redis.call('GET', KEYS[k + 2])
    if not holder or holder == id then redis.call('SET', KEYS[k + 2], id, 'PX', resolvedTtl) end
    redis.call('SREM', KEYS[1], id)
    redis.call('ZREM', ranked, id)
    redis.call('ZREM', KEYS[k + 4], id)
  else
    redis.call('PERSIST', KEYS[k + 1])
    redis.call('SET', KEYS[k + 2], id)
    redis.call('SADD', KEYS[1], id)
    redis.call('ZADD', ranked, ARGV[a + 5], id)
    redis.call('ZADD', KEYS[k + 4], ARGV[a + 5], id)
  end
  redis.call('SADD', KEYS[k + 3], id)
end
local keyBase, argBase = 2 + nAlerts * ${perAlertKeys}, 8 + nAlerts * ${perAlertArgs}
for j = 1, nAudit do
  local a = argBase + (j - 1) * 2
  auditAdd(KEYS[2], KEYS[keyBase + j], ARGV[a], ARGV[a + 1], retention, perAlertMax)
  redis.call('ZREMRANGEBYSCORE', KEYS[keyBase + j], '-inf', '(' .. cutoff)
end
if nAudit > 0 then auditTrim(KEYS[2], cutoff, maxEntries) end
local relayIndex, relayArg = keyBase + nAudit + 1, argBase + nAudit * 2
if nAudit > 0 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  for j = 1, nAudit do
    local a = relayArg + (j - 1) * 3
    redis.call('HSET', KEYS[relayIndex + j], ARGV[a + 1], ARGV[a + 2])
    redis.call('ZADD', KEYS[relayIndex], 'NX', now, ARGV[a])
  end
end
return 1
`);

/**
 * AlertStore in Redis. Layout in redis-keys.ts: one hash {seq, json} per alert, a fingerprint -> id key,
 * a set per cluster and check, a set of open ids. Resolved alerts expire after the retention; the
 * per-check sets are cleaned of expired ids when read. Every applied transition is also left in the
 * transition relay until the outbox has enqueued it (jobs/notify/outbox.ts).
 */
export class RedisAlertStore implements AlertStore, OpenAlertIndex {
  private readonly keys: ReturnType<typeof alertKeys>;
  private readonly audit: ReturnType<typeof auditKeys>;
  private readonly relay: ReturnType<typeof relayKeys>;
  private readonly resolvedRetentionMs: number;
  private readonly auditRetention: AuditRetention;
  private readonly rankings: OpenAlertRankings;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    options: RedisAlertStoreOptions = {},
  ) {
    this.keys = alertKeys(prefix);
    this.audit = auditKeys(prefix);
    this.relay = relayKeys(prefix);
    this.resolvedRetentionMs = options.resolvedRetentionMs ?? 7 * DAY_MS;
    this.auditRetention = options.audit ?? defaultAuditRetention;
    this.rankings = new OpenAlertRankings(redis, this.keys, (ids, set) => this.load(ids, set));
  }

  async alertsFor(cluster: string, check: CheckName): Promise<Alert[]> {
    const index = this.keys.byCheck(cluster, check);
    const ids = await this.redis.smembers(index);
    const alerts = await this.load(ids, index);
    return alerts.sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
  }

  async get(idOrFingerprint: string): Promise<Alert | null> {
    const wanted = idOrFingerprint.trim().toLowerCase();
    if (wanted === '' || wanted.length > 64) return null;
    const byId = await this.redis.hget(this.keys.alert(wanted), 'json');
    if (byId) return JSON.parse(byId) as Alert;
    const id = await this.redis.get(this.keys.fingerprint(wanted));
    if (!id) return null;
    const byFp = await this.redis.hget(this.keys.alert(id), 'json');
    return byFp ? (JSON.parse(byFp) as Alert) : null;
  }

  async listOpen(filter: { cluster?: string } = {}): Promise<Alert[]> {
    const ids = await this.redis.smembers(this.keys.open);
    const alerts = await this.load(ids, this.keys.open);
    return alerts
      .filter((a) => a.state !== 'resolved' && (filter.cluster === undefined || a.cluster === filter.cluster))
      .sort(compareAlerts);
  }

  /** A page of open alerts, from the rankings the apply script keeps (redis-open-alerts.ts). */
  pageOpen(clusters: readonly string[], start: number, count: number): Promise<OpenAlertPage> {
    return this.rankings.page(clusters, start, count);
  }

  countOpen(clusters: readonly string[]): Promise<OpenAlertPage['bySeverity'][]> {
    return this.rankings.count(clusters);
  }

  async apply(changes: AlertChanges, expectedSeq: Record<string, number>): Promise<boolean> {
    if (changes.alerts.length === 0) return true;
    const ids = new Set<string>();
    for (const a of changes.alerts) {
      if (ids.has(a.id)) throw new Error(`apply() got alert ${a.id} twice in one batch`);
      ids.add(a.id);
    }
    const byId = new Map(changes.alerts.map((a) => [a.id, a]));
    const keys = [this.keys.open, this.audit.all];
    const alertArgs: (string | number)[] = [];
    for (const a of changes.alerts) {
      keys.push(
        this.keys.alert(a.id),
        this.keys.fingerprint(a.fingerprint),
        this.keys.byCheck(a.cluster, a.check),
        this.keys.rankedIn(a.cluster),
      );
      alertArgs.push(
        a.id,
        a.seq,
        JSON.stringify(a),
        expectedSeq[a.id] ?? -1,
        a.state === 'resolved' ? 1 : 0,
        openAlertScore(a),
      );
    }
    const auditArgs: (string | number)[] = [];
    const relayArgs: (string | number)[] = [];
    let newest = 0;
    for (const t of changes.transitions) {
      const alert = byId.get(t.alertId);
      if (!alert) throw new Error(`transition ${t.id} is for alert ${t.alertId}, which is not in the batch`);
      keys.push(this.audit.alert(t.alertId));
      const { score, member } = encodeAuditMember(auditEntryFor(t, alert));
      auditArgs.push(score, member);
      relayArgs.push(t.alertId, t.seq, JSON.stringify(t));
      newest = Math.max(newest, score);
    }
    if (changes.transitions.length > 0) {
      keys.push(this.relay.index, ...changes.transitions.map((t) => this.relay.alert(t.alertId)));
    }
    keys.push(this.keys.ranked);
    const r = this.auditRetention;
    const result = await applyScript.run(this.redis, keys, [
      changes.alerts.length,
      changes.transitions.length,
      this.resolvedRetentionMs,
      r.retentionMs,
      r.maxEntries,
      r.perAlertMax,
      newest - r.retentionMs,
      ...alertArgs,
      ...auditArgs,
      ...relayArgs,
    ]);
    return result === 1;
  }

  async newId(): Promise<string> {
    return alertIdFor(await this.redis.incr(this.keys.idCounter));
  }

  /** Reads alerts by id; ids whose alert expired (resolved, past retention) leave `set`. */
  private async load(ids: string[], set: string): Promise<Alert[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.keys.alert(id), 'json');
    const values = ((await pipeline.exec()) ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    const gone = ids.filter((_, i) => !values[i]);
    if (gone.length > 0) await this.redis.srem(set, ...gone);
    return values.filter((v): v is string => typeof v === 'string').map((v) => JSON.parse(v) as Alert);
  }
}
