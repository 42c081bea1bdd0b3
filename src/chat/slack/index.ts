/** The Slack adapter's public surface: the composition root imports from here only. */
export {
  createSlackServer,
  type HttpRoute,
  type ReadinessResult,
  type SlackServer,
  type SlackServerOptions,
} from './create-slack-server.js';
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
