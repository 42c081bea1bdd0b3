import { z } from 'zod';
import type { ConfigProblem } from './config-error.js';

// Ids, not names: display names and @handles can be changed by their owner, ids cannot, so a
// permission list of names would let anyone rename themselves into it.
const slackUser = z.string().regex(/^[UW][A-Z0-9]{2,}$/, {
  error:
    'must be a Slack member id such as "U012AB3CD" (profile → ⋯ → Copy member ID), not a name or @handle',
});
const slackGroup = z.string().regex(/^S[A-Z0-9]{2,}$/, {
  error: 'must be a Slack user-group id such as "S0123ABCD" (from usergroups.list), not the @handle',
});
const slackChannel = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, {
  error: 'must be a Slack channel id such as "C0123ABCD" (channel details → About, at the bottom), not #name',
});

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const upn = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const teamsUser = z.string().refine((s) => guid.test(s) || upn.test(s), {
  error:
    'must be an Azure AD (Entra ID) object id such as "0f8fad5b-d9cb-469f-a165-70867728950e" or a user principal name such as "maria@example.com"',
});
const teamsGroup = z.string().regex(guid, {
  error: 'must be an Azure AD (Entra ID) group object id such as "0f8fad5b-d9cb-469f-a165-70867728950e"',
});
// Teams conversation ids look like `19:abc…@thread.tacv2` (channels, group chats) or `a:1…` (1:1 chats).
const teamsConversation = z.string().regex(/^[0-9a-z]+:\S+$/i, {
  error:
    'must be a Teams conversation id such as "19:abc123@thread.tacv2" (shown by `@vigil help` in that channel)',
});

/**
 * Who may do something, per platform. A platform left out of a configured list grants nobody on it:
 * adding Teams later must not silently open acknowledgements to every Teams user.
 */
const principalsSchema = z.strictObject({
  slack: z
    .strictObject({ users: z.array(slackUser).default([]), groups: z.array(slackGroup).default([]) })
    .optional(),
  teams: z
    .strictObject({ users: z.array(teamsUser).default([]), groups: z.array(teamsGroup).default([]) })
    .optional(),
});

const channelsSchema = z.strictObject({
  slack: z.array(slackChannel).default([]),
  teams: z.array(teamsConversation).default([]),
});

const clusterPermissionsSchema = z.strictObject({
  /**
   * Where this cluster's state may be shown (queries, history, `/k8s check`, typed ack/snooze). Setting
   * it marks the cluster restricted; an empty list answers nowhere.
   */
  channels: channelsSchema.optional(),
  acknowledge: principalsSchema.optional(),
  snooze: principalsSchema.optional(),
});

/**
 * `permissions:` in vigil.yaml, read by handlers/permissions.ts. Defaults (nothing configured): anyone
 * who can use vigil in a channel may acknowledge and snooze, and every cluster answers in every channel
 * vigil is in; listing `channels` for a cluster restricts it.
 */
export const permissionsConfigSchema = z
  .strictObject({
    /** Who may acknowledge alerts of any cluster; absent = anyone. */
    acknowledge: principalsSchema.optional(),
    /** Who may snooze; absent = the same people as `acknowledge`. */
    snooze: principalsSchema.optional(),
    /** Per cluster (by name): query channels and stricter ack/snooze lists. */
    clusters: z.record(z.string(), clusterPermissionsSchema).default({}),
    /** Who grants permissions, named in every refusal, e.g. "the SRE leads in #sre". */
    contact: z.string().trim().min(1).max(200).optional(),
  })
  .prefault({});

export type PermissionsConfig = z.infer<typeof permissionsConfigSchema>;
export type Principals = z.infer<typeof principalsSchema>;
export type ClusterPermissions = z.infer<typeof clusterPermissionsSchema>;

/**
 * Problems the permissions schema cannot see alone: a `permissions.clusters` key that names no
 * configured cluster. A typo there ("production" for "prod") would silently leave the real cluster
 * unrestricted, so it is an error, not a warning. Called by the config loader beside the schema.
 */
export function permissionsProblems(config: {
  clusters: readonly { name: string }[];
  permissions: PermissionsConfig;
}): ConfigProblem[] {
  const known = new Set(config.clusters.map((c) => c.name));
  const names = [...known].map((n) => `"${n}"`).join(', ');
  return Object.keys(config.permissions.clusters)
    .filter((name) => !known.has(name))
    .map((name) => ({
      key: `permissions.clusters.${name}`,
      message: `names no cluster in clusters[]; use one of ${names}`,
    }));
}
