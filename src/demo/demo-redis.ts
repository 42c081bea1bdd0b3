import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRedisEnv, type RedisTopology } from '../config/redis-env.js';
import { ConfigError, type ConfigProblem } from '../domain/config-error.js';
import { VigilError } from '../domain/vigil-error.js';
import { createRedisConnection, describeRedisTarget, masterNodes } from '../redis/redis-connection.js';
import { answersPing, freeLoopbackPort } from '../system/loopback-redis.js';
import { resolveSystemBinary, SystemBinaryMissingError } from '../system/resolve-system-binary.js';

export interface DemoRedis {
  url: string;
  /** REDIS_MODE and its settings, with REDIS_URL; standalone for the demo's own server. */
  topology?: RedisTopology;
  /** Key prefix of this run: a fresh one on a shared REDIS_URL, so two demos never mix. */
  prefix: string;
  /** What to print: "redis-server on 127.0.0.1:PORT (temporary)" or the REDIS_URL host. */
  description: string;
  stop(): Promise<void>;
}

/**
 * The demo's Redis. With REDIS_URL, that one, under a prefix of its own whose keys are deleted at
 * stop. Otherwise a private redis-server on a free loopback port, persisting nothing (`--save ''
 * --appendonly no`), its directory a temp dir removed at stop. It runs in its own process group so
 * the terminal's Ctrl-C reaches only vigil, which stops it last, after the workers that use it.
 */
export async function startDemoRedis(env: NodeJS.ProcessEnv = process.env): Promise<DemoRedis> {
  const external = env['REDIS_URL']?.trim();
  const run = `vigil-demo-${process.pid}-${Date.now().toString(36)}`;
  if (external) {
    const problems: ConfigProblem[] = [];
    const { redisTopology: topology } = readRedisEnv({ ...env, VIGIL_REDIS_PREFIX: undefined }, problems);
    if (problems.length > 0) throw new ConfigError('environment', problems);
    // On a Redis Cluster every key of the run must hash to one slot (src/config/redis-env.ts).
    const prefix = topology?.mode === 'cluster' ? `{${run}}` : run;
    return {
      url: external,
      ...(topology ? { topology } : {}),
      prefix,
      description: `${describeRedisTarget(external, topology)} (REDIS_URL; keys under ${prefix}: are deleted at exit)`,
      stop: () => deleteKeys(external, prefix, topology),
    };
  }
  const prefix = run;
  const binary = await redisServerBinary(env);
  const port = await freeLoopbackPort();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-demo-redis-'));
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore', detached: true },
  );
  // A crash of the demo (not SIGKILL) must not leave the server behind: 'exit' handlers run synchronously.
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    await kill(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const failed = failedToStart(child, binary);
  // Also rejects when the server exits normally at stop(), long after the race is decided.
  failed.catch(() => undefined);
  try {
    await Promise.race([waitForPing(port, 10_000), failed]);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    prefix,
    description: `${binary} on 127.0.0.1:${port} (temporary)`,
    stop,
  };
}

/**
 * redis-server as the tests find it (src/system/resolve-system-binary.ts: VIGIL_REDIS_SERVER, PATH,
 * or the Debian package unpacked once into the project's cache); when it cannot be had, the error
 * also offers REDIS_URL.
 */
async function redisServerBinary(env: NodeJS.ProcessEnv): Promise<string> {
  try {
    return (await resolveSystemBinary('redis-server', { env })).path;
  } catch (err) {
    if (!(err instanceof SystemBinaryMissingError)) throw err;
    throw new VigilError(
      'redis-server-missing',
      `the demo starts its own Redis, but ${err.message}; or set REDIS_URL to a Redis the demo may write to`,
      { cause: err },
    );
  }
}

function failedToStart(child: ChildProcess, binary: string): Promise<never> {
  return new Promise((_, reject) => {
    child.once('error', (err) =>
      reject(new VigilError('redis-server-failed', `cannot start ${binary}: ${err.message}`, { cause: err })),
    );
    child.once('exit', (code) =>
      reject(new VigilError('redis-server-failed', `${binary} exited at start (code ${String(code)})`)),
    );
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  if (await answersPing(port, timeoutMs)) return;
  throw new VigilError(
    'redis-server-failed',
    `redis-server on 127.0.0.1:${port} did not answer within ${timeoutMs} ms`,
  );
}

/**
 * Deletes this run's keys from a shared Redis (SCAN, never KEYS, so a big Redis is not blocked). A
 * Redis Cluster's SCAN walks one node: every master is scanned, though the run's hash tag puts all
 * its keys on one of them.
 */
async function deleteKeys(url: string, prefix: string, topology: RedisTopology | undefined): Promise<void> {
  const conn = createRedisConnection({
    url,
    prefix,
    ...(topology ? { topology } : {}),
    name: 'vigil-demo-cleanup',
    onError: () => undefined,
  });
  try {
    const redis = conn.redis;
    // A cluster client knows its nodes once connected; the PING connects it.
    await redis.ping();
    for (const node of masterNodes(redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        // One UNLINK per key: keys of several slots in one command would be refused by a cluster.
        for (const key of keys) await node.unlink(key);
      } while (cursor !== '0');
    }
  } finally {
    await conn.close();
  }
}
