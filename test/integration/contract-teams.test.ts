import { describe } from 'vitest';
import { chatPlatformContract } from '../contract/chat-platform-contract.js';
import { teamsContractHarness } from '../contract/teams-contract-harness.js';

/** The shared ChatPlatform contract, for Teams: TeamsPlatform and CloudAdapter against the fake Bot Connector over HTTP. */
describe('ChatPlatform contract: Teams', () => {
  chatPlatformContract(teamsContractHarness);
});
