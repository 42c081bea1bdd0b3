import type { Worker } from 'bullmq';
import type { AlertStore } from '../src/alerts/alert-store.js';
import { lifecyclePolicy, type LifecyclePolicy } from '../src/alerts/lifecycle-policy.js';
import type { MuteHolds, MuteStore } from '../src/alerts/mute-store.js';
import { routeAlert } from '../src/alerts/route-alert.js';
import type { SnapshotStore } from '../src/alerts/snapshot-store.js';
import type { ChatPlatform } from '../src/chat/chat-platform.js';
import type { HeldDestination } from '../src/chat/outbox-state.js';
import type { StateEpochStore } from '../src/chat/state-epoch.js';
import type { RunChecksDeps } from '../src/checks/run-checks.js';
import type { VigilConfig } from '../src/config/config-schema.js';
import type { OutboxConfig, ScheduledCheck } from '../src/config/schedules-config.js';
import type { ChatPlatformName } from '../src/domain/alert.js';
import { RedisCheckFailures } from '../src/redis/redis-check-failures.js';
import { RedisDigestState } from '../src/redis/redis-digest-state.js';
import type { RedisClient } from '../src/redis/redis-connection.js';
import { RedisOutboxState } from '../src/redis/redis-outbox-state.js';
import { RedisTransitionRelay } from '../src/redis/redis-transition-relay.js';
import { createQueues, type VigilQueues } from './create-queues.js';
import type { DigestResult } from './digest/digest.js';
import { removeDigestScheduler, syncDigestScheduler } from './digest/digest-scheduler.js';
import { startDigestWorker } from './digest/digest-worker.js';
import { randomUUID } from 'node:crypto';
import { RedisClockBoard } from '../src/redis/redis-clock-board.js';
import { ClockGuard, within, type ClockVerdict } from './clock-guard/clock-guard.js';
import { createHeartbeat } from './housekeeping/heartbeat.js';
import type { HousekeepingObserver } from './housekeeping/housekeeping.js';
import { syncHousekeepingScheduler } from './housekeeping/housekeeping-scheduler.js';
import { startHousekeepingWorker } from './housekeeping/housekeeping-worker.js';
import { announceEndedMutings } from './notify/announce-mute-ends.js';
import type { NotifyLog } from './notify/notify.js';
import type { NotifyObserver } from './notify/notify-observer.js';
import { promoteJobs, startNotifyWorker } from './notify/notify-worker.js';
import { groupingPolicy } from '../src/alerts/alert-grouping.js';
import { RedisGroupState } from '../src/redis/redis-group-state.js';
import { Outbox } from './notify/outbox.js';
import { readOutboxStats, type OutboxStats } from './notify/outbox-stats.js';
import { jobNames } from './queue/queue-names.js';
import { planSchedules } from './queue/schedule-plan.js';
import {
  checkJobOptions,
  enqueueStartupRuns,
  syncCheckSchedulers,
  type SyncResult,
} from './run-check/check-schedulers.js';
import { startRunCheckWorker } from './run-check/run-check-worker.js';
import type { RunObserver } from './run-check/run-observer.js';
import { assessSchedules, runWatchdog } from './watchdog/watchdog.js';
import { startWatchdogTimer } from './watchdog/watchdog-timer.js';

export interface JobsOptions {
  config: Readonly<VigilConfig>;
  /** Overrides `config.outbox` (tests use short paces). */
  outbox?: OutboxConfig;
  /**
   * `bullmq`: a client made with `createRedisConnection({ forBullMQ: true })` (BullMQ needs
   * maxRetriesPerRequest null; workers duplicate it for their blocking reads). `store`: a normal
   * client for the outbox's own keys, whose commands should fail fast rather than hang.
   */
  redis: { bullmq: RedisClient; store: RedisClient };
  /** BullMQ and vigil key prefix (createRedisConnection's `prefix`). */
  prefix: string;
  checks: RunChecksDeps;
  alerts: AlertStore;
  snapshots: SnapshotStore;
  platforms: ReadonlyMap<ChatPlatformName, ChatPlatform>;
  log: NotifyLog;
  now(): Date;
  /**
   * Which parts this process runs; all by default. `housekeeping`: its worker, and (with
   * `schedulers`) its cluster-wide scheduler; `digest` the same for the daily digest (which also
   * needs `digest:` in the config).
   */
  run?: Partial<
    Record<
      'schedulers' | 'startupRuns' | 'checkWorker' | 'notifyWorker' | 'watchdog' | 'housekeeping' | 'digest',
      boolean
    >
  >;
  /** Told about every run, notification attempt and housekeeping cycle (src/metrics). */
  observe?: {
    runs?: RunObserver;
    notifications?: NotifyObserver;
    housekeeping?: HousekeepingObserver;
    digest?: (result: DigestResult) => void;
  };
  /** Pinged after every healthy housekeeping cycle (VIGIL_HEARTBEAT_URL). */
  heartbeat?: { url: string; method: 'GET' | 'POST' };
  /** Lifecycle policy; from `config.alerts` by default. */
  policy?: LifecyclePolicy;
  /** Test knobs: BullMQ lock and stall timings. */
  timings?: { lockDurationMs?: number; stalledIntervalMs?: number };
  /**
   * The state epoch and the id this process ensured at start (src/app.ts): every watchdog tick
   * checks that the marker is still there, and the notify worker uses it after a loss.
   */
  epoch?: { store: StateEpochStore; known: string };
  /**
   * The clock guard (jobs/clock-guard/): how far this replica's wall clock may be from its peers'
   * before it stops taking scheduled work, how often it compares, and the clock BullMQ reads here.
   */
  clock?: { toleranceMs?: number; intervalMs?: number; now?: () => number };
  /**
   * Ad-hoc mutes and what mutings held (src/redis/redis-mute-store.ts): with it, the outbox holds
   * muted notifications (`/k8s mute`, `maintenance:`) and every watchdog tick announces ended ones.
   */
  mutes?: MuteStore & MuteHolds;
}

/** NTP keeps clocks within milliseconds; 5 s apart is a broken node, and below a minute's tick. */
const clockToleranceMs = 5_000;
const clockIntervalMs = 5_000;

export type RunOutcome =
  { state: 'completed'; result: unknown } | { state: 'failed'; reason: string } | { state: 'pending' };

export interface WatchdogStatus {
  lastTickAt?: string;
  /** Clusters whose scheduled checks are not running, as of the last good tick. */
  stale: string[];
  /** Why the last tick failed (Redis unreachable); cleared by the next good tick. */
  error?: string;
}

export interface Jobs {
  /** Hands transitions to chat (the handlers' `notify` dependency). */
  outbox: Outbox;
  queues: VigilQueues;
  schedulers: SyncResult | undefined;
  /** Queues one run now (`/k8s check prod`); returns the job (run) id. */
  runNow(cluster: string, check: ScheduledCheck): Promise<string>;
  /** Polls a run until it finishes or `timeoutMs` passes (to answer `/k8s check` later). */
  waitForRun(id: string, timeoutMs: number): Promise<RunOutcome>;
  /** This replica's watchdog, for /readyz: when it last ticked, what it found, its last error. */
  watchdogStatus(): WatchdogStatus;
  /** This replica's clock against Redis' and its peers' (undefined before the first reading). */
  clockStatus(): ClockVerdict | undefined;
  /** The notify queue's backlog, cluster-wide (for /metrics). */
  outboxStats(): Promise<OutboxStats>;
  /** Destinations notifications wait for because their platform does not know them yet (every replica's). */
  heldDestinations(): Promise<HeldDestination[]>;
  /**
   * A platform registered a destination under any of `names` (a Teams conversation's alias and id):
   * notifications held for it are woken now instead of at the end of their backoff. Returns how many.
   */
  releaseHeld(platform: ChatPlatformName, names: readonly string[]): Promise<number>;
  /**
   * Whether Redis still holds the state this process started on (the watchdog asks every tick). On
   * `lost` it has begun a new epoch, registered the schedules again and queued a run of every check.
   */
  checkState(): Promise<'same' | 'lost'>;
  /** Stops the watchdog, lets running jobs finish, closes workers and queues (not the Redis clients). */
  stop(): Promise<void>;
}

/**
 * Everything `vigil serve` needs from the jobs, in start order: validate the schedules, upsert and
 * prune the job schedulers, queue the start-up runs, start the run-check, notify and housekeeping
 * workers and the watchdog. Any number of replicas may call it with the same config.
 */
export async function startJobs(options: JobsOptions): Promise<Jobs> {
  const { config, prefix } = options;
  const run = {
    schedulers: true,
    startupRuns: true,
    checkWorker: true,
    notifyWorker: true,
    watchdog: true,
    housekeeping: true,
    digest: true,
    ...options.run,
  };
  const plan = planSchedules(config);
  const outboxConfig = options.outbox ?? options.config.outbox;
  const policy = options.policy ?? lifecyclePolicy(config.alerts);
  const connection = options.redis.bullmq;
  const queues = createQueues(connection, prefix);
  const state = new RedisOutboxState(options.redis.store, prefix);
  const failures = new RedisCheckFailures(options.redis.store, prefix);
  const groups = new RedisGroupState(options.redis.store, prefix);
  const outbox = new Outbox({
    queue: queues.notify,
    state,
    relay: new RedisTransitionRelay(options.redis.store, prefix),
    alerts: options.alerts,
    route: (alert) => routeAlert(alert, config.alerts),
    log: options.log,
    groups: { state: groups, policy: groupingPolicy(config.alerts) },
  });
  const retry = config.schedules.retry;

  // Scheduled work pauses on a replica whose clock is off (clock-guard.ts); set once the workers exist.
  const paused: { workers: Worker[] } = { workers: [] };
  const clock = new ClockGuard({
    board: new RedisClockBoard(options.redis.store, prefix),
    replicaId: randomUUID(),
    toleranceMs: options.clock?.toleranceMs ?? clockToleranceMs,
    intervalMs: options.clock?.intervalMs ?? clockIntervalMs,
    now: options.clock?.now ?? Date.now,
    log: options.log,
    onOutlier: async (outlier) => {
      for (const w of paused.workers) {
        if (outlier) await w.pause(true);
        else w.resume();
      }
    },
  });
  // Read before upserting the schedulers: an upsert computes the next tick from this clock too.
  let skewed = false;
  await within(
    clock.check().then((v) => (skewed = v.outlier)),
    2_000,
  );

  let schedulers: SyncResult | undefined;
  if (run.schedulers && skewed) schedulers = { upserted: [], removed: [] };
  else if (run.schedulers) schedulers = await syncCheckSchedulers(queues.checks, plan, retry);
  if (run.schedulers && run.housekeeping && !skewed) {
    await syncHousekeepingScheduler(
      queues.housekeeping,
      config.schedules.housekeeping,
      config.schedules.timezone,
    );
  }
  if (run.schedulers && run.digest) {
    // The digest ticks with housekeeping; its processor decides from the clock what is due.
    if (config.digest) {
      await syncDigestScheduler(queues.digest, config.schedules.housekeeping, config.schedules.timezone);
    } else {
      await removeDigestScheduler(queues.digest);
    }
  }
  if (run.startupRuns && config.schedules.runOnStart) {
    await enqueueStartupRuns(queues.checks, plan, {
      dedupeSeconds: config.schedules.startupDedupeSeconds,
      retry,
    });
  }

  const workers: Worker[] = [];
  if (run.checkWorker) {
    const worker = startRunCheckWorker({
      connection,
      prefix,
      deps: {
        config,
        checks: options.checks,
        snapshots: options.snapshots,
        alerts: options.alerts,
        policy,
        outbox,
      },
      failures,
      ...(options.observe?.runs ? { observer: options.observe.runs } : {}),
      log: options.log,
      ...options.timings,
    });
    workers.push(worker);
    paused.workers.push(worker);
  }
  if (run.notifyWorker) {
    workers.push(
      startNotifyWorker({
        connection,
        prefix,
        queue: queues.notify,
        concurrency: outboxConfig.concurrency,
        deps: {
          platforms: options.platforms,
          alerts: options.alerts,
          state,
          groups,
          pacing: outboxConfig,
          log: options.log,
          ...(options.epoch ? { epoch: options.epoch.store } : {}),
          ...(options.mutes
            ? {
                muting: { mutes: options.mutes, holds: options.mutes, windows: config.maintenance },
                now: options.now,
              }
            : {}),
        },
        ...(options.observe?.notifications ? { observer: options.observe.notifications } : {}),
        ...options.timings,
      }),
    );
  }
  const startedAt = options.now();
  if (run.housekeeping) {
    const worker = startHousekeepingWorker({
      connection,
      prefix,
      deps: {
        alerts: options.alerts,
        policy,
        outbox,
        now: options.now,
        staleClusters: async (at) =>
          assessSchedules({
            plan,
            lastRuns: await options.snapshots.lastRuns(),
            failures: new Map(),
            now: at,
            startedAt,
            tolerance: config.schedules.watchdog,
          })
            .filter((f) => f.severity !== 'ok')
            .map((f) => f.cluster),
        ...(options.heartbeat
          ? { heartbeat: createHeartbeat({ ...options.heartbeat, log: options.log }) }
          : {}),
      },
      ...(options.observe?.housekeeping ? { observer: options.observe.housekeeping } : {}),
      log: options.log,
      ...options.timings,
    });
    workers.push(worker);
    paused.workers.push(worker);
  }
  let knownEpoch = options.epoch?.known;
  /**
   * A Redis restarted without persistence under a running vigil takes the schedulers with it: no
   * check would run again. The marker's absence says so; every replica that notices re-registers
   * (upserts are idempotent, the start-up runs deduplicated), and the first one begins the epoch.
   */
  const checkState = async (): Promise<'same' | 'lost'> => {
    if (!options.epoch) return 'same';
    const { epoch, created } = await options.epoch.store.ensure('lost-while-running', options.now());
    if (epoch.id === knownEpoch) return 'same';
    knownEpoch = epoch.id;
    options.log.error(
      { epoch: epoch.id, startedAt: epoch.startedAt, began: created, recovery: epoch.recovery },
      "vigil's Redis state was lost (its epoch marker is gone): alerts, acknowledgements, snoozes, Teams conversations and schedules with it; registering the schedules again and re-checking every cluster",
    );
    if (run.schedulers) {
      schedulers = await syncCheckSchedulers(queues.checks, plan, retry);
      if (run.housekeeping) {
        await syncHousekeepingScheduler(
          queues.housekeeping,
          config.schedules.housekeeping,
          config.schedules.timezone,
        );
      }
    }
    if (run.startupRuns) {
      await enqueueStartupRuns(queues.checks, plan, {
        dedupeSeconds: config.schedules.startupDedupeSeconds,
        retry,
      });
    }
    return 'lost';
  };
  if (run.digest && config.digest) {
    workers.push(
      startDigestWorker({
        connection,
        prefix,
        deps: {
          config,
          alerts: options.alerts,
          snapshots: options.snapshots,
          state: new RedisDigestState(options.redis.store, prefix),
          platforms: options.platforms,
          now: options.now,
          log: options.log,
        },
        ...(options.observe?.digest ? { onResult: options.observe.digest } : {}),
        log: options.log,
        ...options.timings,
      }),
    );
  }
  if (skewed) for (const w of paused.workers) await w.pause(true);
  clock.start();
  let status: WatchdogStatus = { stale: [] };
  const watchdogDeps = {
    plan,
    snapshots: options.snapshots,
    failures,
    alerts: options.alerts,
    policy,
    outbox,
    now: options.now,
    startedAt,
    tolerance: config.schedules.watchdog,
  };
  const watchdog = run.watchdog
    ? startWatchdogTimer({
        pattern: config.schedules.watchdog.pattern,
        timezone: config.schedules.timezone,
        log: options.log,
        tick: async (at) => {
          // Judged by this replica's clock, which is the one that is off: the peers' watchdogs judge.
          if (clock.status()?.outlier) return;
          try {
            await checkState();
            const result = await runWatchdog(at, watchdogDeps);
            if (options.mutes) {
              await announceEndedMutings(options.now(), {
                holds: options.mutes,
                alerts: options.alerts,
                platforms: options.platforms,
                log: options.log,
              });
            }
            status = { lastTickAt: options.now().toISOString(), stale: result.stale };
          } catch (err) {
            status = { ...status, error: err instanceof Error ? err.message : String(err) };
            throw err;
          }
        },
      })
    : undefined;

  return {
    outbox,
    queues,
    schedulers,
    async runNow(cluster, check) {
      // A run asked for between a state loss and the next watchdog tick starts the new epoch first,
      // so the alerts it opens take ids from the new counter and find their earlier messages.
      await checkState();
      const job = await queues.checks.add(jobNames.runCheck, { cluster, check }, checkJobOptions(retry));
      return job.id ?? '';
    },
    async waitForRun(id, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const job = await queues.checks.getJob(id);
        const state = await job?.getState();
        if (job && state === 'completed') return { state: 'completed', result: job.returnvalue as unknown };
        if (job && state === 'failed') return { state: 'failed', reason: job.failedReason };
        if (Date.now() >= deadline) return { state: 'pending' };
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(500, Math.max(1, deadline - Date.now()))),
        );
      }
    },
    watchdogStatus: () => status,
    checkState,
    clockStatus: () => clock.status(),
    outboxStats: () => readOutboxStats(queues.notify, Date.now()),
    heldDestinations: () => state.held(),
    async releaseHeld(platform, names) {
      // Aliases resolve case-insensitively (src/chat/conversation-store.ts), so they match that way.
      const wanted = new Set(names.map((n) => n.toLowerCase()));
      const held = (await state.held()).filter(
        (h) => h.platform === platform && wanted.has(h.destination.toLowerCase()),
      );
      let promoted = 0;
      for (const h of held) promoted += await promoteJobs(queues.notify, await state.release(h));
      return promoted;
    },
    async stop() {
      await clock.stop();
      await watchdog?.stop();
      await Promise.all(workers.map((w) => w.close()));
      await queues.close();
    },
  };
}
