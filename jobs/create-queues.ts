import { Queue } from 'bullmq';
import type { RedisClient } from '../src/redis/redis-connection.js';
import type { DigestJobData } from './digest/digest.js';
import type { HousekeepingJobData } from './housekeeping/housekeeping.js';
import type { NotifyJobData } from './notify/notify.js';
import { queueNames } from './queue/queue-names.js';
import type { RunCheckJobData } from './run-check/run-check.js';

export interface VigilQueues {
  checks: Queue<RunCheckJobData>;
  notify: Queue<NotifyJobData>;
  housekeeping: Queue<HousekeepingJobData>;
  digest: Queue<DigestJobData>;
  close(): Promise<void>;
}

/**
 * vigil's four BullMQ queues on one connection (made with `createRedisConnection({ forBullMQ: true })`;
 * the connection is the caller's to close). `prefix` is BullMQ's key prefix, the same as the stores'.
 */
export function createQueues(connection: RedisClient, prefix: string): VigilQueues {
  const checks = new Queue<RunCheckJobData>(queueNames.checks, { connection, prefix });
  const notify = new Queue<NotifyJobData>(queueNames.notify, { connection, prefix });
  const housekeeping = new Queue<HousekeepingJobData>(queueNames.housekeeping, { connection, prefix });
  const digest = new Queue<DigestJobData>(queueNames.digest, { connection, prefix });
  return {
    checks,
    notify,
    housekeeping,
    digest,
    async close() {
      await Promise.all([checks.close(), notify.close(), housekeeping.close(), digest.close()]);
    },
  };
}
