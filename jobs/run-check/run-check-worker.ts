import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { CheckFailures } from '../../src/alerts/check-failures.js';
import { VigilError } from '../../src/domain/vigil-error.js';
import type { RedisClient } from '../../src/redis/redis-connection.js';
import { queueNames } from '../queue/queue-names.js';
import { runCheckJob, type RunCheckDeps, type RunCheckJobData } from './run-check.js';
import { runEnded, type RunObserver } from './run-observer.js';

export interface RunCheckWorkerOptions {
  connection: RedisClient;
  prefix: string;
  deps: Omit<RunCheckDeps, 'saveData'>;
  failures: CheckFailures;
  observer?: RunObserver;
  log: { warn(fields: object, message: string): void; error(fields: object, message: string): void };
  /** Checks running at once per replica; each holds Kubernetes list pages and TLS probes. */
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/**
 * Runs run-check jobs (run-check.ts). The job id is the run id the lifecycle stamps on alerts,
 * so a job BullMQ runs twice changes nothing the second time. Non-retryable VigilErrors become
 * UnrecoverableError (ARCHITECTURE.md house rule 6); anything else is retried with the job's backoff. Every failed
 * attempt is recorded for the watchdog.
 */
export function startRunCheckWorker(options: RunCheckWorkerOptions): Worker<RunCheckJobData> {
  const worker = new Worker<RunCheckJobData>(
    queueNames.checks,
    async (job: Job<RunCheckJobData>) => {
      if (!job.id) throw new UnrecoverableError('run-check job without an id');
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const result = await runCheckJob(job.data, job.id, {
          ...options.deps,
          saveData: (data) => job.updateData(data),
        });
        options.observer?.runEnded(runEnded(job.data, seconds(), { result }));
        return result;
      } catch (err) {
        options.observer?.runEnded(runEnded(job.data, seconds(), { error: err }));
        if (err instanceof VigilError && !err.retryable) throw new UnrecoverableError(err.userMessage);
        throw err;
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 4,
      // A certificate check of a large cluster can run for minutes; a lost lock would start it twice.
      lockDuration: options.lockDurationMs ?? 120_000,
      ...(options.stalledIntervalMs !== undefined ? { stalledInterval: options.stalledIntervalMs } : {}),
    },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    const { cluster, check } = job.data;
    options.log.warn(
      { jobId: job.id, cluster, check, attemptsMade: job.attemptsMade, error: err.message },
      'check run failed',
    );
    options.failures
      .record(cluster, check, { at: options.deps.checks.now().toISOString(), message: err.message })
      .catch((e: unknown) => options.log.error({ error: String(e) }, 'cannot record the check failure'));
  });
  worker.on('error', (err) => options.log.error({ error: err.message }, 'run-check worker error'));
  return worker;
}
