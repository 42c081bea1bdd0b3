import { describe } from 'vitest';
import { chatPlatformContract } from '../contract/chat-platform-contract.js';
import { webContractHarness } from '../contract/web-contract-harness.js';

/**
 * The shared ChatPlatform contract, for the web chat: its platform and routes over real HTTP, read
 * through the event stream a page reads. No 429/5xx tests: delivery is in-process, nothing to fail
 * (chat-platform-contract.ts, ContractCapabilities).
 */
describe('ChatPlatform contract: web chat', () => {
  chatPlatformContract(webContractHarness, { transportFaults: false });
});
