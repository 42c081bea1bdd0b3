import { CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import type { RegistryReader } from '../checks/registries/registry-reader.js';
import type { KubeErrorContext } from './explain-kube-error.js';
import { makeApiClient } from './make-api-client.js';

type Scope = Pick<KubeErrorContext, 'cluster' | 'server' | 'timeoutMs'>;

export class KubeRegistryReader implements RegistryReader {
  private readonly core: CoreV1Api;

  constructor(
    kc: KubeConfig,
    private readonly scope: Scope,
  ) {
    this.core = makeApiClient(kc, CoreV1Api, scope.timeoutMs ?? 10_000);
  }

  async images(): Promise<unknown[]> {
    return (await this.core.listPodForAllNamespaces()).items;
  }
}
