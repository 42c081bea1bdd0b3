import type { ServerResponse } from 'node:http';
import type { ActivityHandler } from 'botbuilder';
import { declaredBodyTooLarge } from '../../http/declared-body-too-large.js';
import { BodyTooLargeError, readBody } from '../../http/read-body.js';
import type { HttpRoute } from '../../http/http-route.js';
import { logger } from '../../logger.js';
import type { TeamsAdapter } from './create-teams-adapter.js';
import {
  captureSdkConsole,
  inboundAuthOutcome,
  summarisePrinted,
  type InboundAuthOutcome,
} from './guarded-authentication.js';

export interface TeamsRouteOptions {
  teams: TeamsAdapter;
  bot: ActivityHandler;
  /** Largest accepted activity; Teams sends a few KiB (attachments arrive as links). */
  bodyLimitBytes?: number;
}

export const teamsMessagesPath = '/api/messages';
export const defaultTeamsBodyLimitBytes = 256 * 1024;

// A JWT is three base64url parts; anything else cannot be a Bot Framework token.
const bearerJwt = /^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const log = logger.child({ component: 'teams-inbound' });

/**
 * `POST /api/messages` for vigil's HTTP server (src/http). CloudAdapter.process expects an Express- or
 * Restify-style request with the JSON already parsed into `req.body`, and a response with
 * status/header/send/end, so this route reads the body itself (with a size limit, refusing an
 * oversized Content-Length before reading) and hands botbuilder a small response shim.
 *
 * Authentication stays botbuilder's (JWT signature, issuer, audience = MicrosoftAppId, serviceUrl
 * claim = the activity's service URL). One check runs first, offline: without authentication
 * disabled, a request whose Authorization is not `Bearer <jwt>` is answered 401 here. botbuilder
 * would reject it as well without fetching anything, but it also prints each failure with its stack
 * to stderr; this keeps a scanner hitting the endpoint down to one warning line. What botbuilder
 * prints for a request that gets further (a forged signature: the stack and every signing key) is
 * collected per request (captureSdkConsole) and reduced to the same one line.
 */
export function createTeamsRoute(options: TeamsRouteOptions): HttpRoute {
  const limit = options.bodyLimitBytes ?? defaultTeamsBodyLimitBytes;
  const { adapter, authDisabled } = options.teams;
  captureSdkConsole();
  return {
    method: 'POST',
    path: teamsMessagesPath,
    async handler(req, res) {
      if (declaredBodyTooLarge(req.headers['content-length'], limit)) return tooLarge(res);
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        return answer(res, 415, { error: 'expected Content-Type: application/json' });
      }
      if (!authDisabled && !bearerJwt.test(req.headers.authorization ?? '')) {
        log.warn(
          { remote: req.socket.remoteAddress },
          'rejected a Teams request without a Bot Framework token',
        );
        return answer(res, 401, { error: 'Unauthorized: a Bot Framework bearer token is required' });
      }
      let body: unknown;
      try {
        body = JSON.parse((await readBody(req, limit)).toString('utf8'));
      } catch (error) {
        if (error instanceof BodyTooLargeError) return tooLarge(res);
        return answer(res, 400, { error: 'body is not JSON' });
      }
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        return answer(res, 400, { error: 'body must be an activity object' });
      }
      // botbuilder throws on an activity without a string type (validateAndFixActivity), which the
      // server answered 500 (found by test/fuzz/teams-inbound.test.ts).
      if (typeof (body as { type?: unknown }).type !== 'string') {
        return answer(res, 400, { error: 'an activity needs a string "type"' });
      }
      const shim = responseShim(res);
      const auth: InboundAuthOutcome = {};
      await inboundAuthOutcome.run(auth, () =>
        adapter.process(
          { body: body as Record<string, unknown>, headers: req.headers, method: req.method ?? 'POST' },
          shim.response,
          (context) => options.bot.run(context),
        ),
      );
      // One line, whatever botbuilder printed on the way (a stack, the signing keys): the reason only.
      if (auth.failedWith) {
        log.warn(
          { status: auth.failedWith, reason: auth.reason },
          'rejected a Teams request at authentication',
        );
        return answer(res, auth.failedWith, {
          error: auth.failedWith === 401 ? 'Unauthorized' : 'cannot validate Bot Framework tokens right now',
        });
      }
      if (auth.printed?.length) {
        log.warn(
          { printed: summarisePrinted(auth.printed) },
          'botbuilder reported a problem with a Teams request',
        );
      }
      shim.flush();
    },
  };
}

/** What CloudAdapter.process calls (status, header, send, end), collected and written once. */
function responseShim(res: ServerResponse) {
  let status = 200;
  let body: unknown;
  const headers: Record<string, string> = {};
  const response = {
    socket: res.socket,
    status(code: number) {
      status = code;
      return response;
    },
    header(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
      return response;
    },
    send(payload?: unknown) {
      body = payload;
      return response;
    },
    end() {
      return response;
    },
  };
  return {
    response,
    flush() {
      if (res.headersSent) return;
      if (body === undefined || body === null) {
        res.writeHead(status, headers);
        res.end();
      } else if (typeof body === 'string') {
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
        res.end(body);
      } else {
        answer(res, status, body, headers);
      }
    },
  };
}

/** The rest of the body is not read, so the connection cannot be reused. */
function tooLarge(res: ServerResponse): void {
  answer(res, 413, { error: 'body too large' }, { connection: 'close' });
}

function answer(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
