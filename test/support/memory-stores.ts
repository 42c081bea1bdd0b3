import type { AlertChanges, AlertStore, AuditLog } from '../../src/alerts/alert-store.js';
import { auditEntryFor } from '../../src/alerts/audit-entry.js';
import type { OpenAlertIndex, OpenAlertPage } from '../../src/alerts/open-alert-index.js';
import { compareAlerts } from '../../src/alerts/order-alerts.js';
import { decodeMember, indexSnapshot, type SnapshotListing } from '../../src/alerts/index-snapshot.js';
import type {
  ListedFinding,
  ListedKey,
  ListedRun,
  ListingRange,
  RunSummary,
  SnapshotIndex,
} from '../../src/alerts/snapshot-index.js';
import type { Mute } from '../../src/alerts/mute.js';
import type { MuteStore } from '../../src/alerts/mute-store.js';
import type { CheckSnapshot, SnapshotStore } from '../../src/alerts/snapshot-store.js';
import type { Alert, AuditEntry } from '../../src/domain/alert.js';
import type { CheckName } from '../../src/domain/finding.js';
import { compareSeverity } from '../../src/domain/severity.js';

/**
 * In-memory implementations of the src/alerts ports for unit tests, with the contract's semantics
 * (ARCHITECTURE.md house rule 7: honest fakes): `apply` is atomic and conditional on each alert's seq, every method
 * is asynchronous (so concurrent callers interleave as they would against Redis), and stored objects
 * are copied in and out so a caller mutating its copy changes nothing here.
 */
const copy = <T>(value: T): T => structuredClone(value);

export class MemoryAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];

  constructor(private readonly retention = 1_000) {}

  async append(entry: AuditEntry): Promise<void> {
    await Promise.resolve();
    this.entries.push(copy(entry));
    if (this.entries.length > this.retention) this.entries.splice(0, this.entries.length - this.retention);
  }

  async read(filter: { alertId?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    await Promise.resolve();
    const matching = this.entries.filter((e) => filter.alertId === undefined || e.alertId === filter.alertId);
    return copy(matching.reverse().slice(0, filter.limit ?? 100));
  }
}

export class MemoryAlertStore implements AlertStore, OpenAlertIndex {
  private readonly alerts = new Map<string, Alert>();
  /** Every transition applied, in order, for assertions. */
  readonly transitions: AlertChanges['transitions'] = [];
  applyCalls = 0;
  private counter = 0;

  /** With an audit log, `apply` appends one entry per transition, as the contract says. */
  constructor(private readonly audit?: AuditLog) {}

  /** Test setup: stores alerts as they are, bypassing the seq check. */
  seed(...alerts: Alert[]): void {
    for (const a of alerts) this.alerts.set(a.id, copy(a));
  }

  async alertsFor(cluster: string, check: CheckName): Promise<Alert[]> {
    await Promise.resolve();
    return copy([...this.alerts.values()].filter((a) => a.cluster === cluster && a.check === check));
  }

  async get(idOrFingerprint: string): Promise<Alert | null> {
    await Promise.resolve();
    // Like the Redis store: ids and fingerprints are lower case, anything longer than 64 is no key.
    const wanted = idOrFingerprint.trim().toLowerCase();
    if (wanted === '' || wanted.length > 64) return null;
    const byId = this.alerts.get(wanted);
    const found = byId ?? [...this.alerts.values()].find((a) => a.fingerprint === wanted);
    return found ? copy(found) : null;
  }

  async listOpen(filter: { cluster?: string } = {}): Promise<Alert[]> {
    await Promise.resolve();
    return copy(
      [...this.alerts.values()]
        .filter(
          (a) => a.state !== 'resolved' && (filter.cluster === undefined || a.cluster === filter.cluster),
        )
        .sort((a, b) => compareSeverity(b.severity, a.severity) || a.openedAt.localeCompare(b.openedAt)),
    );
  }

  async pageOpen(clusters: readonly string[], start: number, count: number): Promise<OpenAlertPage> {
    await Promise.resolve();
    const wanted = new Set(clusters);
    const open = [...this.alerts.values()]
      .filter((a) => a.state !== 'resolved' && wanted.has(a.cluster))
      .sort(compareAlerts);
    const bySeverity = { critical: 0, unknown: 0, warning: 0 };
    for (const a of open) if (a.severity !== 'ok') bySeverity[a.severity]++;
    return { alerts: copy(open.slice(start, start + count)), total: open.length, bySeverity };
  }

  async countOpen(clusters: readonly string[]): Promise<OpenAlertPage['bySeverity'][]> {
    return Promise.all(clusters.map(async (c) => (await this.pageOpen([c], 0, 0)).bySeverity));
  }

  async apply(changes: AlertChanges, expectedSeq: Record<string, number>): Promise<boolean> {
    this.applyCalls++;
    await Promise.resolve();
    // Check everything before writing anything: atomic, like the Redis store's MULTI/Lua script.
    for (const alert of changes.alerts) {
      const stored = this.alerts.get(alert.id);
      const expected = expectedSeq[alert.id];
      if (expected === undefined ? stored !== undefined : stored?.seq !== expected) return false;
    }
    for (const alert of changes.alerts) this.alerts.set(alert.id, copy(alert));
    for (const t of changes.transitions) {
      this.transitions.push(copy(t));
      const alert = changes.alerts.find((a) => a.id === t.alertId);
      if (alert) await this.audit?.append(auditEntryFor(t, alert));
    }
    return true;
  }

  async newId(): Promise<string> {
    await Promise.resolve();
    this.counter++;
    return `m${this.counter.toString(36)}`;
  }
}

export class MemorySnapshotStore implements SnapshotStore, SnapshotIndex {
  private readonly snapshots = new Map<string, CheckSnapshot>();
  /** The lists of every run ever put, by version (the Redis store keeps replaced ones a minute). */
  private readonly listings = new Map<string, SnapshotListing>();
  /** cluster/check -> version of its latest run. */
  private readonly latest = new Map<string, string>();
  private versions = 0;

  async put(snapshot: CheckSnapshot): Promise<void> {
    await Promise.resolve();
    const key = `${snapshot.cluster}/${snapshot.check}`;
    // Like the Redis store: a late retry of an older run does not replace a newer one.
    const current = this.snapshots.get(key);
    if (current && current.at > snapshot.at) return;
    this.snapshots.set(key, copy(snapshot));
    const listing = indexSnapshot(copy(snapshot), String(++this.versions));
    this.listings.set(listing.summary.version, listing);
    this.latest.set(key, listing.summary.version);
  }

  async get(cluster: string, check: CheckName): Promise<CheckSnapshot | null> {
    await Promise.resolve();
    const found = this.snapshots.get(`${cluster}/${check}`);
    return found ? copy(found) : null;
  }

  async lastRuns(): Promise<{ cluster: string; check: CheckName; at: string }[]> {
    await Promise.resolve();
    return [...this.snapshots.values()].map((s) => ({ cluster: s.cluster, check: s.check, at: s.at }));
  }

  async summaries(check: CheckName, clusters: readonly string[]): Promise<(RunSummary | null)[]> {
    await Promise.resolve();
    return clusters.map((c) => {
      const version = this.latest.get(`${c}/${check}`);
      return version ? copy(this.listings.get(version)?.summary ?? null) : null;
    });
  }

  async listed(runs: readonly RunSummary[], range: ListingRange, limit: number): Promise<ListedRun[]> {
    await Promise.resolve();
    return runs.map((run) => {
      const listing = this.listings.get(run.version);
      if (!listing) return { total: 0, fetched: 0, key: () => decodeMember('', run, 0) };
      const members =
        range.order === 'worst-first'
          ? listing.worstFirst
          : range.order === 'soonest-first'
            ? listing.soonestFirst
            : listing.dated
                .filter(
                  (d) =>
                    (range.after === undefined || d.score > range.after) &&
                    (range.before === undefined || d.score < range.before),
                )
                .map((d) => d.member);
      const fetched = members.slice(0, limit);
      return {
        total: members.length,
        fetched: fetched.length,
        key: (j) => decodeMember(fetched[j] ?? '', run, j),
      };
    });
  }

  async findings(keys: readonly ListedKey[]): Promise<ListedFinding[]> {
    await Promise.resolve();
    return keys.map((k) => {
      const found = this.listings.get(k.version)?.findings.get(k.id);
      if (!found) throw new Error(`no finding ${k.id} in run ${k.version}`);
      return copy(found);
    });
  }
}

/** Mutes in memory, for handler unit tests; the Redis store is tested against redis-server. */
export class MemoryMuteStore implements MuteStore {
  readonly mutes: Mute[] = [];
  private counter = 0;

  async add(mute: Omit<Mute, 'id'>): Promise<Mute> {
    const stored = { ...mute, id: `m${++this.counter}` };
    this.mutes.push(stored);
    return stored;
  }

  async active(now: Date): Promise<Mute[]> {
    return this.mutes
      .filter((m) => Date.parse(m.until) > now.getTime())
      .sort((a, b) => Date.parse(a.until) - Date.parse(b.until));
  }

  async end(id: string, at: Date): Promise<Mute | null> {
    const i = this.mutes.findIndex((m) => m.id === id && Date.parse(m.until) > at.getTime());
    if (i < 0) return null;
    const [mute] = this.mutes.splice(i, 1);
    return mute ? { ...mute, until: at.toISOString() } : null;
  }
}
