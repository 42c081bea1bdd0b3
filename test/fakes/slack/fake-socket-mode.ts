import { createRequire } from 'node:module';
import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type WebSocketType from 'ws';
import { listenOnLoopback } from '../../../src/simulator/listen-on-loopback.js';
import type { FakeSlackWebApi, SocketModeEndpoint } from './fake-slack-web-api.js';

// ws 8's ESM entry exports the server as WebSocketServer, which the installed @types/ws (6.x, there
// for botframework) does not declare; its CommonJS entry also carries it as WebSocket.Server, which
// both agree on.
const WebSocket = createRequire(import.meta.url)('ws') as typeof WebSocketType;
type WebSocket = WebSocketType;

export interface FakeSocketModeOptions {
  /** The app the connections belong to (hello's connection_info, the URL's app_id). */
  appId?: string;
  /** How long an envelope waits for its ack before it is redelivered (Slack: 3 s). */
  ackTimeoutMs?: number;
  /** Redeliveries of an envelope that is never acked (Slack: 3). */
  maxRetries?: number;
}

/** The envelope types vigil's app receives; `events_api` only if the manifest subscribed to events. */
export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface FakeConnection {
  /** 1, 2, …: the order connections opened in. */
  readonly id: number;
  /** open: answering; silent: reads nothing any more (a dead network path); closed: gone. */
  state: 'open' | 'silent' | 'closed';
  /** Messages the client sent that are not acks. */
  readonly other: unknown[];
}

export interface DeliveryAttempt {
  connection: number;
  retryAttempt: number;
  sentAtMs: number;
}

export interface RecordedAck {
  connection: number;
  /** What the client put in the ack; a slash command's answer rides here. */
  payload: Record<string, unknown>;
  /** Since the attempt it answers was sent. */
  afterMs: number;
  /** Within ackTimeoutMs of that attempt. */
  inTime: boolean;
  /** Dropped on purpose (`loseAcks`): the fake behaves as if it never arrived. */
  lost: boolean;
}

export interface Delivery {
  readonly envelopeId: string;
  readonly type: EnvelopeType;
  readonly attempts: DeliveryAttempt[];
  readonly acks: RecordedAck[];
  /** The first ack that counted (in time, not lost); resolves once there is one. */
  readonly acked: Promise<RecordedAck>;
}

export interface DeliverOptions {
  /** Reuse an id: the same envelope again, as a duplicate delivery. */
  envelopeId?: string;
  /** A connection id, or `each` for every open connection at once; default: the next in turn. */
  to?: number | 'each';
  /** Acks to throw away (lost on the way back), so the envelope is redelivered. */
  loseAcks?: number;
}

interface Live extends FakeConnection {
  socket: WebSocket;
  raw: Socket;
}

interface Pending {
  delivery: Delivery;
  body: Record<string, unknown>;
  acceptsResponsePayload: boolean;
  loseAcks: number;
  retryAttempt: number;
  lastConnection: number | undefined;
  timer: NodeJS.Timeout | undefined;
  resolve(ack: RecordedAck): void;
}

/**
 * Slack's Socket Mode endpoint on loopback, for the real SocketModeClient (through Bolt's
 * SocketModeReceiver). apps.connections.open on the fake Web API hands out its single-use
 * `ws://127.0.0.1:PORT/link/?ticket=…` URLs. On connect it sends `hello`; it delivers envelopes
 * (one connection each, in turn, like Slack; or to every connection, as a duplicate), expects each
 * ack within `ackTimeoutMs` and records it with its payload, and redelivers an unacked envelope with
 * `retry_attempt` (to the next connection in turn). It can send `disconnect` with a reason, drop a
 * connection without a close frame, or go silent (read nothing: no pongs, no acks), as a dead
 * network path does. Envelopes sent while no connection is open wait for the next one.
 */
export class FakeSocketMode implements SocketModeEndpoint {
  readonly connections: FakeConnection[] = [];
  readonly deliveries: Delivery[] = [];
  private readonly live: Live[] = [];
  private readonly tickets = new Set<string>();
  /** Every delivery by envelope id (a duplicate reuses one), kept to record late acks too. */
  private readonly pending = new Map<string, Pending[]>();
  private readonly queued: Pending[] = [];
  private readonly server = new WebSocket.Server({ noServer: true });
  private nextTicket = 1;
  private nextEnvelope = 1;
  private turn = 0;
  private readonly appId: string;
  private readonly ackTimeoutMs: number;
  private readonly maxRetries: number;

  private constructor(
    options: FakeSocketModeOptions,
    private readonly port: number,
    private readonly closeServer: () => Promise<void>,
  ) {
    this.appId = options.appId ?? 'A0VIGIL';
    this.ackTimeoutMs = options.ackTimeoutMs ?? 3_000;
    this.maxRetries = options.maxRetries ?? 3;
  }

  /** Starts the endpoint and attaches it to `web`, whose apps.connections.open then points here. */
  static async start(web: FakeSlackWebApi, options: FakeSocketModeOptions = {}): Promise<FakeSocketMode> {
    const ref: { fake?: FakeSocketMode } = {};
    const http = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' });
      res.end('WebSocket only\n');
    });
    http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      ref.fake!.upgrade(req, socket, head),
    );
    const listening = await listenOnLoopback(http);
    ref.fake = new FakeSocketMode(options, listening.port, listening.close);
    web.useSocketMode(ref.fake);
    return ref.fake;
  }

  connectionUrl(): string {
    const ticket = `ticket-${this.nextTicket++}`;
    this.tickets.add(ticket);
    return `ws://127.0.0.1:${this.port}/link/?ticket=${ticket}&app_id=${this.appId}`;
  }

  /** Connections that answer now, in the order they opened. */
  get open(): FakeConnection[] {
    return this.connections.filter((c) => c.state === 'open');
  }

  /** Delivers one envelope; its record fills in as attempts and acks happen. */
  deliver(type: EnvelopeType, payload: Record<string, unknown>, options: DeliverOptions = {}): Delivery {
    const envelopeId = options.envelopeId ?? `fake-envelope-${this.nextEnvelope++}`;
    let resolve!: (ack: RecordedAck) => void;
    const acked = new Promise<RecordedAck>((r) => (resolve = r));
    const delivery: Delivery = { envelopeId, type, attempts: [], acks: [], acked };
    this.deliveries.push(delivery);
    const entry: Pending = {
      delivery,
      body: payload,
      acceptsResponsePayload: type === 'slash_commands',
      loseAcks: options.loseAcks ?? 0,
      retryAttempt: 0,
      lastConnection: undefined,
      timer: undefined,
      resolve,
    };
    if (options.to === 'each') {
      const targets = this.live.filter((c) => c.state === 'open');
      if (targets.length === 0) throw new Error('no open connection to deliver to');
      this.remember(entry);
      for (const target of targets) this.send(entry, target);
      this.armRetry(entry);
      return delivery;
    }
    const target = typeof options.to === 'number' ? this.byId(options.to) : this.nextInTurn(undefined);
    this.remember(entry);
    if (target) {
      this.send(entry, target);
      this.armRetry(entry);
    } else {
      this.queued.push(entry);
    }
    return delivery;
  }

  /** Sends `disconnect` with a reason (refresh_requested, warning, link_disabled) to one or every connection. */
  disconnect(reason: string, connection?: number): void {
    for (const c of this.targets(connection)) {
      c.socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-applink' } }));
    }
  }

  /** Closes one or every connection at the TCP level, without a close frame. */
  drop(connection?: number): void {
    for (const c of this.targets(connection)) {
      c.state = 'closed';
      c.socket.terminate();
    }
  }

  /** Stops reading one or every connection: pings go unanswered and acks unseen, like a dead network path. */
  silence(connection?: number): void {
    for (const c of this.targets(connection)) {
      c.state = 'silent';
      c.raw.pause();
    }
  }

  /** Stops every pending redelivery and forgets queued envelopes (between tests). */
  reset(): void {
    for (const entry of [...this.pending.values()].flat()) clearTimeout(entry.timer);
    this.pending.clear();
    this.queued.length = 0;
  }

  async close(): Promise<void> {
    this.reset();
    for (const c of this.live) {
      c.state = 'closed';
      c.raw.destroy();
    }
    this.server.close();
    await this.closeServer();
  }

  // ---- WebSocket ----------------------------------------------------------------------------

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    // Tickets are single-use, as Slack's are: a reconnect must call apps.connections.open again.
    if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n');
      return;
    }
    this.server.handleUpgrade(req, socket, head, (ws) => this.accept(ws, socket));
  }

  private accept(socket: WebSocket, raw: Socket): void {
    const connection: Live = { id: this.connections.length + 1, state: 'open', other: [], socket, raw };
    this.connections.push(connection);
    this.live.push(connection);
    socket.on('message', (data) => this.onMessage(connection, String(data)));
    socket.on('close', () => {
      connection.state = 'closed';
    });
    socket.on('error', () => {
      connection.state = 'closed';
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.live.filter((c) => c.state === 'open').length,
        debug_info: {
          host: `fake-applink-${connection.id}`,
          build_number: 1,
          approximate_connection_time: 18060,
        },
        connection_info: { app_id: this.appId },
      }),
    );
    // Envelopes that found no connection go out now, in order.
    for (const entry of this.queued.splice(0)) {
      this.send(entry, connection);
      this.armRetry(entry);
    }
  }

  private onMessage(connection: Live, text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      connection.other.push(text);
      return;
    }
    const entry =
      typeof message.envelope_id === 'string' ? this.answered(message.envelope_id, connection.id) : undefined;
    if (!entry) {
      connection.other.push(message);
      return;
    }
    const attempt = [...entry.delivery.attempts].reverse().find((a) => a.connection === connection.id);
    const afterMs = attempt ? Date.now() - attempt.sentAtMs : Number.NaN;
    const lost = entry.loseAcks > 0;
    if (lost) entry.loseAcks -= 1;
    const ack: RecordedAck = {
      connection: connection.id,
      payload: (message.payload as Record<string, unknown> | undefined) ?? {},
      afterMs,
      inTime: afterMs <= this.ackTimeoutMs,
      lost,
    };
    entry.delivery.acks.push(ack);
    if (lost || !ack.inTime) return;
    if (entry.delivery.acks.filter((a) => !a.lost && a.inTime).length === 1) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
      entry.resolve(ack);
    }
  }

  private send(entry: Pending, connection: Live): void {
    entry.lastConnection = connection.id;
    entry.delivery.attempts.push({
      connection: connection.id,
      retryAttempt: entry.retryAttempt,
      sentAtMs: Date.now(),
    });
    connection.socket.send(
      JSON.stringify({
        envelope_id: entry.delivery.envelopeId,
        payload: entry.body,
        type: entry.delivery.type,
        accepts_response_payload: entry.acceptsResponsePayload,
        retry_attempt: entry.retryAttempt,
        retry_reason: entry.retryAttempt > 0 ? 'timeout' : '',
      }),
    );
  }

  /** No ack in time: the next attempt goes to the next connection in turn, as Slack's retries may. */
  private armRetry(entry: Pending): void {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (entry.retryAttempt >= this.maxRetries) return;
      entry.retryAttempt += 1;
      const target = this.nextInTurn(entry.lastConnection);
      if (!target) {
        this.queued.push(entry);
        return;
      }
      this.send(entry, target);
      this.armRetry(entry);
    }, this.ackTimeoutMs);
  }

  private nextInTurn(after: number | undefined): Live | undefined {
    const open = this.live.filter((c) => c.state === 'open');
    if (open.length === 0) return undefined;
    if (after !== undefined) {
      const i = open.findIndex((c) => c.id === after);
      return open[(i + 1) % open.length];
    }
    return open[this.turn++ % open.length];
  }

  private byId(id: number): Live {
    const found = this.live.find((c) => c.id === id && c.state === 'open');
    if (!found) throw new Error(`connection ${id} is not open`);
    return found;
  }

  private targets(connection: number | undefined): Live[] {
    return connection === undefined ? this.live.filter((c) => c.state === 'open') : [this.byId(connection)];
  }

  private remember(entry: Pending): void {
    const id = entry.delivery.envelopeId;
    this.pending.set(id, [...(this.pending.get(id) ?? []), entry]);
  }

  /** The delivery an ack answers: the oldest of that id last sent to this connection and still unacked. */
  private answered(envelopeId: string, connection: number): Pending | undefined {
    const entries = this.pending.get(envelopeId) ?? [];
    const sentHere = entries.filter((e) => e.delivery.attempts.some((a) => a.connection === connection));
    const unacked = sentHere.filter((e) => !e.delivery.acks.some((a) => !a.lost && a.inTime));
    return unacked[0] ?? sentHere.at(-1);
  }
}
