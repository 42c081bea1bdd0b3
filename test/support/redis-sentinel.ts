import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedisTopology } from '../../src/config/redis-env.js';
import { answersPing, freeLoopbackPort } from '../../src/system/loopback-redis.js';
import { resolveSystemBinary } from '../../src/system/resolve-system-binary.js';

/**
 * A real Redis master watched by one Sentinel on loopback, for one test file: `redis-server` and
 * `redis-server sentinel.conf --sentinel` (the same program; Sentinel rewrites its config file, so it
 * gets one of its own in a temp directory). `stop()` kills both and removes the directory.
 */
export interface RedisSentinel {
  /** REDIS_URL: its host is not used in Sentinel mode, only its scheme (src/config/redis-env.ts). */
  readonly url: string;
  /** REDIS_MODE=sentinel, REDIS_SENTINELS, REDIS_SENTINEL_MASTER=mymaster. */
  readonly topology: RedisTopology;
  readonly masterPort: number;
  stop(): Promise<void>;
}

export async function startRedisSentinel(): Promise<RedisSentinel> {
  const server = (await resolveSystemBinary('redis-server')).path;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-redis-sentinel-'));
  const [masterPort, sentinelPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(kill));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    children.push(
      spawn(
        server,
        [
          '--port',
          String(masterPort),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
        ],
        { stdio: 'ignore' },
      ),
    );
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor mymaster 127.0.0.1 ${masterPort} 1`,
        'sentinel down-after-milliseconds mymaster 2000',
        '',
      ].join('\n'),
    );
    children.push(spawn(server, [conf, '--sentinel'], { stdio: 'ignore' }));
    for (const [what, port] of [
      ['master', masterPort],
      ['sentinel', sentinelPort],
    ] as const) {
      if (!(await answersPing(port, 10_000))) {
        throw new Error(`${what} redis-server on 127.0.0.1:${port} did not answer PING within 10 s`);
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: 'redis://sentinel-mode-ignores-this-host:6379',
    topology: {
      mode: 'sentinel',
      sentinels: [{ host: '127.0.0.1', port: sentinelPort }],
      masterName: 'mymaster',
    },
    masterPort,
    stop,
  };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
