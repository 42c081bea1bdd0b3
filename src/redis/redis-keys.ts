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
 * The daily digest (jobs/digest/, redis-digest-state.ts), per channel and day. The destination is
 * URI-encoded: Teams aliases and web rooms are the operator's text and may hold the `:` separator.
 */
export function digestKeys(prefix: string) {
  const base = `${prefix}:digest`;
  const channel = (platform: string, destination: string, day: string) =>
    `${platform}:${encodeURIComponent(destination)}:${day}`;
  return {
    /** Plain JSON DigestRecord of the day's message (expires a few days later). */
    latest: (platform: string, destination: string, day: string) =>
      `${base}:latest:${channel(platform, destination, day)}`,
    /** Exists (SET NX, with a TTL) while one replica does that slot's post or edit, and after. */
    claim: (platform: string, destination: string, day: string, slot: number) =>
      `${base}:claim:${channel(platform, destination, day)}:${slot}`,
  };
}
