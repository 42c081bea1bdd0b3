import type { RedisClient } from './redis-connection.js';
import type { OpenAlertPage } from '../alerts/open-alert-index.js';
import { openAlertScore, openSeverities, SEVERITY_BAND } from '../alerts/order-alerts.js';
import type { Alert } from '../domain/alert.js';
import type { alertKeys } from './redis-keys.js';
import { LuaScript } from './redis-lua.js';

// Sizes, counts by severity band and one range of the open-alert rankings in one call. When every
// ranked alert belongs to the clusters asked for (all of them, the usual case), the ranking of all
// answers; one cluster's ranking answers for it; otherwise each cluster's head is returned and
// merged by the caller. KEYS: 1 open set, 2 ranking of all, then one ranking per cluster asked for.
// ARGV: start, count, band width, bands. Returns: open size, ranked size, sources, then per source
// the count of each band and the range (id, score pairs).
const pageScript = new LuaScript(`
local open, ranked = redis.call('SCARD', KEYS[1]), redis.call('ZCARD', KEYS[2])
local inClusters = 0
for i = 3, #KEYS do inClusters = inClusters + redis.call('ZCARD', KEYS[i]) end
local start, count, width, bands = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local sources = {}
if #KEYS == 3 then sources = { KEYS[3] }
elseif inClusters == ranked then sources = { KEYS[2] }
else for i = 3, #KEYS do sources[#sources + 1] = KEYS[i] end end
local out = { open, ranked, #sources }
for _, key in ipairs(sources) do
  for b = 0, bands - 1 do
    out[#out + 1] = redis.call('ZCOUNT', key, string.format('%d', b * width), '(' .. string.format('%d', (b + 1) * width))
  end
  local from = 0
  if #sources == 1 then from = start end
  out[#out + 1] = redis.call('ZRANGE', key, from, start + count - 1, 'WITHSCORES')
end
return out
`);

// Adds open alerts missing from the rankings (stored by a vigil that did not rank them), only while
// they are still open and not ranked since: the apply script may have moved them in the meantime.
// KEYS: 1 open set, 2 ranking of all, then one cluster ranking per alert. ARGV: id, score per alert.
const rankScript = new LuaScript(`
for i = 3, #KEYS do
  local id, score = ARGV[(i - 3) * 2 + 1], ARGV[(i - 3) * 2 + 2]
  if redis.call('SISMEMBER', KEYS[1], id) == 1 then
    redis.call('ZADD', KEYS[2], 'NX', score, id)
    redis.call('ZADD', KEYS[i], 'NX', score, id)
  end
end
return 1
`);

// Counts by severity band of each cluster's ranking. KEYS: one ranking per cluster. ARGV: band width,
// bands. Returns the counts, cluster after cluster.
const countScript = new LuaScript(`
local width, bands = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {}
for i = 1, #KEYS do
  for b = 0, bands - 1 do
    out[#out + 1] = redis.call('ZCOUNT', KEYS[i], string.format('%d', b * width), '(' .. string.format('%d', (b + 1) * width))
  end
end
return out
`);

type LoadAlerts = (ids: string[], set: string) => Promise<Alert[]>;

/**
 * The open alerts worst first, a page at a time, from the sorted sets the alert store's apply
 * script keeps (`ranked`, `rankedIn(cluster)` in redis-keys.ts, scored by openAlertScore): `/k8s
 * alerts` reads the 20 alerts it shows, not every open alert (issue 12).
 */
export class OpenAlertRankings {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: ReturnType<typeof alertKeys>,
    private readonly load: LoadAlerts,
  ) {}

  page(clusters: readonly string[], start: number, count: number): Promise<OpenAlertPage> {
    return this.read(clusters, start, count, true);
  }

  /** Open alerts per cluster by severity, from the rankings (brought in line first if they drifted). */
  async count(clusters: readonly string[]): Promise<OpenAlertPage['bySeverity'][]> {
    if (clusters.length === 0) return [];
    const [open, ranked] = await Promise.all([
      this.redis.scard(this.keys.open),
      this.redis.zcard(this.keys.ranked),
    ]);
    if (open !== ranked) await this.rankAll();
    const reply = (await countScript.run(
      this.redis,
      clusters.map((c) => this.keys.rankedIn(c)),
      [SEVERITY_BAND, openSeverities.length],
    )) as number[];
    return clusters.map((_, i) => {
      const at = i * openSeverities.length;
      return { critical: Number(reply[at]), unknown: Number(reply[at + 1]), warning: Number(reply[at + 2]) };
    });
  }

  private async read(
    clusters: readonly string[],
    start: number,
    count: number,
    mayRerank: boolean,
  ): Promise<OpenAlertPage> {
    const reply = (await pageScript.run(
      this.redis,
      [this.keys.open, this.keys.ranked, ...clusters.map((c) => this.keys.rankedIn(c))],
      [start, count, SEVERITY_BAND, openSeverities.length],
    )) as unknown[];
    const [open, ranked, sources] = reply.slice(0, 3).map(Number) as [number, number, number];
    if (open !== ranked && mayRerank) {
      await this.rankAll();
      return this.read(clusters, start, count, false);
    }
    const bySeverity = { critical: 0, unknown: 0, warning: 0 };
    const ranking: { id: string; score: number }[] = [];
    const stride = openSeverities.length + 1;
    for (let i = 0; i < sources; i++) {
      const at = 3 + i * stride;
      openSeverities.forEach((s, band) => (bySeverity[s] += Number(reply[at + band])));
      const flat = reply[at + openSeverities.length] as string[];
      for (let j = 0; j < flat.length; j += 2)
        ranking.push({ id: flat[j] ?? '', score: Number(flat[j + 1]) });
    }
    // Merged as Redis orders one sorted set: by score, then the member's bytes.
    const shown =
      sources === 1
        ? ranking
        : ranking
            .sort((a, b) => a.score - b.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
            .slice(start, start + count);
    const alerts = (
      await this.load(
        shown.map((r) => r.id),
        this.keys.open,
      )
    ).filter((a) => a.state !== 'resolved');
    if (alerts.length !== shown.length && mayRerank) {
      await this.rankAll();
      return this.read(clusters, start, count, false);
    }
    return { alerts, total: bySeverity.critical + bySeverity.unknown + bySeverity.warning, bySeverity };
  }

  /**
   * Brings the rankings in line with the open set: adds open alerts they miss and drops ids that are
   * no longer open. Needed once after an upgrade (alerts opened before the rankings existed), or
   * after a replica of an older vigil resolved alerts during a rolling upgrade.
   */
  private async rankAll(): Promise<void> {
    const [openIds, rankedIds] = await Promise.all([
      this.redis.smembers(this.keys.open),
      this.redis.zrange(this.keys.ranked, 0, '-1'),
    ]);
    const open = new Set(openIds);
    const gone = rankedIds.filter((id) => !open.has(id));
    if (gone.length > 0) {
      const found = await this.redis.pipeline(gone.map((id) => ['hget', this.keys.alert(id), 'json'])).exec();
      const drop = this.redis.pipeline().zrem(this.keys.ranked, ...gone);
      (found ?? []).forEach(([, json], i) => {
        if (typeof json === 'string')
          drop.zrem(this.keys.rankedIn((JSON.parse(json) as Alert).cluster), gone[i] ?? '');
      });
      await drop.exec();
    }
    const alerts = (await this.load(openIds, this.keys.open)).filter((a) => a.state !== 'resolved');
    for (let i = 0; i < alerts.length; i += 500) {
      const batch = alerts.slice(i, i + 500);
      await rankScript.run(
        this.redis,
        [this.keys.open, this.keys.ranked, ...batch.map((a) => this.keys.rankedIn(a.cluster))],
        batch.flatMap((a) => [a.id, openAlertScore(a)]),
      );
    }
  }
}
