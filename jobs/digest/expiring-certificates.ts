import type { SnapshotStore } from '../../src/alerts/snapshot-store.js';
import type { Finding } from '../../src/domain/finding.js';
import { DAY_MS } from '../../src/time/time-units.js';

/** The checks whose findings carry certificate expiry dates (as `/k8s certs` reads them). */
const certificateChecks = ['certificates', 'host-certificates'] as const;

export function notAfterMs(f: Finding): number | undefined {
  const ms = Date.parse(f.certificate?.notAfter ?? f.notAfter ?? '');
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Certificates of these clusters that expire within `days` of `now` (expired ones included), from
 * the latest stored runs. The one place the digest reads findings: through the SnapshotStore port,
 * so a change in how snapshots are stored or loaded reaches the digest here only.
 */
export async function expiringCertificates(
  snapshots: Pick<SnapshotStore, 'get'>,
  clusters: readonly string[],
  days: number,
  now: Date,
): Promise<Finding[]> {
  const horizon = now.getTime() + days * DAY_MS;
  const loaded = await Promise.all(
    clusters.flatMap((cluster) => certificateChecks.map((check) => snapshots.get(cluster, check))),
  );
  return loaded
    .flatMap((s) => s?.findings ?? [])
    .filter((f) => {
      const ms = notAfterMs(f);
      return ms !== undefined && ms <= horizon;
    })
    .sort((a, b) => (notAfterMs(a) ?? 0) - (notAfterMs(b) ?? 0));
}
