import { Queue } from 'bullmq';
import type { RedisClient } from '../src/redis/redis-connection.js';
import type { HousekeepingJobData } from './housekeeping/housekeeping.js';
import type { NotifyJobData } from './notify/notify.js';
import { queueNames } from './queue/queue-names.js';
import type { RunCheckJobData } from './run-check/run-check.js';

export interface VigilQueues {
  checks: Queue<RunCheckJobData>;
  notify: Queue<NotifyJobData>;
  housekeeping: Queue<HousekeepingJobData>;
  close(): Promise<void>;
}

/**
 * vigil's three BullMQ queues on one connection (made with `createRedisConnection({ forBullMQ: true })`;
 * the connection is the caller's to close). `prefix` is BullMQ's key prefix, the same as the stores'.
 */
export function createQueues(connection: RedisClient, prefix: string): VigilQueues {
  const checks = new Queue<RunCheckJobData>(queueNames.checks, { connection, prefix });
  const notify = new Queue<NotifyJobData>(queueNames.notify, { connection, prefix });
  const housekeeping = new Queue<HousekeepingJobData>(queueNames.housekeeping, { connection, prefix });
  return {
    checks,
    notify,
    housekeeping,
    async close() {
      await Promise.all([checks.close(), notify.close(), housekeeping.close()]);
    },
  };
}
