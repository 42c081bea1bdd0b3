import { z } from 'zod';
import type { ChatPlatformYaml } from '../platform-module.js';

// Teams has no "post to channel X": routes name a conversation vigil was added to by its alias
// (src/chat/conversation-store.ts), as `vigil teams conversations` lists them.
const alias = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    error: 'must be a Teams conversation alias such as "oncall" (letters, digits, ".", "_", "-")',
  });

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const upn = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const user = z.string().refine((s) => guid.test(s) || upn.test(s), {
  error:
    'must be an Azure AD (Entra ID) object id such as "0f8fad5b-d9cb-469f-a165-70867728950e" or a user principal name such as "maria@example.com"',
});
const group = z.string().regex(guid, {
  error: 'must be an Azure AD (Entra ID) group object id such as "0f8fad5b-d9cb-469f-a165-70867728950e"',
});
// Teams conversation ids look like `19:abc…@thread.tacv2` (channels, group chats) or `a:1…` (1:1 chats).
const conversation = z.string().regex(/^[0-9a-z]+:\S+$/i, {
  error:
    'must be a Teams conversation id such as "19:abc123@thread.tacv2" (shown by `@vigil help` in that channel)',
});

/** Teams' ids in vigil.yaml. */
export const teamsYaml: ChatPlatformYaml = {
  destination: alias,
  destinationExample: 'teams: [alias]',
  user,
  group,
  channel: conversation,
  // Teams throttles per thread; it reuses Slack's pace until measured otherwise.
  minIntervalMs: 1000,
};
