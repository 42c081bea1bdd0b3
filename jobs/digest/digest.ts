import type { AlertStore } from '../../src/alerts/alert-store.js';
import type { SnapshotStore } from '../../src/alerts/snapshot-store.js';
import { ChatDeliveryError } from '../../src/chat/chat-delivery-error.js';
import type { ChatPlatform } from '../../src/chat/chat-platform.js';
import type { DigestChannel, DigestState } from '../../src/chat/digest-state.js';
import { chatPlatformModule, knownPlatform } from '../../src/chat/platforms.js';
import type { VigilConfig } from '../../src/config/config-schema.js';
import { digestTimings } from '../../src/config/digest-config.js';
import type { Alert, ChatPlatformName } from '../../src/domain/alert.js';
import type { Finding } from '../../src/domain/finding.js';
import { DAY_MS, MINUTE_MS } from '../../src/time/time-units.js';
import { zonedClock } from '../../src/time/zoned-clock.js';
import { buildDigest, type StaleCluster } from './build-digest.js';
import { digestChannels, showsIn } from './digest-channels.js';
import { expiringCertificates } from './expiring-certificates.js';

/** The digest job carries nothing: each tick reads the clock and the stores. */
export type DigestJobData = Record<string, never>;

export interface DigestDeps {
  config: Readonly<Pick<VigilConfig, 'digest' | 'alerts' | 'permissions' | 'clusters' | 'schedules'>>;
  alerts: Pick<AlertStore, 'listOpen'>;
  snapshots: Pick<SnapshotStore, 'get' | 'lastRuns'>;
  state: DigestState;
  platforms: ReadonlyMap<ChatPlatformName, ChatPlatform>;
  now(): Date;
  log: { warn(fields: object, message: string): void };
}

export interface DigestResult {
  day?: string;
  posted: number;
  edited: number;
  /** Channels whose digest was up to date, claimed by another replica, or before `at`. */
  skipped: number;
  failed: number;
}

/** Records outlive their day by this much, so yesterday's message is never edited as today's. */
const RECORD_TTL_MS = 3 * DAY_MS;

interface Facts {
  expiring: Finding[];
  open: Alert[];
  stale: StaleCluster[];
}

async function readFacts(deps: DigestDeps, now: Date, days: number, staleMs: number): Promise<Facts> {
  const clusters = deps.config.clusters.map((c) => c.name);
  const [expiring, open, runs] = await Promise.all([
    expiringCertificates(deps.snapshots, clusters, days, now),
    deps.alerts.listOpen(),
    deps.snapshots.lastRuns(),
  ]);
  const newest = new Map<string, string>();
  for (const r of runs) if ((newest.get(r.cluster) ?? '') < r.at) newest.set(r.cluster, r.at);
  const stale = clusters.flatMap((cluster): StaleCluster[] => {
    const at = newest.get(cluster);
    if (at !== undefined && now.getTime() - Date.parse(at) <= staleMs) return [];
    return [{ cluster, ...(at !== undefined ? { lastRunAt: at } : {}) }];
  });
  return { expiring, open, stale };
}

/**
 * One digest tick (jobs/digest/digest-scheduler.ts: a BullMQ job scheduler, one job per tick
 * whatever the replica count). Before `digest.at` nothing happens, so yesterday's message stays as
 * it was; at `at` each channel's digest of the day is posted, and every `refreshEvery` after that it
 * is edited in place (or, with `editInPlace: false`, posted anew). Each channel, day and slot is
 * claimed in Redis first, so a slot is delivered once even when two ticks or replicas overlap; a
 * delivery that failed for an outage gives its claim back and the next tick tries again.
 */
export async function runDigest(deps: DigestDeps): Promise<DigestResult> {
  const digest = deps.config.digest;
  const result: DigestResult = { posted: 0, edited: 0, skipped: 0, failed: 0 };
  if (!digest) return result;
  const now = deps.now();
  const timezone = digest.timezone ?? deps.config.schedules.timezone;
  const timings = digestTimings(digest);
  const clock = zonedClock(now, timezone);
  result.day = clock.day;
  const channels = digestChannels(deps.config);
  if (clock.minuteOfDay < timings.atMinute) {
    result.skipped = channels.length;
    return result;
  }
  const slot = Math.floor(((clock.minuteOfDay - timings.atMinute) * MINUTE_MS) / timings.refreshMs);
  let facts: Facts | undefined;
  for (const channel of channels) {
    const platform = deps.platforms.get(channel.platform);
    if (!platform) {
      deps.log.warn({ ...channel }, 'digest channel on a chat platform this vigil does not run; skipped');
      result.skipped += 1;
      continue;
    }
    const latest = await deps.state.latest(channel, clock.day);
    if (latest && latest.slot >= slot) {
      result.skipped += 1;
      continue;
    }
    if (!(await deps.state.claim(channel, clock.day, slot, timings.refreshMs))) {
      result.skipped += 1;
      continue;
    }
    try {
      facts ??= await readFacts(deps, now, digest.expiringDays, timings.staleMs);
      const message = buildDigest(narrow(facts, channel, deps.config), {
        now,
        clock,
        timezone,
        expiringDays: digest.expiringDays,
        staleAfter: digest.staleAfter,
        refreshEvery: digest.refreshEvery,
        editInPlace: digest.editInPlace,
        commandPrefix: chatPlatformModule(knownPlatform(channel.platform)).commandPrefix,
        platform: channel.platform,
      });
      let ref = latest?.ref;
      if (ref && digest.editInPlace) {
        try {
          await platform.updateDigest(ref, message);
          result.edited += 1;
        } catch (error) {
          // Someone deleted the day's message: post it again rather than stay silent all day.
          if (!(error instanceof ChatDeliveryError && error.code === 'chat-not-found')) throw error;
          ref = undefined;
        }
      } else {
        ref = undefined;
      }
      if (!ref) {
        ref = await platform.postDigest(channel.destination, message);
        result.posted += 1;
      }
      await deps.state.record(channel, clock.day, { ref, slot, at: now.toISOString() }, RECORD_TTL_MS);
    } catch (error) {
      result.failed += 1;
      // An outage is retried on the next tick; a refusal that retrying cannot fix (bot not in the
      // channel, a Teams alias nobody added vigil to) waits for the next slot, not every minute.
      const permanent = error instanceof ChatDeliveryError && !error.retryable;
      if (!permanent) await deps.state.release(channel, clock.day, slot).catch(() => undefined);
      deps.log.warn(
        { ...channel, day: clock.day, slot, err: error instanceof Error ? error.message : String(error) },
        permanent
          ? 'the daily digest was refused; tried again at the next refresh'
          : 'could not deliver the daily digest; the next tick tries again',
      );
    }
  }
  return result;
}

function narrow(facts: Facts, channel: DigestChannel, config: DigestDeps['config']): Facts {
  return {
    expiring: facts.expiring.filter((f) =>
      showsIn(
        {
          cluster: f.cluster,
          check: f.check,
          // An ok certificate inside the window alerts as a warning once it crosses the threshold.
          severity: f.severity === 'ok' ? 'warning' : f.severity,
          ...(f.namespace !== undefined ? { namespace: f.namespace } : {}),
        },
        channel,
        config,
      ),
    ),
    open: facts.open.filter((a) => showsIn(a, channel, config)),
    // Where the watchdog's "vigil is not checking cluster X" alert would go (jobs/watchdog/).
    stale: facts.stale.filter((s) =>
      showsIn({ cluster: s.cluster, check: 'cluster', severity: 'critical' }, channel, config),
    ),
  };
}
