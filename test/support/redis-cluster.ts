import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RedisTopology } from '../../src/config/redis-env.js';
import { answersPing, freeLoopbackPort } from '../../src/system/loopback-redis.js';
import { resolveSystemBinary } from '../../src/system/resolve-system-binary.js';

const run = promisify(execFile);

/**
 * A real Redis Cluster of three masters and no replicas on loopback, for one test file (ARCHITECTURE.md
 * house rule 10): three `redis-server --cluster-enabled yes`, each with its own port, bus port and
 * directory, joined by `redis-cli --cluster create`, which assigns the 16384 slots and waits for the
 * nodes to agree. Nothing persisted; `stop()` kills them and removes their directories.
 *
 * The programs come from src/system/resolve-system-binary.ts, like test/support/redis-server.ts.
 */
export interface RedisCluster {
  /** The client ports of the three masters. */
  readonly ports: readonly number[];
  /** REDIS_URL: one seed node (the client learns the others from CLUSTER SLOTS). */
  readonly url: string;
  /** REDIS_MODE=cluster with the other two masters as extra seeds (REDIS_CLUSTER_NODES). */
  readonly topology: RedisTopology;
  /** Runs redis-cli against one node (`-c` follows redirections); returns its stdout. */
  cli(args: readonly string[], port?: number): Promise<string>;
  stop(): Promise<void>;
}

export async function startRedisCluster(): Promise<RedisCluster> {
  const [server, cli] = await Promise.all([
    resolveSystemBinary('redis-server'),
    resolveSystemBinary('redis-cli'),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-redis-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(children.map(kill));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3; i++) {
      // Each node also listens on a cluster bus port; by default port + 10000, which may not exist.
      const port = await freeLoopbackPort();
      const busPort = await freeLoopbackPort();
      const nodeDir = join(dir, `node-${i}`);
      mkdirSync(nodeDir);
      const child = spawn(
        server.path,
        [
          '--port',
          String(port),
          '--cluster-port',
          String(busPort),
          '--bind',
          '127.0.0.1',
          '--dir',
          nodeDir,
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '2000',
          '--save',
          '',
          '--appendonly',
          'no',
          '--maxmemory-policy',
          'noeviction',
        ],
        { stdio: 'ignore' },
      );
      children.push(child);
      ports.push(port);
    }
    for (const port of ports) {
      if (!(await answersPing(port, 10_000))) {
        throw new Error(`cluster node redis-server on 127.0.0.1:${port} did not answer PING within 10 s`);
      }
    }
    await run(
      cli.path,
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: 30_000 },
    );
    // `--cluster create` returns once the configuration is consistent; every node must also say ok.
    const deadline = Date.now() + 10_000;
    for (const port of ports) {
      for (;;) {
        const { stdout } = await run(cli.path, ['-p', String(port), 'CLUSTER', 'INFO'], { timeout: 5_000 });
        if (/cluster_state:ok/.test(stdout)) break;
        if (Date.now() > deadline) throw new Error(`cluster node 127.0.0.1:${port} is not ok: ${stdout}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const [seed, ...others] = ports as [number, ...number[]];
  return {
    ports,
    url: `redis://127.0.0.1:${seed}`,
    topology: { mode: 'cluster', nodes: others.map((port) => ({ host: '127.0.0.1', port })) },
    async cli(args, port = seed) {
      const { stdout } = await run(cli.path, ['-c', '-p', String(port), ...args], { timeout: 5_000 });
      return stdout;
    },
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
