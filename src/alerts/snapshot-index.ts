import type { CertificateFacts, CheckName, Finding, Unobserved } from '../domain/finding.js';
import type { Severity } from '../domain/severity.js';

/**
 * What a listing shows of one finding (handlers/certs-command.ts, handlers/list-findings.ts): a
 * finding without its evidence and most certificate facts. Stored per finding when a run is saved, so
 * a command reads the lines it shows and nothing else.
 */
export type ListedFinding = Pick<
  Finding,
  'cluster' | 'check' | 'severity' | 'source' | 'object' | 'summary' | 'nextStep' | 'notAfter'
> & {
  certificate?: Pick<CertificateFacts, 'subject' | 'isCa' | 'expiry' | 'notBefore' | 'notAfter'>;
};

/** The latest run of one cluster x check in sum: what titles, totals, notes and footers need. */
export interface RunSummary {
  cluster: string;
  check: CheckName;
  /** When the run finished. */
  at: string;
  reachable: boolean;
  unobserved: Unobserved[];
  /** Findings in the run, ok included. */
  total: number;
  /**
   * Findings not ok: `expired` certificates apart, the others by severity (as the certs title counts
   * them: "2 expired, 3 critical").
   */
  problems: { expired: number; critical: number; unknown: number; warning: number };
  /** Findings with an expiry date (a certificate's notAfter, or `Finding.notAfter`). */
  dated: number;
  /** Which stored run this is: keys read with it come from this run even if a newer one lands. */
  version: string;
}

/**
 * The lists a run is stored in, each in a fixed order:
 * - `worst-first`: findings not ok, worst severity first, then cluster and object (`/k8s sts`).
 * - `soonest-first`: findings not ok, soonest expiry first, undated after dated, then worst first
 *   (`/k8s certs`).
 * - `dated`: every finding with an expiry, soonest first, optionally with notAfter strictly between
 *   `after` and `before` (ms since the epoch): `/k8s certs --expiring 30` and "the next to expire".
 */
export type ListingRange =
  { order: 'worst-first' } | { order: 'soonest-first' } | { order: 'dated'; after?: number; before?: number };

/** One entry of a list, with what ordering across runs needs; `findings` reads its line. */
export interface ListedKey {
  cluster: string;
  check: CheckName;
  version: string;
  /** The finding's id within its run. */
  id: string;
  severity: Severity;
  /** Expiry in ms since the epoch, when the finding has one. */
  notAfter?: number;
  object: string;
  /** Position in its run's list (0-based), for ties across runs. */
  rank: number;
}

/** The keys read of one run's list: `fetched` of `total`, decoded on demand (a merge of 200 runs reads few). */
export interface ListedRun {
  total: number;
  fetched: number;
  key(i: number): ListedKey;
}

/**
 * Reads of the stored runs that cost what a command shows, not what is stored (issue 12: `/k8s`
 * answers must not grow with the fleet). Written by SnapshotStore.put in the same atomic step as the
 * snapshot.
 */
export interface SnapshotIndex {
  /** The summary of each cluster's latest run of `check`, in the order asked; null: no run yet. */
  summaries(check: CheckName, clusters: readonly string[]): Promise<(RunSummary | null)[]>;
  /** The first `limit` keys of `range` in each run, and how many the range holds in all. */
  listed(runs: readonly RunSummary[], range: ListingRange, limit: number): Promise<ListedRun[]>;
  /** The findings behind `keys`, in the same order. */
  findings(keys: readonly ListedKey[]): Promise<ListedFinding[]>;
}
