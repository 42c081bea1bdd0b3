import { mutingFor, type ActiveMute, type MaintenanceWindow } from '../../src/alerts/mute.js';
import type { MuteHolds, MuteStore } from '../../src/alerts/mute-store.js';
import type { Alert, Transition } from '../../src/domain/alert.js';

/** What the outbox needs to hold notifications during mutes and maintenance windows. */
export interface MutingDeps {
  mutes: Pick<MuteStore, 'active'>;
  holds: Pick<MuteHolds, 'hold'>;
  /** `config.maintenance`. */
  windows: readonly MaintenanceWindow[];
}

/**
 * Whether this delivery is held by a mute or maintenance window, recording it for the end-of-mute
 * announcement (announce-mute-ends.ts) if so. Decided on the transition's own time, so a delivery
 * that waited for pacing past the end of a window is still judged by when it happened, but only
 * while the muting lasts: once it is over, the delivery goes out as usual.
 *
 * Only vigil's own notifying transitions (opened, escalated, reminder, resolved...) are held: a
 * silent one posts nothing anyway, and a person acknowledging or snoozing an alert wants to see it.
 * The caller completes the held delivery in the outbox's order, so the alert's later notifications
 * are not stuck behind it, and the first one after the muting posts the message (nothing was posted
 * to edit).
 */
export async function mutedDelivery(
  data: { transition: Transition; alert: Alert; platform: string; destination: string },
  deps: MutingDeps,
  now: Date,
): Promise<ActiveMute | undefined> {
  const { transition, alert } = data;
  if (!transition.notify || (transition.actor && transition.actor.kind !== 'system')) return undefined;
  const at = new Date(transition.at);
  const mutes = await deps.mutes.active(at);
  if (mutes.length === 0 && deps.windows.length === 0) return undefined;
  const muting = mutingFor(
    { cluster: alert.cluster, check: alert.check, severity: transition.to.severity },
    at,
    deps.windows,
    mutes,
  );
  if (!muting || Date.parse(muting.until) <= now.getTime()) return undefined;
  await deps.holds.hold(muting, {
    alertId: transition.alertId,
    platform: data.platform,
    destination: data.destination,
  });
  return muting;
}
