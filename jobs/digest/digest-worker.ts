import { Worker } from 'bullmq';
import type { RedisClient } from '../../src/redis/redis-connection.js';
import { queueNames } from '../queue/queue-names.js';
import { runDigest, type DigestDeps, type DigestJobData, type DigestResult } from './digest.js';

export interface DigestWorkerOptions {
  connection: RedisClient;
  prefix: string;
  deps: DigestDeps;
  /** Told about every tick's result (tests). */
  onResult?: (result: DigestResult) => void;
  log: {
    info(fields: object, message: string): void;
    warn(fields: object, message: string): void;
    error(fields: object, message: string): void;
  };
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/**
 * Runs digest ticks (digest.ts), one at a time per replica. Two replicas running ticks at once are
 * harmless: each channel's slot is claimed in Redis before anything is sent.
 */
export function startDigestWorker(options: DigestWorkerOptions): Worker<DigestJobData> {
  const worker = new Worker<DigestJobData>(
    queueNames.digest,
    async () => {
      const result = await runDigest(options.deps);
      options.onResult?.(result);
      if (result.posted > 0 || result.edited > 0 || result.failed > 0) {
        options.log.info({ ...result }, 'daily digest delivered');
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
    options.log.warn({ jobId: job?.id, error: err.message }, 'digest tick failed; the next tick tries again'),
  );
  worker.on('error', (err) => options.log.error({ error: err.message }, 'digest worker error'));
  return worker;
}
