import type { Queue } from 'bullmq';
import type { RunCheckJobData } from './run-check.js';
import { jobNames } from '../queue/queue-names.js';
import { schedulerIdPrefix, type PlannedSchedule } from '../queue/schedule-plan.js';

export interface CheckJobRetry {
  attempts: number;
  backoffSeconds: number;
}

/** Options of every run-check job: retried with exponential backoff, kept a while for inspection. */
export function checkJobOptions(retry: CheckJobRetry) {
  return {
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffSeconds * 1000, jitter: 0.2 },
    removeOnComplete: { age: 86_400, count: 1000 },
    removeOnFail: { age: 7 * 86_400, count: 1000 },
  };
}

export interface SyncResult {
  upserted: string[];
  removed: string[];
}

/**
 * Makes the queue's job schedulers match the plan: upserts one per (cluster, check) and removes
 * vigil's schedulers that left the config. upsertJobScheduler is idempotent across replicas and BullMQ
 * creates each tick's job once, so every replica calls this at start-up. During
 * a rolling deploy that changes schedules, the replica that starts last decides.
 */
export async function syncCheckSchedulers(
  queue: Queue<RunCheckJobData>,
  plan: readonly PlannedSchedule[],
  retry: CheckJobRetry,
): Promise<SyncResult> {
  const upserted: string[] = [];
  for (const s of plan) {
    await queue.upsertJobScheduler(
      s.schedulerId,
      { pattern: s.pattern, tz: s.timezone },
      { name: jobNames.runCheck, data: { cluster: s.cluster, check: s.check }, opts: checkJobOptions(retry) },
    );
    upserted.push(s.schedulerId);
  }
  const wanted = new Set(upserted);
  const removed: string[] = [];
  for (const existing of await queue.getJobSchedulers(0, -1)) {
    const id = existing.id ?? existing.key;
    if (!id.startsWith(schedulerIdPrefix) || wanted.has(id)) continue;
    await queue.removeJobScheduler(id);
    removed.push(id);
  }
  return { upserted, removed };
}

/**
 * One run of every planned check now, so a fresh install (or a restart after an outage) does not
 * wait up to six hours for its first certificate report. BullMQ deduplication keeps replicas starting
 * together to one run per check: a second add with the same deduplication id within the window is
 * ignored, whatever the state of the first job.
 */
export async function enqueueStartupRuns(
  queue: Queue<RunCheckJobData>,
  plan: readonly PlannedSchedule[],
  options: { dedupeSeconds: number; retry: CheckJobRetry },
): Promise<void> {
  for (const s of plan) {
    await queue.add(
      jobNames.runCheck,
      { cluster: s.cluster, check: s.check },
      {
        ...checkJobOptions(options.retry),
        deduplication: { id: `startup-${s.cluster}-${s.check}`, ttl: options.dedupeSeconds * 1000 },
      },
    );
  }
}
