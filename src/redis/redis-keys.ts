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

/**
 * Group messages (redis-group-state.ts): one hash per destination (`cur:<key>` -> its latest group,
 * `of:<alertId>` -> the alert's group or `''` for alone) and one per group (`meta`, `m:<alertId>`
 * -> join order, `seq`, `t:<transitionId>` -> seq). Few keys, so each script names all it touches.
 */
export function groupKeys(prefix: string) {
  const base = `${prefix}:groups`;
  return {
    destination: (platform: string, destination: string) => `${base}:dest:${platform}:${destination}`,
    group: (groupId: string) => `${base}:group:${groupId}`,
    /** Counter behind the group ids. */
    idCounter: `${base}:id-counter`,
  };
}
