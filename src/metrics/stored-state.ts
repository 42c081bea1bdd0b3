import type { AlertStore } from '../alerts/alert-store.js';
import type { CheckSnapshot, SnapshotStore } from '../alerts/snapshot-store.js';
import type { AlertState } from '../domain/alert.js';
import type { CheckName } from '../domain/finding.js';
import type { Severity } from '../domain/severity.js';
import { capSeries, certificateSeriesOf, type CertificateSeries } from './certificate-series.js';
import { within } from './within.js';

/** The notify queue's backlog (jobs/notify/outbox-stats.ts), cluster-wide. */
export interface OutboxBacklog {
  depth: number;
  oldestAgeSeconds: number;
}

export type StoredSource = 'snapshots' | 'alerts' | 'outbox';

export interface StoredStateDeps {
  snapshots: Pick<SnapshotStore, 'get' | 'lastRuns'>;
  alerts: Pick<AlertStore, 'listOpen'>;
  /** Undefined while the jobs are starting. */
  outbox?: () => Promise<OutboxBacklog> | undefined;
  /** The scheduled cluster x check pairs: snapshots of others (a check turned off) are stale. */
  schedules: readonly { cluster: string; check: string }[];
  clusters: readonly string[];
  maxCertificateSeries: number;
  cacheMs: number;
  /** Per source, per refresh: past it the scrape answers with what it had. */
  timeoutMs: number;
  nowMs(): number;
}

export interface StoredRun {
  at: string;
  reachable: boolean;
  series: CertificateSeries[];
}

const SNAPSHOT_READERS = 4;

const openStates = ['firing', 'acknowledged', 'snoozed'] as const satisfies readonly AlertState[];
const alertSeverities = ['warning', 'unknown', 'critical'] as const satisfies readonly Severity[];

/**
 * What /metrics reports from Redis rather than from this process: the latest stored run of every
 * scheduled check (certificates, last success, reachability), the open alerts and the outbox
 * backlog. Whichever replica Prometheus scrapes answers the whole truth, not the runs it happened
 * to execute. Reads are shared by concurrent scrapes and reused for `cacheMs`; a run's snapshot is
 * read again only when a newer run stored one, so a 10,000-certificate cluster is unpacked once per
 * run, not once per scrape. A source that fails or is slow keeps its last values and reports
 * itself down (`vigil_metrics_source_up`).
 */
export class StoredState {
  readonly runs = new Map<string, StoredRun>();
  alertCounts = new Map<string, number>();
  outbox: OutboxBacklog | undefined;
  readonly up: Record<StoredSource, boolean> = { snapshots: false, alerts: false, outbox: false };
  private certificates: { kept: CertificateSeries[]; dropped: number } = { kept: [], dropped: 0 };
  private certificatesStale = true;
  private refreshedAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private snapshotRead: Promise<void> | undefined;
  private readonly scheduled: Set<string>;

  constructor(private readonly deps: StoredStateDeps) {
    this.scheduled = new Set(deps.schedules.map((s) => key(s.cluster, s.check)));
  }

  /** Reads what changed, unless the last read is younger than `cacheMs`. Never throws. */
  refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.deps.nowMs() - this.refreshedAt < this.deps.cacheMs) return Promise.resolve();
    this.inFlight = this.readAll().finally(() => {
      this.refreshedAt = this.deps.nowMs();
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** The certificate series to expose (capped) and how many were left out. */
  certificateSeries(): { kept: readonly CertificateSeries[]; dropped: number } {
    if (this.certificatesStale) {
      this.certificates = capSeries(
        [...this.runs.values()].map((r) => r.series),
        this.deps.maxCertificateSeries,
      );
      this.certificatesStale = false;
    }
    return this.certificates;
  }

  private async readAll(): Promise<void> {
    const { timeoutMs } = this.deps;
    // A slow snapshot read goes on after its timeout and lands for a later scrape; never twice at once.
    this.snapshotRead ??= this.readSnapshots().finally(() => (this.snapshotRead = undefined));
    const outbox = this.deps.outbox?.();
    const [snapshots, alerts, backlog] = await Promise.allSettled([
      within(this.snapshotRead, timeoutMs, 'reading the stored runs'),
      within(this.deps.alerts.listOpen(), timeoutMs, 'listing the open alerts'),
      outbox
        ? within(outbox, timeoutMs, 'reading the notify queue')
        : Promise.reject(new Error('not started')),
    ]);
    this.up.snapshots = snapshots.status === 'fulfilled';
    this.up.alerts = alerts.status === 'fulfilled';
    if (alerts.status === 'fulfilled') {
      const counts = new Map<string, number>();
      for (const c of this.deps.clusters)
        for (const s of openStates) for (const v of alertSeverities) counts.set(alertKey(c, s, v), 0);
      for (const a of alerts.value) {
        const k = alertKey(a.cluster, a.state, a.severity);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      this.alertCounts = counts;
    }
    this.up.outbox = backlog.status === 'fulfilled';
    if (backlog.status === 'fulfilled') this.outbox = backlog.value;
  }

  private async readSnapshots(): Promise<void> {
    const latest = (await this.deps.snapshots.lastRuns()).filter((r) =>
      this.scheduled.has(key(r.cluster, r.check)),
    );
    const wanted = new Set(latest.map((r) => key(r.cluster, r.check)));
    for (const k of [...this.runs.keys()]) {
      if (!wanted.has(k)) this.drop(k);
    }
    const changed = latest.filter((r) => this.runs.get(key(r.cluster, r.check))?.at !== r.at);
    // A few at a time: gunzip runs on libuv's threads while JSON.parse holds this one.
    const next = changed.values();
    const reader = async () => {
      for (const run of next) {
        const k = key(run.cluster, run.check);
        const snapshot = await this.deps.snapshots.get(run.cluster, run.check as CheckName);
        if (snapshot) this.replace(k, snapshot);
        else this.drop(k);
      }
    };
    await Promise.all(Array.from({ length: Math.min(SNAPSHOT_READERS, changed.length) }, reader));
  }

  /** A new run replaces every series of its cluster and check: what it no longer saw is gone. */
  private replace(k: string, snapshot: CheckSnapshot): void {
    this.runs.set(k, {
      at: snapshot.at,
      reachable: snapshot.reachable,
      series: certificateSeriesOf(snapshot),
    });
    this.certificatesStale = true;
  }

  private drop(k: string): void {
    this.runs.delete(k);
    this.certificatesStale = true;
  }
}

function key(cluster: string, check: string): string {
  return `${cluster}/${check}`;
}

function alertKey(cluster: string, state: string, severity: string): string {
  return `${cluster}\u0000${state}\u0000${severity}`;
}
