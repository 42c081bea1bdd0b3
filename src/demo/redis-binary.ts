import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { VigilError } from '../domain/vigil-error.js';

/**
 * The redis-server the demo starts for itself. For now: the one on PATH, or a clear error saying how
 * to install it. The one place to change when vigil learns to fetch a redis-server of its own.
 */
export async function resolveRedisServerBinary(): Promise<string> {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next PATH entry
    }
  }
  throw new VigilError(
    'redis-server-missing',
    'the demo starts its own Redis, but redis-server is not installed: sudo apt-get install redis-server ' +
      '(macOS: brew install redis), or set REDIS_URL to a Redis the demo may write to',
  );
}
