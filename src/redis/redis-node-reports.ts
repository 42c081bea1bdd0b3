import type { RedisClient } from './redis-connection.js';
import type { NodeReport, NodeReports } from '../checks/check.js';
import { nodeReportKeys } from './redis-keys.js';
import { LuaScript } from './redis-lua.js';

// Writes only when the report is not older than the stored one (a terminating agent pod of a rolling
// update may write last), and keeps the report, the index entry and the index's own expiry in step.
// ISO-8601 UTC times from toISOString() have one fixed width, so they compare as strings.
const putScript = new LuaScript(`
local current = redis.call('GET', KEYS[1])
if current then
  local ok, stored = pcall(cjson.decode, current)
  if ok and type(stored) == 'table' and type(stored.observedAt) == 'string' and stored.observedAt > ARGV[2] then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
return 1
`);

/** Reports read per MGET: a large cluster's nodes are fetched in slices, not one reply of megabytes. */
const BATCH = 200;

/**
 * The reports of node agents, one plain JSON string per cluster x kind x node (so `redis-cli GET`
 * shows exactly what a node sent), each expiring when its agent has been silent for the TTL it set,
 * with a sorted set per cluster x kind to list them.
 */
export class RedisNodeReports implements NodeReports {
  private readonly keys: ReturnType<typeof nodeReportKeys>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.keys = nodeReportKeys(prefix);
  }

  /** Stores `report` as the node's latest, unless a newer one is stored already; true when written. */
  async put(cluster: string, kind: string, report: NodeReport, ttlMs: number): Promise<boolean> {
    const json = JSON.stringify(report);
    const written = await putScript.run(
      this.redis,
      [this.keys.report(cluster, kind, report.node), this.keys.nodes(cluster, kind)],
      [report.node, report.observedAt, json, Math.round(ttlMs), this.clock().getTime() + Math.round(ttlMs)],
    );
    return written === 1;
  }

  async latest(cluster: string, kind: string): Promise<NodeReport[]> {
    const index = this.keys.nodes(cluster, kind);
    const now = this.clock().getTime();
    await this.redis.zremrangebyscore(index, '-inf', now);
    const nodes = await this.redis.zrangebyscore(index, now, '+inf');
    const out: NodeReport[] = [];
    for (let i = 0; i < nodes.length; i += BATCH) {
      const slice = nodes.slice(i, i + BATCH);
      const values = await this.redis.mget(...slice.map((n) => this.keys.report(cluster, kind, n)));
      slice.forEach((node, j) => {
        const json = values[j];
        // Expired between the two reads: the node is gone, as it would be a moment later.
        if (json === null || json === undefined) return;
        out.push(decode(node, json));
      });
    }
    return out;
  }
}

/** A value that is not a report still names its node: the check reports it as unreadable, not absent. */
function decode(node: string, json: string): NodeReport {
  try {
    const r = JSON.parse(json) as Partial<NodeReport> | null;
    if (r && typeof r.observedAt === 'string' && typeof r.intervalMinutes === 'number')
      return { node, observedAt: r.observedAt, intervalMinutes: r.intervalMinutes, body: r.body };
  } catch {
    // fall through
  }
  return { node, observedAt: '', intervalMinutes: 0, body: undefined };
}
