/** Barrel for the fake Bot Connector and the helpers that speak to a bot as Teams does. */
export {
  FakeBotConnector,
  type FakeConversationState,
  type FakeTeamsMember,
  type RecordedConnectorCall,
} from './fake-bot-connector.js';
export type { FakeActivity } from './connector-activities.js';
export type { ConnectorFault, ConnectorFaultRule, ConnectorOperation } from './connector-faults.js';
export { FakeBotFrameworkAuth, type TokenOptions } from './fake-bot-framework-auth.js';
export {
  bob,
  channel,
  conversationUpdateActivity,
  fakeBot,
  fakeTenantId,
  groupChat,
  installationUpdateActivity,
  invokeActivity,
  maria,
  messageActivity,
  personalChat,
  postActivity,
  type FakeConversation,
  type FakeUser,
} from './inbound-activities.js';
export { MemoryConversationStore } from './memory-conversation-store.js';
export { serveRoute, type ServedRoute } from './serve-route.js';
export {
  cardOf,
  executeActions,
  markdownText,
  teamsMessageLimitBytes,
  validateCard,
  visibleText,
} from './validate-card.js';
