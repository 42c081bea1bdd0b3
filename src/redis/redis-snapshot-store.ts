import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { RedisClient } from './redis-connection.js';
import { decodeMember, indexSnapshot } from '../alerts/index-snapshot.js';
import type {
  ListedFinding,
  ListedKey,
  ListedRun,
  ListingRange,
  RunSummary,
  SnapshotIndex,
} from '../alerts/snapshot-index.js';
import type { CheckSnapshot, SnapshotStore } from '../alerts/snapshot-store.js';
import type { CheckName } from '../domain/finding.js';
import { listingKeys, snapshotKeys } from './redis-keys.js';
import { LuaScript } from './redis-lua.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** How long the lists of a replaced run stay readable: a command that read its version finishes with it. */
const REPLACED_RUN_TTL_MS = 60_000;
/** Writers racing on one cluster x check (a retried run and a new one) retry this often at most. */
const PUT_ATTEMPTS = 5;

// One script writes the snapshot, its lists and its summary, and retires the previous run's lists:
// a command never sees a summary of one run with the lists of another. It writes only when the
// snapshot is not older than the stored one: a BullMQ retry of an earlier run that finishes late must
// not replace the answer of a later run (ISO-8601 UTC times from toISOString() have one fixed width,
// so they compare as strings). It returns -1 when another writer replaced the lists since this one
// read their version; the caller re-reads and tries again.
//
// KEYS: 1 runs, 2 snapshot, 3 summaries, 4 versions, 5-8 the new lists (worst, soonest, dated,
// findings), 9-12 the previous run's. ARGV: 1 runs field, 2 at, 3 gzip'd snapshot, 4 cluster,
// 5 summary JSON, 6 previous version ('' = none), 7 new version, 8 TTL of the previous lists (ms),
// 9-12 counts, then the members of worst and soonest (scored by position), dated (score, member)
// and findings (id, JSON). Positional arguments: user-supplied text never goes through cjson.
const putScript = new LuaScript(`
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and current > ARGV[2] then return 0 end
local previous = redis.call('HGET', KEYS[4], ARGV[1]) or ''
if previous ~= ARGV[6] then return -1 end
local function bulk(cmd, key, from, count, byPosition)
  local chunk = {}
  for i = 0, count - 1 do
    if byPosition then
      chunk[#chunk + 1] = i
      chunk[#chunk + 1] = ARGV[from + i]
    else
      chunk[#chunk + 1] = ARGV[from + 2 * i]
      chunk[#chunk + 1] = ARGV[from + 2 * i + 1]
    end
    if #chunk >= 1000 then
      redis.call(cmd, key, unpack(chunk))
      chunk = {}
    end
  end
  if #chunk > 0 then redis.call(cmd, key, unpack(chunk)) end
end
local nWorst, nSoonest, nDated, nFindings = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
local a = 13
bulk('ZADD', KEYS[5], a, nWorst, true)
a = a + nWorst
bulk('ZADD', KEYS[6], a, nSoonest, true)
a = a + nSoonest
bulk('ZADD', KEYS[7], a, nDated, false)
a = a + 2 * nDated
bulk('HSET', KEYS[8], a, nFindings, false)
if previous ~= '' then
  for k = 9, 12 do redis.call('PEXPIRE', KEYS[k], ARGV[8]) end
end
redis.call('HSET', KEYS[3], ARGV[4], ARGV[5])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[7])
redis.call('SET', KEYS[2], ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`);

// The head of one list per run in one call: a page over 200 clusters is one round trip and one
// string per run (members joined by newlines, index-snapshot.ts), not 400 commands and 4,000 replies.
// KEYS: one list per run. ARGV: 'rank' (ZCARD, ZRANGE) or 'score' (ZCOUNT, ZRANGEBYSCORE), min,
// max, limit. Returns per key: the count, then the members joined.
const rangeScript = new LuaScript(`
local byScore, min, max, limit = ARGV[1] == 'score', ARGV[2], ARGV[3], tonumber(ARGV[4])
local out = {}
for i = 1, #KEYS do
  local members = {}
  if byScore then
    out[#out + 1] = redis.call('ZCOUNT', KEYS[i], min, max)
    if limit > 0 then members = redis.call('ZRANGEBYSCORE', KEYS[i], min, max, 'LIMIT', 0, limit) end
  else
    out[#out + 1] = redis.call('ZCARD', KEYS[i])
    if limit > 0 then members = redis.call('ZRANGE', KEYS[i], 0, limit - 1) end
  end
  out[#out + 1] = table.concat(members, '\\n')
end
return out
`);

/**
 * The latest result of each cluster x check, which slash commands answer from within Slack's 3 s.
 * The whole snapshot is one gzip'd JSON string (a 10,000-Secret cluster's certificate findings are
 * megabytes of JSON that compress about tenfold); the listings commands read are stored beside it
 * (`listingKeys`): a summary per run, sorted sets per list order and the shown fields of each
 * finding, so a command's cost follows what it shows, not what is stored (issue 12).
 */
export class RedisSnapshotStore implements SnapshotStore, SnapshotIndex {
  private readonly keys: ReturnType<typeof snapshotKeys>;
  private readonly listings: ReturnType<typeof listingKeys>;
  private readonly relisting = new Map<string, Promise<void>>();

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = snapshotKeys(prefix);
    this.listings = listingKeys(prefix);
  }

  /** Writes nothing when a newer snapshot of the same cluster and check is already stored. */
  async put(snapshot: CheckSnapshot): Promise<void> {
    const packed = await gzipAsync(Buffer.from(JSON.stringify(snapshot)));
    const { cluster, check } = snapshot;
    const f = field(cluster, check);
    for (let attempt = 1; attempt <= PUT_ATTEMPTS; attempt++) {
      const [previous, counter] = await Promise.all([
        this.redis.hget(this.listings.versions, f),
        this.redis.incr(this.listings.versionCounter),
      ]);
      const version = counter.toString(36);
      const listing = indexSnapshot(snapshot, version);
      const runKeys = (v: string) => [
        this.listings.worstFirst(cluster, check, v),
        this.listings.soonestFirst(cluster, check, v),
        this.listings.dated(cluster, check, v),
        this.listings.findings(cluster, check, v),
      ];
      const result = await putScript.run(
        this.redis,
        [
          this.keys.runs,
          this.keys.snapshot(cluster, check),
          this.listings.summaries(check),
          this.listings.versions,
          ...runKeys(version),
          ...runKeys(previous ?? version),
        ],
        [
          f,
          snapshot.at,
          packed,
          cluster,
          JSON.stringify(listing.summary),
          previous ?? '',
          version,
          REPLACED_RUN_TTL_MS,
          listing.worstFirst.length,
          listing.soonestFirst.length,
          listing.dated.length,
          listing.findings.size,
          ...listing.worstFirst,
          ...listing.soonestFirst,
          ...listing.dated.flatMap((d) => [d.score, d.member]),
          ...[...listing.findings].flatMap(([id, listed]) => [id, JSON.stringify(listed)]),
        ],
      );
      if (result !== -1) return;
    }
    throw new Error(`could not store the ${check} run of ${cluster}: other writers kept replacing it`);
  }

  async get(cluster: string, check: CheckName): Promise<CheckSnapshot | null> {
    const packed = await this.redis.getBuffer(this.keys.snapshot(cluster, check));
    if (!packed) return null;
    return JSON.parse((await gunzipAsync(packed)).toString('utf8')) as CheckSnapshot;
  }

  async lastRuns(): Promise<{ cluster: string; check: CheckName; at: string }[]> {
    const runs = await this.redis.hgetall(this.keys.runs);
    return Object.entries(runs)
      .map(([key, at]) => {
        const slash = key.indexOf('/');
        return { cluster: key.slice(0, slash), check: key.slice(slash + 1) as CheckName, at };
      })
      .sort((a, b) => a.cluster.localeCompare(b.cluster) || a.check.localeCompare(b.check));
  }

  async summaries(check: CheckName, clusters: readonly string[]): Promise<(RunSummary | null)[]> {
    if (clusters.length === 0) return [];
    const read = async (names: readonly string[]) =>
      (await this.redis.hmget(this.listings.summaries(check), ...names)).map((v) =>
        v ? (JSON.parse(v) as RunSummary) : null,
      );
    const found = await read(clusters);
    const unlisted = clusters.filter((_, i) => !found[i]);
    if (unlisted.length === 0) return found;
    // Snapshots stored by a vigil before the listings existed: list them once from the snapshot,
    // rather than answering "no results yet" until the next run (6 hours for certificates).
    const runs = await this.redis.hmget(this.keys.runs, ...unlisted.map((c) => field(c, check)));
    const stale = unlisted.filter((_, i) => runs[i]);
    if (stale.length === 0) return found;
    for (const cluster of stale) await this.relist(cluster, check);
    const relisted = new Map((await read(stale)).map((s, i) => [stale[i], s]));
    return clusters.map((c, i) => found[i] ?? relisted.get(c) ?? null);
  }

  /** Lists one stored snapshot once per process, however many commands ask for it at once. */
  private relist(cluster: string, check: CheckName): Promise<void> {
    const f = field(cluster, check);
    let pending = this.relisting.get(f);
    if (!pending) {
      pending = this.get(cluster, check)
        .then((snapshot) => (snapshot ? this.put(snapshot) : undefined))
        .finally(() => this.relisting.delete(f));
      this.relisting.set(f, pending);
    }
    return pending;
  }

  async listed(runs: readonly RunSummary[], range: ListingRange, limit: number): Promise<ListedRun[]> {
    if (runs.length === 0) return [];
    const keys = runs.map(({ cluster, check, version }) =>
      range.order === 'dated'
        ? this.listings.dated(cluster, check, version)
        : range.order === 'worst-first'
          ? this.listings.worstFirst(cluster, check, version)
          : this.listings.soonestFirst(cluster, check, version),
    );
    const args =
      range.order === 'dated'
        ? [
            'score',
            range.after === undefined ? '-inf' : `(${range.after}`,
            range.before === undefined ? '+inf' : `(${range.before}`,
            limit,
          ]
        : ['rank', '-inf', '+inf', limit];
    const reply = (await rangeScript.run(this.redis, keys, args)) as (number | string)[];
    return runs.map((run, i) => {
      const joined = String(reply[i * 2 + 1] ?? '');
      const members = joined === '' ? [] : joined.split('\n');
      return {
        total: Number(reply[i * 2]),
        fetched: members.length,
        key: (j: number) => decodeMember(members[j] ?? '', run, j),
      };
    });
  }

  async findings(keys: readonly ListedKey[]): Promise<ListedFinding[]> {
    if (keys.length === 0) return [];
    const byRun = new Map<string, { key: string; ids: string[] }>();
    for (const k of keys) {
      const key = this.listings.findings(k.cluster, k.check, k.version);
      const entry = byRun.get(key) ?? { key, ids: [] };
      entry.ids.push(k.id);
      byRun.set(key, entry);
    }
    const pipeline = this.redis.pipeline();
    for (const { key, ids } of byRun.values()) pipeline.hmget(key, ...ids);
    const replies = (await pipeline.exec()) ?? [];
    const found = new Map<string, string | null>();
    [...byRun.values()].forEach(({ key, ids }, i) => {
      const [err, values] = replies[i] ?? [new Error('no reply'), null];
      if (err) throw err;
      ids.forEach((id, j) => found.set(`${key}\n${id}`, (values as (string | null)[])[j] ?? null));
    });
    return keys.map((k) => {
      const json = found.get(`${this.listings.findings(k.cluster, k.check, k.version)}\n${k.id}`);
      // Only when reading took longer than a replaced run's lists are kept (REPLACED_RUN_TTL_MS).
      if (!json) throw new Error(`the ${k.check} run of ${k.cluster} was replaced while it was read`);
      return JSON.parse(json) as ListedFinding;
    });
  }
}

// Cluster names are DNS labels (config-schema.ts), so `/` cannot occur in them.
function field(cluster: string, check: CheckName): string {
  return `${cluster}/${check}`;
}
