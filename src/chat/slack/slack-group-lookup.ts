import type { WebClient } from '@slack/web-api';
import type { SlackEnv } from './slack-env.js';
import { classifySlackError } from './classify-slack-error.js';
import { createSlackWebClient, type SlackWebClientOptions } from './create-slack-web-client.js';

export interface SlackGroupLookupOptions {
  /** How long a group's member list is trusted. Removing someone from a group takes effect after this. */
  ttlMs?: number;
  /** Clock in ms, passed in for tests (ARCHITECTURE.md house rule 7). */
  now?: () => number;
}

export const defaultGroupTtlMs = 5 * 60_000;

interface Entry {
  members: ReadonlySet<string>;
  expiresAt: number;
}

/**
 * Which of some Slack user groups a user belongs to, for permission checks. Slack only answers
 * "members of group G" (usergroups.users.list, one call per group, Tier 2 rate limit), so member
 * lists are cached per group for a TTL and concurrent lookups of the same group share one call:
 * a burst of button clicks costs one request per group, not one per click.
 */
export class SlackGroupLookup {
  private readonly cache = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<ReadonlySet<string>>>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: WebClient,
    options: SlackGroupLookupOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? defaultGroupTtlMs;
    this.now = options.now ?? Date.now;
  }

  /**
   * The subset of `groupIds` (`S…` ids) that `userId` is a member of. Throws ChatDeliveryError when
   * a group cannot be read: the caller must refuse rather than guess (fail closed).
   */
  async memberOfGroups(userId: string, groupIds: readonly string[]): Promise<string[]> {
    const unique = [...new Set(groupIds)];
    const members = await Promise.all(unique.map((g) => this.membersOf(g)));
    return unique.filter((_, i) => members[i]!.has(userId));
  }

  /** Drops cached member lists (e.g. on a `subteam_members_changed` event). */
  invalidate(groupId?: string): void {
    if (groupId === undefined) this.cache.clear();
    else this.cache.delete(groupId);
  }

  private async membersOf(groupId: string): Promise<ReadonlySet<string>> {
    const cached = this.cache.get(groupId);
    if (cached && cached.expiresAt > this.now()) return cached.members;
    const pending = this.inFlight.get(groupId);
    if (pending) return pending;
    const load = this.load(groupId).finally(() => this.inFlight.delete(groupId));
    this.inFlight.set(groupId, load);
    return load;
  }

  private async load(groupId: string): Promise<ReadonlySet<string>> {
    try {
      const result = await this.client.usergroups.users.list({ usergroup: groupId, include_disabled: false });
      const members: ReadonlySet<string> = new Set(result.users ?? []);
      this.cache.set(groupId, { members, expiresAt: this.now() + this.ttlMs });
      return members;
    } catch (error) {
      throw classifySlackError(error, { method: 'usergroups.users.list' });
    }
  }
}

/** Builds the lookup from the environment (the composition root cannot import the SDK). */
export function createSlackGroupLookup(
  env: Pick<SlackEnv, 'botToken' | 'apiUrl'>,
  options: SlackGroupLookupOptions & SlackWebClientOptions = {},
): SlackGroupLookup {
  return new SlackGroupLookup(createSlackWebClient(env, options), options);
}
