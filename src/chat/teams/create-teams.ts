import type { HttpRoute } from '../../http/http-route.js';
import type { ConversationStore } from '../conversation-store.js';
import { checkTeamsCredentials } from './check-teams-credentials.js';
import { createTeamsAdapter, type TeamsAdapter, type TeamsAdapterOptions } from './create-teams-adapter.js';
import { createTeamsRoute } from './create-teams-route.js';
import { listTeamsConversations, type TeamsConversationRow } from './list-teams-conversations.js';
import { TeamsBot, type TeamsInboundHandlers } from './teams-bot.js';
import { TeamsPlatform } from './teams-platform.js';
import type { TeamsEnv } from './teams-env.js';
import { UserPrincipalCache, type UserPrincipalCacheOptions } from './user-principal-cache.js';

export interface TeamsOptions extends TeamsInboundHandlers {
  /** From readTeamsEnv (src/chat/teams/teams-env.ts). */
  env: Readonly<TeamsEnv>;
  /** Where installations are remembered (RedisConversationStore in production). */
  conversations: ConversationStore;
  now?: () => Date;
  adapter?: TeamsAdapterOptions;
  userPrincipals?: UserPrincipalCacheOptions;
  bodyLimitBytes?: number;
  commandDeadlineMs?: number;
  actionDeadlineMs?: number;
}

export interface Teams {
  /** `POST /api/messages`, for vigil's HTTP server (src/http). */
  readonly route: HttpRoute;
  /** The ChatPlatform the outbox delivers through. */
  readonly platform: TeamsPlatform;
  readonly adapter: TeamsAdapter;
  /** What `vigil teams conversations` prints. */
  listConversations(): Promise<TeamsConversationRow[]>;
  /** Gets a token from Entra ID once (call at start-up); rejects with a ChatDeliveryError naming what to fix. */
  checkCredentials(timeoutMs?: number): Promise<void>;
}

/**
 * Everything Teams in one call (teams-module.ts, the tests): one CloudAdapter shared by the inbound
 * route and the outbound platform (so both use the same credentials and connector tuning).
 */
export function createTeams(options: TeamsOptions): Teams {
  const adapter = createTeamsAdapter(options.env, options.adapter);
  const now = options.now ?? (() => new Date());
  const bot = new TeamsBot({
    teams: adapter,
    conversations: options.conversations,
    userPrincipals: new UserPrincipalCache(options.userPrincipals),
    now,
    onCommand: options.onCommand,
    onAction: options.onAction,
    ...(options.loadAlert ? { loadAlert: options.loadAlert } : {}),
    ...(options.mayRenameConversation ? { mayRenameConversation: options.mayRenameConversation } : {}),
    ...(options.commandDeadlineMs ? { commandDeadlineMs: options.commandDeadlineMs } : {}),
    ...(options.actionDeadlineMs ? { actionDeadlineMs: options.actionDeadlineMs } : {}),
  });
  return {
    route: createTeamsRoute({
      teams: adapter,
      bot,
      ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
    }),
    platform: new TeamsPlatform(adapter, options.conversations, { now }),
    adapter,
    listConversations: () => listTeamsConversations(options.conversations),
    checkCredentials: (timeoutMs) => checkTeamsCredentials(options.env, timeoutMs),
  };
}
