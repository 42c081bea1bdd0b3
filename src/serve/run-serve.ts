import { createApp } from '../app.js';
import { readChatPlatformSettings } from '../chat/platforms.js';
import type { VigilConfig } from '../config/config-schema.js';
import { readServeEnv } from '../config/serve-env.js';
import { logger } from '../logger.js';

/**
 * After the app has stopped (or failed to start), how long the process may take to exit by itself.
 * Anything still holding it open past that (a BullMQ connection reconnecting to a Redis that is
 * gone) would make a pod that should restart look alive, so the process exits anyway.
 */
const EXIT_GRACE_MS = 1_000;

/**
 * `vigil serve`: reads the environment (every problem at once), starts the app and runs until
 * SIGTERM/SIGINT, then drains: HTTP first, then workers (a job cut off mid-run is re-run safely by
 * another replica: every job is idempotent), then Redis, within the app's stop timeout. A failed
 * start stops whatever had started and rejects, so main() reports it and exits 3. Either way the
 * process ends: EXIT_GRACE_MS after the app has stopped it exits with the code main() set.
 */
export async function runServe(config: Readonly<VigilConfig>): Promise<number> {
  if (!process.env.LOG_LEVEL) logger.level = 'info';
  const serve = readServeEnv();
  // Each platform is on when any of its variables is set, and then must be complete.
  const platforms = readChatPlatformSettings(process.env);
  const app = createApp({ config, serve, platforms });
  try {
    await app.start();
  } catch (error) {
    exitSoon();
    throw error;
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'vigil serve stopping');
      // A second signal (an impatient Ctrl-C) does not wait for the drain.
      const now = () => process.exit(130);
      process.once('SIGTERM', now);
      process.once('SIGINT', now);
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await app.stop();
  logger.info('vigil serve stopped');
  exitSoon();
  return 0;
}

/** Exits with process.exitCode (main() sets it) unless the process has ended by itself before. */
function exitSoon(): void {
  setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
}
