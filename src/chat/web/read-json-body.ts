import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, readBody } from '../../http/read-body.js';

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a JSON object body of at most `maxBytes` (src/http/read-body.ts: reading stops, and this
 * throws 413, as soon as it is larger). A declared Content-Length over the limit never gets here:
 * the route's `bodyLimitBytes` answers it first (src/http/create-http-server.ts).
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  let raw: Buffer;
  try {
    raw = await readBody(req, maxBytes);
  } catch (err) {
    // The rest is not read: the answer says `connection: close` (web-routes.ts), which drops it.
    if (err instanceof BodyTooLargeError)
      throw new BodyError(413, `request body larger than ${maxBytes} bytes`);
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BodyError(400, 'the body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BodyError(400, 'the body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}
