import type { Alert, AuditEntry, Transition } from '../domain/alert.js';
import type { CheckName } from '../domain/finding.js';

/** A batch of changes decided by the pure lifecycle functions, written atomically. */
export interface AlertChanges {
  alerts: Alert[];
  transitions: Transition[];
}

/**
 * Where alerts live (implemented with Redis in src/redis). Writes are atomic per call and
 * conditional on each alert's `seq` being unchanged since it was read, so a check run and an
 * acknowledgement racing on the same alert never lose either change: the loser re-reads and retries.
 */
export interface AlertStore {
  /** Open (not resolved) alerts of one cluster and check, plus recently resolved ones that may reopen. */
  alertsFor(cluster: string, check: CheckName): Promise<Alert[]>;
  /** By short id or fingerprint; null when unknown. */
  get(idOrFingerprint: string): Promise<Alert | null>;
  /** Open alerts, optionally of one cluster, worst first. */
  listOpen(filter?: { cluster?: string }): Promise<Alert[]>;
  /**
   * Writes the alerts and appends the transitions (and their audit entries) atomically. Returns false,
   * writing nothing, when any alert's stored `seq` is no longer `expectedSeq[alert.id]` (absent = new).
   */
  apply(changes: AlertChanges, expectedSeq: Record<string, number>): Promise<boolean>;
  /** A fresh short id, unique in this store. */
  newId(): Promise<string>;
}

/** The audit log (kept with a retention limit). */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first; of one alert when alertId is given. */
  read(filter?: { alertId?: string; limit?: number }): Promise<AuditEntry[]>;
}
