import { chatPlatformModule, knownPlatform, type PerPlatform } from '../../src/chat/platforms.js';
import { buildGroupMessage } from '../../src/chat/build-group-message.js';
import type { GroupState } from '../../src/chat/group-state.js';
import type { AlertStore } from '../../src/alerts/alert-store.js';
import { buildAlertMessage, threadLineFor } from '../../src/chat/build-alert-message.js';
import { ChatDeliveryError } from '../../src/chat/chat-delivery-error.js';
import type { AlertMessage, PostedRef } from '../../src/chat/chat-message.js';
import type { ChatPlatform } from '../../src/chat/chat-platform.js';
import type { Alert, ChatPlatformName, Transition } from '../../src/domain/alert.js';
import type { OutboxState, OutboxTarget } from '../../src/chat/outbox-state.js';
import { adoptedAfterLossLine, type StateEpoch } from '../../src/chat/state-epoch.js';
import { mutedDelivery, type MutingDeps } from './mute-hold.js';
import { foundBefore, postNotice, recoveringEpoch, type StateLossDeps } from './state-loss-delivery.js';

/** What a notify job carries: one transition for one destination. */
export interface NotifyJobData {
  transition: Transition;
  /** The alert as it was when enqueued; rendering uses the stored alert and falls back to this. */
  alert: Alert;
  platform: ChatPlatformName;
  destination: string;
  /** A pacing slot this job reserved and is waiting for (Redis time, ms). */
  slotAt?: number;
  /** Consecutive outage failures (5xx, timeouts), for the backoff. */
  outageAttempts?: number;
  /** Attempts so far while the destination was not registered with its platform (held). */
  heldAttempts?: number;
  /**
   * Set when this delivery edits a group message (outbox-groups.ts): `transition` then names the
   * group, `member` is the member alert's own transition.
   */
  group?: { id: string; member: Transition };
}

export interface NotifyPacing {
  /** Minimum gap between two messages to one destination, per platform (Slack: about 1 per second per channel). */
  minIntervalMs: PerPlatform<number>;
  retryInitialMs: number;
  retryMaxMs: number;
  orderWaitMs: number;
}

/** The slice of a structured logger the outbox needs (pino satisfies it). */
export interface NotifyLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface NotifyDeps {
  platforms: ReadonlyMap<ChatPlatformName, ChatPlatform>;
  alerts: Pick<AlertStore, 'get'>;
  state: OutboxState;
  /** Where group messages' members are kept (outbox-groups.ts); needed once grouping is on. */
  groups?: GroupState;
  pacing: NotifyPacing;
  log: NotifyLog;
  /** Backoff while a destination is held (defaults: 10 s doubling up to 5 min); tests shorten it. */
  hold?: { initialMs: number; maxMs: number };
  random?: () => number;
  /**
   * The state epoch: after vigil's Redis state was lost, an alert's first post looks for the
   * incident's earlier message, or posts one notice per destination first (src/chat/state-epoch.ts).
   * Without it, every first post is a new message.
   */
  epoch?: StateLossDeps['epoch'];
  /** Mutes and maintenance windows: their notifications are held, then announced (mute-hold.ts). */
  muting?: MutingDeps;
  /** The clock, for whether a muting is still on; defaults to the system clock. */
  now?: () => Date;
}

const defaultHold = { initialMs: 10_000, maxMs: 5 * 60_000 };

export type NotifyOutcome =
  | {
      kind: 'delivered';
      action: 'posted' | 'adopted' | 'updated';
      ref: PostedRef;
      next?: number;
      /** Jobs that were held for this destination, now deliverable (this one was held and got through). */
      released?: string[];
    }
  | { kind: 'skipped'; reason: string; next?: number }
  | {
      kind: 'wait';
      reason: 'order' | 'pacing' | 'rate-limited' | 'outage' | 'held';
      delayMs: number;
      /** Job data to keep for the next attempt. */
      data: Pick<NotifyJobData, 'slotAt' | 'outageAttempts' | 'heldAttempts'>;
    }
  | { kind: 'failed'; error: ChatDeliveryError; next?: number };

/** Stable per (transition, destination): the same string names the BullMQ job and its delivery steps. */
export function deliveryIdFor(data: Pick<NotifyJobData, 'transition' | 'platform' | 'destination'>): string {
  return `${data.transition.id}|${data.platform}|${data.destination}`;
}

/**
 * Delivers one transition to one destination, safe to run any number of times (BullMQ is
 * at-least-once). The first notification for an alert in a destination posts its message; later ones
 * edit it from the alert's current state and add a line in its thread. Before posting, the platform is
 * asked whether the message already exists (a worker killed between posting and recording it), so an
 * incident is never posted twice. Waiting is returned, not slept: the worker turns it into a delayed job.
 */
export async function deliverNotification(
  data: NotifyJobData,
  deps: NotifyDeps,
  /** The BullMQ job, remembered while the destination is held so registering it can wake the job. */
  jobId?: string,
): Promise<NotifyOutcome> {
  const { transition } = data;
  const target: OutboxTarget = {
    alertId: transition.alertId,
    platform: data.platform,
    destination: data.destination,
  };
  const fields = {
    alertId: target.alertId,
    transitionId: transition.id,
    kind: transition.kind,
    reason: transition.reason,
    platform: target.platform,
    destination: target.destination,
  };
  const platform = deps.platforms.get(data.platform);
  if (!platform) {
    const error = new ChatDeliveryError(
      'invalid',
      `no ${data.platform} platform is configured; cannot deliver`,
    );
    return failPermanently(target, transition, error, deps, fields);
  }

  const gate = await deps.state.gate(target, transition.seq);
  if (gate === 'done') return { kind: 'skipped', reason: 'already delivered' };
  if (gate === 'wait')
    return { kind: 'wait', reason: 'order', delayMs: deps.pacing.orderWaitMs, data: keep(data) };

  // A group edit with nothing of its own to say is covered by the later edit already queued, which
  // renders the same members' current state: 200 alerts joining one run cost two calls, not 200.
  if (
    data.group &&
    !transition.notify &&
    transition.seq < ((await deps.groups?.latestSeq(data.group.id)) ?? 0)
  ) {
    const next = await deps.state.complete(target, transition.seq);
    return {
      kind: 'skipped',
      reason: 'coalesced into a later edit of the group',
      ...(next !== undefined ? { next } : {}),
    };
  }
  // In order, like a delivery: the alert's next notification waits for this one to be held. An
  // alert already posted here before the muting began still has its message edited in place,
  // quietly (no thread line), so it never shows a state the alert has left.
  const muted = deps.muting ? await mutedDelivery(data, deps.muting, deps.now?.() ?? new Date()) : undefined;
  if (muted && !(await deps.state.getPosted(target))) {
    const next = await deps.state.complete(target, transition.seq);
    deps.log.info({ ...fields, muting: muted.key, until: muted.until }, `held: ${muted.label}`);
    return { kind: 'skipped', reason: `muted: ${muted.label}`, ...(next !== undefined ? { next } : {}) };
  }
  const sent = muted ? { ...transition, notify: false } : transition;

  const slot = await deps.state.reserveSlot(
    target,
    deps.pacing.minIntervalMs[knownPlatform(data.platform)],
    data.slotAt,
  );
  if (!slot.go) {
    return {
      kind: 'wait',
      reason: 'pacing',
      delayMs: slot.waitMs,
      data: {
        ...keep(data),
        ...(slot.slotAt !== undefined ? { slotAt: slot.slotAt } : { slotAt: undefined }),
      },
    };
  }

  try {
    const view = await viewOf(data, deps);
    const result = await send(platform, target, sent, view, deliveryIdFor(data), deps);
    const next = await deps.state.complete(target, transition.seq);
    if (!result) {
      deps.log.info(fields, 'nothing to edit: the alert was never posted here');
      return { kind: 'skipped', reason: 'no message to edit', ...(next !== undefined ? { next } : {}) };
    }
    deps.log.info(
      { ...fields, action: result.action, messageId: result.ref.messageId },
      'notification delivered',
    );
    // The first delivery after a hold ends it for every job waiting on the same destination.
    const released = data.heldAttempts ? await releaseHold(target, deps, fields) : [];
    return {
      kind: 'delivered',
      ...result,
      ...(next !== undefined ? { next } : {}),
      ...(released.length > 0 ? { released } : {}),
    };
  } catch (err) {
    if (!(err instanceof ChatDeliveryError)) throw err;
    if (err.code === 'chat-rate-limited') {
      // Slack's 429 names how long this channel must wait; other destinations keep their pace.
      const waitMs = Math.max(err.retryAfterMs ?? 1000, 1);
      await deps.state.block(target, waitMs);
      deps.log.warn({ ...fields, retryAfterMs: waitMs }, 'destination rate-limited; waiting');
      // The reserved slot is void: after the wait every job reserves afresh, one at a time.
      return {
        kind: 'wait',
        reason: 'rate-limited',
        delayMs: waitMs,
        data: { slotAt: undefined, outageAttempts: data.outageAttempts, heldAttempts: data.heldAttempts },
      };
    }
    if (err.code === 'chat-not-registered') return hold(data, target, err, deps, fields, jobId);
    if (err.retryable) {
      // A long outage must not lose notifications: back off up to a cap and keep trying, forever.
      const attempts = (data.outageAttempts ?? 0) + 1;
      const delayMs = backoffMs(attempts, deps);
      deps.log.warn(
        { ...fields, code: err.code, attempts, delayMs, error: err.message },
        'chat unavailable; will retry',
      );
      return {
        kind: 'wait',
        reason: 'outage',
        delayMs,
        data: { slotAt: undefined, outageAttempts: attempts, heldAttempts: data.heldAttempts },
      };
    }
    return failPermanently(target, transition, err, deps, fields);
  }
}

/** What one delivery shows: the message, since when to look for an earlier post, its thread line. */
interface DeliveryView {
  message: AlertMessage;
  since: Date;
  threadLine: string;
  /** Whether a delivery may post the message when there is none yet (group messages always may). */
  mayPost: boolean;
  /** The alert delivered, or for a group message the member whose transition this is. */
  alert: Alert;
  /**
   * A group message: after a state loss it is not adopted by fingerprint (an old message of one
   * member is not the group's), only the Teams notice applies.
   */
  group: boolean;
}

async function viewOf(data: NotifyJobData, deps: NotifyDeps): Promise<DeliveryView> {
  const { transition } = data;
  if (!data.group) {
    const alert = (await deps.alerts.get(transition.alertId)) ?? data.alert;
    return {
      message: buildAlertMessage(alert),
      since: new Date(alert.openedAt),
      threadLine: threadLineFor(transition, alert),
      mayPost: transition.notify,
      alert,
      group: false,
    };
  }
  const group = await deps.groups?.get(data.group.id);
  if (!group) {
    throw new ChatDeliveryError(
      'invalid',
      `group ${data.group.id} is unknown (no group state configured, or it expired)`,
    );
  }
  const members = (await Promise.all(group.members.map((id) => deps.alerts.get(id)))).filter(
    (a): a is Alert => a !== null,
  );
  const member = members.find((a) => a.id === data.group?.member.alertId) ?? data.alert;
  return {
    message: buildGroupMessage(group, members, chatPlatformModule(data.platform).commandPrefix),
    since: new Date(group.openedAt),
    threadLine: `${member.id}: ${threadLineFor(data.group.member, member)} (${member.finding.summary})`,
    mayPost: true,
    alert: member,
    group: true,
  };
}

async function send(
  platform: ChatPlatform,
  target: OutboxTarget,
  transition: Transition,
  view: DeliveryView,
  deliveryId: string,
  deps: NotifyDeps,
): Promise<{ action: 'posted' | 'adopted' | 'updated'; ref: PostedRef } | undefined> {
  const { message } = view;
  const steps = await deps.state.steps(deliveryId);
  let ref = await deps.state.getPosted(target);
  let adopted = false;
  // Only a delivery that already started posting (marked below) can have left a message nobody
  // recorded, so only then is history searched: Slack allows about 50 conversations.history reads a
  // minute per workspace, and a burst of new alerts must not spend them (BENCHMARKS.md, delivery).
  if (!ref && steps.has('posting')) {
    ref = await findPosted(platform, target, view.since, deps);
    if (ref) {
      await deps.state.setPosted(target, ref);
      adopted = true;
    }
  }
  // A silent transition (held, de-escalated) edits an existing message, never posts one.
  if (!ref && !view.mayPost) return undefined;
  let lost: StateEpoch | undefined;
  if (!ref && !steps.has('posting')) {
    lost = await recoveringEpoch(view.alert, deps);
    if (lost && platform.listPosted && !view.group) {
      // The incident was in chat before the state was lost: edit that message, never a second one.
      ref = await foundBefore(platform, platform.listPosted.bind(platform), target, view.alert, lost, deps);
      if (ref) {
        await deps.state.setPosted(target, ref);
        await deps.state.markStep(deliveryId, 'recovered');
        adopted = true;
      }
    } else if (lost && platform.notice && !steps.has('noticed')) {
      await postNotice(platform, platform.notice.bind(platform), target, lost, deps);
      await deps.state.markStep(deliveryId, 'noticed');
    }
  }
  if (!ref) {
    // Marked before the call: if this worker dies after posting, the rerun adopts the message found
    // by findPosted and knows it was its own post (no thread line for it).
    await deps.state.markStep(deliveryId, 'posting');
    ref = await platform.post(target.destination, message);
    await deps.state.setPosted(target, ref);
    return { action: 'posted', ref };
  }
  if (!steps.has('updated')) {
    await platform.update(ref, message);
    await deps.state.markStep(deliveryId, 'updated');
  }
  // The post this job made itself needs no thread line (the message already says it); silent
  // transitions only edit the message, so nobody is pinged.
  if (transition.notify && !steps.has('posting') && !steps.has('replied')) {
    const recovered = steps.has('recovered') || (adopted && lost !== undefined);
    const epoch = lost ?? (recovered ? await deps.epoch?.current() : undefined);
    await platform.reply(ref, recovered && epoch ? adoptedAfterLossLine(epoch) : view.threadLine);
    await deps.state.markStep(deliveryId, 'replied');
  }
  return { action: adopted ? 'adopted' : 'updated', ref };
}

/**
 * Asks the platform for a message of this alert posted since it opened. A permanent failure of the
 * lookup alone (say, a missing history scope) must not stop the notification: it is logged and
 * treated as "none found". Retryable failures propagate and the job waits like any other.
 */
async function findPosted(
  platform: ChatPlatform,
  target: OutboxTarget,
  since: Date,
  deps: NotifyDeps,
): Promise<PostedRef | null> {
  try {
    return await platform.findPosted(target.destination, target.alertId, since);
  } catch (err) {
    if (!(err instanceof ChatDeliveryError) || err.retryable) throw err;
    deps.log.warn(
      { alertId: target.alertId, destination: target.destination, code: err.code, error: err.message },
      'cannot look for an earlier post of this alert; posting without that check',
    );
    return null;
  }
}

async function failPermanently(
  target: OutboxTarget,
  transition: Transition,
  error: ChatDeliveryError,
  deps: NotifyDeps,
  fields: object,
): Promise<NotifyOutcome> {
  // Later notifications of this alert must not wait forever behind one that can never go out.
  const next = await deps.state.complete(target, transition.seq);
  deps.log.error(
    { ...fields, audit: true, code: error.code, error: error.message },
    `notification not delivered: ${error.message}`,
  );
  return { kind: 'failed', error, ...(next !== undefined ? { next } : {}) };
}

/**
 * A destination its platform does not know yet (a Teams conversation vigil has not been added to):
 * the alert waits for it instead of being dropped, retrying with a backoff up to `hold.maxMs`, and
 * the destination is listed as held (/readyz, start-up warning) until a delivery gets through.
 * Registering the conversation wakes the job at once (Jobs.releaseHeld).
 */
async function hold(
  data: NotifyJobData,
  target: OutboxTarget,
  error: ChatDeliveryError,
  deps: NotifyDeps,
  fields: object,
  jobId: string | undefined,
): Promise<NotifyOutcome> {
  const attempts = (data.heldAttempts ?? 0) + 1;
  const { initialMs, maxMs } = deps.hold ?? defaultHold;
  const delayMs = backoffMs(attempts, {
    pacing: { ...deps.pacing, retryInitialMs: initialMs, retryMaxMs: maxMs },
    ...(deps.random ? { random: deps.random } : {}),
  });
  await deps.state.hold(target, jobId ?? deliveryIdFor(data));
  const line = { ...fields, attempts, delayMs, error: error.message };
  const message = `held: ${target.platform} destination "${target.destination}" is not registered yet; the alert is delivered once it is`;
  // Said loudly once per notification; the retries after that only at info.
  if (attempts === 1) deps.log.warn(line, message);
  else deps.log.info(line, message);
  return {
    kind: 'wait',
    reason: 'held',
    delayMs,
    data: { slotAt: undefined, outageAttempts: data.outageAttempts, heldAttempts: attempts },
  };
}

async function releaseHold(target: OutboxTarget, deps: NotifyDeps, fields: object): Promise<string[]> {
  const released = await deps.state.release(target);
  deps.log.info(
    { ...fields, released: released.length },
    `${target.platform} destination "${target.destination}" is registered now: held notifications go out`,
  );
  return released;
}

function keep(data: NotifyJobData): Pick<NotifyJobData, 'slotAt' | 'outageAttempts' | 'heldAttempts'> {
  return { slotAt: data.slotAt, outageAttempts: data.outageAttempts, heldAttempts: data.heldAttempts };
}

/** Exponential from retryInitialMs, capped at retryMaxMs, with ±20 % jitter so replicas do not retry in step. */
export function backoffMs(attempts: number, deps: Pick<NotifyDeps, 'pacing' | 'random'>): number {
  const { retryInitialMs, retryMaxMs } = deps.pacing;
  const base = Math.min(retryMaxMs, retryInitialMs * 2 ** Math.min(attempts - 1, 30));
  const jitter = 0.8 + 0.4 * (deps.random ?? Math.random)();
  return Math.max(1, Math.round(Math.min(retryMaxMs, base * jitter)));
}
