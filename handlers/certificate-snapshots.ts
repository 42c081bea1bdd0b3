import type { HandlerDeps } from './handler-deps.js';
import { loadSnapshots, type LoadedSnapshots } from './load-snapshots.js';

/**
 * The certificates check's snapshots plus the host-certificates check's (what node agents reported):
 * one listing of every certificate, so a node's apiserver-etcd-client sits beside the TLS Secrets.
 * "No results yet" is the certificates check's alone: a cluster without agents has no host run worth
 * waiting for. `/k8s certs` and its `--chart` read through this one function, so a new way of
 * reading snapshots is re-pointed here only.
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
