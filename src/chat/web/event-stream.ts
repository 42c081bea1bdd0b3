import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { webLimits } from './web-limits.js';

/** One open page: its id is handed to it in the `hello` event and names it in later requests. */
interface Stream {
  id: string;
  res: ServerResponse;
  /** When a write last found the socket full; cleared when it drains. */
  blockedSince?: number;
}

export interface EventStreamOptions {
  maxStreams?: number;
  heartbeatMs?: number;
  /** A stream that has not drained for this long is dropped. */
  stallMs?: number;
  /** ...and one holding this much unsent output, at once. */
  bufferBytes?: number;
}

/**
 * Server-Sent Events to the open pages. Every frame is one `event:` and one `data:` line of JSON
 * (JSON.stringify escapes newlines, so data never spans lines). A reader that stops reading (a
 * phone that went to sleep, a stuck proxy) is dropped once its socket has not drained for
 * `stallMs`, or at once past `bufferBytes`, so it cannot hold memory; a burst that a live reader
 * takes a moment to read is not a stall. EventSource reconnects by itself and gets a fresh snapshot.
 */
export class EventStreams {
  private readonly streams = new Map<string, Stream>();
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly maxStreams: number;
  private readonly heartbeatMs: number;
  private readonly bufferBytes: number;
  private readonly stallMs: number;

  constructor(options: EventStreamOptions = {}) {
    this.maxStreams = options.maxStreams ?? webLimits.maxStreams;
    this.heartbeatMs = options.heartbeatMs ?? webLimits.heartbeatMs;
    this.bufferBytes = options.bufferBytes ?? webLimits.streamBufferBytes;
    this.stallMs = options.stallMs ?? webLimits.streamStallMs;
  }

  /**
   * Opens a stream on `res` and sends `first(id)` on it; answers 503 instead when `maxStreams` are
   * open. Returns the stream id, or undefined when refused.
   */
  open(
    req: IncomingMessage,
    res: ServerResponse,
    first: (id: string) => [string, unknown][],
  ): string | undefined {
    if (this.streams.size >= this.maxStreams) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '10' });
      res.end(`too many open pages (${this.maxStreams}); close one and reload\n`);
      return undefined;
    }
    const id = randomBytes(12).toString('base64url');
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // nginx and most ingress controllers buffer responses unless told not to.
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true);
    const stream = { id, res };
    this.streams.set(id, stream);
    const close = () => {
      this.streams.delete(id);
      if (this.streams.size === 0) this.stopHeartbeat();
    };
    res.once('close', close);
    res.write('retry: 2000\n\n');
    for (const [event, data] of first(id)) this.write(stream, frame(event, data));
    this.startHeartbeat();
    return id;
  }

  /** Sends to every open page. */
  broadcast(event: string, data: unknown): void {
    const text = frame(event, data);
    for (const stream of this.streams.values()) this.write(stream, text);
  }

  /** Sends to one page; false when it is gone (closed, or reconnected under a new id). */
  send(id: string, event: string, data: unknown): boolean {
    const stream = this.streams.get(id);
    if (!stream) return false;
    this.write(stream, frame(event, data));
    return true;
  }

  private write(stream: Stream, text: string): void {
    const stalled = stream.blockedSince !== undefined && Date.now() - stream.blockedSince > this.stallMs;
    if (stalled || stream.res.writableLength > this.bufferBytes) {
      this.streams.delete(stream.id);
      stream.res.destroy();
      return;
    }
    if (!stream.res.write(text) && stream.blockedSince === undefined) {
      stream.blockedSince = Date.now();
      stream.res.once('drain', () => {
        stream.blockedSince = undefined;
      });
    }
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      for (const stream of this.streams.values()) this.write(stream, ': ping\n\n');
    }, this.heartbeatMs);
    // Never what keeps the process alive.
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
