import type { CheckSnapshot } from '../src/alerts/snapshot-store.js';
import type { RunSummary } from '../src/alerts/snapshot-index.js';
import type { HandlerDeps } from './handler-deps.js';
import { loadSnapshots, type LoadedSnapshots } from './load-snapshots.js';

/**
 * The certificates check's latest runs plus the host-certificates check's (what node agents
 * reported), in sum: one listing of every certificate, so a node's apiserver-etcd-client sits beside
 * the TLS Secrets. "No results yet" is the certificates check's alone: a cluster without agents has
 * no host run worth waiting for. `/k8s certs` and its `--chart` read through this one function.
 */
export async function certificateSnapshots(
  store: HandlerDeps['snapshots'],
  clusters: readonly string[],
): Promise<LoadedSnapshots> {
  const [certs, host] = await Promise.all([
    loadSnapshots(store, clusters, 'certificates'),
    loadSnapshots(store, clusters, 'host-certificates'),
  ]);
  return {
    present: [...certs.present, ...host.present],
    missing: certs.missing,
  };
}

/**
 * The whole stored runs behind those summaries, for the expiry chart, which draws every dated
 * certificate of a cluster rather than one page of them. Only `--chart` and the Chart button read
 * this; listings never do (they page the stored listings, handlers/listing-page.ts).
 */
export async function certificateRuns(
  store: HandlerDeps['snapshots'],
  present: readonly RunSummary[],
): Promise<CheckSnapshot[]> {
  const runs = await Promise.all(present.map((s) => store.get(s.cluster, s.check)));
  return runs.filter((r): r is CheckSnapshot => r !== null);
}
