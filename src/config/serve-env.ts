import { ConfigError, type ConfigProblem } from '../domain/config-error.js';
import { readRedisEnv, type RedisEnv } from './redis-env.js';

/**
 * What `vigil serve` reads from the environment besides the chat secrets. The Redis part
 * (REDIS_URL, REDIS_MODE, VIGIL_REDIS_PREFIX, ...) is src/config/redis-env.ts.
 */
export interface ServeEnv extends RedisEnv {
  port: number;
  host: string;
  /**
   * `VIGIL_HEARTBEAT_URL` (and `VIGIL_HEARTBEAT_METHOD`, GET by default): called after every
   * healthy housekeeping cycle (jobs/housekeeping/), so a dead-man's switch elsewhere (healthchecks.io,
   * a heartbeat monitor) notices when every vigil process is dead. Its query may carry a key: never log it.
   */
  heartbeat?: { url: string; method: 'GET' | 'POST' };
}

export function readServeEnv(env: NodeJS.ProcessEnv = process.env): Readonly<ServeEnv> {
  const problems: ConfigProblem[] = [];
  const redis = readRedisEnv(env, problems);
  const rawPort = env['PORT']?.trim() || '3000';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push({
      key: 'PORT',
      message: `must be a port number from 0 to 65535 (got "${rawPort.slice(0, 20)}")`,
    });
  }
  const host = env['HOST']?.trim() || '0.0.0.0';
  const heartbeat = readHeartbeat(env, problems);
  if (problems.length > 0) throw new ConfigError('environment', problems);
  return Object.freeze({ ...redis, port, host, ...(heartbeat ? { heartbeat } : {}) });
}

function readHeartbeat(env: NodeJS.ProcessEnv, problems: ConfigProblem[]): ServeEnv['heartbeat'] {
  const url = env['VIGIL_HEARTBEAT_URL']?.trim();
  const method = (env['VIGIL_HEARTBEAT_METHOD']?.trim() || 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'POST') {
    problems.push({ key: 'VIGIL_HEARTBEAT_METHOD', message: 'must be GET or POST' });
  }
  if (!url) return undefined;
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {
    // The value is not repeated: it may carry a key.
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    problems.push({
      key: 'VIGIL_HEARTBEAT_URL',
      message: 'must be an http:// or https:// URL, e.g. https://hc-ping.com/<uuid>',
    });
    return undefined;
  }
  return { url, method: method === 'POST' ? 'POST' : 'GET' };
}
