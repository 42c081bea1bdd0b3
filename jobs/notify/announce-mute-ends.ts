import type { AlertStore } from '../../src/alerts/alert-store.js';
import type { EndedMuting, HeldNotification, MuteHolds } from '../../src/alerts/mute-store.js';
import { ChatDeliveryError } from '../../src/chat/chat-delivery-error.js';
import type { ChatPlatform } from '../../src/chat/chat-platform.js';
import { muteEndNotice } from '../../src/chat/mute-end-notice.js';
import { chatPlatformModule } from '../../src/chat/platforms.js';
import type { Alert, ChatPlatformName } from '../../src/domain/alert.js';
import type { NotifyLog } from './notify.js';

export interface AnnounceDeps {
  holds: MuteHolds;
  alerts: Pick<AlertStore, 'get'>;
  platforms: ReadonlyMap<ChatPlatformName, ChatPlatform>;
  log: NotifyLog;
  /**
   * How long one replica's claim on an announcement lasts: past it, a replica that died while
   * posting is taken over (and may repeat the notice, never lose it).
   */
  leaseMs?: number;
}

const LEASE_MS = 5 * 60_000;
/** Mutings handled per tick: bounded work for the tick that calls it. */
const MUTINGS_PER_TICK = 20;

function byDestination(held: readonly HeldNotification[]): Map<string, HeldNotification[]> {
  const out = new Map<string, HeldNotification[]>();
  for (const h of held) {
    const key = `${h.platform}\t${h.destination}`;
    out.set(key, [...(out.get(key) ?? []), h]);
  }
  return out;
}

function ackHint(platform: ChatPlatformName): string {
  const prefix = chatPlatformModule(platform).commandPrefix;
  const hint = (...words: string[]) => [prefix, ...words].filter((w) => w !== '').join(' ');
  return `${hint('alerts')} shows them; ${hint('ack', 'ID')} acknowledges one.`;
}

/**
 * Called on every watchdog tick (jobs/start-jobs.ts): for each mute or maintenance window that has
 * ended with notifications held, posts one notice per destination it held something for, listing
 * the alerts still open (src/chat/mute-end-notice.ts). Once across replicas: each destination's
 * notice is claimed with a lease and marked done after posting; a failed post gives the claim
 * back and the next tick tries again. Returns how many notices were posted.
 */
export async function announceEndedMutings(now: Date, deps: AnnounceDeps): Promise<number> {
  let posted = 0;
  for (const muting of await deps.holds.ended(now, MUTINGS_PER_TICK)) {
    const outcome = await announceMuting(muting, deps);
    posted += outcome.posted;
    if (outcome.complete) await deps.holds.finish(muting.key);
  }
  return posted;
}

async function announceMuting(
  muting: EndedMuting,
  deps: AnnounceDeps,
): Promise<{ posted: number; complete: boolean }> {
  let posted = 0;
  let complete = true;
  for (const held of byDestination(muting.held).values()) {
    const { platform: name, destination } = held[0]!;
    const fields = { muting: muting.key, platform: name, destination, alerts: held.length };
    if (await deps.holds.announced(muting.key, name, destination)) continue;
    const platform = deps.platforms.get(name);
    if (!platform) {
      deps.log.error(
        fields,
        `no ${name} platform is configured; the end of ${muting.label} is not announced there`,
      );
      continue;
    }
    if (!(await deps.holds.claim(muting.key, name, destination, deps.leaseMs ?? LEASE_MS))) {
      complete = false; // another replica is posting it
      continue;
    }
    try {
      const found = await Promise.all(held.map((h) => deps.alerts.get(h.alertId)));
      const alerts = found.filter((a): a is Alert => a !== null);
      const notice = muteEndNotice(muting.label, muting.until, alerts, {
        ackHint: ackHint(name),
        gone: found.length - alerts.length,
      });
      await platform.announce(destination, notice);
      await deps.holds.settle(muting.key, name, destination, true);
      deps.log.info({ ...fields, title: notice.title }, 'announced the end of a mute');
      posted++;
    } catch (err) {
      await deps.holds.settle(muting.key, name, destination, false);
      if (err instanceof ChatDeliveryError && !err.retryable) {
        // Posting there can never work (channel gone): say so loudly once, and do not retry forever.
        deps.log.error(
          { ...fields, audit: true, code: err.code, error: err.message },
          `end of ${muting.label} not announced: ${err.message}`,
        );
        await deps.holds.settle(muting.key, name, destination, true);
        continue;
      }
      complete = false;
      deps.log.warn(
        { ...fields, error: err instanceof Error ? err.message : String(err) },
        'cannot announce the end of a mute yet; the next tick retries',
      );
    }
  }
  return { posted, complete };
}
