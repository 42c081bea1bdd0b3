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
import { kubeStatusOf } from './kube-api-error.js';
import type { KubeClient } from './kube-client.js';
import type { KubeConnection } from './kube-connection.js';
import type {
  Event,
  KubeObject,
  Pod,
  PodSpec,
  PodTemplateOwner,
  Secret,
  ServiceAccount,
} from './kube-objects.js';
import { listAll } from './list-in-pages.js';
import { requireStringData } from './require-string-data.js';

type Scope = KubeConnection['scope'];

/** Pods carry little once reduced to images; pages bound the response size, not what we keep. */
const PAGE_SIZE = 250;
const pullWaitingReasons = new Set(['ErrImagePull', 'ImagePullBackOff']);

/**
 * Reads what the registry check needs and reduces each object to its images and pull secrets as it
 * arrives, so big clusters never hold whole pod lists. Pull-secret data leaves this class only as
 * the base64 values of the one Secret asked for; nothing here logs it.
 */
export class KubeRegistryReader implements RegistryReader {
  private readonly kube: KubeClient;
  private readonly scope: Scope;

  constructor(kube: KubeConnection) {
    this.kube = kube.client;
    this.scope = kube.scope;
  }

  async imageUsers(): Promise<ImageUser[]> {
    const users: ImageUser[] = [];
    await this.walk('pods', listAll<Pod>(this.kube, '/api/v1/pods', {}, PAGE_SIZE), (p) =>
      users.push(podUser(p)),
    );
    const template = (kind: ImageUserKind) => (o: PodTemplateOwner) => {
      const spec = kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template?.spec : o.spec?.template?.spec;
      if (spec) users.push(specUser(kind, o.metadata?.namespace ?? '', o.metadata?.name ?? '', spec));
    };
    await this.walk(
      'deployments.apps',
      listAll<PodTemplateOwner>(this.kube, '/apis/apps/v1/deployments', {}, PAGE_SIZE),
      template('Deployment'),
    );
    await this.walk(
      'statefulsets.apps',
      listAll<PodTemplateOwner>(this.kube, '/apis/apps/v1/statefulsets', {}, PAGE_SIZE),
      template('StatefulSet'),
    );
    await this.walk(
      'daemonsets.apps',
      listAll<PodTemplateOwner>(this.kube, '/apis/apps/v1/daemonsets', {}, PAGE_SIZE),
      template('DaemonSet'),
    );
    await this.walk(
      'cronjobs.batch',
      listAll<PodTemplateOwner>(this.kube, '/apis/batch/v1/cronjobs', {}, PAGE_SIZE),
      template('CronJob'),
    );
    return users;
  }

  async serviceAccountPullSecrets(): Promise<ServiceAccountPullSecrets[]> {
    const found: ServiceAccountPullSecrets[] = [];
    await this.walk(
      'serviceaccounts',
      listAll<ServiceAccount>(this.kube, '/api/v1/serviceaccounts', {}, PAGE_SIZE),
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
      // The kubelet reports pull failures with reason "Failed" (events.FailedToPullImage); both
      // fields are indexed by the API server, so only those events cross the wire.
      listAll<Event>(
        this.kube,
        '/api/v1/events',
        { fieldSelector: 'involvedObject.kind=Pod,reason=Failed' },
        PAGE_SIZE,
      ),
      (e) => {
        const message = e.message ?? '';
        if (!message.startsWith('Failed to pull image')) return;
        const first = e.firstTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
        const last = e.lastTimestamp ?? e.series?.lastObservedTime ?? first;
        found.push({
          namespace: e.involvedObject?.namespace ?? e.metadata?.namespace ?? '',
          pod: e.involvedObject?.name ?? '',
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
      const s = (await this.kube.get(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`,
      )) as Secret | null;
      return {
        found: true,
        type: typeof s?.type === 'string' ? s.type : '',
        data: requireStringData(s?.data, `Secret ${namespace}/${name}`, 'base64 text'),
      };
    } catch (err) {
      // The kubelet skips a missing pull secret and pulls without it; the check says so.
      if (kubeStatusOf(err) === 404) return { found: false };
      throw explainKubeError(err, { ...this.scope, verb: 'get', resource: `secrets ${namespace}/${name}` });
    }
  }

  private async walk<T extends KubeObject>(
    resource: string,
    pages: AsyncIterable<T[]>,
    each: (item: T) => void,
  ): Promise<void> {
    try {
      for await (const page of pages) for (const item of page) each(item);
    } catch (err) {
      throw explainKubeError(err, { ...this.scope, verb: 'list', resource });
    }
  }
}

function imagesOf(spec: PodSpec): ContainerImage[] {
  const out: ContainerImage[] = [];
  for (const c of spec.initContainers ?? [])
    out.push({ container: c.name, image: c.image ?? '', role: 'init' });
  for (const c of spec.containers ?? [])
    out.push({ container: c.name, image: c.image ?? '', role: 'container' });
  for (const c of spec.ephemeralContainers ?? []) {
    out.push({ container: c.name, image: c.image ?? '', role: 'ephemeral' });
  }
  return out.filter((c) => c.image !== '');
}

function specUser(kind: ImageUserKind, namespace: string, name: string, spec: PodSpec): ImageUser {
  return {
    kind,
    namespace,
    name,
    serviceAccountName: spec.serviceAccountName || 'default',
    imagePullSecrets: (spec.imagePullSecrets ?? []).map((s) => s.name ?? '').filter(Boolean),
    images: imagesOf(spec),
  };
}

function podUser(p: Pod): ImageUser {
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
