import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closableServer, type ClosableServer } from '../../runtime/closable-server.js';
import { App, HTTPReceiver, HTTPReceiverDeferredRequestError, type CustomRoute } from '@slack/bolt';
import type { SlackEnv } from '../../config/slack-env.js';
import { logger } from '../../logger.js';
import { registerSlackListeners, type SlackInboundHandlers } from './register-slack-listeners.js';
import { checkRequestTimestamp, declaredBodyTooLarge } from './slack-request-guard.js';
import { slackLogger } from './slack-logger.js';

/** An extra HTTP route served on the same port (Teams `/api/messages`, `/metrics`). */
export interface HttpRoute {
  method: string | string[];
  /** Exact path, or a path-to-regexp pattern such as `/things/:id`. */
  path: string;
  handler(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

export type ReadinessResult = boolean | { ready: boolean; detail?: string };

export interface SlackServerOptions extends SlackInboundHandlers {
  env: Pick<SlackEnv, 'botToken' | 'signingSecret' | 'apiUrl'>;
  /** Answers GET /readyz: Redis reachable, queues started, and so on. */
  readiness(): ReadinessResult | Promise<ReadinessResult>;
  /** Extra routes on the same port. `/slack/events`, `/healthz` and `/readyz` are taken. */
  routes?: HttpRoute[];
  /** Slash command name as registered in the app manifest. */
  commandName?: string;
  /** Largest accepted /slack/events body; Slack's payloads are a few KiB. */
  bodyLimitBytes?: number;
  /** When a command's answer must be ready to ride on the ack (Slack's limit is 3 s, minus the network). */
  ackDeadlineMs?: number;
  /** Timeout for posting to a response_url. */
  respondTimeoutMs?: number;
  /** Clock in ms for the timestamp window (tests move it). */
  now?: () => number;
}

export type SlackServer = ClosableServer;

export const slackEventsPath = '/slack/events';
export const defaultBodyLimitBytes = 64 * 1024;
const reservedPaths = new Set([slackEventsPath, '/healthz', '/readyz']);

const log = logger.child({ component: 'slack-server' });

/**
 * The HTTP front door: Bolt's HTTPReceiver serves `POST /slack/events` (slash commands and
 * interactivity, signature-verified by Bolt) and the custom routes; a thin node:http server in
 * front of it adds what Bolt lacks: rejecting future timestamps, and refusing an oversized body
 * from its Content-Length before reading it (Bolt's own `bodyLimit` catches chunked bodies). The
 * HTTPReceiver is used rather than ExpressReceiver because it needs no extra dependency and its
 * `requestListener` can be wrapped; the receiver's own start() is never called.
 */
export function createSlackServer(options: SlackServerOptions): SlackServer {
  const taken = (options.routes ?? []).filter((r) => reservedPaths.has(r.path));
  if (taken.length > 0)
    throw new Error(
      `routes may not take ${taken.map((r) => r.path).join(', ')}: the Slack server serves them`,
    );
  const bodyLimit = options.bodyLimitBytes ?? defaultBodyLimitBytes;
  const now = options.now ?? Date.now;
  const receiver = new HTTPReceiver({
    signingSecret: options.env.signingSecret,
    endpoints: slackEventsPath,
    customRoutes: [...healthRoutes(options.readiness), ...(options.routes ?? []).map(toCustomRoute)],
    bodyLimit,
    logger: slackLogger(undefined, 'slack-receiver'),
  });
  const app = new App({
    receiver,
    // A fixed authorize skips Bolt's auth.test at construction (a bad token would otherwise be an
    // unhandled rejection); the composition root checks the token with SlackPlatform.checkAuth().
    authorize: async () => ({ botToken: options.env.botToken }),
    clientOptions: {
      slackApiUrl: options.env.apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    },
    logger: slackLogger(undefined, 'slack-app'),
  });
  app.error(async (error) => {
    log.error({ err: error }, 'Bolt reported an error');
  });
  registerSlackListeners(app, {
    onCommand: options.onCommand,
    onAction: options.onAction,
    ...(options.resolveUserGroups ? { resolveUserGroups: options.resolveUserGroups } : {}),
    commandName: options.commandName ?? '/k8s',
    ackDeadlineMs: options.ackDeadlineMs ?? 2500,
    respond: {
      slackApiUrl: options.env.apiUrl,
      ...(options.respondTimeoutMs ? { timeoutMs: options.respondTimeoutMs } : {}),
    },
  });

  const server = createServer({ requestTimeout: 15_000, headersTimeout: 10_000 }, (req, res) => {
    if (req.method === 'POST' && pathOf(req) === slackEventsPath && !guard(req, res, bodyLimit, now()))
      return;
    try {
      receiver.requestListener(req, res);
    } catch (error) {
      const unmatched = error instanceof HTTPReceiverDeferredRequestError;
      if (!unmatched) log.error({ err: error }, 'request failed');
      if (!res.headersSent) res.writeHead(unmatched ? 404 : 500);
      res.end();
    }
  });
  return closableServer(server);
}

/** Returns false (after answering) when the request must not reach Bolt. Headers are never logged. */
function guard(req: IncomingMessage, res: ServerResponse, bodyLimit: number, nowMs: number): boolean {
  if (declaredBodyTooLarge(req.headers['content-length'], bodyLimit)) {
    log.warn({ limit: bodyLimit }, 'rejected a Slack request body over the size limit');
    res.writeHead(413, { connection: 'close' });
    res.end();
    return false;
  }
  const verdict = checkRequestTimestamp(req.headers['x-slack-request-timestamp'], nowMs);
  // A missing timestamp goes on: Bolt answers Slack's unsigned ssl_check and rejects everything else.
  if (verdict === 'ok' || verdict === 'missing') return true;
  log.warn({ verdict }, 'rejected a Slack request outside the 5-minute timestamp window');
  res.writeHead(401, { connection: 'close' });
  res.end();
  return false;
}

function healthRoutes(readiness: SlackServerOptions['readiness']): CustomRoute[] {
  return [
    {
      path: '/healthz',
      method: 'GET',
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok\n');
      },
    },
    toCustomRoute({
      path: '/readyz',
      method: 'GET',
      handler: async (_req, res) => {
        const result = await readiness();
        const ready = typeof result === 'boolean' ? result : result.ready;
        const detail = typeof result === 'boolean' ? undefined : result.detail;
        res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' });
        res.end(`${ready ? 'ready' : 'not ready'}${detail ? `: ${detail}` : ''}\n`);
      },
    }),
  ];
}

/** Bolt calls route handlers synchronously; an async one that rejects must still answer 500. */
function toCustomRoute(route: HttpRoute): CustomRoute {
  return {
    path: route.path,
    method: route.method,
    handler: (req, res) => {
      Promise.resolve()
        .then(() => route.handler(req, res))
        .catch((error: unknown) => {
          log.error({ err: error, path: route.path }, 'route handler failed');
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
    },
  };
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://localhost').pathname;
}
