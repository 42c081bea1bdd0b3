/**
 * BullMQ queue and job names. Keys live under the connection's prefix (src/redis/redis-connection.ts), as
 * `<prefix>:checks:*`, `<prefix>:notify:*`, `<prefix>:housekeeping:*` and `<prefix>:digest:*`; the outbox
 * keeps its own under `<prefix>:outbox:*`, the digest its records under `<prefix>:digest:latest:*` and
 * `<prefix>:digest:claim:*` (src/redis/redis-keys.ts).
 */
export const queueNames = {
  /** run-check jobs: scheduled ticks, start-up runs and `/k8s check` requests. */
  checks: 'checks',
  /** notify jobs: the outbox, one job per transition and destination. */
  notify: 'notify',
  /** housekeeping jobs: one per tick of `schedules.housekeeping`, whatever the replica count. */
  housekeeping: 'housekeeping',
  /** digest jobs: one per tick of `schedules.housekeeping` while `digest:` is configured. */
  digest: 'digest',
} as const;

export const jobNames = {
  runCheck: 'run-check',
  notify: 'notify',
  housekeeping: 'housekeeping',
  digest: 'digest',
} as const;

/**
 * Makes a string safe inside a BullMQ custom job id: BullMQ rejects ids containing `:` (its key
 * separator) and ids that are all digits (they collide with its own counter; callers add a word).
 * Escaping is injective: `_` itself is escaped, so two different inputs never map to the same part.
 */
export function jobIdPart(value: string): string {
  return value.replace(/[^A-Za-z0-9.-]/g, (c) => `_${c.codePointAt(0)?.toString(16) ?? ''}_`);
}
