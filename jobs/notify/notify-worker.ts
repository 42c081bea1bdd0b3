import { DelayedError, UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import type { RedisClient } from '../../src/redis/redis-connection.js';
import { queueNames } from '../queue/queue-names.js';
import { deliverNotification, type NotifyDeps, type NotifyJobData, type NotifyOutcome } from './notify.js';
import { notifyAttempt, type NotifyObserver } from './notify-observer.js';
import { notifyJobId } from './outbox.js';

export interface NotifyWorkerOptions {
  connection: RedisClient;
  prefix: string;
  /** The notify queue, to wake a job whose predecessor was just delivered. */
  queue: Queue<NotifyJobData>;
  deps: NotifyDeps;
  observer?: NotifyObserver;
  /** Jobs in flight per replica; pacing is per destination, so many channels proceed in parallel. */
  concurrency?: number;
  /** BullMQ lock and stall timings; tests shorten them to see a killed worker's job picked up. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/**
 * Runs the outbox (notify.ts) on BullMQ. Waiting is done by moving the job to the delayed set
 * and throwing DelayedError (BullMQ's documented pattern, with the job's lock token): no worker slot
 * is held while a channel is paced or rate-limited, and no attempt is consumed, so an outage of any
 * length loses nothing. Permanent chat errors become UnrecoverableError: the job fails visibly.
 */
export function startNotifyWorker(options: NotifyWorkerOptions): Worker<NotifyJobData> {
  const { deps, queue } = options;
  const worker = new Worker<NotifyJobData>(
    queueNames.notify,
    async (job: Job<NotifyJobData>, token?: string) => {
      let outcome: NotifyOutcome;
      try {
        outcome = await deliverNotification(job.data, deps, job.id);
      } catch (err) {
        options.observer?.attempted(notifyAttempt(job.data.platform, 'error'));
        throw err;
      }
      options.observer?.attempted(notifyAttempt(job.data.platform, outcome));
      switch (outcome.kind) {
        case 'delivered':
          await wake(queue, job.data, outcome.next);
          if (outcome.released) await promoteJobs(queue, outcome.released);
          return { action: outcome.action, messageId: outcome.ref.messageId };
        case 'skipped':
          await wake(queue, job.data, outcome.next);
          return { skipped: outcome.reason };
        case 'wait':
          await job.updateData({ ...job.data, ...outcome.data });
          await job.moveToDelayed(Date.now() + outcome.delayMs, token);
          throw new DelayedError(`waiting ${outcome.delayMs} ms (${outcome.reason})`);
        case 'failed':
          await wake(queue, job.data, outcome.next);
          throw new UnrecoverableError(outcome.error.message);
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 16,
      // A killed worker's job is taken over after the lock expires; the stalled count is generous
      // because a stalled delivery is safe to rerun (findPosted, recorded steps) and must not be lost.
      maxStalledCount: 10,
      ...(options.lockDurationMs !== undefined ? { lockDuration: options.lockDurationMs } : {}),
      ...(options.stalledIntervalMs !== undefined ? { stalledInterval: options.stalledIntervalMs } : {}),
    },
  );
  worker.on('failed', (job, err) => {
    if (!job || err instanceof UnrecoverableError || err.name === 'UnrecoverableError') return;
    const fields = {
      jobId: job.id,
      transitionId: job.data.transition.id,
      attemptsMade: job.attemptsMade,
      error: err.message,
    };
    if (job.attemptsMade < (job.opts.attempts ?? 1)) {
      deps.log.warn(fields, 'notify job failed; BullMQ retries it');
      return;
    }
    // Out of attempts (not a chat error: a bug or a long Redis failure). Say so loudly and release
    // the alert's later notifications, which would otherwise wait for this one forever.
    deps.log.error(
      { ...fields, audit: true },
      `notification not delivered after ${job.attemptsMade} attempts: ${err.message}`,
    );
    const target = {
      alertId: job.data.transition.alertId,
      platform: job.data.platform,
      destination: job.data.destination,
    };
    deps.state
      .complete(target, job.data.transition.seq)
      .then((next) => wake(queue, job.data, next))
      .catch((e: unknown) =>
        deps.log.error({ ...fields, error: String(e) }, 'cannot release the next notification'),
      );
  });
  worker.on('error', (err) => deps.log.error({ error: err.message }, 'notify worker error'));
  return worker;
}

/**
 * Promotes delayed jobs by id (held ones whose destination is known now), so they need not sit out
 * their backoff. Best effort: a job that is gone or already running is left alone.
 */
export async function promoteJobs(queue: Queue<NotifyJobData>, ids: readonly string[]): Promise<number> {
  let promoted = 0;
  for (const id of ids) {
    try {
      const job = await queue.getJob(id);
      if (job && (await job.isDelayed())) {
        await job.promote();
        promoted++;
      }
    } catch {
      // It wakes by itself when its backoff ends.
    }
  }
  return promoted;
}

/** Promotes the next notification of the same alert and destination, so it need not sit out its wait. */
async function wake(
  queue: Queue<NotifyJobData>,
  data: NotifyJobData,
  nextSeq: number | undefined,
): Promise<void> {
  if (nextSeq === undefined) return;
  const id = notifyJobId(`${data.transition.alertId}-${nextSeq}`, data.platform, data.destination);
  try {
    const next = await queue.getJob(id);
    if (next && (await next.isDelayed())) await next.promote();
  } catch {
    // Best effort: the job wakes by itself after orderWaitMs anyway.
  }
}
