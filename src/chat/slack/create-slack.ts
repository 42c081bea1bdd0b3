import type { ActionRequest, CommandRequest } from '../chat-message.js';
import type { ChatPlatformContext, RunningChatPlatform } from '../platform-module.js';
import { createSlackRoute } from './create-slack-route.js';
import { createSlackSocket } from './create-slack-socket.js';
import { createSlackGroupLookup } from './slack-group-lookup.js';
import type { SlackEnv } from './slack-env.js';
import { createSlackPlatform } from './slack-platform.js';
import type { SlackWorkspace } from './slack-workspace.js';

/**
 * Everything Slack for `vigil serve`: the Web API platform the outbox posts through, the inbound
 * side, and auth.test at start-up, which also names the workspace the HTTP route accepts requests
 * from. Inbound is the `/slack/events` route, or in Socket Mode (SLACK_APP_TOKEN set) a WebSocket
 * vigil opens itself, with no route; both run the same listeners. A Socket Mode envelope arrives on
 * the app's own authenticated connection, so it needs neither the workspace check nor the replay
 * guard (its redeliveries are deduplicated by envelope id instead). User groups are looked up only
 * when vigil.yaml's permissions name some, and then only those groups.
 */
export function createSlack(env: Readonly<SlackEnv>, context: ChatPlatformContext): RunningChatPlatform {
  const platform = createSlackPlatform({ botToken: env.botToken, apiUrl: env.apiUrl });
  const groupIds = context.userGroupIds;
  const groups =
    groupIds.length > 0 ? createSlackGroupLookup({ botToken: env.botToken, apiUrl: env.apiUrl }) : undefined;
  const handlers = {
    onCommand: (request: CommandRequest) => context.onCommand(request),
    onAction: (request: ActionRequest) => context.onAction(request),
    ...(groups ? { resolveUserGroups: (userId: string) => groups.memberOfGroups(userId, groupIds) } : {}),
  };
  let workspace: SlackWorkspace | undefined;
  const checkAuth = async () => {
    workspace = await platform.installedWorkspace(env.appId);
  };
  if (env.appToken) {
    const socket = createSlackSocket({
      env: { botToken: env.botToken, apiUrl: env.apiUrl, appToken: env.appToken },
      envelopes: context.envelopes,
      ...handlers,
    });
    return {
      platform,
      routes: [],
      checkAuth,
      start: () => socket.start(),
      status: () => socket.status(),
      stop: () => socket.stop(),
    };
  }
  const route = createSlackRoute({
    env,
    workspace: () => workspace,
    replayGuard: context.replayGuard,
    ...handlers,
  });
  return { platform, routes: [route], checkAuth };
}
