import { logger } from '../../logger.js';
import type { ChatPlatformModule } from '../platform-module.js';
import { insecureDevVariable, readTeamsEnv, teamsEnvPresent, type TeamsEnv } from './teams-env.js';
import { teamsYaml } from './teams-yaml.js';

/**
 * Microsoft Teams (Bot Framework) as a vigil chat platform (src/chat/platform-module.ts). Light on
 * purpose: botbuilder loads only when `vigil serve` creates the platform.
 */
export const teamsModule: ChatPlatformModule<'teams', Readonly<TeamsEnv>> = {
  name: 'teams',
  commandPrefix: '@vigil',
  env: {
    wanted: teamsEnvPresent,
    read: readTeamsEnv,
    setup: 'MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppType and MicrosoftAppTenantId (Teams)',
  },
  yaml: teamsYaml,
  async create(settings, context) {
    const { createTeams } = await import('./create-teams.js');
    const teams = createTeams({
      env: settings,
      conversations: context.conversations,
      now: () => context.now(),
      onCommand: (request) => context.onCommand(request),
      onAction: (request) => context.onAction(request),
      // Pressing a card button answers the presser with the alert as it now is; the outbox edits
      // everyone else's copy.
      loadAlert: (alertId) => context.loadAlert(alertId),
    });
    return {
      platform: teams.platform,
      routes: [teams.route],
      async checkAuth() {
        if (!settings.authDisabled) return teams.checkCredentials();
        logger.error(
          `${insecureDevVariable} is set: Bot Framework authentication is OFF in both directions; never run this in production`,
        );
      },
      async unregisteredDestinations(destinations) {
        const unknown: string[] = [];
        for (const d of destinations) if (!(await context.conversations.resolve(d))) unknown.push(d);
        return unknown;
      },
    };
  },
};
