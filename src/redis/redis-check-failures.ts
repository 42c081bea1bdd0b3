import type { RedisClient } from './redis-connection.js';
import type { CheckFailure, CheckFailures } from '../alerts/check-failures.js';
import { checkFailureKeys } from './redis-keys.js';

/**
 * The last error of each (cluster, check) job, in one Redis hash under `<prefix>:runs:last-error`, so
 * the watchdog of any replica can say why checks stopped ("job failing: connect ECONNREFUSED").
 */
export class RedisCheckFailures implements CheckFailures {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.key = checkFailureKeys(prefix).lastError;
  }

  async record(cluster: string, check: string, failure: CheckFailure): Promise<void> {
    // Error messages can be long (stack-like kube errors); the watchdog shows one line.
    const message = failure.message.split('\n')[0]?.slice(0, 500) ?? '';
    await this.redis.hset(this.key, `${cluster}/${check}`, JSON.stringify({ at: failure.at, message }));
  }

  async all(): Promise<Map<string, CheckFailure>> {
    const raw = await this.redis.hgetall(this.key);
    const out = new Map<string, CheckFailure>();
    for (const [field, value] of Object.entries(raw)) {
      try {
        out.set(field, JSON.parse(value) as CheckFailure);
      } catch {
        // A malformed entry is someone else's write; ignore it rather than blind the watchdog.
      }
    }
    return out;
  }
}
