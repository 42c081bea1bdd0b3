import { checkResultReply, type RunState } from '../handlers/check-result-reply.js';
import { handleAction } from '../handlers/handle-action.js';
import { handleCommand } from '../handlers/handle-command.js';
import type { HandlerDeps } from '../handlers/handler-deps.js';
import { permissionGroupIds } from '../handlers/permissions.js';
import { buildAlertMessage } from './chat/build-alert-message.js';
import type { ChatPlatform } from './chat/chat-platform.js';
import {
  createSlackGroupLookup,
  createSlackPlatform,
  createSlackServer,
  type HttpRoute,
} from './chat/slack/index.js';
import { createTeams, type Teams, type TeamsAdapterOptions } from './chat/teams/index.js';
import { createWebChat, webRoomsOf, type WebChatOptions } from './chat/web/index.js';
import { allChecks } from './checks/index.js';
import type { RunChecksDeps } from './checks/run-checks.js';
import type { VigilConfig } from './config/config-schema.js';
import type { ServeEnv } from './config/serve-env.js';
import type { SlackEnv } from './config/slack-env.js';
import type { TeamsEnv } from './config/teams-env.js';
import type { WebEnv } from './config/web-env.js';
import type { ChatPlatformName } from './domain/alert.js';
import type { CheckName } from './domain/finding.js';
import { VigilError } from './domain/vigil-error.js';
import { loadClusterConnection } from './kube/load-cluster-connection.js';
import { logger } from './logger.js';
import { probeTls } from './probe/tls-probe.js';
import { createRedisConnection } from './queue/redis-connection.js';
import { RedisConversationStore } from './queue/redis-conversation-store.js';
import { createRedisStores } from './queue/redis-stores.js';
import { planSchedules } from './queue/schedule-plan.js';
import { startScheduling, type Scheduling, type SchedulingOptions } from './queue/start-scheduling.js';
import { createHttpServer } from './serve/create-http-server.js';

export interface AppOptions {
  config: Readonly<VigilConfig>;
  serve: Readonly<ServeEnv>;
  /** Slack, when configured (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET). At least one platform is. */
  slack?: Readonly<SlackEnv>;
  /** Teams, when configured (Microsoft* or the explicit insecure development setting). */
  teams?: Readonly<TeamsEnv>;
  /**
   * The web chat (src/chat/web), when on (VIGIL_WEB, or the demo): served on the same port, its rooms
   * the `web:` destinations of the routes. Listening beyond loopback requires its token.
   */
  web?: Readonly<WebEnv> & Pick<WebChatOptions, 'title' | 'quickCommands' | 'onMessage'>;
  /** Test knob: where inbound Bot Framework tokens' signing keys are published. */
  teamsAdapter?: TeamsAdapterOptions;
  now?: () => Date;
  /** Test knobs passed to the queue (short paces, lock timings). */
  scheduling?: Pick<SchedulingOptions, 'outbox' | 'timings' | 'run'>;
  /** Replaces the real cluster connections (tests point them at the fake API server the same way). */
  checks?: Partial<RunChecksDeps>;
  /** Extra HTTP routes on the same port (Teams `/api/messages`, `/metrics`). */
  routes?: HttpRoute[];
}

export interface App {
  /** Starts the queue and the HTTP server; resolves with the bound port. */
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
  /** For tests and operators: the running scheduling, once started. */
  readonly scheduling: Scheduling | undefined;
}

/** How long `/k8s check` waits for its runs before answering "still running". */
const CHECK_ANSWER_TIMEOUT_MS = 5 * 60_000;

/**
 * The composition root of `vigil serve` (ARCHITECTURE.md): builds every adapter from config and
 * environment and wires them; no logic of its own. Start order: Redis, stores, queue (schedulers,
 * workers, watchdog), then HTTP, so that /readyz only says ready once schedulers are registered.
 */
export function createApp(options: AppOptions): App {
  const { config, serve } = options;
  const now = options.now ?? (() => new Date());
  const log = logger.child({ component: 'serve' });
  const onRedisError = (which: string) => (err: Error) =>
    log.warn({ err: { message: err.message }, which }, 'redis connection error (retrying)');
  const storeConn = createRedisConnection({
    url: serve.redisUrl,
    prefix: serve.redisPrefix,
    name: 'vigil-store',
    onError: onRedisError('store'),
    lazyConnect: true,
  });
  const queueConn = createRedisConnection({
    url: serve.redisUrl,
    prefix: serve.redisPrefix,
    forBullMQ: true,
    name: 'vigil-queue',
    onError: onRedisError('queue'),
    lazyConnect: true,
  });
  const stores = createRedisStores(storeConn, config.alerts);
  const { slack, teams: teamsEnv, web: webEnv } = options;
  if (!slack && !teamsEnv && !webEnv) {
    throw new VigilError(
      'no-chat-platform',
      'vigil serve needs a chat platform: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (Slack), or MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppType and MicrosoftAppTenantId (Teams), or VIGIL_WEB=1 (the web chat)',
    );
  }
  const platforms = new Map<ChatPlatformName, ChatPlatform>();
  const slackPlatform = slack
    ? createSlackPlatform({ botToken: slack.botToken, apiUrl: slack.apiUrl })
    : undefined;
  if (slackPlatform) platforms.set('slack', slackPlatform);
  const enabled = planSchedules(config);
  let scheduling: Scheduling | undefined;

  const requestCheck: HandlerDeps['requestCheck'] = async (cluster, check, answer, platform = 'slack') => {
    const s = scheduling;
    if (!s) throw new Error('vigil is still starting; try again in a few seconds');
    const checks = enabled
      .filter((p) => p.cluster === cluster && (check === undefined || p.check === check))
      .map((p) => p.check);
    const runs = await Promise.all(checks.map(async (c) => ({ check: c, id: await s.runNow(cluster, c) })));
    // The answer takes longer than Slack's 3 s: it is delivered through the response URL later.
    void (async () => {
      const outcomes = await Promise.all(
        runs.map(async (r) => {
          const o = await s.waitForRun(r.id, CHECK_ANSWER_TIMEOUT_MS);
          return {
            check: r.check as Exclude<CheckName, 'cluster'>,
            state: o.state as RunState,
            ...(o.state === 'failed' ? { reason: o.reason } : {}),
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
    now,
    notify: async (transitions) => {
      if (!scheduling) throw new Error('vigil is still starting; try again in a few seconds');
      await scheduling.outbox.notify(transitions);
    },
    requestCheck,
    log,
  };

  const readiness = async () => {
    if (!scheduling?.schedulers) return { ready: false, detail: 'schedulers not registered yet' };
    const watchdog = scheduling.watchdogStatus();
    if (watchdog.error) return { ready: false, detail: `watchdog: ${watchdog.error}` };
    try {
      await withTimeout(storeConn.redis.ping(), 1_000);
    } catch {
      return { ready: false, detail: 'redis unreachable' };
    }
    return { ready: true };
  };

  // Teams: one CloudAdapter for the inbound route and the outbound platform. Pressing a card button
  // answers the presser with the alert as it now is; the outbox edits everyone else's copy.
  let teams: Teams | undefined;
  if (teamsEnv) {
    teams = createTeams({
      env: teamsEnv,
      conversations: new RedisConversationStore(storeConn.redis, serve.redisPrefix),
      now,
      onCommand: (req) => handleCommand(req, handlerDeps),
      onAction: (req) => handleAction(req, handlerDeps),
      loadAlert: async (id) => {
        const alert = await stores.alerts.get(id);
        return alert ? buildAlertMessage(alert) : null;
      },
      ...(options.teamsAdapter ? { adapter: options.teamsAdapter } : {}),
    });
    platforms.set('teams', teams.platform);
  }
  const web = webEnv
    ? createWebChat({
        rooms: webRoomsOf(config.alerts),
        bindHost: serve.host,
        ...webEnv,
        onCommand: (req) => handleCommand(req, handlerDeps),
        onAction: (req) => handleAction(req, handlerDeps),
        now,
        log,
      })
    : undefined;
  if (web) platforms.set('web', web.platform);
  const routes = [...(teams ? [teams.route] : []), ...(web?.routes ?? []), ...(options.routes ?? [])];

  const slackGroupIds = permissionGroupIds(config.permissions, 'slack');
  const groups = slack
    ? createSlackGroupLookup({ botToken: slack.botToken, apiUrl: slack.apiUrl })
    : undefined;
  const server = slack
    ? createSlackServer({
        env: slack,
        onCommand: (req) => handleCommand(req, handlerDeps),
        onAction: (req) => handleAction(req, handlerDeps),
        ...(groups && slackGroupIds.length > 0
          ? { resolveUserGroups: (userId: string) => groups.memberOfGroups(userId, slackGroupIds) }
          : {}),
        readiness,
        routes,
      })
    : createHttpServer(routes, readiness);

  return {
    get scheduling() {
      return scheduling;
    },
    async start() {
      try {
        await Promise.all([storeConn.redis.connect(), queueConn.redis.connect()]);
      } catch (err) {
        await Promise.allSettled([storeConn.close(), queueConn.close()]);
        // The host only: a REDIS_URL may carry a password.
        const where = new URL(serve.redisUrl).host;
        throw new VigilError(
          'redis-unreachable',
          `cannot reach Redis at ${where} (${err instanceof Error ? err.message : String(err)}); start redis-server or set REDIS_URL`,
          { retryable: true, cause: err },
        );
      }
      // Wrong credentials are a start-up error, not something to discover at the first alert.
      await slackPlatform?.checkAuth();
      if (teamsEnv && !teamsEnv.authDisabled) await teams?.checkCredentials();
      if (teamsEnv?.authDisabled) {
        log.error(
          'VIGIL_TEAMS_INSECURE_DEV is set: Bot Framework authentication is OFF in both directions; never run this in production',
        );
      }
      scheduling = await startScheduling({
        config,
        redis: { bullmq: queueConn.redis, store: storeConn.redis },
        prefix: serve.redisPrefix,
        checks: {
          connect: (c) => loadClusterConnection({ ...c, requestTimeoutMs: c.requestTimeoutSeconds * 1000 }),
          probeTls,
          now,
          checks: allChecks,
          log: logger,
          ...options.checks,
        },
        alerts: stores.alerts,
        snapshots: stores.snapshots,
        platforms,
        log,
        now,
        ...options.scheduling,
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
    },
    async stop() {
      await server.stop().catch(() => undefined);
      await scheduling?.stop();
      await Promise.allSettled([storeConn.close(), queueConn.close()]);
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
