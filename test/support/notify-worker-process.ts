/**
 * A notify worker as its own process, like one replica of `vigil serve` running only the outbox, so
 * a test can SIGKILL it mid-delivery (no `finally`, no lock release, sockets cut). Started by
 * start-notify-worker-process.ts as `node --import tsx test/support/notify-worker-process.ts JSON`;
 * reports on stdout, one JSON object per line: `{"event":"ready"}`, then its log lines.
 */
import type { NotifyPacing } from '../../jobs/notify/notify.js';
import { createSlackPlatform } from '../../src/chat/slack/index.js';
import { createQueues } from '../../jobs/create-queues.js';
import { startNotifyWorker } from '../../jobs/notify/notify-worker.js';
import { RedisAlertStore } from '../../src/redis/redis-alert-store.js';
import { createRedisConnection } from '../../src/redis/redis-connection.js';
import { RedisOutboxState } from '../../src/redis/redis-outbox-state.js';

export interface NotifyWorkerProcessOptions {
  redisUrl: string;
  prefix: string;
  slackApiUrl: string;
  slackToken: string;
  pacing: NotifyPacing;
  lockDurationMs: number;
  stalledIntervalMs: number;
}

const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(raw: string | undefined): Promise<void> {
  if (!raw) throw new Error('usage: notify-worker-process.ts OPTIONS_JSON');
  const o = JSON.parse(raw) as NotifyWorkerProcessOptions;
  const onError = (err: Error) => print({ level: 'warn', msg: 'redis error', error: err.message });
  const bullmq = createRedisConnection({ url: o.redisUrl, prefix: o.prefix, forBullMQ: true, onError });
  const store = createRedisConnection({ url: o.redisUrl, prefix: o.prefix, onError });
  const queues = createQueues(bullmq.redis, o.prefix);
  const log = {
    info: (fields: object, msg: string) => print({ level: 'info', msg, ...fields }),
    warn: (fields: object, msg: string) => print({ level: 'warn', msg, ...fields }),
    error: (fields: object, msg: string) => print({ level: 'error', msg, ...fields }),
  };
  const worker = startNotifyWorker({
    connection: bullmq.redis,
    prefix: o.prefix,
    queue: queues.notify,
    concurrency: 8,
    lockDurationMs: o.lockDurationMs,
    stalledIntervalMs: o.stalledIntervalMs,
    deps: {
      platforms: new Map([['slack', createSlackPlatform({ botToken: o.slackToken, apiUrl: o.slackApiUrl })]]),
      alerts: new RedisAlertStore(store.redis, o.prefix),
      state: new RedisOutboxState(store.redis, o.prefix),
      pacing: o.pacing,
      log,
    },
  });
  worker.on('active', (job) => print({ event: 'active', jobId: job.id }));
  await worker.waitUntilReady();
  print({ event: 'ready', pid: process.pid });
  process.once('SIGTERM', () => {
    void (async () => {
      await worker.close();
      await queues.close();
      await Promise.all([bullmq.close(), store.close()]);
      process.exit(0);
    })();
  });
}

main(process.argv[2]).catch((err: unknown) => {
  print({ level: 'error', msg: 'notify worker process failed', error: String(err) });
  process.exit(1);
});
