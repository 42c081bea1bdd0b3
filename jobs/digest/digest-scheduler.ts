import type { Queue } from 'bullmq';
import { jobNames } from '../queue/queue-names.js';
import type { DigestJobData } from './digest.js';

export const digestSchedulerId = 'digest';

/** Kept briefly, as housekeeping's are: a tick a minute adds up, and results are in the log. */
const digestJobOptions = {
  attempts: 1,
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 100 },
};

/**
 * Upserts the cluster-wide digest scheduler: one job per tick of `pattern` (the housekeeping
 * pattern, every minute by default) however many replicas call this. The tick only looks at the
 * clock; the processor (digest.ts) decides whether a channel's digest is due. Not retried: the next
 * tick is the retry.
 */
export async function syncDigestScheduler(
  queue: Queue<DigestJobData>,
  pattern: string,
  timezone: string,
): Promise<void> {
  await queue.upsertJobScheduler(
    digestSchedulerId,
    { pattern, tz: timezone },
    { name: jobNames.digest, data: {}, opts: digestJobOptions },
  );
}

/** Removes the scheduler when the digest is turned off, so no replica keeps ticking for nothing. */
export async function removeDigestScheduler(queue: Queue<DigestJobData>): Promise<void> {
  await queue.removeJobScheduler(digestSchedulerId);
}

/** One digest tick now (tests, and operators); returns the job id. */
export async function enqueueDigest(queue: Queue<DigestJobData>): Promise<string> {
  const job = await queue.add(jobNames.digest, {}, digestJobOptions);
  return job.id ?? '';
}
