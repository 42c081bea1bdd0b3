import { Worker } from 'bullmq';
import type { RedisClient } from '../../src/redis/redis-connection.js';
import { queueNames } from '../queue/queue-names.js';
import {
  runHousekeeping,
  type HousekeepingDeps,
  type HousekeepingJobData,
  type HousekeepingObserver,
} from './housekeeping.js';

export interface HousekeepingWorkerOptions {
  connection: RedisClient;
  prefix: string;
  deps: HousekeepingDeps;
  observer?: HousekeepingObserver;
  log: {
    info(fields: object, message: string): void;
    warn(fields: object, message: string): void;
    error(fields: object, message: string): void;
  };
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/**
 * Runs housekeeping jobs (housekeeping.ts), one at a time per replica: two ticks overlapping on two
 * replicas are harmless (every write is conditional on the alert's seq), one replica needs no more.
 */
export function startHousekeepingWorker(options: HousekeepingWorkerOptions): Worker<HousekeepingJobData> {
  const worker = new Worker<HousekeepingJobData>(
    queueNames.housekeeping,
    async () => {
      const result = await runHousekeeping(options.deps);
      options.observer?.housekept(result);
      if (result.transitions > 0 || result.conflicts > 0 || result.stale.length > 0) {
        options.log.info({ ...result }, 'housekeeping applied due timers');
      }
      return result;
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: 1,
      ...(options.lockDurationMs !== undefined ? { lockDuration: options.lockDurationMs } : {}),
      ...(options.stalledIntervalMs !== undefined ? { stalledInterval: options.stalledIntervalMs } : {}),
    },
  );
  worker.on('failed', (job, err) =>
    options.log.warn(
      { jobId: job?.id, error: err.message },
      'housekeeping run failed; the next tick tries again (no heartbeat meanwhile)',
    ),
  );
  worker.on('error', (err) => options.log.error({ error: err.message }, 'housekeeping worker error'));
  return worker;
}
