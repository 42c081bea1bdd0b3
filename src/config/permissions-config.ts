import { z } from 'zod';
import { perPlatform, type ChatPlatformName } from '../chat/platforms.js';
import type { ConfigProblem } from '../domain/config-error.js';

/**
 * Who may do something, per platform: ids checked by each platform's module, never display names,
 * which their owners can change. A platform left out of a configured list grants nobody on it:
 * adding Teams later must not silently open acknowledgements to every Teams user.
 */
const principalsSchema = z.strictObject(
  perPlatform((p) =>
    z
      .strictObject({ users: z.array(p.yaml.user).default([]), groups: z.array(p.yaml.group).default([]) })
      .optional(),
  ),
);

const channelsSchema = z.strictObject(perPlatform((p) => z.array(p.yaml.channel).default([])));

const clusterPermissionsSchema = z.strictObject({
  /**
   * Where this cluster's state may be shown (queries, history, `/k8s check`, typed ack/snooze). Setting
   * it marks the cluster restricted; an empty list answers nowhere.
   */
  channels: channelsSchema.optional(),
  acknowledge: principalsSchema.optional(),
  snooze: principalsSchema.optional(),
  mute: principalsSchema.optional(),
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
    /** Who may mute clusters (`/k8s mute`, `/k8s unmute`); absent = the same people as `acknowledge`. */
    mute: principalsSchema.optional(),
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

/**
 * Whether a channel may show a cluster's state: always for an unrestricted cluster, else only the
 * channels `permissions.clusters.NAME.channels` lists for that platform. `/k8s` queries
 * (handlers/permissions.ts `mayQuery`) and the daily digest (jobs/digest/) both decide with it.
 */
export function channelMayShow(
  perms: PermissionsConfig,
  cluster: string,
  platform: ChatPlatformName,
  channel: string,
): boolean {
  const channels = perms.clusters[cluster]?.channels;
  if (!channels) return true;
  return channels[platform].some((c) => c.toLowerCase() === channel.toLowerCase());
}
