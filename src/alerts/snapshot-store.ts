import type { CheckName, Finding, Unobserved } from '../domain/finding.js';

/** The latest result of one check on one cluster, which slash commands answer from within 3 s. */
export interface CheckSnapshot {
  cluster: string;
  check: CheckName;
  /** When the run finished. */
  at: string;
  reachable: boolean;
  findings: Finding[];
  unobserved: Unobserved[];
}

export interface SnapshotStore {
  put(snapshot: CheckSnapshot): Promise<void>;
  get(cluster: string, check: CheckName): Promise<CheckSnapshot | null>;
  /** Latest run time per cluster and check, for `/k8s clusters` and the watchdog. */
  lastRuns(): Promise<{ cluster: string; check: CheckName; at: string }[]>;
}
