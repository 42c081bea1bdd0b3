import { z } from 'zod';
import type { ChatPlatformYaml } from '../platform-module.js';

// Slack message edits (chat.update) need the channel ID; names also change when a channel is renamed.
const routeChannel = z
  .string()
  .trim()
  .regex(/^[CGD][A-Z0-9]{2,}$/, {
    error: 'must be a Slack channel ID such as "C0123ABCD" (channel details, About tab), not a #name',
  });

// Ids, not names: display names and @handles can be changed by their owner, ids cannot, so a
// permission list of names would let anyone rename themselves into it.
const user = z.string().regex(/^[UW][A-Z0-9]{2,}$/, {
  error:
    'must be a Slack member id such as "U012AB3CD" (profile → ⋯ → Copy member ID), not a name or @handle',
});
const group = z.string().regex(/^S[A-Z0-9]{2,}$/, {
  error: 'must be a Slack user-group id such as "S0123ABCD" (from usergroups.list), not the @handle',
});
const channel = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, {
  error: 'must be a Slack channel id such as "C0123ABCD" (channel details → About, at the bottom), not #name',
});

/** Slack's ids in vigil.yaml. */
export const slackYaml: ChatPlatformYaml = {
  destination: routeChannel,
  destinationExample: 'slack: [C0123ABCD]',
  user,
  group,
  channel,
  // Slack allows about one message per second per channel (DOMAIN.md section 5).
  minIntervalMs: 1000,
};
