import { z } from 'zod';
import type { ChatPlatformYaml } from '../platform-module.js';

// Rooms are vigil's own: the routes that name one make it exist (web-module.ts), and the page shows it.
const room = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, {
    error: 'must be a web chat room name such as "alerts" (lower-case letters, digits, ".", "_", "-")',
  });

// A name typed into the page is nobody's id (web-requests.ts), so no permission list may name a
// web user, group or place: a list that could would let anyone type themselves into it.
const nothing = (what: string) =>
  z.never({
    error: `cannot be listed: the web chat does not know who is asking (a name typed into its page is nobody's id), so no permission list names its ${what}`,
  });

/** The web chat's keys in vigil.yaml: `web: [room]` in routes; nothing in permissions. */
export const webYaml: ChatPlatformYaml = {
  destination: room,
  destinationExample: 'web: [alerts]',
  user: nothing('users'),
  group: nothing('groups'),
  channel: nothing('channels'),
  // In-process: nothing between the outbox and the page rate-limits it (web-platform.ts).
  minIntervalMs: 0,
};
