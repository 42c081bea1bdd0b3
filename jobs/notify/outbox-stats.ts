import type { Queue } from 'bullmq';
import type { NotifyJobData } from './notify.js';

/** How far behind chat delivery is, cluster-wide (the notify queue is shared by every replica). */
export interface OutboxStats {
  /** Notifications not delivered yet: waiting, delayed (paced, rate-limited, outage), active. */
  depth: number;
  /** Age of the oldest of them, 0 when there is none. */
  oldestAgeSeconds: number;
}

/** Delayed jobs looked at for the oldest: the next ones due (bounded work per scrape). */
const DELAYED_SAMPLE = 20;

/**
 * Reads the notify queue's counts and its oldest undelivered job. BullMQ keeps a job's `timestamp`
 * (when it was added) across moves to delayed, so the age is since the transition was handed to the
 * outbox. Delayed jobs are ordered by when they are due, not by age: the oldest is looked for among
 * the next DELAYED_SAMPLE due, which during an outage (every job backed off) are old ones anyway.
 */
export async function readOutboxStats(queue: Queue<NotifyJobData>, nowMs: number): Promise<OutboxStats> {
  const states = ['waiting', 'prioritized', 'delayed', 'active', 'waiting-children'] as const;
  const [counts, waiting, prioritized, active, delayed] = await Promise.all([
    queue.getJobCounts(...states),
    queue.getJobs(['wait'], 0, 0, true),
    queue.getJobs(['prioritized'], 0, 0, true),
    queue.getJobs(['active'], 0, 0, true),
    queue.getJobs(['delayed'], 0, DELAYED_SAMPLE - 1, true),
  ]);
  const depth = states.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  const oldest = Math.min(
    ...[...waiting, ...prioritized, ...active, ...delayed].map((j) => j.timestamp).filter(Number.isFinite),
  );
  return {
    depth,
    oldestAgeSeconds: depth > 0 && Number.isFinite(oldest) ? Math.max(0, (nowMs - oldest) / 1000) : 0,
  };
}
