/** The Teams adapter's public surface, for tests and tools; `vigil serve` reaches Teams through teams-module.ts. */
export { createTeams, type Teams, type TeamsOptions } from './create-teams.js';
export { checkTeamsCredentials } from './check-teams-credentials.js';
export { createTeamsAdapter, type TeamsAdapter, type TeamsAdapterOptions } from './create-teams-adapter.js';
export {
  createTeamsRoute,
  defaultTeamsBodyLimitBytes,
  teamsMessagesPath,
  type TeamsRouteOptions,
} from './create-teams-route.js';
export { createTeamsPlatform, TeamsPlatform, type TeamsPlatformOptions } from './teams-platform.js';
export { TeamsBot, type TeamsBotOptions, type TeamsInboundHandlers } from './teams-bot.js';
export {
  formatTeamsConversations,
  listTeamsConversations,
  type TeamsConversationRow,
} from './list-teams-conversations.js';
export { renderAlertCard, type CardNote } from './render-alert-card.js';
export { renderReplyCards } from './render-reply-card.js';
export { teamsCardLimits, teamsPayloadBytes } from './teams-card-limits.js';
export { ackVerb, chartVerb, snoozeVerb, decodeExecuteAction } from './teams-action-verbs.js';
export { classifyTeamsError, defaultTeamsRetryAfterMs } from './classify-teams-error.js';
export { aliasCandidates, slug } from './conversation-naming.js';
export type { AdaptiveCard } from './adaptive-card.js';
