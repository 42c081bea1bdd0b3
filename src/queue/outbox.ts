import type { Queue } from 'bullmq';
import type { NotifyJobData, NotifyLog } from '../../jobs/notify.js';
import type { OutboxState } from '../../jobs/outbox-state.js';
import type { TransitionSink } from '../../jobs/record-run.js';
import type { AlertStore } from '../alerts/alert-store.js';
import type { Destination } from '../alerts/route-alert.js';
import type { Alert, ChatPlatformName, Transition } from '../domain/alert.js';
import { jobIdPart, jobNames } from './queue-names.js';

export interface OutboxDeps {
  /** The notify queue (see createQueues). */
  queue: Queue<NotifyJobData>;
  state: OutboxState;
  alerts: Pick<AlertStore, 'get'>;
  /** Where an alert goes: `(alert) => routeAlert(alert, config.alerts)` (src/alerts/route-alert.ts). */
  route(alert: Alert): readonly Destination[];
  log?: Pick<NotifyLog, 'warn'>;
}

/**
 * The job id of one transition's delivery to one destination. Deterministic, so enqueueing the same
 * transition twice (a rerun of the job that produced it) adds nothing: BullMQ ignores an add whose id
 * exists. Transition ids are `${alertId}-${seq}`; the escaping keeps `:` out (Teams conversation ids).
 */
export function notifyJobId(transitionId: string, platform: ChatPlatformName, destination: string): string {
  return `notify-${jobIdPart(transitionId)}-${platform}-${jobIdPart(destination)}`;
}

// Only errors outside the chat platform's classification (Redis blips, bugs) use BullMQ attempts;
// chat outages are retried by the processor itself without limit (see jobs/notify.ts).
const notifyJobOptions = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.2 },
  removeOnComplete: { age: 7 * 86_400, count: 50_000 },
  removeOnFail: { age: 30 * 86_400 },
} as const;

/**
 * The outbox: one notify job per transition and destination (house rule 5: the transition's reason
 * travels with it). Silent transitions (`notify: false`) are enqueued too: they edit the message in
 * place without a thread line. Implements the handlers' `notify(transitions)` dependency.
 */
export class Outbox implements TransitionSink {
  constructor(private readonly deps: OutboxDeps) {}

  /** Enqueues every transition for every destination its alert routes to; returns the jobs added. */
  async notify(transitions: readonly Transition[], alerts: readonly Alert[] = []): Promise<number> {
    const known = new Map(alerts.map((a) => [a.id, a]));
    const ordered = [...transitions].sort((a, b) => a.alertId.localeCompare(b.alertId) || a.seq - b.seq);
    let added = 0;
    for (const transition of ordered) {
      const alert = known.get(transition.alertId) ?? (await this.deps.alerts.get(transition.alertId));
      if (!alert) {
        this.deps.log?.warn(
          { transitionId: transition.id },
          'transition of an unknown alert; nothing to notify',
        );
        continue;
      }
      const destinations = this.deps.route(alert);
      if (destinations.length === 0) {
        this.deps.log?.warn(
          { transitionId: transition.id, cluster: alert.cluster },
          'no route matches this alert; not sent',
        );
      }
      for (const { platform, destination } of destinations) {
        const data: NotifyJobData = { transition, alert, platform, destination };
        await this.deps.queue.add(jobNames.notify, data, {
          ...notifyJobOptions,
          jobId: notifyJobId(transition.id, platform, destination),
        });
        // After the add: a crash in between leaves a job that is merely not waited for, never a
        // pending entry without a job that would hold back the alert's later notifications forever.
        await this.deps.state.enqueued({ alertId: alert.id, platform, destination }, transition.seq);
        added++;
      }
    }
    return added;
  }
}
