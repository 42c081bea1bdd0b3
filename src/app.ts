import { checkResultReply, type RunState } from '../handlers/check-result-reply.js';
import { verbFor } from '../handlers/command-specs.js';
import { handleAction } from '../handlers/handle-action.js';
import { handleCommand } from '../handlers/handle-command.js';
import type { HandlerDeps } from '../handlers/handler-deps.js';
import { permissionGroupIds } from '../handlers/permissions.js';
import { routedDestinations } from './alerts/route-alert.js';
import { announcingConversationStore } from './chat/announcing-conversation-store.js';
import { buildAlertMessage } from './chat/build-alert-message.js';
import type { ChatPlatform } from './chat/chat-platform.js';
import type { ActionRequest, CommandRequest } from './chat/chat-message.js';
import type { ChatPlatformContext, RunningChatPlatform } from './chat/platform-module.js';
import { chatPlatforms, configuredPlatforms, type ChatPlatformSettings } from './chat/platforms.js';
import { allChecks } from './checks/index.js';
import type { RunChecksDeps } from './checks/run-checks.js';
import type { VigilConfig } from './config/config-schema.js';
import type { ServeEnv } from './config/serve-env.js';
import type { ChatPlatformName } from './domain/alert.js';
import type { CheckName } from './domain/finding.js';
import { VigilError } from './domain/vigil-error.js';
import {
  createHttpServer,
  type HttpServer,
  type HttpServerOptions,
  type ServedRoute,
} from './http/create-http-server.js';
import type { HttpRoute } from './http/http-route.js';
import { loadClusterConnection } from './kube/load-cluster-connection.js';
import { logger } from './logger.js';
import { createMetrics } from './metrics/create-metrics.js';
import { probeTls } from './probe/tls-probe.js';
import { createRedisConnection, describeRedisTarget } from './redis/redis-connection.js';
import { untaggedStateLeftBehind } from './redis/redis-prefix-migration.js';
import { RedisConversationStore } from './redis/redis-conversation-store.js';
import { RedisNodeReports } from './redis/redis-node-reports.js';
import { RedisEnvelopeDedupe } from './redis/redis-envelope-dedupe.js';
import { RedisReplayGuard } from './redis/redis-replay-guard.js';
import { RedisStateEpoch } from './redis/redis-state-epoch.js';
import { createRedisStores } from './redis/redis-stores.js';
import { withinTime } from './runtime/within-time.js';
import { planSchedules } from '../jobs/queue/schedule-plan.js';
import { startJobs, type Jobs, type JobsOptions } from '../jobs/start-jobs.js';

export interface AppOptions {
  config: Readonly<VigilConfig>;
  serve: Readonly<ServeEnv>;
  /**
   * The chat platforms to run, by name, with their settings (readChatPlatformSettings reads them
   * from the environment: `{ slack: SlackEnv, teams: TeamsEnv }`). At least one.
   */
  platforms: ChatPlatformSettings;
  now?: () => Date;
  /** Test knobs passed to the queue (short paces, lock timings). */
  scheduling?: Pick<JobsOptions, 'outbox' | 'timings' | 'run'>;
  /** Replaces the real cluster connections (tests point them at the fake API server the same way). */
  checks?: Partial<RunChecksDeps>;
  /** Extra HTTP routes on the same port, besides the platforms' own and `/metrics`. */
  routes?: HttpRoute[];
  /** How long connecting to Redis may take at start-up (ioredis itself would retry forever). */
  redisConnectTimeoutMs?: number;
  /** How long stop() waits for a graceful shutdown before it drops the connections. */
  stopTimeoutMs?: number;
  /** Test knobs of the HTTP server: request and header timeouts (a slow body is cut sooner). */
  http?: Pick<HttpServerOptions, 'requestTimeoutMs' | 'headersTimeoutMs' | 'connectionsCheckingIntervalMs'>;
}

export interface App {
  /**
   * Starts the queue and the HTTP server; resolves with the bound port. A failure on the way (Redis
   * unreachable, wrong credentials) stops whatever had started before it rejects, so nothing is
   * left running.
   */
  start(): Promise<{ port: number }>;
  /**
   * Drains: HTTP, then workers, then Redis, within `stopTimeoutMs`; past that the Redis connections
   * are dropped and it resolves anyway (Redis gone: a graceful close would wait forever). Safe to
   * call more than once, and before or after a failed start.
   */
  stop(): Promise<void>;
  /** For tests and operators: the running scheduling, once started. */
  readonly scheduling: Jobs | undefined;
  /** Every route the HTTP server serves, once started (empty before). */
  readonly routes: readonly ServedRoute[];
}

/** How long `/k8s check` waits for its runs before answering "still running". */
const CHECK_ANSWER_TIMEOUT_MS = 5 * 60_000;
const REDIS_CONNECT_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 8_000;

/**
 * The composition root of `vigil serve` (ARCHITECTURE.md): builds every adapter from config and
 * environment and wires them; no logic of its own. Chat platforms are looped over
 * (src/chat/platforms.ts), never named here. Start order: Redis, stores, the platforms and their
 * credential checks, queue (schedulers, workers, watchdog), the platforms' connections out (Slack
 * Socket Mode), then HTTP, so that /readyz only says ready once schedulers are registered; it also
 * says not ready while a platform's connection is down.
 */
export function createApp(options: AppOptions): App {
  const { config, serve } = options;
  const now = options.now ?? (() => new Date());
  const log = logger.child({ component: 'serve' });
  // The last connection error, to say why Redis cannot be reached (ioredis' own rejection is only
  // "Connection is closed.").
  let lastRedisError: string | undefined;
  const onRedisError = (which: string) => (err: Error) => {
    lastRedisError = err.message;
    log.warn({ err: { message: err.message }, which }, 'redis connection error (retrying)');
  };
  const storeConn = createRedisConnection({
    url: serve.redisUrl,
    prefix: serve.redisPrefix,
    ...(serve.redisTopology ? { topology: serve.redisTopology } : {}),
    name: 'vigil-store',
    onError: onRedisError('store'),
    lazyConnect: true,
  });
  const queueConn = createRedisConnection({
    url: serve.redisUrl,
    prefix: serve.redisPrefix,
    ...(serve.redisTopology ? { topology: serve.redisTopology } : {}),
    forBullMQ: true,
    name: 'vigil-queue',
    onError: onRedisError('queue'),
    lazyConnect: true,
  });
  const stores = createRedisStores(storeConn, config.alerts);
  const configured = configuredPlatforms(options.platforms);
  if (configured.length === 0) {
    throw new VigilError(
      'no-chat-platform',
      `vigil serve needs a chat platform: set ${chatPlatforms.map((p) => p.env.setup).join(', or ')}`,
    );
  }
  const platforms = new Map<ChatPlatformName, ChatPlatform>();
  /** The created platforms, by name, in list order: /readyz asks each, stop() closes each. */
  const running = new Map<ChatPlatformName, RunningChatPlatform>();
  const enabled = planSchedules(config);
  let scheduling: Jobs | undefined;
  const metrics = createMetrics({
    config,
    snapshots: stores.snapshots,
    alerts: stores.alerts,
    outbox: () => scheduling?.outboxStats(),
    schedules: enabled,
    platforms: configured.map((c) => c.module.name),
    now,
  });

  const requestCheck: HandlerDeps['requestCheck'] = async (
    cluster,
    check,
    answer,
    platform = chatPlatforms[0].name,
  ) => {
    const s = scheduling;
    if (!s) throw stillStarting();
    const checks = enabled
      .filter((p) => p.cluster === cluster && (check === undefined || p.check === check))
      .map((p) => p.check);
    const runs = await Promise.all(checks.map(async (c) => ({ check: c, id: await s.runNow(cluster, c) })));
    // The answer takes longer than any platform's answer window: it is delivered through `answer` later.
    void (async () => {
      const outcomes = await Promise.all(
        runs.map(async (r) => {
          const o = await s.waitForRun(r.id, CHECK_ANSWER_TIMEOUT_MS);
          // A job's failure reason is an internal error message: it goes to the log, not to chat.
          if (o.state === 'failed')
            log.warn({ cluster, check: r.check, reason: o.reason }, 'a /k8s check run failed');
          return {
            check: r.check as Exclude<CheckName, 'cluster'>,
            state: o.state as RunState,
            ...(o.state === 'failed' ? { reason: 'the reason is in vigil’s log' } : {}),
          };
        }),
      );
      await answer(await checkResultReply(cluster, outcomes, { snapshots: stores.snapshots, now, platform }));
    })().catch((err: unknown) => log.error({ err }, 'could not answer /k8s check'));
  };

  const handlerDeps: HandlerDeps = {
    config,
    alerts: stores.alerts,
    audit: stores.audit,
    snapshots: stores.snapshots,
    mutes: stores.mutes,
    now,
    notify: async (transitions) => {
      if (!scheduling) throw stillStarting();
      await scheduling.outbox.notify(transitions);
    },
    requestCheck,
    log,
  };

  const readiness = async () => {
    if (!scheduling?.schedulers) return { ready: false, detail: 'schedulers not registered yet' };
    const watchdog = scheduling.watchdogStatus();
    if (watchdog.error) return { ready: false, detail: `watchdog: ${watchdog.error}` };
    // A replica whose clock is off takes no scheduled runs (jobs/clock-guard/) and says so here.
    const clock = scheduling.clockStatus();
    if (clock?.outlier)
      return {
        ready: false,
        detail: `clock ${(clock.offsetMs / 1000).toFixed(1)} s off Redis and its peers: scheduled runs paused; fix NTP on this node`,
      };
    // A platform that connects out (Slack Socket Mode) takes no work while its connection is down.
    for (const [name, p] of running) {
      const status = p.status?.();
      if (status && !status.ready)
        return { ready: false, detail: `${name}: ${status.detail ?? 'not ready'}` };
    }
    let held: Awaited<ReturnType<Jobs['heldDestinations']>>;
    try {
      await withinTime(storeConn.redis.ping(), 1_000, 'redis ping');
      held = await withinTime(scheduling.heldDestinations(), 1_000, 'held destinations');
    } catch {
      return { ready: false, detail: 'redis unreachable' };
    }
    // Still ready: a held destination waits for someone to add vigil there, not for this replica.
    if (held.length === 0) return { ready: true };
    const list = held.slice(0, 10).map((h) => `${h.platform}:${h.destination} (${h.jobs} since ${h.since})`);
    const more = held.length > 10 ? ` and ${held.length - 10} more` : '';
    return {
      ready: true,
      detail: `alerts held for destinations not registered yet: ${list.join(', ')}${more}`,
    };
  };

  // Timed for /metrics (vigil_command_duration_seconds); the verb from the first word, bounded.
  const timed = async <R>(platform: ChatPlatformName, verb: string, answer: () => Promise<R>) => {
    const started = performance.now();
    try {
      return await answer();
    } finally {
      metrics.commands.answered(platform, verb, (performance.now() - started) / 1000);
    }
  };
  const onCommand = (req: CommandRequest) => {
    const word = req.text.trim().split(/\s+/)[0] ?? '';
    const verb = word === '' ? 'help' : (verbFor(word) ?? 'unknown');
    return timed(req.platform, verb, () => handleCommand(req, handlerDeps));
  };
  const onAction = (req: ActionRequest) =>
    timed(req.platform, `${req.action.kind}-button`, () => handleAction(req, handlerDeps));

  const replayGuard = new RedisReplayGuard(storeConn.redis, serve.redisPrefix);
  const platformContext = (name: ChatPlatformName): ChatPlatformContext => ({
    onCommand,
    onAction,
    loadAlert: async (id) => {
      const alert = await stores.alerts.get(id);
      return alert ? buildAlertMessage(alert) : null;
    },
    // Registering a conversation wakes the alerts held for it (jobs/notify/notify.ts).
    conversations: announcingConversationStore(
      new RedisConversationStore(storeConn.redis, serve.redisPrefix, name),
      (names) => {
        scheduling
          ?.releaseHeld(name, names)
          .then((woken) => {
            if (woken > 0)
              log.info({ platform: name, names, woken }, 'destination registered: held alerts go out');
          })
          .catch((err: unknown) =>
            log.warn({ err, platform: name }, 'cannot wake the alerts held for a destination'),
          );
      },
    ),
    replayGuard,
    userGroupIds: permissionGroupIds(config.permissions, name),
    envelopes: new RedisEnvelopeDedupe(storeConn.redis, serve.redisPrefix, name),
    destinations: routedDestinations(config.alerts, name),
    httpHost: serve.host,
    now,
  });
  let server: HttpServer | undefined;
  let stopping: Promise<void> | undefined;

  const stop = () => (stopping ??= stopAll());
  return {
    get scheduling() {
      return scheduling;
    },
    get routes() {
      return server?.routes ?? [];
    },
    async start() {
      try {
        return await startAll();
      } catch (err) {
        // A half-started app (Redis connected, workers running) would keep the process alive.
        await stop();
        throw err;
      }
    },
    stop,
  };

  async function startAll(): Promise<{ port: number }> {
    await connectRedis();
    await warnUntaggedState();
    const epochs = new RedisStateEpoch(storeConn.redis, serve.redisPrefix);
    const { epoch, created } = await epochs.ensure('empty-at-start', now());
    if (created && epoch.recovery) {
      log.warn(
        { epoch: epoch.id },
        'Redis holds no vigil state (a first install, or its data was lost): re-checking every cluster; alert messages already in Slack or the web chat are found and edited, and each Teams conversation gets one notice before its first alert',
      );
    }
    for (const { module, settings } of configured) {
      const created = await module.create(settings, platformContext(module.name));
      running.set(module.name, created);
      platforms.set(module.name, created.platform);
    }
    // Wrong credentials are a start-up error, not something to discover at the first alert.
    for (const p of running.values()) await p.checkAuth();
    await warnUnregistered([...running.values()]);
    scheduling = await startJobs({
      config,
      redis: { bullmq: queueConn.redis, store: storeConn.redis },
      prefix: serve.redisPrefix,
      checks: {
        connect: (c) => loadClusterConnection({ ...c, requestTimeoutMs: c.requestTimeoutSeconds * 1000 }),
        probeTls,
        now,
        checks: allChecks,
        log: logger,
        // What `vigil agent` wrote from each node, for the host-certificates check.
        nodeReports: new RedisNodeReports(storeConn.redis, serve.redisPrefix, now),
        ...options.checks,
      },
      alerts: stores.alerts,
      snapshots: stores.snapshots,
      platforms,
      log,
      now,
      observe: {
        runs: metrics.runs,
        notifications: metrics.notifications,
        housekeeping: metrics.housekeeping,
      },
      ...(serve.heartbeat ? { heartbeat: serve.heartbeat } : {}),
      epoch: { store: epochs, known: epoch.id },
      mutes: stores.mutes,
      ...options.scheduling,
    });
    // Connections out (Slack Socket Mode) open once the queue runs, as routes are served only then.
    for (const p of running.values()) await p.start?.();
    server = createHttpServer({
      routes: [...[...running.values()].flatMap((p) => p.routes), metrics.route, ...(options.routes ?? [])],
      readiness,
      ...options.http,
    });
    const bound = await server.start(serve.port, serve.host);
    log.info(
      {
        port: bound.port,
        platforms: [...platforms.keys()],
        clusters: config.clusters.map((c) => c.name),
        schedules: enabled.length,
      },
      'vigil serve started',
    );
    return bound;
  }

  async function connectRedis(): Promise<void> {
    const ms = options.redisConnectTimeoutMs ?? REDIS_CONNECT_TIMEOUT_MS;
    try {
      await withinTime(
        Promise.all([storeConn.redis.connect(), queueConn.redis.connect()]),
        ms,
        'connecting to Redis',
      );
    } catch (err) {
      // Hosts only: a REDIS_URL may carry a password.
      const where = describeRedisTarget(serve.redisUrl, serve.redisTopology);
      const why = lastRedisError ?? (err instanceof Error ? err.message : String(err));
      throw new VigilError(
        'redis-unreachable',
        `cannot reach Redis at ${where} (${why}); start redis-server or set REDIS_URL`,
        { retryable: true, cause: err },
      );
    }
  }

  /** State under the prefix without its hash tag is not read any more: say so before it is missed. */
  async function warnUntaggedState(): Promise<void> {
    const left = await untaggedStateLeftBehind(storeConn.redis, serve.redisPrefix);
    if (!left) return;
    log.warn(
      { prefix: serve.redisPrefix, oldPrefix: left.oldPrefix, keys: left.keys },
      `Redis holds vigil state under the prefix "${left.oldPrefix}", but this vigil uses "${serve.redisPrefix}" and starts with none of it: ` +
        `open alerts will be posted again as new messages, acknowledgements, snoozes and history are not seen, Teams conversations must be registered again. ` +
        `To keep them, stop vigil and rename the keys (README.md "Redis deployments"), or set VIGIL_REDIS_PREFIX=${left.oldPrefix} on a standalone or Sentinel Redis`,
    );
  }

  /** Routes naming destinations a platform cannot post to yet: their alerts will be held, so say so now. */
  async function warnUnregistered(running: readonly RunningChatPlatform[]): Promise<void> {
    for (const p of running) {
      if (!p.unregisteredDestinations) continue;
      const routed = routedDestinations(config.alerts, p.platform.name);
      let unknown: string[] = [];
      try {
        unknown = routed.length > 0 ? await p.unregisteredDestinations(routed) : [];
      } catch (err) {
        // Only a warning is at stake; the alerts themselves are held either way.
        log.warn({ err, platform: p.platform.name }, 'cannot check the routed destinations at start-up');
      }
      if (unknown.length === 0) continue;
      log.warn(
        { platform: p.platform.name, destinations: unknown },
        `alerts.routes name ${p.platform.name} destinations vigil is not registered in yet: their alerts are held until vigil is added there`,
      );
    }
  }

  async function stopAll(): Promise<void> {
    // Inbound first (connections out, then HTTP), so no new work arrives while the workers drain.
    const graceful = (async () => {
      await Promise.allSettled([...running.values()].map((p) => p.stop?.()));
      await server?.stop().catch(() => undefined);
      // Workers fail to close cleanly when Redis is gone; the connections are closed regardless.
      await scheduling
        ?.stop()
        .catch((err: unknown) =>
          log.warn({ err: { message: String(err) } }, 'the jobs did not stop cleanly'),
        );
      await Promise.allSettled([storeConn.close(), queueConn.close()]);
    })();
    const ms = options.stopTimeoutMs ?? STOP_TIMEOUT_MS;
    try {
      await withinTime(graceful, ms, 'stopping');
    } catch {
      // Redis gone: workers and QUIT wait for it forever. Dropping the sockets ends the reconnect
      // loops of vigil's own clients; whatever BullMQ still holds ends with the process.
      log.warn({ timeoutMs: ms }, 'shutdown did not finish in time; dropping the Redis connections');
      storeConn.redis.disconnect();
      queueConn.redis.disconnect();
    }
  }
}

/** A command that needs the queue, asked in the seconds before it runs: worth a retry, not a bug report. */
function stillStarting(): VigilError {
  return new VigilError('still-starting', 'vigil is still starting.', { retryable: true });
}
