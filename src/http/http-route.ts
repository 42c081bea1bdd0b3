import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * One route on vigil's HTTP port. Chat platform modules contribute theirs (Slack `POST /slack/events`,
 * Teams `POST /api/messages`); the composition root adds its own (`/metrics`). The path is matched
 * exactly, without the query string.
 */
export interface HttpRoute {
  method: string;
  path: string;
  /**
   * Largest body this route accepts: a larger declared Content-Length is answered 413 before the
   * handler runs and before a byte is read. A chunked body has no declared length, so whoever reads
   * the body enforces the limit again while reading (Bolt's `bodyLimit`, the Teams route's reader).
   */
  bodyLimitBytes?: number;
  handler(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}
