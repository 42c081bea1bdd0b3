import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answersPing, freeLoopbackPort } from '../../src/system/loopback-redis.js';
import { resolveSystemBinary } from '../../src/system/resolve-system-binary.js';

/**
 * A real redis-server for one test file (ARCHITECTURE.md house rule 10): its own port and directory, no persistence
 * unless asked, `noeviction` as BullMQ requires. `restart()` keeps the port so clients can reconnect,
 * which is what the "Redis restarted" fault tests need; `stop()` removes everything.
 *
 * The program comes from src/system/resolve-system-binary.ts (VIGIL_REDIS_SERVER, PATH, or the
 * Debian package the project unpacks itself). With REDIS_URL set, that server is used instead and
 * nothing is spawned: tests keep apart by key prefix (test/support/queue-harness.ts), and stop()
 * leaves its data alone.
 */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops the server abruptly (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same port: empty, or with every acknowledged write if `persist`. */
  start(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  if (await answersPing(port, timeoutMs)) return;
  throw new Error(`redis-server on 127.0.0.1:${port} did not answer PING within ${timeoutMs} ms`);
}

export interface RedisServerOptions {
  /**
   * Append-only file fsynced on every write, kept in the server's directory across kill/start: a
   * Redis that restarts with all its data, as a production Redis with AOF (or a replica) would.
   */
  persist?: boolean;
  /** A server of its own even when REDIS_URL names a shared one (the test restarts it empty). */
  own?: boolean;
}

/** The server REDIS_URL names, which this process did not start and must not stop. */
function externalRedis(url: string): RedisServer {
  const refuse = async () => {
    throw new Error(
      `REDIS_URL=${new URL(url).host} is not a server this test started; it cannot kill or restart it`,
    );
  };
  return {
    port: Number(new URL(url).port || 6379),
    url,
    kill: refuse,
    start: refuse,
    restart: refuse,
    async stop() {},
  };
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  // A test that persists is a test that crashes its server: it needs one of its own, never a shared one.
  const external = process.env.REDIS_URL;
  if (external && !options.persist && !options.own) return externalRedis(external);
  const redisServer = (await resolveSystemBinary('redis-server')).path;
  const port = await freeLoopbackPort();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-redis-'));
  let child: ChildProcess | undefined;

  const start = async () => {
    const proc = spawn(
      redisServer,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        ...(options.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    child = proc;
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', (err) => reject(new Error(`cannot start ${redisServer}: ${err.message}`)));
    });
    await Promise.race([waitForPing(port, 10_000), failed]);
  };

  const kill = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    async restart() {
      await kill();
      await start();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
