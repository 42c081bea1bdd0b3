import type { PostedRef } from '../../src/chat/chat-message.js';
import { ChatDeliveryError } from '../../src/chat/chat-delivery-error.js';
import type { ChatPlatform } from '../../src/chat/chat-platform.js';
import type { OutboxTarget } from '../../src/chat/outbox-state.js';
import {
  openedInRecovery,
  recoveryLookbackMs,
  stateLostNotice,
  type StateEpoch,
  type StateEpochStore,
} from '../../src/chat/state-epoch.js';
import type { Alert } from '../../src/domain/alert.js';

/**
 * What a delivery does differently after vigil's stored state was lost (src/chat/state-epoch.ts):
 * find the incident's earlier message where the platform can list its history, or post the
 * destination's one notice where it cannot. deliverNotification (notify.ts) calls these before a
 * first post.
 */
export interface StateLossDeps {
  epoch?: Pick<StateEpochStore, 'ensure' | 'current' | 'claimNotice' | 'releaseNotice' | 'foundBefore'>;
  log: { warn(fields: object, message: string): void };
}

/**
 * The incident's message from before the state loss, from the destination's history read once per
 * epoch. A permanent failure of that read (a missing history scope) is logged and read as "none".
 */
export async function foundBefore(
  platform: ChatPlatform,
  listPosted: NonNullable<ChatPlatform['listPosted']>,
  target: OutboxTarget,
  alert: Alert,
  epoch: StateEpoch,
  deps: StateLossDeps,
): Promise<PostedRef | null> {
  const store = deps.epoch;
  if (!store) return null;
  const since = new Date(Date.parse(epoch.startedAt) - recoveryLookbackMs);
  const read = async () => {
    try {
      return await listPosted(target.destination, since);
    } catch (err) {
      if (!(err instanceof ChatDeliveryError) || err.retryable) throw err;
      deps.log.warn(
        { platform: platform.name, destination: target.destination, code: err.code, error: err.message },
        'cannot read the earlier alert messages of this destination after the state loss; re-posting them',
      );
      return [];
    }
  };
  const messageId = await store.foundBefore(
    epoch.id,
    platform.name,
    target.destination,
    alert.fingerprint,
    read,
  );
  return messageId ? { platform: platform.name, destination: target.destination, messageId } : null;
}

/** The epoch, when this alert was re-opened by the first runs after a state loss; else undefined. */
export async function recoveringEpoch(alert: Alert, deps: StateLossDeps): Promise<StateEpoch | undefined> {
  const store = deps.epoch;
  if (!store) return undefined;
  // No marker under a running vigil: its state was lost since the last watchdog tick, and this
  // alert is one of the first re-opened; the new epoch begins here rather than after posting it.
  const epoch = (await store.current()) ?? (await store.ensure('lost-while-running', new Date())).epoch;
  return openedInRecovery(epoch, alert.openedAt) ? epoch : undefined;
}

/**
 * The destination's one state-loss notice, claimed across replicas and alerts. A failed notice gives
 * the claim back before the error propagates, so the retry (of this or another alert) posts it.
 */
export async function postNotice(
  platform: ChatPlatform,
  notice: (destination: string, text: string) => Promise<void>,
  target: OutboxTarget,
  epoch: StateEpoch,
  deps: StateLossDeps,
): Promise<void> {
  const store = deps.epoch;
  if (!store || !(await store.claimNotice(epoch.id, platform.name, target.destination))) return;
  try {
    await notice(target.destination, stateLostNotice(epoch));
  } catch (err) {
    await store.releaseNotice(epoch.id, platform.name, target.destination);
    throw err;
  }
  deps.log.warn(
    { platform: platform.name, destination: target.destination, epoch: epoch.id },
    'posted the state-loss notice: this destination cannot be searched for earlier alert messages',
  );
}
