import { VigilError } from '../domain/vigil-error.js';

/**
 * A failed call to a chat platform, already classified so the outbox needs no SDK knowledge:
 * `rate-limited` waits `retryAfterMs` for that destination only; other retryable failures back off;
 * `not-registered` (a destination the platform has not been told about yet, such as a Teams
 * conversation vigil was not added to) is held until it is; the rest (channel not found, not in
 * channel, invalid auth) are permanent and reported.
 */
export class ChatDeliveryError extends VigilError {
  readonly retryAfterMs: number | undefined;

  constructor(
    code:
      'rate-limited' | 'unavailable' | 'timeout' | 'not-registered' | 'not-found' | 'forbidden' | 'invalid',
    userMessage: string,
    options: { retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(`chat-${code}`, userMessage, {
      retryable: code === 'rate-limited' || code === 'unavailable' || code === 'timeout',
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
    });
    this.name = 'ChatDeliveryError';
    this.retryAfterMs = options.retryAfterMs;
  }
}
