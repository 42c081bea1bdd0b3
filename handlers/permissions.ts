import { chatPlatformModule, knownPlatform } from '../src/chat/platforms.js';
import { channelMayShow, type Principals, type PermissionsConfig } from '../src/config/permissions-config.js';
import type { Actor, ChatPlatformName } from '../src/domain/alert.js';

/**
 * Who is asking and where: the common part of CommandRequest and ActionRequest. On a platform that
 * does not verify its users (`verifiesUsers: false`, src/chat/platform-module.ts) no list can name
 * them: a configured list refuses them, and a restricted cluster never answers there.
 */
export interface Requester {
  platform: ChatPlatformName;
  user: Actor;
  userGroups?: string[];
  userPrincipalName?: string;
  channel: string;
}

export type Decision =
  | { allowed: true }
  /** `reason` says what is refused and why; `grant` who can change that and which key. */
  | { allowed: false; reason: string; grant: string };

export type AlertPermission = 'acknowledge' | 'snooze' | 'mute';

const allowed: Decision = { allowed: true };

function contactOf(perms: PermissionsConfig): string {
  return perms.contact ?? 'whoever administers vigil';
}

/** Whether the cluster answers only in listed channels (`permissions.clusters.NAME.channels`). */
export function isRestricted(perms: PermissionsConfig, cluster: string): boolean {
  return perms.clusters[cluster]?.channels !== undefined;
}

/** Whether this channel may see the cluster's state. Unrestricted clusters answer everywhere. */
export function mayQuery(perms: PermissionsConfig, cluster: string, who: Requester): Decision {
  if (channelMayShow(perms, cluster, knownPlatform(who.platform), who.channel)) return allowed;
  if (!verifiesUsers(who)) {
    return {
      allowed: false,
      reason: `${cluster} is restricted: its state is shown only in the channels listed for it, and ${who.platform} cannot be listed (vigil cannot tell who asks there)`,
      grant: `Ask in one of the channels permissions.clusters.${cluster}.channels lists.`,
    };
  }
  return {
    allowed: false,
    reason: `${cluster} is restricted: its state is shown only in the channels listed for it, and this one (${who.channel}) is not`,
    grant: `Ask in one of ${cluster}'s channels, or ask ${contactOf(perms)} to add ${who.channel} to permissions.clusters.${cluster}.channels.${who.platform} in vigil.yaml.`,
  };
}

/**
 * The list that decides, most specific first: the cluster's own list for this permission, then (for
 * snooze and mute) the cluster's acknowledge list, then the global ones. Returns its config key for messages.
 */
function governingList(
  perms: PermissionsConfig,
  permission: AlertPermission,
  cluster: string,
): { principals: Principals; key: string } | undefined {
  const c = perms.clusters[cluster];
  const candidates: [Principals | undefined, string][] =
    permission === 'acknowledge'
      ? [
          [c?.acknowledge, `permissions.clusters.${cluster}.acknowledge`],
          [perms.acknowledge, 'permissions.acknowledge'],
        ]
      : [
          [c?.[permission], `permissions.clusters.${cluster}.${permission}`],
          [c?.acknowledge, `permissions.clusters.${cluster}.acknowledge`],
          [perms[permission], `permissions.${permission}`],
          [perms.acknowledge, 'permissions.acknowledge'],
        ];
  for (const [principals, key] of candidates) if (principals) return { principals, key };
  return undefined;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Whether the user may acknowledge or snooze alerts of the cluster. Decided on ids only (user id,
 * group ids, Teams UPN), never on display names, which users can change themselves.
 */
export function mayChangeAlert(
  perms: PermissionsConfig,
  permission: AlertPermission,
  cluster: string,
  who: Requester,
): Decision {
  const governing = governingList(perms, permission, cluster);
  if (!governing) return allowed;
  const list = governing.principals[knownPlatform(who.platform)];
  const ids = [who.user.id, ...(who.userPrincipalName ? [who.userPrincipalName] : [])];
  if (list?.users.some((u) => ids.some((id) => same(u, id)))) return allowed;
  if (list?.groups.some((g) => who.userGroups?.some((mine) => same(g, mine)))) return allowed;
  const verb = permission;
  if (!verifiesUsers(who)) {
    return {
      allowed: false,
      reason: `only the people listed in ${governing.key} may ${verb} ${cluster}${verb === 'mute' ? '' : ' alerts'}, and ${who.platform} cannot be listed (vigil cannot tell who asks there)`,
      grant: `Ask one of the people listed in ${governing.key} to ${verb} it where vigil knows who they are.`,
    };
  }
  const groupsUnknown = (list?.groups.length ?? 0) > 0 && who.userGroups === undefined;
  return {
    allowed: false,
    reason:
      `only the people listed in ${governing.key} may ${verb} ${cluster}${verb === 'mute' ? '' : ' alerts'}, and you (${who.user.id}) are not` +
      (list?.groups.length ? ' in it nor in one of its user groups' : ' in it') +
      (groupsUnknown ? ` (${who.platform} did not tell vigil your user groups)` : ''),
    grant: `Ask ${contactOf(perms)} to add your id ${who.user.id} to ${governing.key}.${who.platform}.users (or one of your groups to ${governing.key}.${who.platform}.groups) in vigil.yaml.`,
  };
}

function verifiesUsers(who: Requester): boolean {
  return chatPlatformModule(who.platform).verifiesUsers !== false;
}

/**
 * Every user-group id the permissions mention for a platform: all an adapter has to resolve for
 * `userGroups` (Slack: usergroups.users.list per group), instead of every group the user is in.
 */
export function permissionGroupIds(perms: PermissionsConfig, platform: ChatPlatformName): string[] {
  const lists = [
    perms.acknowledge,
    perms.snooze,
    perms.mute,
    ...Object.values(perms.clusters).flatMap((c) => [c.acknowledge, c.snooze, c.mute]),
  ];
  return [...new Set(lists.flatMap((p) => p?.[knownPlatform(platform)]?.groups ?? []))];
}
