/**
 * The port the StatefulSet check reads a cluster through (implemented in src/kube). Shapes are plain
 * data, timestamps are ISO 8601 strings, and only what the diagnosis needs is kept: never container
 * env, volumes' contents or anything from a Secret. Every method may throw a VigilError (`kube-*`
 * codes, see src/kube/explain-kube-error.ts); the check turns it into an `unknown` finding.
 *
 * Six small reads rather than one big one, so that a missing RBAC rule for one of them (events,
 * nodes) costs only that part of the diagnosis, not the whole check.
 */

export type PodManagementPolicy = 'OrderedReady' | 'Parallel';
export type UpdateStrategy = 'RollingUpdate' | 'OnDelete';

export interface StatefulSetInfo {
  namespace: string;
  name: string;
  uid: string;
  /** metadata.generation: bumped by the API server on every spec change. */
  generation?: number;
  createdAt?: string;
  /** Latest managedFields time of a write to the object itself (spec/metadata), not its status. */
  specWrittenAt?: string;
  /** Latest managedFields time of a status write (the controller writes status when counts change). */
  statusWrittenAt?: string;
  /** spec.selector in the API's string syntax, for listing pods and ControllerRevisions. */
  selector: string;
  /** spec.replicas (the API defaults it to 1). */
  replicas: number;
  /** spec.ordinals.start (default 0): pods are named `<name>-<start>` upwards. */
  ordinalsStart: number;
  podManagementPolicy: PodManagementPolicy;
  updateStrategy: UpdateStrategy;
  /** spec.updateStrategy.rollingUpdate.partition (default 0): pods with index >= partition update. */
  partition: number;
  minReadySeconds: number;
  status: {
    observedGeneration?: number;
    replicas: number;
    readyReplicas: number;
    availableReplicas: number;
    currentReplicas: number;
    updatedReplicas: number;
    currentRevision?: string;
    updateRevision?: string;
  };
}

export interface PodConditionInfo {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface TerminationInfo {
  reason?: string;
  exitCode: number;
  startedAt?: string;
  finishedAt?: string;
}

export interface ContainerInfo {
  name: string;
  /** An init container: it must exit 0 before the others start. */
  init: boolean;
  ready: boolean;
  restartCount: number;
  waiting?: { reason: string; message?: string };
  running?: { startedAt?: string };
  terminated?: TerminationInfo;
  /** lastState.terminated: why the previous run ended (exit code, OOMKilled). */
  lastTerminated?: TerminationInfo;
}

export interface PodInfo {
  namespace: string;
  name: string;
  uid: string;
  createdAt?: string;
  /** Set once deletion was requested: the pod is Terminating. */
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  finalizers: string[];
  /** The `controller-revision-hash` label: the ControllerRevision the pod was created from. */
  revision?: string;
  nodeName?: string;
  /** status.phase: Pending, Running, Succeeded, Failed or Unknown. */
  phase: string;
  /** status.reason, e.g. Evicted or NodeLost. */
  reason?: string;
  message?: string;
  conditions: PodConditionInfo[];
  containers: ContainerInfo[];
  /** Names of the PersistentVolumeClaims the pod mounts. */
  claimNames: string[];
}

export interface EventInfo {
  type: string;
  reason: string;
  message: string;
  /** How many times it happened (core v1 `count`, or `series.count`). */
  count: number;
  firstSeen?: string;
  lastSeen?: string;
}

export interface NodeInfo {
  name: string;
  /** The Ready condition: 'True', 'False', or 'Unknown' when the kubelet stopped posting status. */
  ready: string;
  readySince?: string;
  readyReason?: string;
  /** A NoExecute `node.kubernetes.io/unreachable` or `not-ready` taint is set. */
  unreachable: boolean;
}

export interface ClaimInfo {
  namespace: string;
  name: string;
  uid: string;
  /** Pending (not bound), Bound or Lost. */
  phase: string;
  storageClassName?: string;
  createdAt?: string;
}

export interface RevisionInfo {
  name: string;
  /** ControllerRevision.revision: increases with each template change (a revert bumps the old one). */
  revision: number;
}

export interface EventSubject {
  kind: 'Pod' | 'StatefulSet' | 'PersistentVolumeClaim';
  namespace: string;
  name: string;
  /** Narrows to this incarnation: a pod recreated under the same name has a new uid. */
  uid?: string;
}

export interface StatefulSetListOptions {
  /** One namespace, or all namespaces when undefined. */
  namespace?: string;
  /** Namespaces left out server-side (field selector) when listing all namespaces. */
  excludeNamespaces: readonly string[];
  pageSize: number;
}

export interface StatefulSetReader {
  /** StatefulSets page by page. */
  statefulSetPages(opts: StatefulSetListOptions): AsyncIterable<StatefulSetInfo[]>;
  /** Pods the StatefulSet selects and controls (or would adopt), in any order. */
  podsOf(sts: StatefulSetInfo): Promise<PodInfo[]>;
  /** The StatefulSet's ControllerRevisions (template history). */
  revisionsOf(sts: StatefulSetInfo): Promise<RevisionInfo[]>;
  /** Events about one object, any order. */
  eventsAbout(subject: EventSubject): Promise<EventInfo[]>;
  /** A PersistentVolumeClaim, or null when it does not exist. */
  claim(namespace: string, name: string): Promise<ClaimInfo | null>;
  /** A Node, or null when it does not exist (any more). */
  node(name: string): Promise<NodeInfo | null>;
}
