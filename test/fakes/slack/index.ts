/** Barrel for the fake Slack Web API, its Socket Mode endpoint, and the helpers that sign requests like Slack. */
export {
  FakeSlackWebApi,
  type FakeSlackWebApiOptions,
  type RecordedResponse,
  type RecordedSlackCall,
  type SocketModeEndpoint,
} from './fake-slack-web-api.js';
export {
  FakeSocketMode,
  type DeliverOptions,
  type Delivery,
  type EnvelopeType,
  type FakeConnection,
  type FakeSocketModeOptions,
  type RecordedAck,
} from './fake-socket-mode.js';
export { blockActionsPayload, slashCommandPayload } from './socket-mode-payloads.js';
export type { FakeFault, FaultRule } from './fake-faults.js';
export type { FakeSlackMessage } from './fake-message-store.js';
export { fakeBotIdentity, type ChannelState } from './fake-web-api-methods.js';
export {
  blockActionsBody,
  postToSlackEvents,
  signSlackRequest,
  slashCommandBody,
  type SlashCommandFields,
} from './sign-slack-request.js';
