import type { SocketModeReceiver } from '@slack/bolt';
import { WebAPIPlatformError } from '@slack/web-api';
import { VigilError } from '../../domain/vigil-error.js';
import { logger } from '../../logger.js';
import type { ChatPlatformStatus } from '../platform-module.js';
import { classifySlackError } from './classify-slack-error.js';

/** The client Bolt's SocketModeReceiver holds (from @slack/socket-mode, reached through Bolt). */
type SocketModeClient = SocketModeReceiver['client'];

export interface SocketModeReconnect {
  /** Wait after a lost connection or the first failed attempt; doubles per failure, with jitter. */
  minDelayMs: number;
  /** Longest wait between attempts, however long Slack stays unreachable. */
  maxDelayMs: number;
}

export const defaultSocketModeReconnect: SocketModeReconnect = { minDelayMs: 1_000, maxDelayMs: 30_000 };

export interface SocketModeConnectionOptions {
  reconnect?: Partial<SocketModeReconnect>;
  /** How long start() waits for the first connection before returning and letting status() tell. */
  startWaitMs?: number;
  /** How long stop() waits for the close handshake (a dead peer never completes it). */
  stopWaitMs?: number;
  /** [0, 1), for the jitter; tests fix it. */
  random?: () => number;
}

/** apps.connections.open errors that retrying cannot fix: Slack refuses the app-level token itself. */
const TOKEN_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'not_allowed_token_type',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'team_disabled',
  'user_removed_from_team',
  'missing_scope',
]);

/** `disconnect` reasons that are Slack recycling the connection: nothing failed, so reconnect at once. */
const PLANNED = new Set(['refresh_requested', 'warning']);

type State = 'idle' | 'connecting' | 'connected' | 'closing' | 'waiting' | 'stopped';

const log = logger.child({ component: 'slack-socket-mode' });

/**
 * Keeps one Socket Mode connection open for as long as vigil runs, and says whether it is.
 *
 * The client's own reconnect (autoReconnectEnabled) is left off on purpose; as @slack/socket-mode
 * 3.1 does it: a refused reconnect (token revoked) rejects a promise nobody catches, which ends the
 * process; apps.connections.open is retried by the WebClient up to 100 times with an uncapped
 * backoff, so after a long outage the next try can be hours away; and nothing tells a readiness
 * probe. Here every attempt is one apps.connections.open (the receiver's WebClient has retries off)
 * and one WebSocket; a lost connection or a failed attempt schedules the next, at once when Slack
 * asked for it (`disconnect` with `refresh_requested`/`warning`), otherwise after a capped, jittered
 * exponential wait (Retry-After when Slack rate-limits apps.connections.open).
 *
 * What the client still does, and is relied on: `hello` ends an attempt (start() resolves), a
 * `disconnect` message closes the socket, and a peer that stops answering pings (pong missing for
 * clientPingTimeout) or stops pinging (serverPingTimeout) is closed; each close emits `disconnected`.
 */
export class SocketModeConnection {
  private state: State = 'idle';
  private everConnected = false;
  private failures = 0;
  /** The `reason` of Slack's last `disconnect` message on this connection. */
  private reason: string | undefined;
  /** Why the last connection or attempt ended, for status(). */
  private problem: string | undefined;
  /** Set when the first attempt proved the token is refused: start() rejects with it. */
  private refused: VigilError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempt: Promise<void> | undefined;
  private readonly reconnect: SocketModeReconnect;
  private readonly random: () => number;

  constructor(
    private readonly client: SocketModeClient,
    private readonly options: SocketModeConnectionOptions = {},
  ) {
    this.reconnect = { ...defaultSocketModeReconnect, ...options.reconnect };
    this.random = options.random ?? Math.random;
    client.on('connected', () => this.onConnected());
    client.on('disconnected', () => this.onClosed());
    client.on('ws_message', (data: unknown) => this.onMessage(data));
  }

  /**
   * Opens the connection and waits for the first attempt (at most `startWaitMs`): rejects only when
   * Slack refuses the app-level token; any other failure is retried in the background.
   */
  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    this.connect();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.attempt,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.options.startWaitMs ?? 10_000);
      }),
    ]);
    clearTimeout(timer);
    if (this.refused) {
      const refused = this.refused;
      await this.stop();
      throw refused;
    }
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    clearTimeout(this.timer);
    this.timer = undefined;
    const wait = this.options.stopWaitMs ?? 3_000;
    await within(this.client.disconnect(), wait);
    // An attempt whose apps.connections.open was in flight connects after this; it closes itself then.
    if (this.attempt) await within(this.attempt, wait);
  }

  status(): ChatPlatformStatus {
    switch (this.state) {
      case 'connected':
        return { ready: true };
      case 'idle':
        return { ready: false, detail: 'Socket Mode not started' };
      case 'stopped':
        return { ready: false, detail: 'Socket Mode stopped' };
      case 'connecting':
        return {
          ready: false,
          detail: this.problem ? `Socket Mode reconnecting (${this.problem})` : 'Socket Mode connecting',
        };
      case 'closing':
        return {
          ready: false,
          detail: `Socket Mode disconnecting (Slack sent ${this.reason ?? 'disconnect'})`,
        };
      case 'waiting':
        return {
          ready: false,
          detail: `Socket Mode disconnected (${this.problem ?? 'closed'}), reconnecting`,
        };
    }
  }

  private connect(): void {
    this.timer = undefined;
    this.state = 'connecting';
    this.attempt = this.client.start().then(
      async () => {
        // stop() came while this attempt was opening: close what it opened.
        if (this.state === 'stopped') await this.client.disconnect();
      },
      (error: unknown) => this.onAttemptFailed(error),
    );
  }

  private onConnected(): void {
    if (this.state === 'stopped') return;
    log.info({ reconnected: this.everConnected }, 'Slack Socket Mode connected');
    this.state = 'connected';
    this.everConnected = true;
    this.failures = 0;
    this.reason = undefined;
    this.problem = undefined;
  }

  /** A connection that was up is gone (a failed attempt is onAttemptFailed's). */
  private onClosed(): void {
    if (this.state !== 'connected' && this.state !== 'closing') return;
    const planned = this.reason !== undefined && PLANNED.has(this.reason);
    this.problem = this.reason ? `Slack sent disconnect: ${this.reason}` : 'connection lost';
    if (planned) log.info({ reason: this.reason }, 'Slack Socket Mode connection recycled; reconnecting');
    else log.warn({ reason: this.problem }, 'Slack Socket Mode connection lost; reconnecting');
    this.schedule(planned ? 0 : this.delay());
  }

  private onAttemptFailed(error: unknown): void {
    if (this.state === 'stopped') return;
    this.failures += 1;
    const verdict = judge(error);
    this.problem = verdict.problem;
    if (verdict.refused && !this.everConnected) this.refused = verdict.refused;
    const wait = verdict.retryAfterMs ?? this.delay();
    const level = verdict.refused ? 'error' : 'warn';
    log[level](
      { problem: verdict.problem, failures: this.failures, retryInMs: wait },
      'Slack Socket Mode could not connect',
    );
    this.schedule(wait);
  }

  /** Only `disconnect` matters here: its reason decides how soon to reconnect. The client logs the rest. */
  private onMessage(data: unknown): void {
    const text = typeof data === 'string' ? data : undefined;
    if (!text?.includes('"disconnect"')) return;
    let message: { type?: unknown; reason?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (message.type !== 'disconnect') return;
    this.reason = typeof message.reason === 'string' ? message.reason : 'unknown';
    if (this.state === 'connected') this.state = 'closing';
    if (this.reason === 'link_disabled') {
      log.error(
        'Slack turned Socket Mode off for this app (link_disabled): turn it on in the app settings (Socket Mode) or unset SLACK_APP_TOKEN to use HTTP',
      );
    }
  }

  private schedule(delayMs: number): void {
    if (this.state === 'stopped' || this.timer) return;
    this.state = 'waiting';
    this.timer = setTimeout(() => this.connect(), delayMs);
  }

  /** Equal jitter on a capped doubling: replicas cut off together do not all come back at once. */
  private delay(): number {
    const { minDelayMs, maxDelayMs } = this.reconnect;
    const base = Math.min(maxDelayMs, minDelayMs * 2 ** Math.max(0, this.failures - 1));
    return Math.round(base / 2 + (this.random() * base) / 2);
  }
}

interface Verdict {
  problem: string;
  retryAfterMs?: number;
  refused?: VigilError;
}

/** What an attempt's rejection means. The client rejects with nothing when the socket closed before `hello`. */
function judge(error: unknown): Verdict {
  if (error === undefined) return { problem: 'the WebSocket closed before Slack said hello' };
  if (error instanceof WebAPIPlatformError && TOKEN_ERRORS.has(error.data.error)) {
    const code = error.data.error;
    return {
      problem: `Slack refused SLACK_APP_TOKEN (${code})`,
      refused: new VigilError(
        'slack-app-token-refused',
        `Slack refused SLACK_APP_TOKEN when opening Socket Mode (${code}): set it to an app-level token (xapp-…) ` +
          "with the connections:write scope, from the app's Basic Information → App-Level Tokens, and turn Socket Mode on",
        { cause: error },
      ),
    };
  }
  const classified = classifySlackError(error, { method: 'apps.connections.open' });
  return {
    problem: classified.userMessage,
    ...(classified.code === 'chat-rate-limited' && classified.retryAfterMs !== undefined
      ? { retryAfterMs: classified.retryAfterMs }
      : {}),
  };
}

/** Waits for `p`, but not longer than `ms`; never rejects (used on the way out). */
async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    p.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
