import { createServer, type Socket } from 'node:net';
import { listenOnLoopback } from '../../../src/simulator/listen-on-loopback.js';

/**
 * Accepts TCP connections and never says a word: the registry behind a half-dead load balancer.
 * Every probe stage after TCP connect must time out against it, within the probe's own deadline.
 */
export async function startSilentServer(): Promise<{
  port: number;
  registry: string;
  stop(): Promise<void>;
}> {
  const server = createServer((s: Socket) => {
    s.on('error', () => {});
  });
  const { port, close } = await listenOnLoopback(server);
  return { port, registry: `127.0.0.1:${port}`, stop: close };
}

/** A port on 127.0.0.1 with nothing listening: connections are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const { port, close } = await listenOnLoopback(server);
  await close();
  return port;
}
