import { formatTeamsConversations, listTeamsConversations } from '../chat/teams/index.js';
import { readServeEnv } from '../config/serve-env.js';
import { VigilError } from '../domain/vigil-error.js';
import { createRedisConnection, describeRedisTarget } from '../redis/redis-connection.js';
import { RedisConversationStore } from '../redis/redis-conversation-store.js';

/**
 * `vigil teams conversations`: the Teams conversations vigil was added to, with the aliases routes
 * name them by (`alerts.routes[].teams`). Reads Redis only; needs no Teams credentials.
 */
export async function runTeamsConversations(
  env: NodeJS.ProcessEnv = process.env,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const serve = readServeEnv(env);
  const conn = createRedisConnection({
    url: serve.redisUrl,
    prefix: serve.redisPrefix,
    ...(serve.redisTopology ? { topology: serve.redisTopology } : {}),
    lazyConnect: true,
  });
  try {
    try {
      await conn.redis.connect();
    } catch (err) {
      throw new VigilError(
        'redis-unreachable',
        `cannot reach Redis at ${describeRedisTarget(serve.redisUrl, serve.redisTopology)} (${err instanceof Error ? err.message : String(err)}); set REDIS_URL to the Redis vigil serve uses`,
      );
    }
    const rows = await listTeamsConversations(new RedisConversationStore(conn.redis, serve.redisPrefix));
    out.write(formatTeamsConversations(rows).replace(/\n?$/, '\n'));
    return 0;
  } finally {
    await conn.close();
  }
}
