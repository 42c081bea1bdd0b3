import type { ChatPlatformContext, RunningChatPlatform } from '../platform-module.js';
import { createSlackRoute } from './create-slack-route.js';
import { createSlackGroupLookup } from './slack-group-lookup.js';
import type { SlackEnv } from './slack-env.js';
import { createSlackPlatform } from './slack-platform.js';
import type { SlackWorkspace } from './slack-workspace.js';

/**
 * Everything Slack for `vigil serve`: the Web API platform the outbox posts through, the
 * `/slack/events` route, and auth.test at start-up, which also names the workspace the route
 * accepts requests from. User groups are looked up only when vigil.yaml's permissions name some,
 * and then only those groups.
 */
export function createSlack(env: Readonly<SlackEnv>, context: ChatPlatformContext): RunningChatPlatform {
  const platform = createSlackPlatform({ botToken: env.botToken, apiUrl: env.apiUrl });
  const groupIds = context.userGroupIds;
  const groups =
    groupIds.length > 0 ? createSlackGroupLookup({ botToken: env.botToken, apiUrl: env.apiUrl }) : undefined;
  let workspace: SlackWorkspace | undefined;
  const route = createSlackRoute({
    env,
    workspace: () => workspace,
    replayGuard: context.replayGuard,
    onCommand: (request) => context.onCommand(request),
    onAction: (request) => context.onAction(request),
    ...(groups ? { resolveUserGroups: (userId: string) => groups.memberOfGroups(userId, groupIds) } : {}),
  });
  return {
    platform,
    routes: [route],
    async checkAuth() {
      workspace = await platform.installedWorkspace(env.appId);
    },
  };
}
