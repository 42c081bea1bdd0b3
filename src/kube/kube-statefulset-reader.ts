import { AppsV1Api } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import type { StatefulSetReader } from '../checks/statefulsets/statefulset-reader.js';
import type { KubeErrorContext } from './explain-kube-error.js';
import { makeApiClient } from './make-api-client.js';

type Scope = Pick<KubeErrorContext, 'cluster' | 'server' | 'timeoutMs'>;

export class KubeStatefulSetReader implements StatefulSetReader {
  private readonly apps: AppsV1Api;

  constructor(
    kc: KubeConfig,
    private readonly scope: Scope,
  ) {
    this.apps = makeApiClient(kc, AppsV1Api, scope.timeoutMs ?? 10_000);
  }

  async statefulSets(): Promise<unknown[]> {
    return (await this.apps.listStatefulSetForAllNamespaces()).items;
  }
}
