import { connect } from 'node:net';

export interface RawAnswer {
  /** The status of the first response line; 0 when the server closed without answering. */
  status: number;
  /** Milliseconds from connecting until the server closed the connection (or the test gave up). */
  closedAfterMs: number;
  /** Whether the server closed the connection before `giveUpMs`. */
  closed: boolean;
}

/**
 * Sends raw bytes to a loopback port and reads until the server closes: for requests fetch will not
 * send (a target with `..` in it, a body that stops half way, a Content-Length with no body). Each
 * part of `parts` is written `gapMs` after the previous one; the connection is given up (destroyed)
 * after `giveUpMs`.
 */
export function rawHttp(
  port: number,
  parts: readonly (string | Buffer)[],
  options: { gapMs?: number; giveUpMs?: number } = {},
): Promise<RawAnswer> {
  const started = Date.now();
  const giveUpMs = options.giveUpMs ?? 3000;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(received)?.[1];
      resolve({ status: status ? Number(status) : 0, closedAfterMs: Date.now() - started, closed });
    };
    const timer = setTimeout(() => finish(false), giveUpMs);
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('connect', () => {
      void (async () => {
        for (const [i, part] of parts.entries()) {
          if (i > 0 && options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
          if (done || socket.destroyed) return;
          socket.write(part);
        }
      })();
    });
  });
}

/** A request head for `rawHttp`: request line, Host, the given headers, blank line. */
export function requestHead(
  method: string,
  target: string | Buffer,
  headers: Record<string, string> = {},
): Buffer {
  const lines = Object.entries({ host: '127.0.0.1', ...headers }).map(([k, v]) => `${k}: ${v}\r\n`);
  return Buffer.concat([
    Buffer.from(`${method} `),
    Buffer.isBuffer(target) ? target : Buffer.from(target, 'latin1'),
    Buffer.from(` HTTP/1.1\r\n${lines.join('')}\r\n`),
  ]);
}
