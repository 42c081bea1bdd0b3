import type { ChatPlatformName } from '../domain/alert.js';
import type { FoundPost } from './chat-platform.js';
import { utcMinute } from '../time/utc-minute.js';

/**
 * One life of vigil's stored state. Redis holds every alert, the outbox's record of where each
 * alert's message is, the Teams conversations and the job schedulers; a redis-server restarted
 * without persistence (or a new, empty one) loses all of it at once. A marker written when the state
 * begins tells that moment apart: when it is gone, everything else is gone too, and the next run
 * re-opens every incident under a new alert id. Within `recoveryWindowMs` of the epoch's start the
 * outbox looks for each incident's earlier message (by fingerprint) before posting a new one, and
 * where the platform cannot look (Teams) posts one notice per destination instead (jobs/notify/notify.ts).
 */
export interface StateEpoch {
  /** Random, new for every epoch. */
  id: string;
  /** When the marker was written (ISO). */
  startedAt: string;
  /**
   * `empty-at-start`: vigil started on a Redis without its marker (a first install, or the data was
   * lost while no vigil ran); `lost-while-running`: a running vigil saw its marker disappear.
   */
  cause: 'empty-at-start' | 'lost-while-running';
  /**
   * Whether the epoch began on an empty state. False when only the marker was missing (an upgrade
   * from a vigil without it, or the marker alone evicted): alerts and their messages are still known.
   */
  recovery: boolean;
}

/** The marker's port; src/redis/redis-state-epoch.ts implements it. */
export interface StateEpochStore {
  /** The current epoch, beginning one (created: true) when Redis holds none. Atomic across replicas. */
  ensure(cause: StateEpoch['cause'], now: Date): Promise<{ epoch: StateEpoch; created: boolean }>;
  /** The current epoch; null when the marker is gone (the state was lost since it was last ensured). */
  current(): Promise<StateEpoch | null>;
  /** Claims the one state-loss notice of a destination in an epoch: true for the first caller only. */
  claimNotice(epochId: string, platform: ChatPlatformName, destination: string): Promise<boolean>;
  /** Gives a claim back (the notice could not be posted), so the next delivery tries again. */
  releaseNotice(epochId: string, platform: ChatPlatformName, destination: string): Promise<void>;
  /**
   * The message id of the incident `fingerprint` among the destination's earlier messages (null if
   * none). `read` lists them (ChatPlatform.listPosted); it runs once per destination and epoch, its
   * answer kept for every replica, so a burst of re-opened incidents spends one history read.
   */
  foundBefore(
    epochId: string,
    platform: ChatPlatformName,
    destination: string,
    fingerprint: string,
    read: () => Promise<FoundPost[]>,
  ): Promise<string | null>;
}

/**
 * How long after an epoch begins an alert's first post is checked against what is already in chat.
 * The first runs after a loss (start-up runs, or the re-check a running vigil queues when it sees the
 * loss) re-open every incident within minutes; an hour leaves room for retries and slow clusters,
 * while later new alerts post without spending a history read on each (BENCHMARKS.md, delivery).
 */
export const recoveryWindowMs = 60 * 60_000;

/** How far back from the epoch's start the outbox looks for an incident's earlier message. */
export const recoveryLookbackMs = 30 * 86_400_000;

/** Whether an alert opened at `openedAt` was (re-)opened by the first runs of `epoch`. */
export function openedInRecovery(epoch: StateEpoch, openedAt: string, windowMs = recoveryWindowMs): boolean {
  if (!epoch.recovery) return false;
  const start = Date.parse(epoch.startedAt);
  const opened = Date.parse(openedAt);
  return opened >= start - 60_000 && opened <= start + windowMs;
}

/** The one line per destination where earlier messages cannot be found (Teams), before its first new alert. */
export function stateLostNotice(epoch: StateEpoch): string {
  return epoch.cause === 'lost-while-running'
    ? `vigil lost its stored state (its Redis data was emptied; noticed ${utcMinute(epoch.startedAt)}) and is re-checking: alerts below may repeat ones already posted here, and the buttons on vigil's earlier messages no longer act.`
    : `vigil started with no stored state (${utcMinute(epoch.startedAt)}: a new install, or its Redis data was lost) and is re-checking: alerts below may repeat ones already posted here, and the buttons on vigil's earlier messages no longer act.`;
}

/** The thread line under an earlier message that vigil found again and edits from now on. */
export function adoptedAfterLossLine(epoch: StateEpoch): string {
  return `vigil lost its stored state (${epoch.cause === 'lost-while-running' ? 'Redis was emptied' : 'started on an empty Redis'}) and re-checked: still open. This message is kept up to date again; its buttons act on the new alert id.`;
}
