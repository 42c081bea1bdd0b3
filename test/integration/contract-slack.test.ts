import { describe } from 'vitest';
import { chatPlatformContract } from '../contract/chat-platform-contract.js';
import { slackContractHarness } from '../contract/slack-contract-harness.js';

/** The shared ChatPlatform contract, for Slack: SlackPlatform and Bolt against FakeSlackWebApi over HTTP. */
describe('ChatPlatform contract: Slack', () => {
  chatPlatformContract(slackContractHarness);
});
