import type { Queue } from 'bullmq';
import type { AlertStore } from '../../src/alerts/alert-store.js';
import type { Destination } from '../../src/alerts/route-alert.js';
import type { TransitionRelay } from '../../src/alerts/transition-relay.js';
import type { OutboxState } from '../../src/chat/outbox-state.js';
import type { GroupState } from '../../src/chat/group-state.js';
import type { GroupingPolicy } from '../../src/alerts/alert-grouping.js';
import { planGroups, groupJobData } from './outbox-groups.js';
import type { Alert, ChatPlatformName, Transition } from '../../src/domain/alert.js';
import { jobIdPart, jobNames } from '../queue/queue-names.js';
import type { NotifyJobData, NotifyLog } from './notify.js';
import type { TransitionSink } from './transition-sink.js';

export interface OutboxDeps {
  /** The notify queue (see createQueues). */
  queue: Queue<NotifyJobData>;
  state: OutboxState;
  relay: TransitionRelay;
  alerts: Pick<AlertStore, 'get'>;
  /** Where an alert goes: `(alert) => routeAlert(alert, config.alerts)` (src/alerts/route-alert.ts). */
  route(alert: Alert): readonly Destination[];
  log?: Pick<NotifyLog, 'warn'>;
  /** Group messages (outbox-groups.ts): absent, every alert gets its own message. */
  groups?: { state: GroupState; policy: GroupingPolicy };
  /**
   * How long a transition may sit in the relay before `relay()` takes it over from its writer, which
   * normally hands it over within milliseconds. Taking over early only enqueues twice (a no-op).
   */
  strandedAfterMs?: number;
}

const STRANDED_AFTER_MS = 15_000;
/** Alerts taken over per `relay()` call: bounded work for the run or tick that calls it. */
const STRANDED_BATCH = 200;

/**
 * The job id of one transition's delivery to one destination. Deterministic, so enqueueing the same
 * transition twice (a rerun of the job that produced it) adds nothing: BullMQ ignores an add whose id
 * exists. Transition ids are `${alertId}-${seq}`; the escaping keeps `:` out (Teams conversation ids).
 */
export function notifyJobId(transitionId: string, platform: ChatPlatformName, destination: string): string {
  return `notify-${jobIdPart(transitionId)}-${platform}-${jobIdPart(destination)}`;
}

// Only errors outside the chat platform's classification (Redis blips, bugs) use BullMQ attempts;
// chat outages are retried by the processor itself without limit (see notify.ts).
const notifyJobOptions = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.2 },
  removeOnComplete: { age: 7 * 86_400, count: 50_000 },
  removeOnFail: { age: 30 * 86_400 },
} as const;

/**
 * The outbox: one notify job per transition and destination (ARCHITECTURE.md house rule 5: the transition's reason
 * travels with it). Silent transitions (`notify: false`) are enqueued too: they edit the message in
 * place without a thread line. Implements the handlers' `notify(transitions)` dependency.
 *
 * Every hand-over also takes the alerts' unsent transitions from the relay, in seq order: a writer
 * that died between applying and enqueueing (a killed replica, a crash after an acknowledgement)
 * loses nothing, and its transition is enqueued before any later one of the same alert, so the
 * order gate sees it. `relay()` takes over what no later change of the alert came to pick up.
 */
export class Outbox implements TransitionSink {
  constructor(private readonly deps: OutboxDeps) {}

  /** Enqueues the transitions (and every unsent one of their alerts); returns the jobs added. */
  async notify(transitions: readonly Transition[], alerts: readonly Alert[] = []): Promise<number> {
    const ids = [...new Set([...transitions.map((t) => t.alertId), ...alerts.map((a) => a.id)])];
    return this.handOver(ids, transitions, alerts, false);
  }

  /**
   * Enqueues what applied writers never handed over: of `alertIds` now, or without them, of every
   * alert whose unsent transitions are older than `strandedAfterMs`. Returns the jobs added.
   */
  async relay(alertIds?: readonly string[]): Promise<number> {
    const ids =
      alertIds ??
      (await this.deps.relay.stranded(this.deps.strandedAfterMs ?? STRANDED_AFTER_MS, STRANDED_BATCH));
    if (ids.length === 0) return 0;
    if (!alertIds) this.deps.log?.warn({ alertIds: ids }, 'taking over transitions a writer left unsent');
    return this.handOver(ids, [], [], true);
  }

  private async handOver(
    alertIds: readonly string[],
    transitions: readonly Transition[],
    alerts: readonly Alert[],
    sweep: boolean,
  ): Promise<number> {
    const unsent = await this.deps.relay.unsent(alertIds);
    // A caller's transition may be absent from the relay (an AlertStore without one, or another
    // writer handed it over already). Under the same id, the relay's copy wins: it is what landed.
    const byId = new Map([...transitions, ...unsent].map((t) => [t.id, t]));
    const all = [...byId.values()];
    const added = await this.enqueue(all, alerts);
    // Only after every job exists: a crash in between leaves them to be enqueued again (a no-op).
    // A run touches every alert it judged; only those with something in the relay need a write.
    const written = new Set([...all.map((t) => t.alertId), ...(sweep ? alertIds : [])]);
    if (written.size > 0) await this.deps.relay.handedOver([...written], all);
    return added;
  }

  private async enqueue(transitions: readonly Transition[], alerts: readonly Alert[]): Promise<number> {
    const known = new Map(alerts.map((a) => [a.id, a]));
    const ordered = [...transitions].sort((a, b) => a.alertId.localeCompare(b.alertId) || a.seq - b.seq);
    const items: { transition: Transition; alert: Alert; platform: ChatPlatformName; destination: string }[] =
      [];
    for (const transition of ordered) {
      const alert = known.get(transition.alertId) ?? (await this.deps.alerts.get(transition.alertId));
      if (!alert) {
        this.deps.log?.warn(
          { transitionId: transition.id },
          'transition of an unknown alert; nothing to notify',
        );
        continue;
      }
      known.set(alert.id, alert);
      const destinations = this.deps.route(alert);
      if (destinations.length === 0) {
        this.deps.log?.warn(
          { transitionId: transition.id, cluster: alert.cluster },
          'no route matches this alert; not sent',
        );
      }
      for (const { platform, destination } of destinations)
        items.push({ transition, alert, platform, destination });
    }
    // Which member transitions go to a group message instead of the alert's own (outbox-groups.ts).
    const grouped = this.deps.groups
      ? await planGroups(items, { ...this.deps.groups, alerts: this.deps.alerts })
      : new Map<number, string>();
    let added = 0;
    for (const [i, item] of items.entries()) {
      const groupId = grouped.get(i);
      const data: NotifyJobData =
        groupId !== undefined && this.deps.groups
          ? await groupJobData(item, groupId, this.deps.groups.state)
          : {
              transition: item.transition,
              alert: item.alert,
              platform: item.platform,
              destination: item.destination,
            };
      await this.deps.queue.add(jobNames.notify, data, {
        ...notifyJobOptions,
        jobId: notifyJobId(data.transition.id, item.platform, item.destination),
      });
      // After the add: a crash in between leaves a job that is merely not waited for, never a
      // pending entry without a job that would hold back the alert's later notifications forever.
      // A group job's target is the group (its transition carries the group's id and seq).
      await this.deps.state.enqueued(
        { alertId: data.transition.alertId, platform: item.platform, destination: item.destination },
        data.transition.seq,
      );
      added++;
    }
    return added;
  }
}
