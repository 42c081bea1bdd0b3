import { ApiException, AppsV1Api, BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { V1Pod, V1PodSpec } from '@kubernetes/client-node';
import type {
  ContainerImage,
  ImageUser,
  ImageUserKind,
  PullError,
  PullFailureEvent,
  PullSecretData,
  RegistryReader,
  ServiceAccountPullSecrets,
} from '../checks/registries/registry-reader.js';
import { explainKubeError } from './explain-kube-error.js';
import type { KubeConnection } from './kube-connection.js';
import { listInPages } from './list-in-pages.js';
import { makeApiClient } from './make-api-client.js';
import { requireStringData } from './require-string-data.js';

type Scope = KubeConnection['scope'];

/** Pods carry little once reduced to images; pages bound the response size, not what we keep. */
const PAGE_SIZE = 250;
const pullWaitingReasons = new Set(['ErrImagePull', 'ImagePullBackOff']);

interface Page<T> {
  items: T[];
  metadata?: { _continue?: string };
}

/**
 * Reads what the registry check needs and reduces each object to its images and pull secrets as it
 * arrives, so big clusters never hold whole pod lists. Pull-secret data leaves this class only as
 * the base64 values of the one Secret asked for; nothing here logs it.
 */
export class KubeRegistryReader implements RegistryReader {
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly batch: BatchV1Api;
  private readonly scope: Scope;

  constructor(kube: KubeConnection) {
    const kc = kube.kubeConfig;
    this.scope = kube.scope;
    const timeoutMs = this.scope.timeoutMs ?? 10_000;
    this.core = makeApiClient(kc, CoreV1Api, timeoutMs);
    this.apps = makeApiClient(kc, AppsV1Api, timeoutMs);
    this.batch = makeApiClient(kc, BatchV1Api, timeoutMs);
  }

  async imageUsers(): Promise<ImageUser[]> {
    const users: ImageUser[] = [];
    await this.walk(
      'pods',
      (t) => this.core.listPodForAllNamespaces(args(t)),
      (p) => users.push(podUser(p)),
    );
    const template = (kind: ImageUserKind) => (o: TemplateOwner) => {
      const spec = kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template?.spec : o.spec?.template?.spec;
      if (spec) users.push(specUser(kind, o.metadata?.namespace ?? '', o.metadata?.name ?? '', spec));
    };
    await this.walk(
      'deployments.apps',
      (t) => this.apps.listDeploymentForAllNamespaces(args(t)),
      template('Deployment'),
    );
    await this.walk(
      'statefulsets.apps',
      (t) => this.apps.listStatefulSetForAllNamespaces(args(t)),
      template('StatefulSet'),
    );
    await this.walk(
      'daemonsets.apps',
      (t) => this.apps.listDaemonSetForAllNamespaces(args(t)),
      template('DaemonSet'),
    );
    await this.walk(
      'cronjobs.batch',
      (t) => this.batch.listCronJobForAllNamespaces(args(t)),
      template('CronJob'),
    );
    return users;
  }

  async serviceAccountPullSecrets(): Promise<ServiceAccountPullSecrets[]> {
    const found: ServiceAccountPullSecrets[] = [];
    await this.walk(
      'serviceaccounts',
      (t) => this.core.listServiceAccountForAllNamespaces(args(t)),
      (sa) => {
        const names = (sa.imagePullSecrets ?? []).map((s) => s.name ?? '').filter(Boolean);
        if (names.length === 0) return;
        found.push({
          namespace: sa.metadata?.namespace ?? '',
          name: sa.metadata?.name ?? '',
          imagePullSecrets: names,
        });
      },
    );
    return found;
  }

  async pullFailureEvents(): Promise<PullFailureEvent[]> {
    const found: PullFailureEvent[] = [];
    await this.walk(
      'events',
      (t) =>
        this.core.listEventForAllNamespaces({
          // The kubelet reports pull failures with reason "Failed" (events.FailedToPullImage); both
          // fields are indexed by the API server, so only those events cross the wire.
          fieldSelector: 'involvedObject.kind=Pod,reason=Failed',
          ...args(t),
        }),
      (e) => {
        const message = e.message ?? '';
        if (!message.startsWith('Failed to pull image')) return;
        const first = e.firstTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
        const last = e.lastTimestamp ?? e.series?.lastObservedTime ?? first;
        found.push({
          namespace: e.involvedObject.namespace ?? e.metadata?.namespace ?? '',
          pod: e.involvedObject.name ?? '',
          message,
          ...(first ? { firstSeen: new Date(first).toISOString() } : {}),
          ...(last ? { lastSeen: new Date(last).toISOString() } : {}),
          count: e.count ?? e.series?.count ?? 1,
        });
      },
    );
    return found;
  }

  async pullSecret(namespace: string, name: string): Promise<PullSecretData> {
    try {
      const s = await this.core.readNamespacedSecret({ namespace, name });
      return {
        found: true,
        type: s.type ?? '',
        data: requireStringData(s.data, `Secret ${namespace}/${name}`, 'base64 text'),
      };
    } catch (err) {
      // The kubelet skips a missing pull secret and pulls without it; the check says so.
      if (err instanceof ApiException && err.code === 404) return { found: false };
      throw explainKubeError(err, { ...this.scope, verb: 'get', resource: `secrets ${namespace}/${name}` });
    }
  }

  private async walk<T extends { metadata?: { namespace?: string; name?: string } }>(
    resource: string,
    fetchPage: (token: string | undefined) => Promise<Page<T>>,
    each: (item: T) => void,
  ): Promise<void> {
    try {
      for await (const page of listInPages(fetchPage)) for (const item of page) each(item);
    } catch (err) {
      throw explainKubeError(err, { ...this.scope, verb: 'list', resource });
    }
  }
}

interface TemplateOwner {
  metadata?: { namespace?: string; name?: string };
  spec?: {
    template?: { spec?: V1PodSpec };
    jobTemplate?: { spec?: { template?: { spec?: V1PodSpec } } };
  };
}

function args(token: string | undefined): { limit: number; _continue?: string } {
  return { limit: PAGE_SIZE, ...(token !== undefined ? { _continue: token } : {}) };
}

function imagesOf(spec: V1PodSpec): ContainerImage[] {
  const out: ContainerImage[] = [];
  for (const c of spec.initContainers ?? [])
    out.push({ container: c.name, image: c.image ?? '', role: 'init' });
  for (const c of spec.containers) out.push({ container: c.name, image: c.image ?? '', role: 'container' });
  for (const c of spec.ephemeralContainers ?? []) {
    out.push({ container: c.name, image: c.image ?? '', role: 'ephemeral' });
  }
  return out.filter((c) => c.image !== '');
}

function specUser(kind: ImageUserKind, namespace: string, name: string, spec: V1PodSpec): ImageUser {
  return {
    kind,
    namespace,
    name,
    serviceAccountName: spec.serviceAccountName || 'default',
    imagePullSecrets: (spec.imagePullSecrets ?? []).map((s) => s.name ?? '').filter(Boolean),
    images: imagesOf(spec),
  };
}

function podUser(p: V1Pod): ImageUser {
  const user = specUser(
    'Pod',
    p.metadata?.namespace ?? '',
    p.metadata?.name ?? '',
    p.spec ?? { containers: [] },
  );
  const owner = p.metadata?.ownerReferences?.find((o) => o.controller) ?? p.metadata?.ownerReferences?.[0];
  if (owner) user.owner = { kind: owner.kind, name: owner.name };
  const hash = p.metadata?.labels?.['pod-template-hash'];
  if (hash) user.podTemplateHash = hash;
  const pullErrors: PullError[] = [];
  const statuses = [
    ...(p.status?.initContainerStatuses ?? []),
    ...(p.status?.containerStatuses ?? []),
    ...(p.status?.ephemeralContainerStatuses ?? []),
  ];
  for (const s of statuses) {
    const waiting = s.state?.waiting;
    if (!waiting?.reason || !pullWaitingReasons.has(waiting.reason)) continue;
    // status.image is what the kubelet tries to pull; the spec image is the same string.
    const specImage = user.images.find((i) => i.container === s.name)?.image;
    pullErrors.push({
      container: s.name,
      image: specImage ?? s.image,
      reason: waiting.reason,
      ...(waiting.message ? { message: waiting.message } : {}),
    });
  }
  if (pullErrors.length > 0) user.pullErrors = pullErrors;
  const notReady = p.status?.conditions?.find((c) => c.type === 'ContainersReady' && c.status === 'False');
  const since = notReady?.lastTransitionTime ?? p.metadata?.creationTimestamp;
  if (since) user.notReadySince = new Date(since).toISOString();
  return user;
}
