import type {
  ContainerStateTerminated,
  ContainerStatus,
  ControllerRevision,
  Event,
  Node,
  ObjectMeta,
  PersistentVolumeClaim,
  Pod,
  StatefulSet,
} from './kube-objects.js';
import type {
  ClaimInfo,
  ContainerInfo,
  EventInfo,
  NodeInfo,
  PodInfo,
  RevisionInfo,
  StatefulSetInfo,
  TerminationInfo,
} from '../checks/statefulsets/statefulset-reader.js';
import { labelSelectorText } from './statefulset-label-selector.js';

/**
 * API objects (kube-objects.ts) to the check's plain shapes. Only the fields the diagnosis reads are copied:
 * container env, command lines and the rest of the spec stay behind (they can hold secrets).
 */

/** An RFC 3339 timestamp from the API (MicroTime too) as ISO 8601 UTC; anything else is undefined. */
export function iso(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value === 'string' && value !== '') {
    const t = Date.parse(value);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  return undefined;
}

/**
 * managedFields record, per manager, when it last wrote the object; the status subresource is
 * written by the controller when its counts change. Both give real timestamps for "since when".
 */
function latestWrite(entries: ObjectMeta['managedFields'], status: boolean): string | undefined {
  let latest: string | undefined;
  for (const e of entries ?? []) {
    if ((e.subresource === 'status') !== status) continue;
    const t = iso(e.time);
    if (t && (!latest || t > latest)) latest = t;
  }
  return latest;
}

export function toStatefulSetInfo(s: StatefulSet): StatefulSetInfo {
  const meta = s.metadata ?? {};
  const spec = s.spec;
  const status = s.status;
  return {
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    generation: meta.generation,
    createdAt: iso(meta.creationTimestamp),
    specWrittenAt: latestWrite(meta.managedFields, false),
    statusWrittenAt: latestWrite(meta.managedFields, true),
    selector: labelSelectorText(spec?.selector),
    replicas: spec?.replicas ?? 1,
    ordinalsStart: spec?.ordinals?.start ?? 0,
    podManagementPolicy: spec?.podManagementPolicy === 'Parallel' ? 'Parallel' : 'OrderedReady',
    updateStrategy: spec?.updateStrategy?.type === 'OnDelete' ? 'OnDelete' : 'RollingUpdate',
    partition: spec?.updateStrategy?.rollingUpdate?.partition ?? 0,
    minReadySeconds: spec?.minReadySeconds ?? 0,
    status: {
      observedGeneration: status?.observedGeneration,
      replicas: status?.replicas ?? 0,
      readyReplicas: status?.readyReplicas ?? 0,
      availableReplicas: status?.availableReplicas ?? 0,
      currentReplicas: status?.currentReplicas ?? 0,
      updatedReplicas: status?.updatedReplicas ?? 0,
      currentRevision: status?.currentRevision || undefined,
      updateRevision: status?.updateRevision || undefined,
    },
  };
}

function termination(t: ContainerStateTerminated | undefined): TerminationInfo | undefined {
  if (!t) return undefined;
  return {
    reason: t.reason,
    exitCode: t.exitCode,
    startedAt: iso(t.startedAt),
    finishedAt: iso(t.finishedAt),
  };
}

function container(c: ContainerStatus, init: boolean): ContainerInfo {
  const state = c.state ?? {};
  return {
    name: c.name,
    init,
    ready: c.ready,
    restartCount: c.restartCount,
    waiting: state.waiting
      ? { reason: state.waiting.reason ?? 'Waiting', message: state.waiting.message }
      : undefined,
    running: state.running ? { startedAt: iso(state.running.startedAt) } : undefined,
    terminated: termination(state.terminated),
    lastTerminated: termination(c.lastState?.terminated),
  };
}

export function toPodInfo(p: Pod): PodInfo {
  const meta = p.metadata ?? {};
  const status = p.status ?? {};
  return {
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    createdAt: iso(meta.creationTimestamp),
    deletionTimestamp: iso(meta.deletionTimestamp),
    deletionGracePeriodSeconds: meta.deletionGracePeriodSeconds,
    finalizers: meta.finalizers ?? [],
    revision: meta.labels?.['controller-revision-hash'],
    nodeName: p.spec?.nodeName || undefined,
    phase: status.phase ?? 'Unknown',
    reason: status.reason,
    message: status.message,
    conditions: (status.conditions ?? []).map((c) => ({
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
      lastTransitionTime: iso(c.lastTransitionTime),
    })),
    containers: [
      ...(status.initContainerStatuses ?? []).map((c) => container(c, true)),
      ...(status.containerStatuses ?? []).map((c) => container(c, false)),
    ],
    claimNames: (p.spec?.volumes ?? []).flatMap((v) =>
      v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [],
    ),
  };
}

/** Pods the StatefulSet controls, or orphans it would adopt; never pods of another controller. */
export function controlledBy(p: Pod, uid: string): boolean {
  const owner = p.metadata?.ownerReferences?.find((o) => o.controller);
  return owner === undefined || owner.uid === uid;
}

export function toEventInfo(e: Event): EventInfo {
  // Old-style events carry count/firstTimestamp/lastTimestamp; events.k8s.io-era writers set
  // eventTime and series instead. The newest of them is when it last happened.
  const last = iso(e.series?.lastObservedTime) ?? iso(e.lastTimestamp) ?? iso(e.eventTime);
  return {
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: e.message ?? '',
    count: e.series?.count ?? e.count ?? 1,
    firstSeen: iso(e.firstTimestamp) ?? iso(e.eventTime) ?? iso(e.metadata?.creationTimestamp),
    lastSeen: last ?? iso(e.metadata?.creationTimestamp),
  };
}

const LOST_NODE_TAINTS = new Set(['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready']);

export function toNodeInfo(n: Node): NodeInfo {
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
  return {
    name: n.metadata?.name ?? '',
    ready: ready?.status ?? 'Unknown',
    readySince: iso(ready?.lastTransitionTime),
    readyReason: ready?.reason,
    unreachable: (n.spec?.taints ?? []).some((t) => LOST_NODE_TAINTS.has(t.key) && t.effect === 'NoExecute'),
  };
}

export function toClaimInfo(c: PersistentVolumeClaim): ClaimInfo {
  return {
    namespace: c.metadata?.namespace ?? '',
    name: c.metadata?.name ?? '',
    uid: c.metadata?.uid ?? '',
    phase: c.status?.phase ?? 'Pending',
    storageClassName: c.spec?.storageClassName,
    createdAt: iso(c.metadata?.creationTimestamp),
  };
}

export function toRevisionInfo(r: ControllerRevision): RevisionInfo {
  return { name: r.metadata?.name ?? '', revision: r.revision };
}
