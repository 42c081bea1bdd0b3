import { createApp } from '../app.js';
import { readChatPlatformSettings } from '../chat/platforms.js';
import type { VigilConfig } from '../config/config-schema.js';
import { readServeEnv } from '../config/serve-env.js';
import { logger } from '../logger.js';

/**
 * `vigil serve`: reads the environment (every problem at once), starts the app and runs until
 * SIGTERM/SIGINT, then drains: HTTP first, then workers (a job cut off mid-run is re-run safely by
 * another replica: every job is idempotent), then Redis.
 */
export async function runServe(config: Readonly<VigilConfig>): Promise<number> {
  if (!process.env.LOG_LEVEL) logger.level = 'info';
  const serve = readServeEnv();
  // Each platform is on when any of its variables is set, and then must be complete.
  const platforms = readChatPlatformSettings(process.env);
  const app = createApp({ config, serve, platforms });
  await app.start();
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'vigil serve stopping');
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await app.stop();
  return 0;
}
