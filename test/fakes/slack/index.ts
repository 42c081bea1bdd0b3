/** Barrel for the fake Slack Web API and the helpers that sign requests like Slack. */
export {
  FakeSlackWebApi,
  type FakeSlackWebApiOptions,
  type RecordedResponse,
  type RecordedSlackCall,
} from './fake-slack-web-api.js';
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
