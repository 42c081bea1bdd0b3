import type { IncomingMessage } from 'node:http';

/** The body went past the route's limit while being read (a chunked body declares no length). */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body over ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a request body into memory, at most `limitBytes`: past that it rejects with
 * BodyTooLargeError and stops reading (the server answers 413 with `connection: close`, so the rest
 * of the body is never read). Routes read their body with this before any SDK sees it, so that
 * the body can be checked first.
 */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new BodyTooLargeError(limitBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
