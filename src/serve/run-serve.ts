import { createApp } from '../app.js';
import type { VigilConfig } from '../config/config-schema.js';
import { readServeEnv } from '../config/serve-env.js';
import { readSlackEnv, slackEnvPresent } from '../config/slack-env.js';
import { readTeamsEnv, teamsEnvPresent } from '../config/teams-env.js';
import { readWebEnv, webEnvPresent } from '../config/web-env.js';
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
  const slack = slackEnvPresent() ? readSlackEnv() : undefined;
  const teams = teamsEnvPresent() ? readTeamsEnv() : undefined;
  const web = webEnvPresent() ? readWebEnv() : undefined;
  const app = createApp({
    config,
    serve,
    ...(slack ? { slack } : {}),
    ...(teams ? { teams } : {}),
    ...(web ? { web } : {}),
  });
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
