/**
 * The Kubernetes objects the readers of this folder read, as the API server sends them in JSON:
 * only the fields vigil reads, every one optional unless the API guarantees it, timestamps as the
 * RFC 3339 strings on the wire. The readers check types where a wrong one would reach a finding.
 */

export interface ObjectMeta {
  namespace?: string;
  name?: string;
  uid?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  finalizers?: string[];
  labels?: Record<string, string>;
  ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[];
  managedFields?: { manager?: string; operation?: string; subresource?: string; time?: string }[];
}

export interface KubeObject {
  metadata?: ObjectMeta;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface StatefulSet extends KubeObject {
  spec?: {
    replicas?: number;
    selector?: LabelSelector;
    ordinals?: { start?: number };
    podManagementPolicy?: string;
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
    minReadySeconds?: number;
    template?: { spec?: PodSpec };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
  };
}

export interface Container {
  name: string;
  image?: string;
}

export interface PodSpec {
  nodeName?: string;
  serviceAccountName?: string;
  imagePullSecrets?: { name?: string }[];
  initContainers?: Container[];
  containers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: { persistentVolumeClaim?: { claimName: string } }[];
}

export interface ContainerStateTerminated {
  reason?: string;
  exitCode: number;
  startedAt?: string;
  finishedAt?: string;
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: ContainerStateTerminated;
}

export interface ContainerStatus {
  name: string;
  image: string;
  ready: boolean;
  restartCount: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface Pod extends KubeObject {
  spec?: PodSpec;
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: Condition[];
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
    ephemeralContainerStatuses?: ContainerStatus[];
  };
}

/** Deployments, DaemonSets, StatefulSets and CronJobs, as far as their pod templates go. */
export interface PodTemplateOwner extends KubeObject {
  spec?: {
    template?: { spec?: PodSpec };
    jobTemplate?: { spec?: { template?: { spec?: PodSpec } } };
  };
}

export interface ServiceAccount extends KubeObject {
  imagePullSecrets?: { name?: string }[];
}

/** A core v1 Event (events.k8s.io-era writers fill eventTime and series instead of the counters). */
export interface Event extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  involvedObject?: { kind?: string; namespace?: string; name?: string; uid?: string };
}

export interface Secret extends KubeObject {
  type?: string;
  data?: unknown;
}

export interface ConfigMap extends KubeObject {
  data?: unknown;
}

export interface ControllerRevision extends KubeObject {
  revision: number;
}

export interface PersistentVolumeClaim extends KubeObject {
  spec?: { storageClassName?: string };
  status?: { phase?: string };
}

export interface Node extends KubeObject {
  spec?: { taints?: { key: string; effect: string }[] };
  status?: {
    conditions?: Condition[];
    addresses?: { type: string; address: string }[];
    daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
  };
}

export interface ServicePort {
  name?: string;
  port?: number;
  protocol?: string;
}

export interface EndpointSlice extends KubeObject {
  ports?: ServicePort[];
  endpoints?: { addresses?: string[] }[];
}

export interface Endpoints extends KubeObject {
  subsets?: { ports?: ServicePort[]; addresses?: { ip: string }[]; notReadyAddresses?: { ip: string }[] }[];
}

export interface ServiceReference {
  namespace: string;
  name: string;
  port?: number;
}

export interface WebhookConfiguration extends KubeObject {
  webhooks?: { name: string; clientConfig?: { caBundle?: unknown; service?: ServiceReference } }[];
}

export interface ApiService extends KubeObject {
  spec?: {
    caBundle?: unknown;
    insecureSkipTLSVerify?: boolean;
    service?: { namespace?: string; name?: string; port?: number };
  };
}

export interface CustomResourceDefinition extends KubeObject {
  spec?: { conversion?: { webhook?: { clientConfig?: { caBundle?: unknown; service?: ServiceReference } } } };
}
