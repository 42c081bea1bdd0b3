import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { RedisClient } from './redis-connection.js';
import type { CheckSnapshot, SnapshotStore } from '../alerts/snapshot-store.js';
import type { CheckName } from '../domain/finding.js';
import { snapshotKeys } from './redis-keys.js';
import { LuaScript } from './redis-lua.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

// Writes only when the snapshot is not older than the stored one: a BullMQ retry of an earlier run
// that finishes late must not replace the answer of a later run. ISO-8601 UTC times from
// toISOString() have one fixed width, so they compare as strings.
const putScript = new LuaScript(`
local current = redis.call('HGET', KEYS[2], ARGV[1])
if current and current > ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
`);

/**
 * The latest result of each cluster x check, which slash commands answer from within Slack's 3 s.
 * One gzip'd JSON string per cluster x check: a 10,000-Secret cluster's certificate findings are
 * megabytes of JSON that compress about tenfold, and Redis holds everything in memory.
 */
export class RedisSnapshotStore implements SnapshotStore {
  private readonly keys: ReturnType<typeof snapshotKeys>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = snapshotKeys(prefix);
  }

  /** Writes nothing when a newer snapshot of the same cluster and check is already stored. */
  async put(snapshot: CheckSnapshot): Promise<void> {
    const packed = await gzipAsync(Buffer.from(JSON.stringify(snapshot)));
    await putScript.run(
      this.redis,
      [this.keys.snapshot(snapshot.cluster, snapshot.check), this.keys.runs],
      [field(snapshot.cluster, snapshot.check), snapshot.at, packed],
    );
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
}

// Cluster names are DNS labels (config-schema.ts), so `/` cannot occur in them.
function field(cluster: string, check: CheckName): string {
  return `${cluster}/${check}`;
}
