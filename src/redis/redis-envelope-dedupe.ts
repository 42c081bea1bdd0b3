import type { RedisClient } from './redis-connection.js';
import type { EnvelopeDedupe } from '../chat/envelope-dedupe.js';
import type { ChatPlatformName } from '../domain/alert.js';

/**
 * Where claimed envelope ids live, under `${prefix}:inbound:<platform>:` (beside redis-keys.ts, like
 * conversationKeys, only because that file belongs to another change; it can move there as is).
 */
export function envelopeKeys(prefix: string, platform: ChatPlatformName) {
  const base = `${prefix}:inbound:${platform}`;
  return {
    /** String "1" while the envelope is claimed; expires after the dedupe window. */
    envelope: (envelopeId: string) => `${base}:envelope:${envelopeId}`,
  };
}

/**
 * Slack retries an unacknowledged envelope three times within about five minutes; ten minutes
 * outlasts every retry, and an id is never reused, so a longer window would only cost memory.
 */
export const defaultEnvelopeWindowMs = 10 * 60_000;

/**
 * EnvelopeDedupe shared by every replica: one `SET key 1 PX window NX`, which only the first caller
 * wins, atomically, whichever replica it runs on. The key expires on its own, so nothing cleans up.
 */
export class RedisEnvelopeDedupe implements EnvelopeDedupe {
  private readonly keys: ReturnType<typeof envelopeKeys>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    platform: ChatPlatformName,
    private readonly windowMs: number = defaultEnvelopeWindowMs,
  ) {
    this.keys = envelopeKeys(prefix, platform);
  }

  async claim(envelopeId: string): Promise<boolean> {
    if (!envelopeId) throw new Error('claim() needs an envelope id');
    const won = await this.redis.set(this.keys.envelope(envelopeId), '1', 'PX', this.windowMs, 'NX');
    return won === 'OK';
  }
}
