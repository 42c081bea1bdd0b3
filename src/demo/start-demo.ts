import { createServer } from 'node:net';
import { createApp, type App } from '../app.js';
import type { WebCard } from '../chat/web/index.js';
import { demoCheckSeconds, demoInterval, demoServeSections, type DemoCheck } from './demo-config.js';
import { demoMoves, playMoves, type DemoMove } from './demo-moves.js';
import { startDemoRedis } from './demo-redis.js';
import { startDemoClusters } from './start-demo-clusters.js';

export const defaultDemoPort = 4280;

export interface DemoOptions {
  /** Web chat port; 0 picks a free one. Default 4280, or a free one when that is taken. */
  port?: number;
  /** Whether `port` was asked for (--port, VIGIL_DEMO_PORT): then a taken port is an error. */
  portExplicit?: boolean;
  host?: string;
  /** How much faster than the demo's normal pace the story and the checks run (tests use 10). */
  speed?: number;
  onMessage?: (card: WebCard) => void;
  onMove?: (move: DemoMove) => void;
  env?: NodeJS.ProcessEnv;
}

export interface Demo {
  url: string;
  app: App;
  /** The story, with the seconds from start at which each step happens at this speed. */
  moves: (DemoMove & { atMs: number })[];
  /** Seconds between runs of each check at this speed. */
  intervals: Record<DemoCheck, number>;
  redis: string;
  stop(): Promise<void>;
}

/**
 * The live demo's composition: its own Redis, the two simulated clusters, and the whole bot
 * (`createApp`, as `vigil serve` builds it) with the web chat as its only chat platform, on embedded
 * config at a faster pace. Then the story plays (demo-moves.ts). stop() undoes all of it, in reverse.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const speed = options.speed ?? 1;
  const host = options.host ?? '127.0.0.1';
  // X.509 keeps whole seconds; minting at a whole second keeps "5 days left" from reading 4.
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const [redis, clusters] = await Promise.all([
      startDemoRedis(options.env),
      startDemoClusters(now, { config: demoServeSections(speed), mintAheadMs: 15 * 60_000 }),
    ]);
    stops.push(redis.stop, clusters.stop);
    const port = await choosePort(options.port ?? defaultDemoPort, options.portExplicit ?? false, host);
    const app = createApp({
      config: clusters.config,
      serve: {
        redisUrl: redis.url,
        redisPrefix: redis.prefix,
        ...(redis.topology ? { redisTopology: redis.topology } : {}),
        port,
        host,
      },
      platforms: {
        web: {
          title: 'vigil demo · web chat',
          quickCommands: ['alerts', 'certs prod', 'sts prod', 'registries prod', 'clusters', 'help'],
          ...(options.onMessage ? { onMessage: options.onMessage } : {}),
        },
      },
    });
    stops.push(() => app.stop());
    const bound = await app.start();
    const moves = demoMoves(clusters);
    const playing = playMoves(moves, speed, options.onMove);
    stops.push(async () => playing.stop());
    const intervals = Object.fromEntries(
      Object.entries(demoCheckSeconds).map(([check, s]) => [check, demoInterval(s, speed)]),
    ) as Record<DemoCheck, number>;
    return {
      url: `http://${host.includes(':') ? `[${host}]` : host}:${bound.port}/`,
      app,
      moves: moves.map((m) => ({ ...m, atMs: (m.atSeconds * 1000) / speed })),
      intervals,
      redis: redis.description,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The asked-for port if free; the default port, or any free one when the default is taken. */
async function choosePort(port: number, explicit: boolean, host: string): Promise<number> {
  if (port === 0 || explicit) return port;
  const free = await new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
  return free ? port : 0;
}
