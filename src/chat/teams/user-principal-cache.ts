import { TeamsInfo, type TurnContext } from 'botbuilder';
import { logger } from '../../logger.js';

export interface UserPrincipalCacheOptions {
  /** How long a looked-up UPN is trusted; people are renamed rarely, and only ids decide anyway. */
  ttlMs?: number;
  /** How long a failed lookup is not retried for the same user. */
  failureTtlMs?: number;
  maxEntries?: number;
  /** A lookup slower than this is abandoned: an Action.Execute must be answered within seconds. */
  timeoutMs?: number;
  now?: () => number;
}

const log = logger.child({ component: 'teams-inbound' });

/**
 * The sender's user principal name (maria@example.com), which permissions may list instead of the
 * Entra object id. Teams does not put it on the activity: it takes a roster lookup
 * (TeamsInfo.getMember: `GET /v3/conversations/{team or conversation}/members/{user}`), so results
 * are cached per user, failures too (briefly), and a failure only means the UPN is unknown.
 */
export class UserPrincipalCache {
  private readonly entries = new Map<string, { upn: string | undefined; until: number }>();
  private readonly ttlMs: number;
  private readonly failureTtlMs: number;
  private readonly maxEntries: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(options: UserPrincipalCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 60 * 60_000;
    this.failureTtlMs = options.failureTtlMs ?? 5 * 60_000;
    this.maxEntries = options.maxEntries ?? 5000;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.now = options.now ?? Date.now;
  }

  /** The UPN of the activity's sender, or undefined when Teams would not say. Never throws. */
  async forSender(context: TurnContext): Promise<string | undefined> {
    const from = context.activity.from;
    if (!from?.id) return undefined;
    const key = from.aadObjectId ?? from.id;
    const cached = this.entries.get(key);
    if (cached && cached.until > this.now()) return cached.upn;
    let upn: string | undefined;
    let ok = false;
    try {
      const member = await withTimeout(TeamsInfo.getMember(context, from.id), this.timeoutMs);
      upn =
        typeof member.userPrincipalName === 'string' && member.userPrincipalName
          ? member.userPrincipalName
          : undefined;
      ok = true;
    } catch (error) {
      log.warn(
        { user: key, err: { message: error instanceof Error ? error.message : String(error) } },
        'could not look up the Teams user principal name; permissions by UPN will not match this user',
      );
    }
    this.store(key, upn, ok ? this.ttlMs : this.failureTtlMs);
    return upn;
  }

  private store(key: string, upn: string | undefined, ttl: number): void {
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.delete(key);
    this.entries.set(key, { upn, until: this.now() + ttl });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
