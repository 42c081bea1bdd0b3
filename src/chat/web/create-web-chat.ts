import { randomUUID } from 'node:crypto';
import { VigilError } from '../../domain/vigil-error.js';
import type { HttpRoute } from '../../http/http-route.js';
import type { ActionRequest, CommandRequest, ReplyMessage } from '../chat-message.js';
import type { ChatPlatform } from '../chat-platform.js';
import type { ErrorLog } from '../error-reply.js';
import { EventStreams } from './event-stream.js';
import { DigestBoard } from './digest-board.js';
import { MessageBoard, type WebCard } from './message-board.js';
import { webPage } from './page/web-page.js';
import { WebAccess } from './web-access.js';
import { webLimits } from './web-limits.js';
import { WebPlatform } from './web-platform.js';
import type { WebReply } from './render-web-reply.js';
import { webRoutes } from './web-routes.js';

export interface WebChatOptions {
  /** Rooms alerts can be routed to (the `web:` destinations of alerts.routes and defaultRoute). */
  rooms: readonly string[];
  /** Where the HTTP server listens: anything but loopback requires `token`. */
  bindHost: string;
  /** VIGIL_WEB_TOKEN. */
  token?: string;
  onCommand(request: CommandRequest): Promise<ReplyMessage>;
  /** Nothing back: the press's outcome shows as the card's edit. */
  onAction(request: ActionRequest): Promise<ReplyMessage | void>;
  /** The page's title. */
  title?: string;
  /** One-click commands under the command box. */
  quickCommands?: readonly string[];
  /** Hears every posted or edited message (the demo prints when the first alert arrived). */
  onMessage?: (card: WebCard) => void;
  /** Hears every notice shown to the pages (the end of a mute), as the `notice` event carries it. */
  onNotice?: (notice: { id: string; room: string; reply: WebReply }) => void;
  now?: () => Date;
  maxMessages?: number;
  /** Test knobs for the event stream. */
  streams?: { maxStreams?: number; heartbeatMs?: number; stallMs?: number };
  /** How long a command or a button press may take before the page gets "Working on it…" (web-limits.ts). */
  answerWithinMs?: { command?: number; action?: number };
  /** Where failed requests are logged (src/chat/error-reply.ts); nowhere when absent. */
  log?: ErrorLog;
}

/** What web-module.ts hands vigil: the outbox's platform and the routes of the page. */
export interface WebChat {
  readonly name: 'web';
  readonly platform: ChatPlatform;
  readonly routes: HttpRoute[];
}

/**
 * The web chat: a chat platform of vigil's own, held in this process's memory and served as one
 * page over vigil's HTTP port (src/http). Like Slack and Teams it only translates: alerts arrive
 * through `platform` (the outbox), commands and button presses leave through `onCommand` and
 * `onAction` (handlers/), and every decision stays there.
 */
export function createWebChat(options: WebChatOptions): WebChat {
  if (options.rooms.length === 0) {
    throw new VigilError(
      'web-no-rooms',
      'the web chat is on but no route sends alerts to it: add web: [alerts] to alerts.defaultRoute (or to a route) in vigil.yaml',
    );
  }
  const access = new WebAccess({
    bindHost: options.bindHost,
    ...(options.token ? { token: options.token } : {}),
  });
  const board = new MessageBoard({
    ...(options.now ? { now: options.now } : {}),
    maxMessages: options.maxMessages ?? webLimits.maxMessages,
  });
  const streams = new EventStreams(options.streams);
  board.subscribe((card) => {
    streams.broadcast('message', card);
    options.onMessage?.(card);
  });
  const digests = new DigestBoard(options.now);
  digests.subscribe((digest) => streams.broadcast('digest', digest));
  const rooms = [...new Set(options.rooms)];
  return {
    name: 'web',
    platform: new WebPlatform(board, new Set(rooms), digests, (room, reply) => {
      const id = `notice-${randomUUID()}`;
      streams.broadcast('notice', { id, room, reply });
      options.onNotice?.({ id, room, reply });
      return id;
    }),
    routes: webRoutes({
      board,
      digests,
      streams,
      access,
      rooms,
      page: webPage(
        options.title ?? 'vigil web chat',
        options.quickCommands ?? ['alerts', 'clusters', 'help'],
      ),
      onCommand: options.onCommand,
      onAction: options.onAction,
      answerWithinMs: {
        command: options.answerWithinMs?.command ?? webLimits.commandAnswerMs,
        action: options.answerWithinMs?.action ?? webLimits.actionAnswerMs,
      },
      log: options.log ?? { error: () => undefined },
    }),
  };
}
