import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, HTTPReceiverDeferredRequestError } from '@slack/bolt';
import type { HttpRoute } from '../../http/http-route.js';
import { logger } from '../../logger.js';
import { registerSlackListeners, type SlackInboundHandlers } from './register-slack-listeners.js';
import type { SlackEnv } from './slack-env.js';
import { slackLogger } from './slack-logger.js';
import { checkRequestTimestamp } from './slack-request-guard.js';

export interface SlackRouteOptions extends SlackInboundHandlers {
  env: Pick<SlackEnv, 'botToken' | 'signingSecret' | 'apiUrl'>;
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

export const slackEventsPath = '/slack/events';
export const defaultBodyLimitBytes = 64 * 1024;

const log = logger.child({ component: 'slack-server' });

/**
 * `POST /slack/events` (slash commands and interactivity) for vigil's HTTP server (src/http). Bolt
 * keeps what it is good at: an App with its HTTPReceiver verifies the signature, acks within 3 s and
 * runs the listeners. Only the receiver's `requestListener` is used (its start() never is), mounted
 * as this route's handler; Bolt 5's listener answers a POST to its endpoint itself, asynchronously,
 * and throws HTTPReceiverDeferredRequestError for anything else. In front of it this route adds what
 * Bolt lacks: rejecting future timestamps. The server refuses an oversized Content-Length before
 * the handler runs (`bodyLimitBytes`); Bolt's own `bodyLimit` catches chunked bodies while reading.
 */
export function createSlackRoute(options: SlackRouteOptions): HttpRoute {
  const bodyLimit = options.bodyLimitBytes ?? defaultBodyLimitBytes;
  const now = options.now ?? Date.now;
  const receiver = new HTTPReceiver({
    signingSecret: options.env.signingSecret,
    endpoints: slackEventsPath,
    bodyLimit,
    logger: slackLogger(undefined, 'slack-receiver'),
  });
  const app = new App({
    receiver,
    // A fixed authorize skips Bolt's auth.test at construction (a bad token would otherwise be an
    // unhandled rejection); the Slack module checks the token with SlackPlatform.checkAuth().
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

  return {
    method: 'POST',
    path: slackEventsPath,
    bodyLimitBytes: bodyLimit,
    handler(req, res) {
      if (!timestampInWindow(req, res, now())) return;
      try {
        receiver.requestListener(req, res);
      } catch (error) {
        // Only a request Bolt does not route throws; this route sends it only Bolt's own endpoint.
        const unmatched = error instanceof HTTPReceiverDeferredRequestError;
        if (!unmatched) log.error({ err: error }, 'request failed');
        if (!res.headersSent) res.writeHead(unmatched ? 404 : 500);
        res.end();
      }
    },
  };
}

/** Returns false (after answering 401) when the request must not reach Bolt. Headers are never logged. */
function timestampInWindow(req: IncomingMessage, res: ServerResponse, nowMs: number): boolean {
  const verdict = checkRequestTimestamp(req.headers['x-slack-request-timestamp'], nowMs);
  // A missing timestamp goes on: Bolt answers Slack's unsigned ssl_check and rejects everything else.
  if (verdict === 'ok' || verdict === 'missing') return true;
  log.warn({ verdict }, 'rejected a Slack request outside the 5-minute timestamp window');
  res.writeHead(401, { connection: 'close' });
  res.end();
  return false;
}
