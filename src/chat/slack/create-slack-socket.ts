import { App, SocketModeReceiver } from '@slack/bolt';
import { logger } from '../../logger.js';
import type { EnvelopeDedupe } from '../envelope-dedupe.js';
import type { ChatPlatformStatus } from '../platform-module.js';
import { defaultSlackTimeoutMs } from './create-slack-web-client.js';
import { registerSlackListeners, type SlackInboundHandlers } from './register-slack-listeners.js';
import type { SlackEnv } from './slack-env.js';
import { slackLogger } from './slack-logger.js';
import { SocketModeConnection, type SocketModeConnectionOptions } from './socket-mode-connection.js';

export interface SlackSocketOptions extends SlackInboundHandlers, SocketModeConnectionOptions {
  env: Pick<SlackEnv, 'botToken' | 'apiUrl'> & { appToken: string };
  /** Shared by every replica: an envelope Slack hands over twice is handled once. */
  envelopes: EnvelopeDedupe;
  /** Slash command name as registered in the app manifest. */
  commandName?: string;
  /** When a command's answer must be ready to ride on the ack, counted after the claim (Slack allows 3 s). */
  ackDeadlineMs?: number;
  /** Timeout for posting to a response_url. */
  respondTimeoutMs?: number;
  /** Longest wait for the envelope claim before handling it anyway: the 3 s ack must not wait on Redis. */
  claimTimeoutMs?: number;
  /** How long to wait for a pong to the client's ping before the connection counts as dead. */
  clientPingTimeoutMs?: number;
  /** How long Slack's pings may pause (once they started) before the connection counts as dead. */
  serverPingTimeoutMs?: number;
  /** How long stop() lets envelopes in hand finish (their acks need the connection) before closing it. */
  drainMs?: number;
}

export interface SlackSocket {
  /** Connects; rejects only when Slack refuses the app-level token (SocketModeConnection.start). */
  start(): Promise<void>;
  /**
   * Drains, then closes: envelopes in hand finish and are acked; envelopes arriving meanwhile are
   * left unclaimed and unacked, so Slack redelivers them to another replica.
   */
  stop(): Promise<void>;
  status(): ChatPlatformStatus;
}

/**
 * The claim and the answer share Slack's 3 s: at most 250 ms waiting on Redis, then 2250 ms for the
 * answer, the same 2.5 s the HTTP route gives a command (create-slack-route.ts).
 */
export const defaultClaimTimeoutMs = 250;
export const defaultSocketAckDeadlineMs = 2250;

/** Where the receiver puts the envelope id in Bolt's context (customPropertiesExtractor). */
const envelopeIdKey = 'socketEnvelopeId';

const log = logger.child({ component: 'slack-socket' });

/**
 * Slack in Socket Mode: vigil opens a WebSocket to Slack (apps.connections.open with the app-level
 * token) instead of serving `POST /slack/events`, so it needs no public endpoint. Bolt's
 * SocketModeReceiver turns each envelope into the same event the HTTP route produces, and the same
 * listeners (register-slack-listeners.ts) answer it: a command's answer rides on the envelope's ack
 * when ready within `ackDeadlineMs`, buttons are acked at once, later answers go to the response_url.
 *
 * Envelopes are handled once across replicas: a global middleware claims each envelope id
 * (EnvelopeDedupe, in Redis) before any listener runs; a copy (Slack's retry of an envelope whose ack
 * it missed, or the same envelope on another replica) is acknowledged, so Slack stops retrying, and
 * dropped. Stopping drains first (SlackSocket.stop), so a rolling restart loses no answer. The
 * connection itself is SocketModeConnection's.
 */
export function createSlackSocket(options: SlackSocketOptions): SlackSocket {
  const receiver = new SocketModeReceiver({
    appToken: options.env.appToken,
    logger: slackLogger(undefined, 'slack-socket-mode'),
    // SocketModeConnection reconnects; see there why the client's own reconnect stays off.
    autoReconnectEnabled: false,
    ...(options.clientPingTimeoutMs ? { clientPingTimeout: options.clientPingTimeoutMs } : {}),
    ...(options.serverPingTimeoutMs ? { serverPingTimeout: options.serverPingTimeoutMs } : {}),
    installerOptions: {
      // The socket client's own WebClient, which calls apps.connections.open: one try per attempt,
      // at the configured Web API (SLACK_API_URL), never an absolute URL.
      clientOptions: {
        slackApiUrl: options.env.apiUrl,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        timeout: defaultSlackTimeoutMs,
        allowAbsoluteUrls: false,
      },
    },
    customPropertiesExtractor: (args: { envelope_id?: unknown }) => ({ [envelopeIdKey]: args.envelope_id }),
  });
  const app = new App({
    receiver,
    // As in create-slack-route.ts: a fixed authorize skips Bolt's auth.test at construction; the
    // Slack module checks the bot token with SlackPlatform.checkAuth().
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

  const claimTimeoutMs = options.claimTimeoutMs ?? defaultClaimTimeoutMs;
  const drain = new Drain();
  app.use(async (args) => {
    const envelopeId = args.context[envelopeIdKey];
    // Stopping: not ours any more. Unacked, Slack redelivers it to another connection. (Events API
    // envelopes are acked by Bolt before this runs; vigil's app subscribes to none.)
    if (drain.closed) {
      log.info({ envelopeId }, 'stopping: left an envelope for another replica');
      return;
    }
    await drain.run(async () => {
      if (typeof envelopeId !== 'string' || envelopeId === '' || (await claim(envelopeId))) {
        await args.next();
        return;
      }
      log.info(
        { envelopeId, retryNum: args.context.retryNum },
        'envelope already claimed (a retry, or another replica has it): acknowledged, not handled',
      );
      if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
    });
  });

  /** Redis trouble must not cost the answer: an unclaimable envelope is handled (a rare double beats silence). */
  async function claim(envelopeId: string): Promise<boolean> {
    try {
      return await withTimeout(options.envelopes.claim(envelopeId), claimTimeoutMs);
    } catch (error) {
      log.warn({ err: error, envelopeId }, 'could not claim a Socket Mode envelope; handling it anyway');
      return true;
    }
  }

  registerSlackListeners(app, {
    onCommand: options.onCommand,
    onAction: options.onAction,
    ...(options.resolveUserGroups ? { resolveUserGroups: options.resolveUserGroups } : {}),
    commandName: options.commandName ?? '/k8s',
    ackDeadlineMs: options.ackDeadlineMs ?? defaultSocketAckDeadlineMs,
    respond: {
      slackApiUrl: options.env.apiUrl,
      ...(options.respondTimeoutMs ? { timeoutMs: options.respondTimeoutMs } : {}),
    },
  });

  const connection = new SocketModeConnection(receiver.client, options);
  let stopped = false;
  return {
    start: () => connection.start(),
    async stop() {
      await drain.close(options.drainMs ?? 3_000);
      await connection.stop();
      stopped = true;
    },
    status: () =>
      drain.closed && !stopped ? { ready: false, detail: 'Socket Mode stopping' } : connection.status(),
  };
}

/** Counts envelopes in hand, so stopping can wait for them (bounded) before the connection closes. */
class Drain {
  closed = false;
  private inHand = 0;
  private idle: (() => void) | undefined;

  async run(work: () => Promise<void>): Promise<void> {
    this.inHand += 1;
    try {
      await work();
    } finally {
      this.inHand -= 1;
      if (this.inHand === 0) this.idle?.();
    }
  }

  /** Takes no more work and resolves once the work in hand is done, or after `ms`. */
  async close(ms: number): Promise<void> {
    this.closed = true;
    if (this.inHand === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.idle = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
