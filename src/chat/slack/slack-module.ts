import type { ChatPlatformModule } from '../platform-module.js';
import { readSlackEnv, slackEnvPresent, type SlackEnv } from './slack-env.js';
import { slackYaml } from './slack-yaml.js';

/**
 * Slack as a vigil chat platform (src/chat/platform-module.ts). Light on purpose: the SDK (Bolt,
 * the Web API client) loads only when `vigil serve` creates the platform.
 */
export const slackModule: ChatPlatformModule<'slack', Readonly<SlackEnv>> = {
  name: 'slack',
  commandPrefix: '/k8s',
  env: {
    wanted: slackEnvPresent,
    read: readSlackEnv,
    setup:
      'SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (Slack over HTTP) or with SLACK_APP_TOKEN (Slack Socket Mode)',
  },
  yaml: slackYaml,
  async create(settings, context) {
    const { createSlack } = await import('./create-slack.js');
    return createSlack(settings, context);
  },
};
