import type { NotifyDeps, NotifyPacing } from '../../jobs/notify/notify.js';
import type { AlertChanges, AlertStore } from '../../src/alerts/alert-store.js';
import type { ChatPlatform } from '../../src/chat/chat-platform.js';
import type { Alert, ChatPlatformName } from '../../src/domain/alert.js';
import { notifyJobId, Outbox } from '../../jobs/notify/outbox.js';
import { startNotifyWorker } from '../../jobs/notify/notify-worker.js';
import { createQueues, type VigilQueues } from '../../jobs/create-queues.js';
import { RedisAlertStore } from '../../src/redis/redis-alert-store.js';
import { RedisOutboxState } from '../../src/redis/redis-outbox-state.js';
import { RedisTransitionRelay } from '../../src/redis/redis-transition-relay.js';
import { queueClients, recordingLog, uniquePrefix, type QueueClients } from './queue-harness.js';
import type { RedisServer } from './redis-server.js';
import { perPlatform } from '../../src/chat/platforms.js';

type NotifyWorker = ReturnType<typeof startNotifyWorker>;

export interface OutboxHarness {
  clients: QueueClients;
  queue: VigilQueues['notify'];
  alerts: AlertStore;
  state: RedisOutboxState;
  outbox: Outbox;
  log: ReturnType<typeof recordingLog>;
  workers: NotifyWorker[];
  /** Starts one more notify worker (another "replica"). */
  addWorker(options?: { lockDurationMs?: number; stalledIntervalMs?: number }): NotifyWorker;
  /** Applies lifecycle changes to the store and hands them to the outbox, as run-check does. */
  applyAndNotify(changes: AlertChanges, expectedSeq: Record<string, number>): Promise<void>;
  jobState(transitionId: string, platform: ChatPlatformName, destination: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The outbox wired as `vigil serve` wires it, on a real redis-server with a prefix of its own:
 * BullMQ queue and workers, the Redis alert store, the Redis outbox state. Routing sends every alert
 * to `destinations(alert)`.
 */
export function startOutboxHarness(
  server: RedisServer,
  options: {
    platforms: ChatPlatform[];
    destinations: (alert: Alert) => { platform: ChatPlatformName; destination: string }[];
    pacing?: Partial<NotifyPacing>;
    /** Backoff while a destination is held (not registered with its platform yet). */
    hold?: NotifyDeps['hold'];
    concurrency?: number;
    workers?: number;
    lockDurationMs?: number;
    stalledIntervalMs?: number;
  },
): OutboxHarness {
  const clients = queueClients(server, uniquePrefix('outbox'));
  const queues = createQueues(clients.bullmq, clients.prefix);
  const queue = queues.notify;
  const alerts = new RedisAlertStore(clients.store, clients.prefix);
  const state = new RedisOutboxState(clients.store, clients.prefix);
  const log = recordingLog();
  const relay = new RedisTransitionRelay(clients.store, clients.prefix);
  const outbox = new Outbox({ queue, state, relay, alerts, route: options.destinations, log });
  const pacing: NotifyPacing = {
    minIntervalMs: perPlatform(() => 100),
    retryInitialMs: 50,
    retryMaxMs: 400,
    orderWaitMs: 200,
    ...options.pacing,
  };
  const platforms = new Map(options.platforms.map((p) => [p.name, p]));
  const workers: NotifyWorker[] = [];
  const addWorker = (timings: { lockDurationMs?: number; stalledIntervalMs?: number } = {}) => {
    const worker = startNotifyWorker({
      connection: clients.bullmq,
      prefix: clients.prefix,
      queue,
      concurrency: options.concurrency ?? 8,
      deps: { platforms, alerts, state, pacing, log, ...(options.hold ? { hold: options.hold } : {}) },
      ...(options.lockDurationMs !== undefined ? { lockDurationMs: options.lockDurationMs } : {}),
      ...(options.stalledIntervalMs !== undefined ? { stalledIntervalMs: options.stalledIntervalMs } : {}),
      ...timings,
    });
    workers.push(worker);
    return worker;
  };
  for (let i = 0; i < (options.workers ?? 1); i++) addWorker();
  return {
    clients,
    queue,
    alerts,
    state,
    outbox,
    log,
    workers,
    addWorker,
    async applyAndNotify(changes, expectedSeq) {
      if (!(await alerts.apply(changes, expectedSeq)))
        throw new Error('apply refused: seq conflict in test setup');
      await outbox.notify(changes.transitions, changes.alerts);
    },
    async jobState(transitionId, platform, destination) {
      const job = await queue.getJob(notifyJobId(transitionId, platform, destination));
      return job ? job.getState() : 'missing';
    },
    async stop() {
      await Promise.all(workers.map((w) => w.close(true)));
      await queues.close();
      await clients.close();
    },
  };
}
