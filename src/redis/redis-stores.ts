import type { AlertsConfig } from '../config/alerts-config.js';
import { RedisAlertStore } from './redis-alert-store.js';
import { auditRetentionFrom, RedisAuditLog } from './redis-audit-log.js';
import type { RedisConnection } from './redis-connection.js';
import { RedisMuteStore } from './redis-mute-store.js';
import { RedisSnapshotStore } from './redis-snapshot-store.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The Redis-backed stores on one connection, configured from `alerts:`. Resolved alerts are
 * kept 7 days (or the reopen window, if longer) so they can reopen and `history ID` still works.
 */
export function createRedisStores(connection: RedisConnection, alerts: AlertsConfig) {
  const audit = auditRetentionFrom(alerts.audit);
  return {
    alerts: new RedisAlertStore(connection.redis, connection.prefix, {
      resolvedRetentionMs: Math.max(7 * DAY_MS, alerts.reopenWindowHours * HOUR_MS),
      audit,
    }),
    audit: new RedisAuditLog(connection.redis, connection.prefix, audit),
    snapshots: new RedisSnapshotStore(connection.redis, connection.prefix),
    /** Ad-hoc mutes and what mutings held (`/k8s mute`, jobs/notify/mute-hold.ts). */
    mutes: new RedisMuteStore(connection.redis, connection.prefix),
  };
}
