import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closableServer, type ClosableServer } from '../runtime/closable-server.js';
import { logger } from '../logger.js';

/** A route on vigil's HTTP port; the same shape the Slack server takes (src/chat/slack). */
export interface Route {
  method: string | string[];
  path: string;
  handler(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

export type Readiness = () =>
  { ready: boolean; detail?: string } | Promise<{ ready: boolean; detail?: string }>;

export type HttpServer = ClosableServer;

const log = logger.child({ component: 'http' });

/**
 * The HTTP front door when Slack is not configured (a Teams-only install): `/healthz`, `/readyz`
 * and the given routes, nothing else. With Slack, Bolt's receiver serves the same routes instead.
 */
export function createHttpServer(routes: Route[], readiness: Readiness): HttpServer {
  const all: Route[] = [
    {
      method: 'GET',
      path: '/healthz',
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok\n');
      },
    },
    {
      method: 'GET',
      path: '/readyz',
      handler: async (_req, res) => {
        const r = await readiness();
        res.writeHead(r.ready ? 200 : 503, { 'content-type': 'text/plain' });
        res.end(`${r.ready ? 'ready' : 'not ready'}${r.detail ? `: ${r.detail}` : ''}\n`);
      },
    },
    ...routes,
  ];
  const server = createServer({ requestTimeout: 15_000, headersTimeout: 10_000 }, (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = all.find((r) => r.path === path && [r.method].flat().includes(req.method ?? 'GET'));
    if (!route) {
      res.writeHead(404);
      res.end();
      return;
    }
    Promise.resolve()
      .then(() => route.handler(req, res))
      .catch((err: unknown) => {
        log.error({ err, path }, 'route handler failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  return closableServer(server);
}
