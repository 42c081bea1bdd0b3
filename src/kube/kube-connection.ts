import type { KubeErrorContext } from './explain-kube-error.js';
import type { KubeClient } from './kube-client.js';

/**
 * One cluster's Kubernetes API, as the readers in this folder use it: the cluster's own client
 * (never shared between clusters, see load-cluster-connection.ts) and what every error they raise
 * names. Checks pass it along without looking inside.
 */
export interface KubeConnection {
  readonly client: KubeClient;
  readonly scope: Pick<KubeErrorContext, 'cluster' | 'server' | 'timeoutMs'>;
}
