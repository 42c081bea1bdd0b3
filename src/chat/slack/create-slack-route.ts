import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  App,
  HTTPReceiver,
  HTTPReceiverDeferredRequestError,
  isValidSlackRequest,
  type BufferedIncomingMessage,
} from '@slack/bolt';
import { BodyTooLargeError, readBody } from '../../http/read-body.js';
import type { HttpRoute } from '../../http/http-route.js';
import { logger } from '../../logger.js';
import { withinTime } from '../../runtime/within-time.js';
import type { ReplayGuard } from '../replay-guard.js';
import {
  arrivedAtProperty,
  registerSlackListeners,
  type SlackInboundHandlers,
} from './register-slack-listeners.js';
import type { SlackEnv } from './slack-env.js';
import { parseSlackBody, slackListenerProblem, slackRequestOrigin } from './slack-inbound-body.js';
import { slackLogger } from './slack-logger.js';
import { checkRequestTimestamp, timestampToleranceSeconds } from './slack-request-guard.js';
import { foreignOrigin, loggableSlackId, type SlackWorkspace } from './slack-workspace.js';

export interface SlackRouteOptions extends SlackInboundHandlers {
  env: Pick<SlackEnv, 'botToken' | 'signingSecret' | 'apiUrl'>;
  /**
   * The installed workspace (auth.test at start-up, SLACK_APP_ID); undefined until it is known, and
   * then every request that would run a listener is refused (503).
   */
  workspace(): SlackWorkspace | undefined;
  /** Remembers signed requests already handled, so a replayed one is not acted on twice. */
  replayGuard: ReplayGuard;
  /** Slash command name as registered in the app manifest. */
  commandName?: string;
  /** Largest accepted /slack/events body; Slack's payloads are a few KiB. */
  bodyLimitBytes?: number;
  /** When a command's answer must be ready to ride on the ack (Slack's limit is 3 s, minus the network). */
  ackDeadlineMs?: number;
  /** Timeout for posting to a response_url. */
  respondTimeoutMs?: number;
  /** How long the replay check may take before the request goes on unchecked (Redis slow or away). */
  replayCheckTimeoutMs?: number;
  /** Clock in ms for the timestamp window (tests move it). */
  now?: () => number;
}

export const slackEventsPath = '/slack/events';
export const defaultBodyLimitBytes = 64 * 1024;

/**
 * How long a handled request is remembered: a signed request is accepted while its timestamp is
 * within five minutes of now either way (slack-request-guard.ts), so one sent with a timestamp five
 * minutes ahead stays acceptable for ten.
 */
export const replayWindowSeconds = 2 * timestampToleranceSeconds;

const log = logger.child({ component: 'slack-server' });

/**
 * `POST /slack/events` (slash commands and interactivity) for vigil's HTTP server (src/http). Bolt
 * keeps what it is good at: an App with its HTTPReceiver verifies the signature (again), acks within
 * 3 s and runs the listeners. Only the receiver's `requestListener` is used (its start() never is),
 * mounted as this route's handler; Bolt 5's listener answers a POST to its endpoint itself,
 * asynchronously, outside this handler, so whatever it would throw on must never reach it.
 *
 * In front of Bolt this route adds what Bolt lacks, in order: rejecting future timestamps (401);
 * reading the body within its limit (413); the signature (401); the body's shape (400,
 * slack-inbound-body.ts); the workspace and app it names (403, slack-workspace.ts); and a replay
 * check, so the same signed request is acted on once (a replay is acked and ignored). Bolt then gets
 * the body already read (its documented BufferedIncomingMessage), the very bytes checked here.
 */
export function createSlackRoute(options: SlackRouteOptions): HttpRoute {
  const bodyLimit = options.bodyLimitBytes ?? defaultBodyLimitBytes;
  const now = options.now ?? Date.now;
  const commandName = options.commandName ?? '/k8s';
  const receiver = new HTTPReceiver({
    signingSecret: options.env.signingSecret,
    endpoints: slackEventsPath,
    bodyLimit,
    logger: slackLogger(undefined, 'slack-receiver'),
    // The listeners' 3-second budget counts from arrival, including the checks done here first.
    customPropertiesExtractor: (req) => ({ [arrivedAtProperty]: arrivedAt.get(req) ?? Date.now() }),
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
    commandName,
    ackDeadlineMs: options.ackDeadlineMs ?? 2500,
    respond: {
      slackApiUrl: options.env.apiUrl,
      ...(options.respondTimeoutMs ? { timeoutMs: options.respondTimeoutMs } : {}),
    },
  });
  const replayCheckTimeoutMs = options.replayCheckTimeoutMs ?? 300;
  const arrivedAt = new WeakMap<IncomingMessage, number>();

  /** True when the request may reach Bolt; otherwise it has been answered. */
  async function admit(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const timestamp = req.headers['x-slack-request-timestamp'];
    const verdict = checkRequestTimestamp(timestamp, now());
    // A missing timestamp goes on: Slack's ssl_check is unsigned; anything else fails the signature.
    if (verdict !== 'ok' && verdict !== 'missing') {
      log.warn({ verdict }, 'rejected a Slack request outside the 5-minute timestamp window');
      return refuse(res, 401);
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, bodyLimit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        log.warn({ limit: bodyLimit }, 'rejected a Slack request body over the size limit');
        return refuse(res, 413);
      }
      throw error;
    }
    // Bolt reads a body that is already buffered instead of the (now drained) stream.
    (req as BufferedIncomingMessage).rawBody = raw;
    const text = raw.toString('utf8');
    const parsed = parseSlackBody(text, req.headers['content-type']);
    // Bolt answers ssl_check itself, unsigned, and drops anything sent along with it.
    if (parsed.ok && parsed.body.kind === 'ssl-check') return true;

    const signature = req.headers['x-slack-signature'];
    const signed =
      typeof timestamp === 'string' &&
      typeof signature === 'string' &&
      isValidSlackRequest({
        signingSecret: options.env.signingSecret,
        body: text,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) },
        nowMilliseconds: now(),
      });
    if (!signed) {
      log.warn('rejected a Slack request without a valid signature');
      return refuse(res, 401);
    }
    if (!parsed.ok) {
      log.warn(
        { problem: parsed.problem },
        'rejected a signed Slack request of a shape vigil does not handle',
      );
      return refuse(res, 400, parsed.problem);
    }
    const unheard = slackListenerProblem(parsed.body, commandName);
    if (unheard) {
      log.warn({ problem: unheard }, 'rejected a signed Slack request that no listener answers');
      return refuse(res, 400, unheard);
    }
    const origin = slackRequestOrigin(parsed.body);
    if (!origin) return true;
    const workspace = options.workspace();
    if (!workspace) {
      log.warn('refused a Slack request: the workspace is not known yet (auth.test has not answered)');
      return refuse(res, 503);
    }
    const foreign = foreignOrigin(origin, workspace);
    if (foreign) {
      log.warn(
        {
          team: loggableSlackId(origin.teamId),
          app: loggableSlackId(origin.appId),
          installedTeam: workspace.teamId,
        },
        `refused a signed Slack request: ${foreign}`,
      );
      return refuse(res, 403, 'this vigil serves another Slack workspace or app');
    }
    // The signature covers timestamp and body, so the pair names this request and no other.
    const key = `slack:${createHash('sha256').update(`${timestamp}:${signature}`).digest('hex')}`;
    let first: boolean;
    try {
      first = await withinTime(
        options.replayGuard.firstTime(key, replayWindowSeconds),
        replayCheckTimeoutMs,
        'the replay check',
      );
    } catch (error) {
      // Acting needs Redis too (alerts live there), so a replay slips through only when nothing
      // could be changed anyway; refusing here would cost every command its answer during an outage.
      log.warn(
        { err: { message: (error as Error).message } },
        'cannot check for a replayed Slack request; handling it',
      );
      first = true;
    }
    if (!first) {
      log.warn(
        { team: loggableSlackId(origin.teamId) },
        'ignored a Slack request already handled (a replay)',
      );
      res.writeHead(200);
      res.end();
      return false;
    }
    return true;
  }

  return {
    method: 'POST',
    path: slackEventsPath,
    bodyLimitBytes: bodyLimit,
    async handler(req, res) {
      arrivedAt.set(req, Date.now());
      if (!(await admit(req, res))) return;
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

/** Answers a request that must not reach Bolt; returns false for admit(). Headers are never logged. */
function refuse(res: ServerResponse, status: number, reason?: string): false {
  // The body may be unread (413) or read; either way the connection is not worth keeping.
  res.writeHead(status, { connection: 'close', ...(reason ? { 'content-type': 'text/plain' } : {}) });
  res.end(reason ? `${reason}\n` : undefined);
  return false;
}
