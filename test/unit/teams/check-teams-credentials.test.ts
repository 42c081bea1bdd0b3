import { describe, expect, it } from 'vitest';
import { checkTeamsCredentials } from '../../../src/chat/teams/index.js';

// The token request itself goes to Entra ID on the internet, which tests may not reach; what can be
// checked offline is that development mode needs no credentials at all.
describe('checkTeamsCredentials', () => {
  it('has nothing to check with authentication disabled', async () => {
    await expect(checkTeamsCredentials({ authDisabled: true })).resolves.toBeUndefined();
  });
});
