import { ConfigError, type ConfigProblem } from '../domain/config-error.js';

/** What `vigil serve` reads from the environment besides the chat secrets. */
export interface ServeEnv {
  redisUrl: string;
  /** Key prefix for every Redis key and BullMQ queue, so several installs can share one Redis. */
  redisPrefix: string;
  port: number;
  host: string;
}

export function readServeEnv(env: NodeJS.ProcessEnv = process.env): Readonly<ServeEnv> {
  const problems: ConfigProblem[] = [];
  const redisUrl = env['REDIS_URL']?.trim() || 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\//.test(redisUrl)) {
    problems.push({
      key: 'REDIS_URL',
      message: 'must start with redis:// or rediss://, e.g. redis://redis:6379',
    });
  }
  const redisPrefix = env['VIGIL_REDIS_PREFIX']?.trim() || 'vigil';
  const rawPort = env['PORT']?.trim() || '3000';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push({
      key: 'PORT',
      message: `must be a port number from 0 to 65535 (got "${rawPort.slice(0, 20)}")`,
    });
  }
  const host = env['HOST']?.trim() || '0.0.0.0';
  if (problems.length > 0) throw new ConfigError('environment', problems);
  return Object.freeze({ redisUrl, redisPrefix, port, host });
}
