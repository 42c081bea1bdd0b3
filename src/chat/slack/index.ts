/** The Slack adapter's public surface, for tests and tools; `vigil serve` reaches Slack through slack-module.ts. */
export {
  createSlackRoute,
  defaultBodyLimitBytes,
  slackEventsPath,
  type SlackRouteOptions,
} from './create-slack-route.js';
export { createSlackSocket, type SlackSocket, type SlackSocketOptions } from './create-slack-socket.js';
export {
  defaultSocketModeReconnect,
  type SocketModeConnectionOptions,
  type SocketModeReconnect,
} from './socket-mode-connection.js';
export { createSlackPlatform, SlackPlatform, type SlackPlatformOptions } from './slack-platform.js';
export {
  createSlackGroupLookup,
  SlackGroupLookup,
  type SlackGroupLookupOptions,
} from './slack-group-lookup.js';
export { createRespondLater, isAllowedResponseUrl, type RespondLater } from './respond-later.js';
export { renderAlertMessage, type SlackMessagePayload } from './render-alert-message.js';
export { renderReplyMessage, type SlackReplyPage } from './render-reply-message.js';
export { escapeMrkdwn, renderThreadLine } from './mrkdwn.js';
export type { SlackInboundHandlers } from './register-slack-listeners.js';
