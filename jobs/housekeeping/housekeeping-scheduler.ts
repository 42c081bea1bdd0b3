import type { Queue } from 'bullmq';
import { jobNames } from '../queue/queue-names.js';
import type { HousekeepingJobData } from './housekeeping.js';

export const housekeepingSchedulerId = 'housekeeping';

/** Kept briefly: a housekeeping job a minute adds up, and each one's result is in the log. */
const housekeepingJobOptions = {
  attempts: 1,
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 100 },
};

/**
 * Upserts the cluster-wide housekeeping scheduler: BullMQ creates one job per tick of `pattern`
 * however many replicas call this (as syncCheckSchedulers does for the checks), so a snooze ends
 * and a reminder goes out once. Not retried: the next tick, a minute later by default, is the retry.
 */
export async function syncHousekeepingScheduler(
  queue: Queue<HousekeepingJobData>,
  pattern: string,
  timezone: string,
): Promise<void> {
  await queue.upsertJobScheduler(
    housekeepingSchedulerId,
    { pattern, tz: timezone },
    { name: jobNames.housekeeping, data: {}, opts: housekeepingJobOptions },
  );
}

/** One housekeeping run now (tests, and operators after a long outage); returns the job id. */
export async function enqueueHousekeeping(queue: Queue<HousekeepingJobData>): Promise<string> {
  const job = await queue.add(jobNames.housekeeping, {}, housekeepingJobOptions);
  return job.id ?? '';
}
