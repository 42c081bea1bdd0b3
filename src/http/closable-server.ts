import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ClosableServer {
  /** Listens on `port` (0 picks a free one) and resolves with the port actually bound. */
  start(port?: number, host?: string): Promise<{ port: number }>;
  /** Stops accepting, closes open connections (keep-alive ones too), resolves when closed. */
  stop(): Promise<void>;
}

/**
 * start/stop for vigil's HTTP server. stop() destroys open sockets: server.close() alone waits for
 * keep-alive connections (Slack and the Bot Framework keep them), which would stall a rolling update.
 */
export function closableServer(server: Server): ClosableServer {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    start: (port = 3000, host = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve({ port: (server.address() as AddressInfo).port });
        });
      }),
    stop: () =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
