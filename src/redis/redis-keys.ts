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
    /** Sorted set of the open alert ids, scored by openAlertScore (worst first, then oldest). */
    ranked: `${base}:open-ranked`,
    /** The same, of one cluster. */
    rankedIn: (cluster: string) => `${base}:open-ranked:${cluster}`,
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
 * What slash commands read of the stored runs (redis-snapshot-store.ts), written with each snapshot:
 * per cluster x check and stored run (`version`), three lists and the findings they name, so a
 * command reads one page and the lines it shows. A newer run writes new keys and lets the old ones
 * expire a minute later, so a command that read a version keeps reading the same run.
 */
export function listingKeys(prefix: string) {
  const base = `${prefix}:listings`;
  const run = (cluster: string, check: CheckName, version: string) =>
    `${base}:${cluster}:${check}:${version}`;
  return {
    /** Hash cluster -> RunSummary JSON of the latest run of `check`. */
    summaries: (check: CheckName) => `${base}:summary:${check}`,
    /** Hash `cluster/check` -> version of the stored lists. */
    versions: `${base}:versions`,
    /** Counter behind the versions. */
    versionCounter: `${base}:version-counter`,
    /** Sorted set of the findings not ok, scored by position worst first. */
    worstFirst: (cluster: string, check: CheckName, version: string) =>
      `${run(cluster, check, version)}:worst`,
    /** Sorted set of the findings not ok, scored by position soonest expiry first. */
    soonestFirst: (cluster: string, check: CheckName, version: string) =>
      `${run(cluster, check, version)}:soonest`,
    /** Sorted set of every dated finding, scored by notAfter (ms). */
    dated: (cluster: string, check: CheckName, version: string) => `${run(cluster, check, version)}:dated`,
    /** Hash id -> ListedFinding JSON of every finding in one of the lists. */
    findings: (cluster: string, check: CheckName, version: string) =>
      `${run(cluster, check, version)}:findings`,
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

/** The clock board (redis-clock-board.ts): each replica's last wall-clock reading. */
export function clockKeys(prefix: string) {
  return {
    /** Hash replica id -> {at, offset} of its last comparison with Redis TIME. */
    board: `${prefix}:clocks`,
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
