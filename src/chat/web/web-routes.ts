import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRoute } from '../../http/http-route.js';
import { answerWithin, workingOnItReply } from '../answer-within.js';
import type { ActionRequest, CommandRequest, ReplyMessage } from '../chat-message.js';
import type { ErrorLog } from '../error-reply.js';
import type { EventStreams } from './event-stream.js';
import type { DigestBoard } from './digest-board.js';
import type { MessageBoard } from './message-board.js';
import { BodyError, readJsonBody } from './read-json-body.js';
import { renderWebReply } from './render-web-reply.js';
import type { WebAccess } from './web-access.js';
import { webLimits } from './web-limits.js';
import type { WebPage } from './page/web-page.js';
import { actionRequestFrom, commandRequestFrom } from './web-requests.js';

export interface WebRouteDeps {
  board: MessageBoard;
  digests: DigestBoard;
  streams: EventStreams;
  access: WebAccess;
  page: WebPage;
  rooms: readonly string[];
  onCommand(request: CommandRequest): Promise<ReplyMessage>;
  onAction(request: ActionRequest): Promise<ReplyMessage | void>;
  /** Past these the page is answered "Working on it…" (web-limits.ts). */
  answerWithinMs: { command: number; action: number };
  log: ErrorLog;
}

/** The interim answer to a press that takes longer: its outcome shows as the card's edit anyway. */
const pressTakesLonger: ReplyMessage = {
  ...workingOnItReply,
  sections: [{ lines: ['The card changes for everyone when it is done.'] }],
};

/** A chart takes a moment to draw: past the deadline the page is told it follows on its stream. */
const chartTakesLonger: ReplyMessage = {
  ...workingOnItReply,
  sections: [{ lines: ['The chart follows below when it is drawn.'] }],
};

const refPattern = /^[A-Za-z0-9_-]{1,40}$/;

/**
 * The web chat's HTTP surface: the page, its event stream, the current board as JSON, and the two
 * inbound calls (a command, a button). Every route checks access first; the POSTs also that they
 * come from the page itself (web-access.ts).
 */
export function webRoutes(deps: WebRouteDeps): HttpRoute[] {
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
          ['digests', { digests: deps.digests.list() }],
        ]);
      }),
    },
    {
      method: 'GET',
      path: '/api/feed',
      handler: guarded((_req, res) =>
        sendJson(res, 200, { rooms: deps.rooms, messages: board.list(), digests: deps.digests.list() }),
      ),
    },
    {
      method: 'POST',
      path: '/api/command',
      bodyLimitBytes: webLimits.bodyBytes,
      handler: guarded(async (req, res) => {
        const body = await readJsonBody(req, webLimits.bodyBytes);
        const request = commandRequestFrom(body);
        const client = typeof body['client'] === 'string' ? body['client'] : undefined;
        const ref = typeof body['ref'] === 'string' && refPattern.test(body['ref']) ? body['ref'] : undefined;
        // A later answer (`check prod` finishing, or one past the deadline) goes to the page that
        // asked, on its event stream, if it is still open.
        const later = async (reply: ReplyMessage) => {
          if (client) streams.send(client, 'reply', { ref, reply: renderWebReply(reply) });
        };
        const answer = await answerWithin(
          deps.onCommand({ ...request, respond: later }),
          deps.answerWithinMs.command,
          {
            log: deps.log,
            context: { platform: 'web', what: 'command' },
            interim: async () => sendJson(res, 200, { ref, reply: renderWebReply(workingOnItReply) }),
            late: later,
          },
        );
        if (answer.onTime) sendJson(res, 200, { ref, reply: renderWebReply(answer.reply) });
      }),
    },
    {
      method: 'POST',
      path: '/api/action',
      bodyLimitBytes: webLimits.bodyBytes,
      handler: guarded(async (req, res) => {
        const body = await readJsonBody(req, webLimits.bodyBytes);
        const request = actionRequestFrom(body, (id) => board.get(id));
        const client = typeof body['client'] === 'string' ? body['client'] : undefined;
        const chart = request.action.kind === 'chart';
        // A late press's outcome reaches every page as the card's edit; a late failure is logged. A
        // late chart is an answer, not an edit: it goes to the page that pressed, on its stream.
        const answer = await answerWithin<ReplyMessage | void>(
          deps.onAction(request),
          deps.answerWithinMs.action,
          {
            log: deps.log,
            context: { platform: 'web', what: 'action' },
            interim: async () =>
              sendJson(res, 200, { reply: renderWebReply(chart ? chartTakesLonger : pressTakesLonger) }),
            ...(chart && client
              ? {
                  late: async (reply: ReplyMessage | void) => {
                    if (reply) streams.send(client, 'reply', { reply: renderWebReply(reply) });
                  },
                }
              : {}),
          },
        );
        if (!answer.onTime) return;
        sendJson(res, 200, { reply: answer.reply ? renderWebReply(answer.reply) : null });
      }),
    },
  ];
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
