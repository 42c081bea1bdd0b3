import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { logger } from '../logger.js';
import { closableServer, type ClosableServer } from './closable-server.js';
import { declaredBodyTooLarge } from './declared-body-too-large.js';
import { healthRoutes, type Readiness } from './health-routes.js';
import type { HttpRoute } from './http-route.js';

export interface HttpServerOptions {
  /** Every route besides `/healthz` and `/readyz`: the chat platforms' inbound routes, `/metrics`. */
  routes: readonly HttpRoute[];
  /** Answers GET /readyz. */
  readiness: Readiness;
  /** Body limit of routes that declare none; chat payloads are a few KiB. */
  defaultBodyLimitBytes?: number;
  /** A request (headers and body) must arrive within this; a slow client cannot hold a socket. */
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  /**
   * How often Node looks for requests past those timeouts. Its own default, 30 s, would let a slow
   * body hold a socket for up to 45 s instead of 15; 2 s by default here, tests shorten it.
   */
  connectionsCheckingIntervalMs?: number;
}

/** A route as the server serves it: its method, path and effective body limit. */
export interface ServedRoute {
  method: string;
  path: string;
  bodyLimitBytes: number;
}

export interface HttpServer extends ClosableServer {
  /** Every route on the port, `/healthz` and `/readyz` included: what a sweep over the surface walks. */
  readonly routes: readonly ServedRoute[];
}

export const defaultHttpBodyLimitBytes = 1024 * 1024;

const log = logger.child({ component: 'http' });

/**
 * vigil's one HTTP server: `/healthz`, `/readyz` and the given routes on one port, whichever chat
 * platforms run. Anything else is 404 (a known path asked with another method too, as before);
 * a handler that throws or rejects is logged and answered 500, and a stream error of a request or
 * response is logged, so no handler can end the process. Two routes on the same method and
 * path are a wiring mistake and refused here, at start-up.
 */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const all = [...healthRoutes(options.readiness), ...options.routes];
  const byKey = new Map<string, HttpRoute>();
  for (const route of all) {
    const key = `${route.method.toUpperCase()} ${route.path}`;
    if (byKey.has(key)) throw new Error(`two HTTP routes for ${key}: each method and path is served once`);
    byKey.set(key, route);
  }
  const defaultLimit = options.defaultBodyLimitBytes ?? defaultHttpBodyLimitBytes;
  const server = createServer(
    {
      requestTimeout: options.requestTimeoutMs ?? 15_000,
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      connectionsCheckingInterval: options.connectionsCheckingIntervalMs ?? 2_000,
    },
    (req, res) => {
      const path = pathOf(req);
      const route = byKey.get(`${(req.method ?? 'GET').toUpperCase()} ${path}`);
      if (!route) {
        res.writeHead(404);
        res.end();
        return;
      }
      const limit = route.bodyLimitBytes ?? defaultLimit;
      if (declaredBodyTooLarge(req.headers['content-length'], limit)) {
        log.warn({ path, limit }, 'rejected a request body over the size limit');
        // The body is not read, so the connection cannot be reused.
        res.writeHead(413, { connection: 'close' });
        res.end();
        return;
      }
      serve(route, req, res, path);
    },
  );
  const routes = all.map((r) => ({
    method: r.method.toUpperCase(),
    path: r.path,
    bodyLimitBytes: r.bodyLimitBytes ?? defaultLimit,
  }));
  return { ...closableServer(server), routes };
}

function serve(route: HttpRoute, req: IncomingMessage, res: ServerResponse, path: string): void {
  // A stream 'error' without a listener is thrown as an uncaught exception, which ends the process:
  // a handler writing after end(), or destroying the request with an error, must cost one request.
  req.on('error', (error) => log.warn({ err: { message: error.message }, path }, 'request stream failed'));
  res.on('error', (error) => log.warn({ err: { message: error.message }, path }, 'response stream failed'));
  Promise.resolve()
    .then(() => route.handler(req, res))
    .catch((error: unknown) => {
      log.error({ err: error, path }, 'route handler failed');
      try {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      } catch {
        // The response is past saving (its socket is gone); the request is lost, the server is not.
        res.destroy();
      }
    });
}

/**
 * The request's path, only when the target is one already: a plain `/path` (and a query). URL
 * parsing would resolve `/slack/events/%2e%2e/metrics`, `/a\..\metrics` or `//host/metrics` to
 * `/metrics`, so a proxy in front that lets only `/slack/events` through could be walked past; such a
 * target, an absolute-form one, or one that does not parse matches no route (404).
 */
function pathOf(req: IncomingMessage): string {
  const target = req.url ?? '/';
  const raw = target.split('?', 1)[0] ?? '';
  if (!raw.startsWith('/') || raw.startsWith('//')) return '';
  try {
    const path = new URL(target, 'http://localhost').pathname;
    return path === raw ? path : '';
  } catch {
    return '';
  }
}
