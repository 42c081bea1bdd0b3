import type { CheckName } from '../domain/finding.js';

/**
 * Where the alert, audit and snapshot stores keep their data, all under `${prefix}:` (BullMQ's keys
 * are `${prefix}:<queue>:*` beside them). One file, so the layout can be read in one place.
 */
export function alertKeys(prefix: string) {
  const base = `${prefix}:alerts`;
  return {
    /** Hash {seq, json} of one alert (expires `resolvedRetentionMs` after resolving). */
    alert: (id: string) => `${base}:id:${id}`,
    /** Fingerprint -> id of its newest alert. */
    fingerprint: (fp: string) => `${base}:fp:${fp}`,
    /** Set of ids (open and retained resolved) of one cluster and check; cleaned lazily. */
    byCheck: (cluster: string, check: CheckName) => `${base}:check:${cluster}:${check}`,
    /** Set of open alert ids. */
    open: `${base}:open`,
    /** Counter behind the short ids. */
    idCounter: `${base}:id-counter`,
  };
}

export function auditKeys(prefix: string) {
  const base = `${prefix}:audit`;
  return {
    /** Sorted set of every entry, scored by time. */
    all: `${base}:all`,
    /** The entries of one alert, for `history ID`. */
    alert: (id: string) => `${base}:alert:${id}`,
  };
}

export function snapshotKeys(prefix: string) {
  const base = `${prefix}:snapshots`;
  return {
    /** gzip'd JSON of the latest CheckSnapshot. */
    snapshot: (cluster: string, check: CheckName) => `${base}:${cluster}:${check}`,
    /** Hash `cluster/check` -> time of the latest run. */
    runs: `${base}:runs`,
  };
}

/**
 * The transition relay (redis-transition-relay.ts): written by the alert store's apply script in the
 * same atomic step as the alerts, emptied by the outbox once the transitions are enqueued.
 */
export function relayKeys(prefix: string) {
  const base = `${prefix}:outbox:unsent`;
  return {
    /** Hash seq -> transition JSON: one alert's applied transitions not yet handed to the outbox. */
    alert: (alertId: string) => `${base}:${alertId}`,
    /** Sorted set of alert ids with unsent transitions, scored by when the oldest was written (ms). */
    index: `${base}-alerts`,
  };
}

/** The replay guard (redis-replay-guard.ts): requests already acted on, until their window closes. */
export function replayKeys(prefix: string) {
  return {
    /** Exists (value `1`, with a TTL) once the request named by `key` was seen. */
    seen: (key: string) => `${prefix}:replay:${key}`,
  };
}

/**
 * What node agents (`vigil agent`) report, by cluster, kind (the check that reads it, e.g.
 * `host-certificates`) and node: written by the agents, read by `vigil serve`'s check runs.
 */
export function nodeReportKeys(prefix: string) {
  const base = `${prefix}:node-reports`;
  return {
    /** Plain JSON of one node's latest NodeReport; expires when the agent has been silent for its TTL. */
    report: (cluster: string, kind: string, node: string) => `${base}:${cluster}:${kind}:${node}`,
    /** Sorted set of the nodes with a report, scored by when it expires (ms); cleaned on read. */
    nodes: (cluster: string, kind: string) => `${base}:${cluster}:${kind}`,
  };
}

/**
 * The outbox's bookkeeping (redis-outbox-state.ts), under `${prefix}:outbox:` beside the relay.
 * Destinations may contain ':' (Teams conversation ids); Redis keys can, and nothing parses them.
 */
export function outboxKeys(prefix: string) {
  const base = `${prefix}:outbox`;
  return {
    /** One alert at one destination: `pending`, `done` (seqs) and `posted` (the PostedRef). */
    perAlert: (kind: 'pending' | 'done' | 'posted', alertId: string, platform: string, destination: string) =>
      `${base}:${kind}:${alertId}:${platform}:${destination}`,
    /** One destination's pacing (`next-slot`, `blocked`, `last-sent`) and its `held-jobs` set. */
    perDestination: (
      kind: 'next-slot' | 'blocked' | 'last-sent' | 'held-jobs',
      platform: string,
      destination: string,
    ) => `${base}:${kind}:${platform}:${destination}`,
    /** Set of the steps one delivery has done (posted, replied, ...). */
    steps: (deliveryId: string) => `${base}:steps:${deliveryId}`,
    /** Hash `platform|destination` -> since when its notifications are held. */
    held: `${base}:held`,
  };
}

/** The watchdog's memory of why checks fail (redis-check-failures.ts). */
export function checkFailureKeys(prefix: string) {
  return {
    /** Hash `cluster/check` -> {at, message} of the last failed run. */
    lastError: `${prefix}:runs:last-error`,
  };
}

/** The state epoch (redis-state-epoch.ts): the marker whose absence says Redis lost vigil's state. */
export function metaKeys(prefix: string) {
  const base = `${prefix}:meta`;
  return {
    /** Hash {id, startedAt, cause, recovery} of the current epoch; never expires. */
    epoch: `${base}:epoch`,
    /** Exists once the state-loss notice of one destination in one epoch was claimed (expires). */
    notice: (epochId: string, platform: string, destination: string) =>
      `${base}:notice:${epochId}:${platform}:${destination}`,
    /**
     * Hash fingerprint -> message id of the alert messages a destination held when the epoch began
     * (read once from its history), plus the field `~` once read; expires after the recovery window.
     */
    found: (epochId: string, platform: string, destination: string) =>
      `${base}:found:${epochId}:${platform}:${destination}`,
  };
}

/**
 * Mutes and maintenance windows (redis-mute-store.ts). A muting key (`mute:m3`,
 * `window:prod upgrade:<start ms>`) names one stretch of muting; keys may contain ':' and spaces,
 * and nothing parses them.
 */
export function muteKeys(prefix: string) {
  const base = `${prefix}:mutes`;
  return {
    /** Counter behind the mute ids (`m1`, `m2`, ...). */
    idCounter: `${base}:id-counter`,
    /** JSON of one ad-hoc mute; expires when it ends. */
    mute: (id: string) => `${base}:mute:${id}`,
    /** Sorted set of mute ids scored by their end (ms); ended ones are dropped on read. */
    active: `${base}:active`,
    /** Hash `platform\tdestination\talertId` -> 1 of the notifications one muting held, plus `~` (label, end). */
    held: (mutingKey: string) => `${base}:held:${mutingKey}`,
    /** Sorted set of muting keys with held notifications, scored by when the muting ends (ms). */
    due: `${base}:due`,
    /** The announcement of one muting at one destination: `lease` while posting, `done` after. */
    announcement: (kind: 'lease' | 'done', mutingKey: string, platform: string, destination: string) =>
      `${base}:${kind}:${mutingKey}:${platform}:${destination}`,
  };
}
