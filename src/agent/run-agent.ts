import { hostCertificatesCheckName } from '../checks/host-certificates/host-check-name.js';
import { localHostReader } from '../checks/host-certificates/local-host-reader.js';
import { logger } from '../logger.js';
import { createRedisConnection } from '../redis/redis-connection.js';
import { RedisNodeReports } from '../redis/redis-node-reports.js';
import { DAY_MS, MINUTE_MS } from '../time/time-units.js';
import type { AgentEnv } from './agent-env.js';
import { intervalMinutes, nextRun } from './agent-schedule.js';

/** The slice of the report store the agent writes to (src/redis/redis-node-reports.ts). */
export interface ReportSink {
  put: RedisNodeReports['put'];
}

export interface ReportOnceResult {
  entries: number;
  /** False when a newer report of this node was stored already. */
  written: boolean;
  ttlMs: number;
}

/**
 * A report outlives the point where vigil serve calls the node silent (two intervals): for a week, or
 * four intervals of a slower schedule. After that the node is forgotten, as a removed node should be.
 */
export function reportTtlMs(interval: number): number {
  return Math.max(7 * DAY_MS, 4 * interval * MINUTE_MS);
}

/**
 * One report: read the node's certificate files (keys are never opened, see
 * src/checks/host-certificates/read-host-file.ts) and store the observation as the node's latest.
 */
export async function reportOnce(
  env: Readonly<AgentEnv>,
  sink: ReportSink,
  now: () => Date = () => new Date(),
): Promise<ReportOnceResult> {
  const reader = localHostReader({ hostRoot: env.hostRoot, node: env.node, settings: env.settings, now });
  const [report] = await reader.reports();
  if (!report) throw new Error('the local reader returned no report');
  const interval = intervalMinutes(env.schedule, now());
  const ttlMs = reportTtlMs(interval);
  const written = await withinMs(
    storeTimeoutMs,
    sink.put(env.cluster, hostCertificatesCheckName, { ...report, intervalMinutes: interval }, ttlMs),
    `Redis did not store the report within ${storeTimeoutMs / 1000} s`,
  );
  const entries = (report.body as { entries: unknown[] }).entries.length;
  return { entries, written, ttlMs };
}

/**
 * The store client keeps retrying while Redis is down, and a report that waits forever would hold up
 * `--once` (and every later report): after this long the attempt fails and is retried afresh. A late
 * write of the abandoned one cannot replace a newer report (src/redis/redis-node-reports.ts).
 */
const storeTimeoutMs = 15_000;

function withinMs<T>(ms: number, p: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Retries after a failed report: 1, 2, 4 … minutes, never past the next scheduled run. */
const firstRetryMs = MINUTE_MS;

/**
 * `vigil agent`: reports at once, then on its schedule, until SIGTERM/SIGINT; `--once` reports one
 * time and exits (0 when stored, 3 when not). Agents on many nodes sharing one schedule would all
 * write in the same second, so each waits up to a minute (a tenth of a short interval) first.
 */
export async function runAgent(env: Readonly<AgentEnv>, options: { once: boolean }): Promise<number> {
  if (!process.env.LOG_LEVEL && !options.once) logger.level = 'info';
  const log = logger.child({ component: 'agent', node: env.node, cluster: env.cluster });
  const connection = createRedisConnection({
    url: env.redisUrl,
    prefix: env.redisPrefix,
    ...(env.redisTopology ? { topology: env.redisTopology } : {}),
    name: 'vigil-agent',
    onError: (err) => log.warn({ err: { message: err.message } }, 'redis connection error (retrying)'),
  });
  const sink = new RedisNodeReports(connection.redis, connection.prefix);
  const attempt = async (): Promise<boolean> => {
    try {
      const r = await reportOnce(env, sink);
      log.info({ entries: r.entries, written: r.written, ttlHours: r.ttlMs / 3_600_000 }, 'node reported');
      return true;
    } catch (err) {
      log.error({ err: { message: err instanceof Error ? err.message : String(err) } }, 'node report failed');
      return false;
    }
  };
  if (options.once) {
    const ok = await attempt();
    // After a failure the client may be reconnecting, and QUIT would wait for it: drop the socket.
    if (ok) await connection.close();
    else connection.redis.disconnect();
    if (!ok)
      process.stderr.write(`vigil: the report of node ${env.node} was not stored (see the log above)\n`);
    return ok ? 0 : 3;
  }

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const done = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      stopped = true;
      if (timer) clearTimeout(timer);
      log.info({ signal }, 'vigil agent stopping');
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  const spreadMs =
    Math.random() * Math.min(MINUTE_MS, (intervalMinutes(env.schedule, new Date()) * MINUTE_MS) / 10);
  let failures = (await attempt()) ? 0 : 1;
  // setTimeout holds at most 24.8 days: a long wait is taken in steps of a day.
  const wakeAt = (at: number) => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        if (Date.now() < at) return wakeAt(at);
        void attempt().then((ok) => {
          failures = ok ? 0 : failures + 1;
          planNext();
        });
      },
      Math.min(Math.max(0, at - Date.now()), DAY_MS),
    );
  };
  const planNext = () => {
    const now = Date.now();
    const scheduled = nextRun(env.schedule, new Date(now)).getTime() + spreadMs;
    const retry = failures > 0 ? now + firstRetryMs * 2 ** Math.min(failures - 1, 10) : Infinity;
    wakeAt(Math.min(scheduled, retry));
  };
  planNext();
  await done;
  // QUIT would wait for a Redis that is down; a shut-down agent has nothing left to flush then.
  if (connection.redis.status === 'ready') await connection.close();
  else connection.redis.disconnect();
  return 0;
}
