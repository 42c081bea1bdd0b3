import { prefixHashTag } from '../config/redis-env.js';
import type { RedisClient } from './redis-connection.js';
import { alertKeys, auditKeys, snapshotKeys } from './redis-keys.js';
import { conversationKeys } from './redis-conversation-store.js';

/**
 * Keys that exist in every install that has run for a while: the id counter, the audit log, the
 * latest check runs, the Teams conversations. Named one by one (never SCAN, which on a Redis Cluster
 * sees one node only), each its own command, so each goes to its own slot's node.
 */
function markerKeys(prefix: string): string[] {
  return [
    alertKeys(prefix).idCounter,
    auditKeys(prefix).all,
    snapshotKeys(prefix).runs,
    conversationKeys(prefix, 'teams').index,
  ];
}

/** What `untaggedStateLeftBehind` found: the earlier prefix and which of its keys are there. */
export interface UntaggedState {
  oldPrefix: string;
  keys: string[];
}

/**
 * The default prefix on a Redis Cluster is `{vigil}` (src/config/redis-env.ts), and moving to a
 * Cluster means choosing a hash-tagged prefix: the keys vigil wrote before under the same prefix
 * without its braces (`vigil`, `team-a:vigil`) are then no longer read. Alerts would reopen as new
 * messages, acknowledgements and history would be gone, Teams conversations unknown: say so at
 * start-up. Returns undefined when the prefix has no hash tag, when nothing was left behind, or when
 * the new prefix holds state already (the move happened, the old keys are only not yet deleted).
 */
export async function untaggedStateLeftBehind(
  redis: RedisClient,
  prefix: string,
): Promise<UntaggedState | undefined> {
  if (prefixHashTag(prefix) === undefined) return undefined;
  const oldPrefix = prefix.replace(/[{}]/g, '');
  if (oldPrefix === prefix || oldPrefix === '') return undefined;
  const existing = async (keys: string[]) => {
    const found = await Promise.all(keys.map(async (k) => ((await redis.exists(k)) > 0 ? k : undefined)));
    return found.filter((k): k is string => k !== undefined);
  };
  if ((await existing(markerKeys(prefix))).length > 0) return undefined;
  const keys = await existing(markerKeys(oldPrefix));
  return keys.length > 0 ? { oldPrefix, keys } : undefined;
}
