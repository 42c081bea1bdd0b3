import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../../../src/simulator/listen-on-loopback.js';

export interface ServedRoute {
  /** e.g. `http://127.0.0.1:41234/api/messages`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves one HTTP route on loopback the way the shared server mounts it (exact path and method,
 * 404 otherwise, 500 if the handler throws), so the Teams route is tested without the Slack server.
 */
export async function serveRoute(route: {
  method: string;
  path: string;
  handler(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}): Promise<ServedRoute> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== route.path || req.method !== route.method) {
      res.writeHead(404);
      res.end();
      return;
    }
    Promise.resolve()
      .then(() => route.handler(req, res))
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(error));
      });
  });
  const listening = await listenOnLoopback(server);
  return { url: `http://127.0.0.1:${listening.port}${route.path}`, close: listening.close };
}
