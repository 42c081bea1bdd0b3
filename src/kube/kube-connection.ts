import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeErrorContext } from './explain-kube-error.js';

/**
 * One cluster's Kubernetes API, as the readers in this folder open their clients from it: the
 * cluster's own KubeConfig (never shared between clusters, see load-cluster-connection.ts) and what
 * every error they raise names. Checks pass it along without looking inside.
 */
export interface KubeConnection {
  readonly kubeConfig: KubeConfig;
  readonly scope: Pick<KubeErrorContext, 'cluster' | 'server' | 'timeoutMs'>;
}
