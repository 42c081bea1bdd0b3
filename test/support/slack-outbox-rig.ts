import type { NotifyPacing } from '../../jobs/notify/notify.js';
import type { AlertChanges } from '../../src/alerts/alert-store.js';
import { routeAlert, type Destination } from '../../src/alerts/route-alert.js';
import { createSlackPlatform } from '../../src/chat/slack/index.js';
import type { VigilConfig } from '../../src/config/config-schema.js';
import type { Alert } from '../../src/domain/alert.js';
import { createQueues, type VigilQueues } from '../../jobs/create-queues.js';
import { startNotifyWorker } from '../../jobs/notify/notify-worker.js';
import { notifyJobId, Outbox } from '../../jobs/notify/outbox.js';
import { groupingPolicy } from '../../src/alerts/alert-grouping.js';
import { RedisGroupState } from '../../src/redis/redis-group-state.js';
import { RedisOutboxState } from '../../src/redis/redis-outbox-state.js';
import { createRedisStores } from '../../src/redis/redis-stores.js';
import { RedisTransitionRelay } from '../../src/redis/redis-transition-relay.js';
import type { FakeSlackMessage, FakeSlackWebApi } from '../fakes/slack/index.js';
import { queueClients, recordingLog, uniquePrefix, type QueueClients } from './queue-harness.js';
import type { RedisServer } from './redis-server.js';
import { perPlatform } from '../../src/chat/platforms.js';

type NotifyWorker = ReturnType<typeof startNotifyWorker>;

/**
 * The outbox wired as `vigil serve` wires it (jobs/start-jobs.ts), delivering through the real
 * SlackPlatform (@slack/web-api over HTTP) to the fake Slack Web API: the fault tests' common rig.
 * Workers are started by the test, in this process or as child processes (notify-worker-process.ts).
 */
export interface SlackOutboxRig {
  prefix: string;
  clients: QueueClients;
  queues: VigilQueues;
  stores: ReturnType<typeof createRedisStores>;
  state: RedisOutboxState;
  relay: RedisTransitionRelay;
  outbox: Outbox;
  log: ReturnType<typeof recordingLog>;
  pacing: NotifyPacing;
  /** A notify worker in this process, on `apiUrl` (the fake's by default). */
  startWorker(options?: {
    apiUrl?: string;
    lockDurationMs?: number;
    stalledIntervalMs?: number;
  }): NotifyWorker;
  /** Applies changes (seq-conditional) and hands them to the outbox, as a check run or a handler does. */
  applyAndNotify(changes: AlertChanges, expectedSeq: Record<string, number>): Promise<void>;
  job(transitionId: string, destination: string): ReturnType<VigilQueues['notify']['getJob']>;
  stop(): Promise<void>;
}

export function startSlackOutboxRig(
  redis: RedisServer,
  slack: FakeSlackWebApi,
  options: {
    config: Readonly<VigilConfig>;
    route?: (alert: Alert) => Destination[];
    pacing?: Partial<NotifyPacing>;
    strandedAfterMs?: number;
    /** Group messages as `vigil serve` wires them (alerts.grouping of the config). */
    grouping?: boolean;
    /** Hold notifications during mutes and `config.maintenance` windows (jobs/notify/mute-hold.ts). */
    muting?: boolean;
    /** The outbox's clock for whether a muting is still on (default: the system clock). */
    now?: () => Date;
  },
): SlackOutboxRig {
  const clients = queueClients(redis, uniquePrefix('fault'));
  const { prefix } = clients;
  const queues = createQueues(clients.bullmq, prefix);
  const stores = createRedisStores(clients.storeConnection, options.config.alerts);
  const state = new RedisOutboxState(clients.store, prefix);
  const relay = new RedisTransitionRelay(clients.store, prefix);
  const log = recordingLog();
  const groups = options.grouping ? new RedisGroupState(clients.store, prefix) : undefined;
  const outbox = new Outbox({
    ...(groups ? { groups: { state: groups, policy: groupingPolicy(options.config.alerts) } } : {}),
    queue: queues.notify,
    state,
    relay,
    alerts: stores.alerts,
    route: options.route ?? ((alert) => routeAlert(alert, options.config.alerts)),
    log,
    ...(options.strandedAfterMs !== undefined ? { strandedAfterMs: options.strandedAfterMs } : {}),
  });
  const pacing: NotifyPacing = {
    minIntervalMs: perPlatform(() => 50),
    retryInitialMs: 50,
    retryMaxMs: 400,
    orderWaitMs: 200,
    ...options.pacing,
  };
  const workers: NotifyWorker[] = [];
  return {
    prefix,
    clients,
    queues,
    stores,
    state,
    relay,
    outbox,
    log,
    pacing,
    startWorker(w = {}) {
      const platform = createSlackPlatform({ botToken: slack.token, apiUrl: w.apiUrl ?? slack.apiUrl });
      const worker = startNotifyWorker({
        connection: clients.bullmq,
        prefix,
        queue: queues.notify,
        concurrency: 8,
        deps: {
          platforms: new Map([['slack', platform]]),
          alerts: stores.alerts,
          state,
          pacing,
          log,
          ...(groups ? { groups } : {}),
          ...(options.muting
            ? { muting: { mutes: stores.mutes, holds: stores.mutes, windows: options.config.maintenance } }
            : {}),
          ...(options.now ? { now: options.now } : {}),
        },
        ...(w.lockDurationMs !== undefined ? { lockDurationMs: w.lockDurationMs } : {}),
        ...(w.stalledIntervalMs !== undefined ? { stalledIntervalMs: w.stalledIntervalMs } : {}),
      });
      workers.push(worker);
      return worker;
    },
    async applyAndNotify(changes, expectedSeq) {
      if (!(await stores.alerts.apply(changes, expectedSeq))) throw new Error('apply refused: seq conflict');
      await outbox.notify(changes.transitions, changes.alerts);
    },
    job: (transitionId, destination) => queues.notify.getJob(notifyJobId(transitionId, 'slack', destination)),
    async stop() {
      await Promise.all(workers.map((w) => w.close(true)));
      await queues.close();
      await clients.close();
    },
  };
}

/** vigil's top-level messages of one alert in a channel (found by their metadata, as findPosted does). */
export function postsOf(slack: FakeSlackWebApi, channel: string, alertId: string): FakeSlackMessage[] {
  return slack.messages(channel).filter((m) => m.metadata?.event_payload['alert_id'] === alertId);
}

/** The thread lines under an alert's message, oldest first (empty when it was never posted). */
export function threadOf(slack: FakeSlackWebApi, channel: string, alertId: string): string[] {
  return postsOf(slack, channel, alertId).flatMap((m) => m.replies.map((r) => r.text ?? ''));
}

/** Everything a reader sees of a message: its fallback text and every block's text. */
export function visible(m: FakeSlackMessage | undefined): string {
  return m ? `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}` : '';
}
