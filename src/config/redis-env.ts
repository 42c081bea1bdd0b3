import type { ConfigProblem } from '../domain/config-error.js';

/** A `host:port` of a Redis node or Sentinel. */
export interface RedisHostPort {
  host: string;
  port: number;
}

/**
 * Which kind of Redis deployment vigil talks to (`REDIS_MODE`). REDIS_URL always carries the user,
 * password and TLS (`rediss://`); what it names besides depends on the mode:
 * - `standalone`: the one server (and its db).
 * - `cluster`: one seed node of a Redis Cluster; `REDIS_CLUSTER_NODES` may add more seeds, and the
 *   client learns the rest from CLUSTER SLOTS. Every vigil key must hash to one slot, so the prefix
 *   needs a hash tag (`{vigil}`, the default in this mode).
 * - `sentinel`: the master that `REDIS_SENTINEL_MASTER` names, found through `REDIS_SENTINELS`;
 *   REDIS_URL's host is not used, only its credentials, db and scheme.
 */
export type RedisTopology =
  | { mode: 'standalone' }
  | { mode: 'cluster'; nodes: readonly RedisHostPort[] }
  | {
      mode: 'sentinel';
      sentinels: readonly RedisHostPort[];
      masterName: string;
      /** `REDIS_SENTINEL_PASSWORD`, when the Sentinels themselves require AUTH. Never logged. */
      sentinelPassword?: string;
    };

export interface RedisEnv {
  redisUrl: string;
  /** Key prefix for every Redis key and BullMQ queue, so several installs can share one Redis. */
  redisPrefix: string;
  /** Standalone when absent. */
  redisTopology?: RedisTopology;
}

/** The prefix when VIGIL_REDIS_PREFIX is unset: un-tagged where it always was, tagged on a Cluster. */
export const defaultPrefixFor = (mode: RedisTopology['mode']): string =>
  mode === 'cluster' ? '{vigil}' : 'vigil';

/**
 * The hash tag Redis Cluster would hash every key under `${prefix}:` by, or undefined. Redis hashes
 * the text between a key's first `{` and the first `}` after it, when that text is not empty; the
 * prefix starts every key, so its first `{` is the key's first `{`, and the tag must close inside
 * the prefix too: otherwise a `}` later in the key (a Teams conversation id, say) would decide.
 */
export function prefixHashTag(prefix: string): string | undefined {
  const open = prefix.indexOf('{');
  if (open < 0) return undefined;
  const close = prefix.indexOf('}', open + 1);
  if (close <= open + 1) return undefined;
  return prefix.slice(open + 1, close);
}

/** Why `prefix` cannot be used on a Redis Cluster, or undefined when it can. */
export function clusterPrefixProblem(prefix: string): string | undefined {
  if (prefixHashTag(prefix) !== undefined) return undefined;
  const suggestion = prefix.includes('{') || prefix.includes('}') ? '{vigil}' : `{${prefix}}`;
  return (
    `"${prefix}" has no hash tag, so vigil's keys would spread over the cluster's slots and its ` +
    `multi-key scripts fail with CROSSSLOT; use "${suggestion}" (a new prefix starts with empty ` +
    `state: README.md "Redis deployments" says how to move)`
  );
}

const modes = ['standalone', 'cluster', 'sentinel'] as const;

/** Reads REDIS_URL, VIGIL_REDIS_PREFIX and the deployment settings; adds every problem to `problems`. */
export function readRedisEnv(env: NodeJS.ProcessEnv, problems: ConfigProblem[]): RedisEnv {
  const redisUrl = env['REDIS_URL']?.trim() || 'redis://127.0.0.1:6379';
  let url: URL | undefined;
  if (/^rediss?:\/\//.test(redisUrl)) {
    try {
      url = new URL(redisUrl);
    } catch {
      // reported below
    }
  }
  if (!url) {
    problems.push({
      key: 'REDIS_URL',
      message: 'must start with redis:// or rediss://, e.g. redis://redis:6379',
    });
  }
  const rawMode = env['REDIS_MODE']?.trim().toLowerCase() || 'standalone';
  const mode = modes.find((m) => m === rawMode);
  if (!mode) {
    problems.push({
      key: 'REDIS_MODE',
      message: `must be one of ${modes.join(', ')} (got "${rawMode.slice(0, 20)}")`,
    });
  }
  const redisTopology = readTopology(mode ?? 'standalone', env, url, problems);
  const explicitPrefix = env['VIGIL_REDIS_PREFIX']?.trim();
  const redisPrefix = explicitPrefix || defaultPrefixFor(redisTopology.mode);
  if (redisTopology.mode === 'cluster') {
    const problem = clusterPrefixProblem(redisPrefix);
    if (problem) problems.push({ key: 'VIGIL_REDIS_PREFIX', message: `with REDIS_MODE=cluster, ${problem}` });
  }
  return { redisUrl, redisPrefix, redisTopology };
}

function readTopology(
  mode: RedisTopology['mode'],
  env: NodeJS.ProcessEnv,
  url: URL | undefined,
  problems: ConfigProblem[],
): RedisTopology {
  const unused = (key: string) => {
    if (env[key]?.trim()) {
      problems.push({
        key,
        message: `is only read with REDIS_MODE=${keyMode[key]}; unset it or set REDIS_MODE`,
      });
    }
  };
  if (mode === 'standalone') {
    Object.keys(keyMode).forEach(unused);
    return { mode };
  }
  if (mode === 'cluster') {
    ['REDIS_SENTINELS', 'REDIS_SENTINEL_MASTER', 'REDIS_SENTINEL_PASSWORD'].forEach(unused);
    // A Redis Cluster has only database 0 (SELECT fails), so a /db in the URL is a mistake, not a choice.
    if (url && url.pathname !== '' && url.pathname !== '/' && url.pathname !== '/0') {
      problems.push({
        key: 'REDIS_URL',
        message: `names database ${url.pathname.slice(1, 10)}, but a Redis Cluster has only database 0; drop the /${url.pathname.slice(1, 10)}`,
      });
    }
    return { mode, nodes: hostPorts('REDIS_CLUSTER_NODES', env, problems, 6379) };
  }
  unused('REDIS_CLUSTER_NODES');
  const sentinels = hostPorts('REDIS_SENTINELS', env, problems, 26379);
  if (sentinels.length === 0 && !problems.some((p) => p.key === 'REDIS_SENTINELS')) {
    problems.push({
      key: 'REDIS_SENTINELS',
      message: 'is required with REDIS_MODE=sentinel: the Sentinels, e.g. sentinel-0:26379,sentinel-1:26379',
    });
  }
  const masterName = env['REDIS_SENTINEL_MASTER']?.trim() ?? '';
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(masterName)) {
    problems.push({
      key: 'REDIS_SENTINEL_MASTER',
      message:
        masterName === ''
          ? 'is required with REDIS_MODE=sentinel: the master group name the Sentinels monitor, e.g. mymaster'
          : 'must be a Sentinel master name (letters, digits, ".", "_", "-"), e.g. mymaster',
    });
  }
  const sentinelPassword = env['REDIS_SENTINEL_PASSWORD'];
  return {
    mode,
    sentinels,
    masterName,
    ...(sentinelPassword ? { sentinelPassword } : {}),
  };
}

const keyMode: Record<string, RedisTopology['mode']> = {
  REDIS_CLUSTER_NODES: 'cluster',
  REDIS_SENTINELS: 'sentinel',
  REDIS_SENTINEL_MASTER: 'sentinel',
  REDIS_SENTINEL_PASSWORD: 'sentinel',
};

/** `a:6379,b:6380` (a missing port is `defaultPort`); IPv6 hosts in brackets, `[::1]:6379`. */
function hostPorts(
  key: string,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
  defaultPort: number,
): RedisHostPort[] {
  const raw = env[key]?.trim() ?? '';
  if (raw === '') return [];
  const out: RedisHostPort[] = [];
  for (const item of raw.split(',').map((s) => s.trim())) {
    const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(item);
    const port = m?.[2] === undefined ? defaultPort : Number(m[2]);
    if (!m || port < 1 || port > 65535) {
      problems.push({
        key,
        message: `"${item.slice(0, 60)}" is not host:port; expected a comma-separated list such as redis-0:${defaultPort},redis-1:${defaultPort}`,
      });
      continue;
    }
    out.push({ host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port });
  }
  return out;
}
