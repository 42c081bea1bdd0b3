import type { IncomingMessage } from 'node:http';

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a JSON object body of at most `maxBytes`; stops reading (and throws 413) as soon as it is
 * larger. A declared Content-Length over the limit never gets here (the route's `bodyLimitBytes`,
 * src/http/create-http-server.ts); a chunked body declares none, so it is counted while read.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // The rest is not read: the answer says `connection: close` (web-routes.ts), which drops it.
    if (size > maxBytes) throw new BodyError(413, `request body larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BodyError(400, 'the body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BodyError(400, 'the body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}
