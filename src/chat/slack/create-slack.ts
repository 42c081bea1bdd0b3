import type { ActionRequest, CommandRequest } from '../chat-message.js';
import type { ChatPlatformContext, RunningChatPlatform } from '../platform-module.js';
import { createSlackRoute } from './create-slack-route.js';
import { createSlackSocket } from './create-slack-socket.js';
import { createSlackGroupLookup } from './slack-group-lookup.js';
import type { SlackEnv } from './slack-env.js';
import { createSlackPlatform } from './slack-platform.js';

/**
 * Everything Slack for `vigil serve`: the Web API platform the outbox posts through, the inbound
 * side, and auth.test at start-up. Inbound is the `/slack/events` route, or in Socket Mode
 * (SLACK_APP_TOKEN set) a WebSocket vigil opens itself, with no route; both run the same listeners.
 * User groups are looked up only when vigil.yaml's permissions name some, and then only those groups.
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
  const checkAuth = async () => {
    await platform.checkAuth();
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
  return { platform, routes: [createSlackRoute({ env, ...handlers })], checkAuth };
}
