import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ActionRequest, CommandRequest } from '../../../handlers/command-request.js';
import type { ReplyMessage } from '../chat-message.js';
import { replyForError } from '../reply-for-error.js';
import type { EventStreams } from './event-stream.js';
import type { MessageBoard } from './message-board.js';
import { BodyError, readJsonBody } from './read-json-body.js';
import { renderWebReply } from './render-web-reply.js';
import type { WebAccess } from './web-access.js';
import { webLimits } from './web-limits.js';
import type { WebPage } from './page/web-page.js';
import { actionRequestFrom, commandRequestFrom } from './web-requests.js';

/** A route on vigil's HTTP port (the shape src/serve/create-http-server.ts and the Slack server take). */
export interface WebRoute {
  method: string | string[];
  path: string;
  handler(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

export interface WebRouteDeps {
  board: MessageBoard;
  streams: EventStreams;
  access: WebAccess;
  page: WebPage;
  rooms: readonly string[];
  onCommand(request: CommandRequest): Promise<ReplyMessage>;
  onAction(request: ActionRequest): Promise<ReplyMessage>;
  log?: { error(fields: object, message: string): void };
}

const refPattern = /^[A-Za-z0-9_-]{1,40}$/;

/**
 * The web chat's HTTP surface: the page, its event stream, the current board as JSON, and the two
 * inbound calls (a command, a button). Every route checks access first; the POSTs also that they
 * come from the page itself (web-access.ts).
 */
export function webRoutes(deps: WebRouteDeps): WebRoute[] {
  const { board, streams, access } = deps;
  const guarded =
    (handler: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void) =>
    async (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://web.invalid');
      const decision = access.check(req);
      if (!decision.ok) return sendError(res, decision.status, decision.message);
      if (req.method === 'POST') {
        const post = access.checkPost(req);
        if (!post.ok) return sendError(res, post.status, post.message);
      }
      try {
        await handler(req, res, url);
      } catch (err) {
        if (err instanceof BodyError) return sendError(res, err.status, err.message);
        throw err;
      }
    };

  return [
    {
      method: 'GET',
      path: '/',
      handler: (req, res) => {
        const url = new URL(req.url ?? '/', 'http://web.invalid');
        const token = url.searchParams.get('token');
        if (token !== null && access.tokenRequired) {
          if (!access.matches(token))
            return sendPage(res, 401, deps.page.refusal('That token is not the right one.'));
          // The token leaves the address bar (and the browser history) at once; the cookie carries it.
          res.writeHead(303, {
            location: '/',
            'set-cookie': access.sessionCookie(req.headers['x-forwarded-proto'] === 'https'),
            'cache-control': 'no-store',
            'referrer-policy': 'no-referrer',
          });
          return void res.end();
        }
        const decision = access.check(req);
        if (!decision.ok) return sendPage(res, decision.status, deps.page.refusal(decision.message));
        sendPage(res, 200, deps.page.html);
      },
    },
    {
      method: 'GET',
      path: '/events',
      handler: guarded((req, res) => {
        streams.open(req, res, (id) => [
          ['hello', { client: id, rooms: deps.rooms, maxMessages: webLimits.maxMessages }],
          ['snapshot', { messages: board.list() }],
        ]);
      }),
    },
    {
      method: 'GET',
      path: '/api/feed',
      handler: guarded((_req, res) => sendJson(res, 200, { rooms: deps.rooms, messages: board.list() })),
    },
    {
      method: 'POST',
      path: '/api/command',
      handler: guarded(async (req, res) => {
        const body = await readJsonBody(req, webLimits.bodyBytes);
        const request = commandRequestFrom(body);
        const client = typeof body['client'] === 'string' ? body['client'] : undefined;
        const ref = typeof body['ref'] === 'string' && refPattern.test(body['ref']) ? body['ref'] : undefined;
        const reply = await answer(() =>
          deps.onCommand({
            ...request,
            // A later answer (`check prod` finishing) goes to the page that asked, if still open.
            respond: async (later) => {
              if (client) streams.send(client, 'reply', { ref, reply: renderWebReply(later) });
            },
          }),
        );
        sendJson(res, 200, { ref, reply: renderWebReply(reply) });
      }),
    },
    {
      method: 'POST',
      path: '/api/action',
      handler: guarded(async (req, res) => {
        const body = await readJsonBody(req, webLimits.bodyBytes);
        const request = actionRequestFrom(body, (id) => board.get(id));
        const reply = await answer(() => deps.onAction(request));
        sendJson(res, 200, { reply: renderWebReply(reply) });
      }),
    },
  ];

  async function answer(call: () => Promise<ReplyMessage>): Promise<ReplyMessage> {
    try {
      return await call();
    } catch (err) {
      // Handlers answer their own failures; this is the last guard, with the details in the log.
      deps.log?.error({ err }, 'web chat handler failed');
      return replyForError(err);
    }
  }
}

const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...securityHeaders });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string): void {
  // After a body too large, the connection is not reused: the rest of the body is never read.
  if (status === 413) res.setHeader('connection', 'close');
  sendJson(res, status, { error: message });
}

function sendPage(res: ServerResponse, status: number, page: { body: string; csp: string }): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': page.csp,
    'x-frame-options': 'DENY',
    ...securityHeaders,
  });
  res.end(page.body);
}
